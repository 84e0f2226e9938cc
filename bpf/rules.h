/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The rule table (DESIGN.md 5): tried in order, first match wins, all
 * given keys must match.  Methods compare case-sensitively a word at a
 * time; prefixes are pre-masked by sl-ctl; the User-Agent substring is
 * compared case-insensitively (the rule holds it lower-cased).
 */
#ifndef SL_RULES_H
#define SL_RULES_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sl_xdp_shared.h"
#include "net/payload.h"
#include "sip/scratch.h"
#include "sip/request_line.h"
#include "maps.h"

static __always_inline int method_matches(const struct sl_rule *r,
					  const struct req_info *ri)
{
	int j, k;

	if (r->method_any)
		return 1;
#pragma unroll
	for (j = 0; j < SL_MAX_METHODS; j++) {
		const struct sl_method_name *m = &r->methods[j];
		const __u64 *w = (const __u64 *)m->name;
		int eq = 1;

		if (j >= r->n_methods)
			break;
		if (m->len != ri->method_len)
			continue;
#pragma unroll
		for (k = 0; k < SL_METHOD_MAX_LEN / 8; k++)
			eq &= w[k] == ri->method[k];
		if (eq)
			return 1;
	}
	return 0;
}

static __always_inline int src_matches(const struct sl_rule *r,
				       const struct req_info *ri)
{
	int j;

#pragma unroll
	for (j = 0; j < SL_MAX_PREFIXES; j++) {
		const struct sl_prefix *p = &r->prefixes[j];
		const __u64 *a = (const __u64 *)p->addr;
		const __u64 *m = (const __u64 *)p->mask;

		if (j >= r->n_prefixes)
			break;
		if (p->family == ri->family &&
		    ((ri->src[0] & m[0]) == a[0]) &&
		    ((ri->src[1] & m[1]) == a[1]))
			return 1;
	}
	return 0;
}

static __always_inline int port_matches(const struct sl_rule *r,
					const struct req_info *ri)
{
	int j;

#pragma unroll
	for (j = 0; j < SL_MAX_PORTS; j++) {
		if (j >= r->n_ports)
			break;
		if (r->ports[j] == ri->dport)
			return 1;
	}
	return 0;
}

/* Do the n bytes at off (scratch, lower-cased if fold) equal s? */
static __always_inline int bytes_equal(const __u8 *buf, __u32 off,
				       const struct sl_match_str *s, int fold)
{
	const __u64 *want = (const __u64 *)s->bytes;
	__u32 n = s->len;
	int k;

#pragma unroll
	for (k = 0; k < SL_MATCH_STR_MAX / 8; k++) {
		__u64 w, mask;

		if ((__u32)k * 8 >= n)
			break;
		w = sw(buf, off + k * 8);
		if (fold)
			w = lower_word(w);
		mask = first_bytes(n - k * 8);
		if ((w & mask) != want[k])
			return 0;
	}
	return 1;
}

static __always_inline int ruri_user_matches(const struct sl_rule *r,
					     const struct req_info *ri)
{
	const struct sl_match_str *p = &r->ruri_user_prefix;

	if (ri->user_e == POS_NONE || p->len == 0 ||
	    ri->user_e - ri->user_s < p->len)
		return 0;
	return bytes_equal(ri->scr->buf, ri->user_s, p, 0);
}

static long ua_pos_cb(__u32 idx, void *data)
{
	struct loop_ctx *lc = data;
	struct sl_scratch *x = lc->scr;
	struct ua_search *u = &x->ua;
	__u32 pos = u->s + idx;

	if (pos > u->last)
		return 1;
	if (bytes_equal(x->buf, pos, &lc->rule->user_agent, 1)) {
		u->found = 1;
		return 1;
	}
	return 0;
}

static __always_inline int ua_matches(const struct sl_rule *r,
				      const struct req_info *ri)
{
	struct loop_ctx lc = { .scr = ri->scr, .rule = r };
	struct ua_search *u = &ri->scr->ua;
	__u32 n = r->user_agent.len;

	if (n == 0 || ri->ua.e <= ri->ua.s || ri->ua.e - ri->ua.s < n)
		return 0;
	u->s = ri->ua.s;
	u->last = ri->ua.e - n;
	u->found = 0;
	bpf_loop(SL_SCRATCH_LEN, ua_pos_cb, &lc, 0);
	return u->found;
}

static __always_inline int rule_matches(const struct sl_rule *r,
					const struct req_info *ri)
{
	__u32 keys = r->keys;

	if ((keys & SL_KEY_METHOD) && !method_matches(r, ri))
		return 0;
	if ((keys & SL_KEY_SRC) && !src_matches(r, ri))
		return 0;
	if ((keys & SL_KEY_PORT) && !port_matches(r, ri))
		return 0;
	if ((keys & SL_KEY_RURI_USER) && !ruri_user_matches(r, ri))
		return 0;
	if ((keys & SL_KEY_USER_AGENT) && !ua_matches(r, ri))
		return 0;
	return 1;
}

static long rule_cb(__u32 idx, void *data)
{
	struct req_info *ri = data;
	__u32 key = ri->rule_base + idx;
	struct sl_rule *r;

	if (idx >= ri->n_rules)
		return 1;
	r = bpf_map_lookup_elem(&sl_rules, &key);
	if (!r)
		return 1;
	if (rule_matches(r, ri)) {
		ri->matched = idx;
		ri->matched_action = r->action;
		return 1;
	}
	return 0;
}

/* Index of the first matching rule, POS_NONE if none. */
static __always_inline __u32 rules_eval(struct req_info *ri, __u32 bank,
					__u32 n_rules)
{
	ri->rule_base = bank * SL_MAX_RULES;
	ri->n_rules = n_rules > SL_MAX_RULES ? SL_MAX_RULES : n_rules;
	ri->matched = POS_NONE;
	if (ri->n_rules)
		bpf_loop(SL_MAX_RULES, rule_cb, ri, 0);
	return ri->matched;
}

#endif /* SL_RULES_H */
