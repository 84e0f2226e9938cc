// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <string.h>

#include "sip/rule_match.h"

static __u8 lower(__u8 c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

unsigned int sl_rule_method_number(const struct sl_config *cfg,
				   const struct sl_rule_view *v)
{
	__u8 name[SL_METHOD_MAX_LEN] = { 0 };

	if (!v->method_len || v->method_len > SL_METHOD_MAX_LEN)
		return SL_METHOD_OTHER;
	memcpy(name, v->w, v->method_len);
	/* every slot: this does not depend on the hash placing the names */
	for (unsigned int i = 0; i < SL_METHOD_SLOTS; i++) {
		const struct sl_method_slot *m = &cfg->methods[i];

		if (m->len && m->len == v->method_len &&
		    !memcmp(m->name, name, sizeof(name)) &&
		    m->id < SL_METHOD_NAMES)
			return m->id;
	}
	return SL_METHOD_OTHER;
}

static bool src_matches(const struct sl_rule *r, const struct sl_rule_view *v)
{
	for (unsigned int j = 0; j < r->n_prefixes && j < SL_MAX_PREFIXES; j++) {
		const struct sl_prefix *p = &r->prefixes[j];
		unsigned int k;

		if (p->family != v->family)
			continue;
		for (k = 0; k < 16; k++)
			if ((v->src[k] & p->mask[k]) != p->addr[k])
				break;
		if (k == 16)
			return true;
	}
	return false;
}

static bool port_matches(const struct sl_rule *r, const struct sl_rule_view *v)
{
	for (unsigned int j = 0; j < r->n_ports && j < SL_MAX_PORTS; j++)
		if (r->ports[j] == v->dport)
			return true;
	return false;
}

/* The part is m (or starts with it when m->prefix); fold: any case. */
static bool part_matches(const struct sl_rule_view *v, struct sl_view_span p,
			 const struct sl_match_str *m, bool fold)
{
	__u32 n = m->len, i;

	if (p.e == SL_VIEW_NONE || p.e < p.s || p.e - p.s < n ||
	    (!m->prefix && p.e - p.s != n))
		return false;
	for (i = 0; i < n; i++) {
		__u8 c = v->w[p.s + i];

		if ((fold ? lower(c) : c) != m->bytes[i])
			return false;
	}
	return true;
}

/* m (lower case) occurs in the User-Agent value, in any case. */
static bool ua_matches(const struct sl_rule_view *v,
		       const struct sl_match_str *m)
{
	__u32 n = m->len;

	if (v->ua.e == SL_VIEW_NONE || v->ua.e < v->ua.s || !n ||
	    v->ua.e - v->ua.s < n)
		return false;
	for (__u32 s = v->ua.s; s + n <= v->ua.e; s++) {
		__u32 i;

		for (i = 0; i < n; i++)
			if (lower(v->w[s + i]) != m->bytes[i])
				break;
		if (i == n)
			return true;
	}
	return false;
}

bool sl_rule_matches(const struct sl_config *cfg, const struct sl_rule *r,
		     const struct sl_rule_view *v)
{
	/* an unseen part: matched by a rule that drops or replies */
	bool strict = r->action != SL_ACTION_PASS;
	__u32 keys = r->keys;

	if (keys & SL_KEY_METHOD) {
		if (v->unseen & SL_UNSEEN_METHOD ? !strict :
		    !((r->method_mask >> sl_rule_method_number(cfg, v)) & 1))
			return false;
	}
	if ((keys & SL_KEY_SRC) && !src_matches(r, v))
		return false;
	if ((keys & SL_KEY_PORT) && !port_matches(r, v))
		return false;
	if (keys & SL_KEY_RURI_USER) {
		if (v->unseen & SL_UNSEEN_RURI ? !strict :
		    !part_matches(v, v->ruri_user, &r->ruri_user_prefix, false))
			return false;
	}
	if (keys & SL_KEY_USER_AGENT) {
		if (v->unseen & SL_UNSEEN_UA ? !strict :
		    !ua_matches(v, &r->user_agent))
			return false;
	}
	if (keys & SL_KEY_FROM_USER) {
		if (v->unseen & SL_UNSEEN_FROM ? !strict :
		    !part_matches(v, v->from_user, &r->from_user, false))
			return false;
	}
	if (keys & SL_KEY_FROM_DOMAIN) {
		if (v->unseen & SL_UNSEEN_FROM ? !strict :
		    !part_matches(v, v->from_host, &r->from_domain, true))
			return false;
	}
	if (keys & SL_KEY_TO_USER) {
		if (v->unseen & SL_UNSEEN_TO ? !strict :
		    !part_matches(v, v->to_user, &r->to_user, false))
			return false;
	}
	return true;
}

__u32 sl_rule_match(const struct sl_config *cfg, const struct sl_rule *rules,
		    const struct sl_rule_view *v, __u8 *action)
{
	__u64 ruled_out = v->backend_down ? cfg->when_up : cfg->when_down;

	for (__u32 i = 0; i < cfg->n_rules && i < SL_MAX_RULES; i++) {
		if ((ruled_out >> i) & 1)
			continue;
		if (sl_rule_matches(cfg, &rules[i], v)) {
			*action = rules[i].action;
			return i;
		}
	}
	*action = cfg->default_action;
	return SL_RULE_NONE;
}

__u32 sl_rule_match_source(const struct sl_config *cfg,
			   const struct sl_rule *rules, __u8 family,
			   const __u8 src[16], __u8 *action)
{
	struct sl_rule_view v;

	memset(&v, 0, sizeof(v));
	v.family = family;
	memcpy(v.src, src, sizeof(v.src));
	for (__u32 i = 0; i < cfg->n_rules && i < SL_MAX_RULES; i++) {
		const struct sl_rule *r = &rules[i];

		/* a rule without keys takes it too; one with when none */
		if ((r->keys & ~(__u32)SL_KEY_SRC) ||
		    (((cfg->when_up | cfg->when_down) >> i) & 1) ||
		    ((r->keys & SL_KEY_SRC) && !src_matches(r, &v)))
			continue;
		*action = r->action;
		return i;
	}
	*action = SL_ACTION_PASS;
	return SL_RULE_NONE;
}
