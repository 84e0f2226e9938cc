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
#include "sip/params.h"

enum to_state {
	TS_START,
	TS_NAME,		/* display name token or addr-spec */
	TS_QUOTE,		/* quoted display name */
	TS_URI,			/* inside < > */
	TS_AFTER_URI,		/* then the parameters: enum param_state */
};

#define W_TAG	W3('t', 'a', 'g')

/* A parameter's name or value ended at i: the first tag wins. */
static __always_inline void to_param_event(const __u8 *buf,
					   volatile struct to_parse *t,
					   __u32 i, int ev)
{
	volatile struct value_parse *vp = &t->parse;

	if (ev == PARAM_NAME_END) {
		vp->param = param_name_is(buf, vp->mark, i, W_TAG, 3);
	} else if (ev == PARAM_VALUE_END) {
		if (vp->param && !t->tag_seen) {
			t->tag.s = vp->mark;
			t->tag.e = i;
			t->tag_seen = 1;
		}
		vp->param = 0;
	}
}

/* One byte; 1 = stop.  Volatile view: see via_step().  Any byte but ';'
 * and LWS after the URI or a parameter ends the parameters. */
static __always_inline int to_step(struct sl_scratch *x, __u32 i)
{
	volatile struct to_parse *t = &x->to;
	volatile struct value_parse *vp = &t->parse;
	__u8 c, st;

	if (i >= t->e)
		return 1;
	c = sb(x->buf, i);
	st = vp->state;
	if (st >= PS_DONE)
		return 1;
	if (st >= PS_WS) {
		to_param_event(x->buf, t, i, param_step(vp, st, c, i, PS_DONE, 1));
		goto out;
	}

	switch (st) {
	case TS_START:
		if (is_lws(c))
			break;
		/* fall through */
	case TS_NAME:
		if (c == '"') {
			vp->escaped = 0;
			vp->state = TS_QUOTE;
		} else if (c == '<') {
			vp->state = TS_URI;
		} else if (c == ';') {
			vp->state = PS_WS;	/* addr-spec: params follow */
		} else {
			vp->state = TS_NAME;
		}
		break;
	case TS_QUOTE:
		if (quoted_string_end(vp, c))
			vp->state = TS_NAME;
		break;
	case TS_URI:
		if (c == '>')
			vp->state = TS_AFTER_URI;
		break;
	case TS_AFTER_URI:
		if (!is_lws(c))
			vp->state = param_after(c, TS_AFTER_URI, PS_DONE);
		break;
	default:
		return 1;
	}
out:
	return vp->state == PS_DONE || vp->state == PS_BAD;
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

/*
 * The common shape without a byte loop: [token display name] <URI> then
 * parameters with no LWS around separators (params_fast()).  Returns 1
 * with the result filled in, 0 when the value needs the state machine
 * (quoted display name, addr-spec, folding, whitespace in the params).
 */
static __always_inline int to_fast(struct sl_scratch *x, struct span val)
{
	const __u8 *buf = x->buf;
	struct to_parse *t = &x->to;
	__u32 s = val.s, e = val.e, p, q;

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
	return params_fast(x, q + 1, e, W_TAG, 3, 1, &t->tag);
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
	if (t->parse.state == TS_QUOTE || t->parse.state == PS_QUOTED ||
	    t->parse.state == TS_URI || t->parse.state == PS_BAD)
		return -1;
	/* the value ended inside a token: close it */
	to_param_event(x->buf, t, t->e, param_token_open(t->parse.state));
	return 0;
}

#endif /* SL_SIP_TO_H */
