/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The rule table (DESIGN.md 5): tried in order, first match wins, all
 * given keys must match.  user/sip/rule_match.c is the reference this
 * file is held to (tests/bpf/test_xdp_fuzz.c).
 *
 * Per packet, whatever the number of rules, once: the method's number
 * (sip/method.h), the User-Agent through the bank's automaton
 * (sip/ua_automaton.h), the From / To URI parts (sip/uri.h).  Per rule,
 * a bounded amount: one bit for the method and one for the User-Agent,
 * up to SL_MAX_PREFIXES prefixes and SL_MAX_PORTS ports, and at most
 * SL_MATCH_STR_MAX / 8 words for each string key.  Prefixes are
 * pre-masked by sl-ctl; case-insensitive strings are stored lower case.
 *
 * A part the window does not show (enum unseen) matches the key of a
 * rule that drops or replies and not the key of one that passes, so that
 * hiding a part past what is read never gets a request more than
 * showing it.
 */
#ifndef SL_RULES_H
#define SL_RULES_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sl_xdp_shared.h"
#include "net/payload.h"
#include "sip/scratch.h"
#include "sip/method.h"
#include "sip/ua_automaton.h"
#include "sip/uri.h"
#include "maps.h"

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

/* The part p is m, or starts with it when m->prefix. */
static __always_inline int part_matches(const __u8 *buf, struct span p,
					const struct sl_match_str *m, int fold)
{
	__u32 n = m->len;

	if (p.e == POS_NONE || p.e < p.s || p.e - p.s < n ||
	    (!m->prefix && p.e - p.s != n))
		return 0;
	return bytes_equal(buf, p.s, m, fold);
}

/* A string key on part p (unseen: whether its part is past the window);
 * strict: the rule drops or replies. */
#define STR_KEY(unseen, strict, match)	((unseen) ? (strict) : (match))

static __always_inline int rule_matches(struct sl_scratch *x,
					const struct sl_rule *r, __u32 idx)
{
	const struct req_info *ri = &x->ri;
	__u32 keys = r->keys, unseen = ri->unseen;
	int strict = r->action != SL_ACTION_PASS;

	/* a frame read only up to its source: the other keys are unknown */
	if (ri->src_only && (keys & ~SL_KEY_SRC))
		return 0;
	if ((keys & SL_KEY_METHOD) &&
	    !STR_KEY(unseen & UNSEEN_METHOD, strict,
		     (r->method_mask >> (ri->method_id & SL_METHOD_OTHER)) & 1))
		return 0;
	if ((keys & SL_KEY_SRC) && !src_matches(r, ri))
		return 0;
	if ((keys & SL_KEY_PORT) && !port_matches(r, ri))
		return 0;
	if ((keys & SL_KEY_RURI_USER) &&
	    !STR_KEY(unseen & UNSEEN_RURI, strict,
		     part_matches(x->buf, ri->ruri_user, &r->ruri_user_prefix, 0)))
		return 0;
	if ((keys & SL_KEY_USER_AGENT) &&
	    !STR_KEY(unseen & UNSEEN_UA, strict,
		     (ri->ua_hits >> (idx & (SL_MAX_RULES - 1))) & 1))
		return 0;
	if ((keys & SL_KEY_FROM_USER) &&
	    !STR_KEY(unseen & UNSEEN_FROM, strict,
		     part_matches(x->buf, ri->from_user, &r->from_user, 0)))
		return 0;
	if ((keys & SL_KEY_FROM_DOMAIN) &&
	    !STR_KEY(unseen & UNSEEN_FROM, strict,
		     part_matches(x->buf, ri->from_host, &r->from_domain, 1)))
		return 0;
	if ((keys & SL_KEY_TO_USER) &&
	    !STR_KEY(unseen & UNSEEN_TO, strict,
		     part_matches(x->buf, ri->to_user, &r->to_user, 0)))
		return 0;
	return 1;
}

/* de Bruijn sequence for the index of a word's lowest set bit */
#define DEBRUIJN64	0x03f79d71b4cb0a89ULL
static const __u8 debruijn_index[64] = {
	0, 1, 48, 2, 57, 49, 28, 3, 61, 58, 50, 42, 38, 29, 17, 4,
	62, 55, 59, 36, 53, 51, 43, 22, 45, 39, 33, 30, 24, 18, 12, 5,
	63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21, 44, 32, 23, 11,
	46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9, 13, 8, 7, 6,
};

/* One candidate rule (the lowest bit of ri->cand) a step. */
static long rule_cb(__u32 i, void *data)
{
	struct sl_scratch *x = ((struct loop_ctx *)data)->scr;
	struct req_info *ri = &x->ri;
	__u64 cand = ri->cand;
	__u32 idx, key;
	struct sl_rule *r;

	if (!cand)
		return 1;
	idx = debruijn_index[((cand & -cand) * DEBRUIJN64) >> 58];
	ri->cand = cand & (cand - 1);
	key = ri->rule_base + (idx & (SL_MAX_RULES - 1));
	r = bpf_map_lookup_elem(&sl_rules, &key);
	if (!r)
		return 1;
	if (rule_matches(x, r, idx)) {
		ri->matched = idx;
		ri->matched_action = r->action;
		return 1;
	}
	return 0;
}

/*
 * The first of n_rules rules of bank that takes the request in x->ri
 * (its action in x->ri.matched_action, its hit counted), -1 if none.
 * Only the rules the method and the User-Agent let through are visited
 * (cfg's prefilters), in order.  A global function: requests and frames
 * read only up to their source (src_only) share one verification.
 */
__noinline int sl_rules_eval(__u32 bank, __u32 n_rules)
{
	struct loop_ctx lc = {};
	struct sl_scratch *x;
	struct sl_config *cfg;
	struct req_info *ri;
	__u32 zero = 0, hk;
	__u64 *hits, ua_ok, method_ok;

	bank &= 1;
	x = bpf_map_lookup_elem(&sl_scratch, &zero);
	cfg = bpf_map_lookup_elem(&sl_config, &bank);
	if (!x || !cfg)
		return -1;
	lc.scr = x;
	ri = &x->ri;
	ri->rule_base = bank * SL_MAX_RULES;
	ri->matched = POS_NONE;
	if (!n_rules)
		return -1;
	ri->cand = n_rules >= SL_MAX_RULES ? ~0ULL : (1ULL << n_rules) - 1;
	if (!ri->src_only) {
		ua_ok = ri->unseen & UNSEEN_UA ? cfg->strict : ri->ua_hits;
		method_ok = ri->unseen & UNSEEN_METHOD ?
			    cfg->method_free | cfg->strict :
			    cfg->method_rules[ri->method_id & SL_METHOD_OTHER];
		ri->cand &= method_ok & (cfg->ua_free | ua_ok);
	}
	/* when = backend-up|down: the rules the backend's state rules out;
	 * a frame read only up to its source meets none of them */
	if (cfg->when_up | cfg->when_down) {
		struct sl_backend_state *be = bpf_map_lookup_elem(&sl_backend, &zero);

		if (ri->src_only)
			ri->cand &= ~(cfg->when_up | cfg->when_down);
		else
			ri->cand &= ~(be && be->down ? cfg->when_up : cfg->when_down);
	}
	bpf_loop(SL_MAX_RULES, rule_cb, &lc, 0);
	if (ri->matched >= SL_MAX_RULES)
		return -1;
	hk = bank * SL_MAX_RULES + ri->matched;
	hits = bpf_map_lookup_elem(&sl_rule_hits, &hk);
	if (hits)
		(*hits)++;
	return ri->matched;
}

/* The User-Agent through bank's automaton: x->ri.ua_hits.  A global
 * function: the automaton's loop is verified once. */
__noinline int sl_ua_match(__u32 bank)
{
	const struct sl_ua_dfa *d;
	struct sl_scratch *x;
	__u32 zero = 0;

	bank &= 1;
	x = bpf_map_lookup_elem(&sl_scratch, &zero);
	d = bpf_map_lookup_elem(&sl_ua_dfa, &bank);
	if (!x)
		return 0;
	x->ri.ua_hits = d ? ua_automaton_run(x, d) : 0;
	return 0;
}

/* The From or To URI parts (sip/uri.h uri_parts()).  A global function:
 * verified once for both headers. */
__noinline int sl_uri_parts(__u32 which)
{
	struct sl_scratch *x;
	__u32 zero = 0;

	x = bpf_map_lookup_elem(&sl_scratch, &zero);
	if (!x)
		return 1;
	return uri_parts(x, which);
}

/* The URI parts of the From or To header (which) into ri; 1 when they
 * lie past the window of len bytes of a partial message: the header not
 * there before the headers' end, or its URI cut by the window. */
static __always_inline int uri_unseen(struct sip_scan *sc, __u32 which,
				      __u32 len, __u32 partial)
{
	if (!(sc->seen & (1u << which)))
		return partial && !sc->headers_ended;
	return !sl_uri_parts(which) && partial &&
	       sc->hdr[which & (HDR_SLOTS - 1)].e >= len;
}

/*
 * What the rules of cfg need beyond the request line, once per packet,
 * into x->ri: the method's number, the User-Agent automaton's hits, the
 * From / To URI parts, and which parts the window (len bytes; partial:
 * the message goes on) does not show.  Returns the unseen bits of parts
 * some rule uses.
 */
static __always_inline __u32 rules_prepare(struct sl_scratch *x,
					   const struct sl_config *cfg,
					   __u32 bank, __u32 len,
					   __u32 partial)
{
	struct req_info *ri = &x->ri;
	struct sip_scan *sc = &x->scan;
	__u32 need = cfg->rules_need, used = 0;

	ri->method_id = method_number(cfg, ri);
	ri->ua_hits = 0;
	ri->from_user.e = POS_NONE;
	ri->from_host.e = POS_NONE;
	ri->to_user.e = POS_NONE;
	if (need & SL_NEED_RURI_USER)
		used |= UNSEEN_RURI;
	if (need & SL_NEED_USER_AGENT)
		used |= UNSEEN_UA;
	if (need & SL_NEED_FROM)
		used |= UNSEEN_FROM;
	if (need & SL_NEED_TO)
		used |= UNSEEN_TO;
	if (need & SL_NEED_METHOD)
		used |= UNSEEN_METHOD;
	if (ri->line_cut) {
		ri->unseen = UNSEEN_ALL |
			     (ri->line_cut == 2 ? UNSEEN_METHOD : 0);
		return ri->unseen & used;
	}
	ri->unseen = 0;
	if (need & SL_NEED_USER_AGENT) {
		if (sc->seen & (1u << HDR_UA)) {
			if (partial && sc->hdr[HDR_UA].e >= len)
				ri->unseen |= UNSEEN_UA;
			else
				sl_ua_match(bank);
		} else if (partial && !sc->headers_ended) {
			ri->unseen |= UNSEEN_UA;
		}
	}
	if (need & SL_NEED_FROM)
		ri->unseen |= uri_unseen(sc, HDR_FROM, len, partial) ? UNSEEN_FROM : 0;
	if (need & SL_NEED_TO)
		ri->unseen |= uri_unseen(sc, HDR_TO, len, partial) ? UNSEEN_TO : 0;
	return ri->unseen & used;
}

/* A frame read only up to its source address (an IPv6 header chain
 * longer than parse_packet() follows): only the rules with no key but src
 * can be decided (ri.src_only); one that drops, drops it. */
static __always_inline int rules_source_only(struct sl_scratch *x,
					     struct sl_dp_counters *cnt,
					     const struct sl_config *cfg,
					     __u32 bank)
{
	x->ri.family = x->pkt.family;
	x->ri.src[0] = x->pkt.src[0];
	x->ri.src[1] = x->pkt.src[1];
	x->ri.src_only = 1;
	if (cfg->n_rules && sl_rules_eval(bank, cfg->n_rules) >= 0 &&
	    x->ri.matched_action == SL_ACTION_DROP) {
		cnt->dropped_unreadable++;
		return XDP_DROP;
	}
	cnt->passed_not_sip++;
	return XDP_PASS;
}

#endif /* SL_RULES_H */
