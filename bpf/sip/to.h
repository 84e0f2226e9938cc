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

/* A parameter's name or value ended at i (param_step()): the last tag
 * wins, as in Kamailio (add_param() in parse_addr_spec.c copies every tag
 * parameter's value), and a tag without a value empties it. */
static __always_inline void to_param_event(struct sl_scratch *x, __u32 i,
					   int ev)
{
	volatile struct to_parse *t = &x->to;
	volatile struct value_parse *vp = &t->parse;

	if (ev == PARAM_NAME_END) {
		vp->param = param_name_is(x->buf, vp->mark, i, W_TAG, 3);
		if (vp->param) {
			t->tag.s = 0;
			t->tag.e = 0;
		}
	} else if (ev == PARAM_VALUE_END) {
		if (vp->param) {
			t->tag.s = vp->mark;
			t->tag.e = i;
		}
		vp->param = 0;
	}
}

/* One byte c at i in one of the To's own states st (value_byte()); 1 =
 * stop. */
static __always_inline int to_byte(struct sl_scratch *x, __u8 st, __u8 c,
				   __u32 i)
{
	volatile struct value_parse *vp = &x->to.parse;

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
	return 0;
}

static long to_chunk_cb(__u32 idx, void *data)
{
	struct sl_scratch *x = ((struct loop_ctx *)data)->scr;

	/* anything but ';' or LWS after a token ends the parameters; "tag=;"
	 * is an empty tag */
	return value_bytes_step(x, &x->to.parse, idx, PS_DONE, 1, to_byte,
				to_param_event);
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
	return params_fast(x, q + 1, e, W_TAG, 3, &t->tag);
}

#define TO_URI_WORDS	8	/* '<' to '>' looked for in line: 64 bytes */

/*
 * Where the tag value starts when the To value is "<URI>;tag=" (tag in
 * any case) and SL_TOTAG_LEN bytes that end the value: the first byte
 * '<', the first '>' after it within TO_URI_WORDS words, then ";tag=" at
 * once.  The only parameter is then the tag, and to_fast() (so
 * to_parse_run()) reads its value from there to the first token end.
 * POS_NONE: another shape (a display name, a longer URI, another
 * parameter before or after the tag, which Kamailio may not parse: an
 * empty name), to_parse_run() decides.  No call: one costs ~10 ns.
 */
static __always_inline __u32 to_tag_start_fast(const __u8 *buf, struct span val)
{
	__u32 s = val.s, e = val.e, off, q = POS_NONE;
	__u64 m;
	int k;

	if (e <= s || e > SL_SCRATCH_LEN || sb(buf, s) != '<')
		return POS_NONE;
	off = s + 1;
#pragma unroll
	for (k = 0; k < TO_URI_WORDS; k++) {
		if (q == POS_NONE && off < e) {
			m = zero_bytes(sw(buf, off) ^ (ONES64 * '>'));
			if (m)
				q = off + lowest_flag_byte(m);
			off += 8;
		}
	}
	/* ";tag=" with the letters folded (only letters land on letters) */
	if (q >= e || e - q != 6 + SL_TOTAG_LEN ||
	    ((sw(buf, q + 1) | 0x20202000ULL) & first_bytes(5)) !=
	    W5(';', 't', 'a', 'g', '='))
		return POS_NONE;
	return q + 6;
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
	t->parse.s = val.s;
	t->parse.e = val.e;
	bpf_loop(SL_SCRATCH_LEN / BYTES_PER_STEP, to_chunk_cb, &lc, 0);
	/* PS_WS: ';' then the end, no name (Kamailio: S_PARA_NAME) */
	if (t->parse.state == TS_QUOTE || t->parse.state == PS_QUOTED ||
	    t->parse.state == TS_URI || t->parse.state == PS_BAD ||
	    t->parse.state == PS_WS)
		return -1;
	/* the value ended inside a token: close it */
	to_param_event(x, val.e, param_token_open(t->parse.state));
	return 0;
}

#endif /* SL_SIP_TO_H */
