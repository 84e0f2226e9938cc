// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The [forward] and [rewrite NAME] keys: stateless reply forwarding
 * (Kamailio's sl_forward_reply), stored in struct sl_fwd_config.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "conf/parse.h"

/* ---- [forward] and [rewrite NAME] keys ---- */

/* via = ADDR[:PORT][, ADDR[:PORT]...]: up to SL_FWD_VIAS sent-by
 * addresses (a dual-stack proxy writes one per family). */
static int fwd_via(struct parse_ctx *c, const char *key, const char *val)
{
	static const __u8 v4mapped[12] = { [10] = 0xff, [11] = 0xff };
	struct sl_fwd_config *f = &c->s->dp.fwd;
	char item[128];
	const char *p = val, *it;
	struct conf_addr_port ap;
	size_t len;

	f->n_vias = 0;
	memset(f->vias, 0, sizeof(f->vias));
	while (conf_next_item(&p, &it, &len)) {
		struct sl_fwd_via *w;

		if (!len)
			return conf_fail(c, "%s: empty item in the list", key);
		if (len >= sizeof(item))
			return conf_fail(c, "%s: '%.*s' is not an IP address", key,
				    (int)len, it);
		memcpy(item, it, len);
		item[len] = '\0';
		if (conf_parse_addr_port(c, key, item, true, &ap))
			return -1;
		if (ap.family == AF_INET6 && !memcmp(ap.bin, v4mapped, 12))
			return conf_fail(c, "%s: '%s' is an IPv4-mapped IPv6 address; write the IPv4 address (a Via holds one or the other)",
				    key, item);
		if (f->n_vias == SL_FWD_VIAS)
			return conf_fail(c, "%s: more than %d addresses", key, SL_FWD_VIAS);
		w = &f->vias[f->n_vias];
		w->family = ap.family == AF_INET ? 4 : 6;
		memcpy(w->addr, ap.bin, ap.family == AF_INET ? 4 : 16);
		w->port = ap.port ? ap.port : SL_DEFAULT_PORT;
		for (unsigned int i = 0; i < f->n_vias; i++)
			if (f->vias[i].family == w->family &&
			    f->vias[i].port == w->port &&
			    !memcmp(f->vias[i].addr, w->addr, 16))
				return conf_fail(c, "%s: '%s' is listed twice", key, item);
		f->n_vias++;
	}
	return 0;
}

static struct sl_fwd_rewrite *cur_rewrite(struct parse_ctx *c)
{
	return &c->s->dp.fwd.rewrites[c->rewrite];
}

/*
 * sl_forward_reply cannot change the class of a reply: every code (or the
 * class) a rewrite matches must have the first digit of its new code.
 * Checked by whichever of code and reply comes second (k).
 */
static int check_rewrite_class(struct parse_ctx *c, int k)
{
	unsigned other = c->rewrite_seen[c->rewrite][k == W_CODE ? W_REPLY : W_CODE];
	const struct sl_fwd_rewrite *w = cur_rewrite(c);
	char reply_class = w->new_code[0], matched[8];
	unsigned i;

	if (!other)
		return 0;
	if (w->class_digit) {
		if ('0' + w->class_digit == reply_class)
			return 0;
		snprintf(matched, sizeof(matched), "%cxx", '0' + w->class_digit);
	} else {
		for (i = 0; i < w->n_codes; i++)
			if ('0' + w->codes[i] / 100 != reply_class)
				break;
		if (i == w->n_codes)
			return 0;
		snprintf(matched, sizeof(matched), "%u", w->codes[i]);
	}
	if (k == W_CODE)
		return conf_fail(c, "code: %s and reply %.3s (line %u) are of different classes (%cxx, %cxx): sl_forward_reply cannot change the reply code class",
			    matched, (const char *)w->new_code, other,
			    matched[0], reply_class);
	return conf_fail(c, "reply: %.3s and code %s (line %u) are of different classes (%cxx, %cxx): sl_forward_reply cannot change the reply code class",
		    (const char *)w->new_code, matched, other, reply_class,
		    matched[0]);
}

/* "480", "480, 486 487" (commas and/or blanks) or one class "4xx". */
static int rewrite_code(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_fwd_rewrite *w = cur_rewrite(c);
	__u16 codes[SL_REWRITE_CODES], code;
	unsigned n = 0, i, class_digit = 0;
	const char *p = val, *it;
	bool is_class;
	size_t len;

	while (*p) {
		for (it = p; *p && *p != ',' && !conf_is_blank(*p); p++)
			;
		len = p - it;
		if (!len)
			return conf_fail(c, "%s: empty item in the list", key);
		is_class = len == 3 && it[0] >= '1' && it[0] <= '6' &&
			   it[1] == 'x' && it[2] == 'x';
		if (class_digit || (is_class && n))
			return conf_fail(c, "%s: '%s' mixes a class with other items (one class such as 4xx, or a list of codes)",
				    key, val);
		if (is_class) {
			class_digit = it[0] - '0';
		} else if (conf_parse_code(it, len, &code)) {
			for (i = 0; i < n; i++)
				if (codes[i] == code)
					return conf_fail(c, "%s: %u is listed twice",
						    key, code);
			if (n == SL_REWRITE_CODES)
				return conf_fail(c, "%s: more than %d codes", key,
					    SL_REWRITE_CODES);
			codes[n++] = code;
		} else {
			return conf_fail(c, "%s: '%.*s' is not a status code (100..699) or a class (1xx..6xx)",
				    key, (int)len, it);
		}
		while (conf_is_blank(*p))
			p++;
		if (*p == ',') {
			for (p++; conf_is_blank(*p); p++)
				;
			if (!*p)
				return conf_fail(c, "%s: empty item in the list", key);
		}
	}
	memset(w->codes, 0, sizeof(w->codes));
	memcpy(w->codes, codes, n * sizeof(codes[0]));
	w->n_codes = n;
	w->class_digit = class_digit;
	return check_rewrite_class(c, W_CODE);
}

static int rewrite_reply(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_fwd_rewrite *w = cur_rewrite(c);
	const char *reason;
	size_t len, i;
	__u16 code;

	if (conf_parse_reply(c, key, val, &code, &reason))
		return -1;
	len = strlen(reason);
	if (len > SL_FWD_REASON_MAX)
		return conf_fail(c, "%s: the reason is too long (%zu bytes, at most %d)",
			    key, len, SL_FWD_REASON_MAX);
	for (i = 0; i < len; i++)
		if ((unsigned char)reason[i] < 0x20 ||
		    (unsigned char)reason[i] > 0x7e)
			return conf_fail(c, "%s: byte 0x%02x in the reason is not printable ASCII",
				    key, (unsigned char)reason[i]);
	w->new_code[0] = '0' + code / 100;
	w->new_code[1] = '0' + code / 10 % 10;
	w->new_code[2] = '0' + code % 10;
	w->new_code[3] = 0;
	memset(w->reason, 0, sizeof(w->reason));
	memcpy(w->reason, reason, len);
	w->reason_len = len;
	return check_rewrite_class(c, W_REPLY);
}

/* peers = PREFIXES: the sources whose responses may be forwarded (the
 * upstreams the proxy sends its requests to). */
static int fwd_peers(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_fwd_config *f = &c->s->dp.fwd;

	return conf_parse_prefix_list(c, key, val, f->peers, SL_FWD_PEERS,
				      &f->n_peers);
}

static int fwd_allow_redirect(struct parse_ctx *c, const char *key,
			      const char *val)
{
	return conf_parse_bool(c, key, val, &c->s->dp.fwd.allow_redirect);
}

static int fwd_rate_limit(struct parse_ctx *c, const char *key, const char *val)
{
	return conf_parse_rate(c, key, val, &c->s->fwd_rate_limit);
}

static int fwd_burst(struct parse_ctx *c, const char *key, const char *val)
{
	return conf_parse_u32(c, key, val, &c->s->fwd_burst);
}

const struct key_def conf_fwd_keys[F_N] = {
	[F_VIA]			= { "via", fwd_via, false },
	[F_PEERS]		= { "peers", fwd_peers, false },
	[F_ALLOW_REDIRECT]	= { "allow_redirect", fwd_allow_redirect, false },
	[F_RATE_LIMIT]		= { "rate_limit", fwd_rate_limit, false },
	[F_BURST]		= { "burst", fwd_burst, false },
};

const struct key_def conf_rewrite_keys[W_N] = {
	[W_CODE]	= { "code", rewrite_code, false },
	[W_REPLY]	= { "reply", rewrite_reply, false },
};
