/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The tag parameter of the To header: skip a quoted or token display
 * name and the <URI> (or, for an addr-spec, stop at the first ';'), then
 * read header parameters until `tag`.  LWS and folded lines allowed.
 */
#ifndef SL_SIP_TO_H
#define SL_SIP_TO_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "net/payload.h"
#include "sip/scratch.h"
#include "sip/lex.h"
#include "sip/find.h"

static __always_inline int pname_is_tag(const __u8 *buf, __u32 s, __u32 e)
{
	return e - s == 3 &&
	       ((sw(buf, s) | 0x202020) & 0xffffff) == W3('t', 'a', 'g');
}

static __always_inline void to_end_token(const __u8 *buf, volatile struct to_parse *t,
					 __u32 i)
{
	if (t->state == TS_PNAME) {
		t->is_tag = pname_is_tag(buf, t->mark, i);
	} else if (t->state == TS_PVAL) {
		if (t->is_tag && !t->tag_seen) {
			t->tag.s = t->mark;
			t->tag.e = i;
			t->tag_seen = 1;
		}
		t->is_tag = 0;
	}
}

static __always_inline __u8 to_after(__u8 c, __u8 ws_state)
{
	if (c == ';')
		return TS_PARAM_WS;
	if (is_lws(c))
		return ws_state;
	return TS_DONE;		/* ',' or anything else ends the params */
}

/* One byte; 1 = stop.  Volatile view: see via_step(). */
static __always_inline int to_step(struct sl_scratch *x, __u32 i)
{
	volatile struct to_parse *t = &x->to;
	__u8 c;

	if (i >= t->e)
		return 1;
	c = sb(x->buf, i);

	switch (t->state) {
	case TS_START:
		if (is_lws(c))
			break;
		/* fall through */
	case TS_NAME:
		if (c == '"') {
			t->escaped = 0;
			t->quote_ret = TS_NAME;
			t->state = TS_QUOTE;
		} else if (c == '<') {
			t->state = TS_URI;
		} else if (c == ';') {
			t->state = TS_PARAM_WS;	/* addr-spec: params follow */
		} else {
			t->state = TS_NAME;
		}
		break;
	case TS_QUOTE:
	case TS_PQUOTE:
		if (t->escaped)
			t->escaped = 0;
		else if (c == '\\')
			t->escaped = 1;
		else if (c == '"')
			t->state = t->quote_ret;
		break;
	case TS_URI:
		if (c == '>')
			t->state = TS_AFTER_URI;
		break;
	case TS_AFTER_URI:
	case TS_AFTER_PVAL:
		if (!is_lws(c))
			t->state = to_after(c, t->state);
		break;
	case TS_PARAM_WS:
		if (is_lws(c))
			break;
		t->mark = i;
		t->state = TS_PNAME;
		break;
	case TS_PNAME:
		if (c == '=' || c == ';' || c == ',' || is_lws(c)) {
			to_end_token(x->buf, t, i);
			t->state = c == '=' ? TS_PVAL_WS : to_after(c, TS_AFTER_PNAME);
		}
		break;
	case TS_AFTER_PNAME:
		if (c == '=')
			t->state = TS_PVAL_WS;
		else if (!is_lws(c))
			t->state = to_after(c, TS_AFTER_PNAME);
		break;
	case TS_PVAL_WS:
		if (is_lws(c))
			break;
		if (c == '"') {
			t->is_tag = 0;
			t->escaped = 0;
			t->quote_ret = TS_AFTER_PVAL;
			t->state = TS_PQUOTE;
			break;
		}
		if (c == ';' || c == ',') {	/* "tag=" with no value */
			t->state = to_after(c, TS_AFTER_PVAL);
			t->is_tag = 0;
			break;
		}
		t->mark = i;
		t->state = TS_PVAL;
		break;
	case TS_PVAL:
		if (c == ';' || c == ',' || is_lws(c)) {
			to_end_token(x->buf, t, i);
			t->state = to_after(c, TS_AFTER_PVAL);
		}
		break;
	default:
		return 1;
	}
	return t->state == TS_DONE || t->state == TS_BAD;
}

static long to_chunk_cb(__u32 idx, void *data)
{
	struct sl_scratch *x = ((struct loop_ctx *)data)->scr;
	__u32 i = x->to.s + idx * BYTES_PER_STEP;
	int k;

#pragma unroll
	for (k = 0; k < BYTES_PER_STEP; k++)
		if (to_step(x, i + k))
			return 1;
	return 0;
}

#define TO_FAST_PARAMS	8

/*
 * The common shape without a byte loop: [token display name] <URI> then
 * ";param" runs with no LWS around separators.  Returns 1 with the result
 * filled in, 0 when the value needs the full state machine (quoted
 * display name, addr-spec, folding, whitespace in the params).
 */
static __always_inline int to_fast(struct sl_scratch *x, struct span val)
{
	const __u8 *buf = x->buf;
	struct to_parse *t = &x->to;
	__u32 s = val.s, e = val.e, p, q;
	int i;

	if (e <= s || e > SL_SCRATCH_LEN)
		return 0;
	x->fb.n = 3;
	x->fb.pattern[0] = ONES64 * '<';
	x->fb.pattern[1] = ONES64 * '"';
	x->fb.pattern[2] = ONES64 * ';';
	p = find_run(x, s, e);
	if (p == POS_NONE || sb(buf, p) != '<')
		return 0;
	q = find_byte(x, p + 1, e, '>');
	if (q == POS_NONE)
		return 0;
	q++;
#pragma unroll
	for (i = 0; i < TO_FAST_PARAMS; i++) {
		q = opaque(x, q);
		if (q >= e || sb(buf, q) == ',')
			return 1;	/* no tag */
		if (sb(buf, q) != ';')
			return 0;
		p = q + 1;
		q = find_token_end_or(x, p, e, '=', '"');
		if (q == POS_NONE)
			q = e;
		if (q < e && sb(buf, q) == '"')
			return 0;
		if (q - p == 3 && q < e && sb(buf, q) == '=' &&
		    pname_is_tag(buf, p, q)) {
			p = q + 1;
			q = find_token_end_or(x, p, e, '"', 0);
			if (q == POS_NONE)
				q = e;
			if (q == p || (q < e && !(sb(buf, q) == ';' ||
						  sb(buf, q) == ',' ||
						  sb(buf, q) == '\r' ||
						  sb(buf, q) == '\n')))
				return 0;	/* empty tag, quote, LWS */
			t->tag.s = p;
			t->tag.e = q;
			t->tag_seen = 1;
			return 1;
		}
		if (q < e && sb(buf, q) == '=') {
			q = find_token_end_or(x, q + 1, e, '"', 0);
			if (q == POS_NONE)
				q = e;
			if (q < e && sb(buf, q) == '"')
				return 0;
		}
	}
	return 0;
}

/* Returns 0 if the To value is well formed (tag or not). */
static __always_inline int to_parse_run(struct sl_scratch *x, struct span val)
{
	struct loop_ctx lc = { .scr = x };
	struct to_parse *t = &x->to;

	__builtin_memset(t, 0, sizeof(*t));
	if (to_fast(x, val))
		return 0;
	__builtin_memset(t, 0, sizeof(*t));
	t->s = val.s;
	t->e = val.e;
	bpf_loop(SL_SCRATCH_LEN / BYTES_PER_STEP, to_chunk_cb, &lc, 0);
	if (t->state == TS_QUOTE || t->state == TS_PQUOTE ||
	    t->state == TS_URI || t->state == TS_BAD)
		return -1;
	to_end_token(x->buf, t, t->e);
	return 0;
}

#endif /* SL_SIP_TO_H */
