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

/* Kamailio's parse_addr_spec() states before the parameters (its names
 * in the comments; DISPLAY_TOKEN_SP acts as DISPLAY_TOKEN). */
enum to_state {
	TS_START,		/* START_TO */
	TS_TOKEN,		/* URI_OR_TOKEN: addr-spec or display name */
	TS_TOKEN_SP,		/* MAYBE_URI_END: LWS after it */
	TS_DISPLAY,		/* DISPLAY_TOKEN(_SP): a second word */
	TS_QUOTE,		/* DISPLAY_QUOTED */
	TS_QUOTE_END,		/* E_DISPLAY_QUOTED */
	TS_URI_START,		/* S_URI_ENCLOSED: after '<' */
	TS_URI,			/* URI_ENCLOSED */
	TS_URI_SP,		/* E_URI_ENCLOSED: SP/HT in the URI */
	TS_AFTER_URI,		/* END; then the parameters: enum param_state */
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

/* The byte classes of to_byte()'s table. */
enum to_class {
	TC_OTHER,
	TC_SP,			/* SP, HT */
	TC_FOLD,		/* CR, LF: a folded line */
	TC_LT,			/* '<' */
	TC_GT,			/* '>' */
	TC_QUOTE,		/* '"' */
	TC_SEMI,		/* ';' */
	TC_BSLASH,		/* '\\' */
	TC_N,
};

static const __u8 to_class_of[256] = {
	[' '] = TC_SP, ['\t'] = TC_SP, ['\r'] = TC_FOLD, ['\n'] = TC_FOLD,
	['<'] = TC_LT, ['>'] = TC_GT, ['"'] = TC_QUOTE, [';'] = TC_SEMI,
	['\\'] = TC_BSLASH,
};

#define TO_BAD_ROW	{ PS_BAD, PS_BAD, PS_BAD, PS_BAD, PS_BAD, PS_BAD, \
			  PS_BAD, PS_BAD }

/*
 * The transitions of Kamailio's parse_addr_spec() before the parameters
 * (src/core/parser/parse_addr_spec.c, l. 607-895), by state and class,
 * in the order of enum to_class: other, SP, fold, '<', '>', '"', ';',
 * '\\'.  It fails the header (PS_BAD) on a '\\' outside a quoted display
 * name, a '"' anywhere but at the start, a '>' outside the URI, a ';'
 * after a display name (two words, or quoted) or right after '<', "<>",
 * '<', '"', CR/LF in the URI, SP/HT in the URI then anything but '>',
 * anything but LWS, '<' after a quoted display name, anything but LWS,
 * ';' after '>' (',' too: parse_to() takes one value), and CR/LF in the
 * quoted display name (no fold there).
 */
static const __u8 to_next[16][TC_N] = {
	[TS_START] = { TS_TOKEN, TS_START, TS_START, TS_URI_START, PS_BAD,
		       TS_QUOTE, PS_BAD, PS_BAD },
	[TS_TOKEN] = { TS_TOKEN, TS_TOKEN_SP, TS_TOKEN_SP, TS_URI_START,
		       PS_BAD, PS_BAD, PS_WS, PS_BAD },
	[TS_TOKEN_SP] = { TS_DISPLAY, TS_TOKEN_SP, TS_TOKEN_SP, TS_URI_START,
			  PS_BAD, PS_BAD, PS_WS, PS_BAD },
	[TS_DISPLAY] = { TS_DISPLAY, TS_DISPLAY, TS_DISPLAY, TS_URI_START,
			 PS_BAD, PS_BAD, PS_BAD, PS_BAD },
	/* '\\' escapes: to_byte() */
	[TS_QUOTE] = { TS_QUOTE, TS_QUOTE, PS_BAD, TS_QUOTE, TS_QUOTE,
		       TS_QUOTE_END, TS_QUOTE, TS_QUOTE },
	[TS_QUOTE_END] = { PS_BAD, TS_QUOTE_END, TS_QUOTE_END, TS_URI_START,
			   PS_BAD, PS_BAD, PS_BAD, PS_BAD },
	[TS_URI_START] = { TS_URI, TS_URI_START, PS_BAD, PS_BAD, PS_BAD,
			   PS_BAD, PS_BAD, PS_BAD },
	[TS_URI] = { TS_URI, TS_URI_SP, PS_BAD, PS_BAD, TS_AFTER_URI, PS_BAD,
		     TS_URI, PS_BAD },
	[TS_URI_SP] = { PS_BAD, TS_URI_SP, PS_BAD, PS_BAD, TS_AFTER_URI,
			PS_BAD, PS_BAD, PS_BAD },
	[TS_AFTER_URI] = { PS_BAD, TS_AFTER_URI, TS_AFTER_URI, PS_BAD, PS_BAD,
			   PS_BAD, PS_WS, PS_BAD },
	[TS_AFTER_URI + 1 ... 15] = TO_BAD_ROW,
};

/* One byte c at i in one of the To's own states st (value_byte()): a
 * table, not a switch, so that the verifier walks one path per byte.
 * In the quoted display name a '\\' escapes the next byte (an escaped
 * one clears the flag: to_parse_run() starts it at 0).  Returns 0: the
 * state machine goes on. */
static __always_inline int to_byte(struct sl_scratch *x, __u8 st, __u8 c,
				   __u32 i)
{
	volatile struct value_parse *vp = &x->to.parse;

	if (st == TS_QUOTE && (vp->escaped || c == '\\')) {
		vp->escaped = !vp->escaped;
		return 0;
	}
	vp->state = to_next[st & 15][to_class_of[c] & (TC_N - 1)];
	return 0;
}

static long to_chunk_cb(__u32 idx, void *data)
{
	struct sl_scratch *x = ((struct loop_ctx *)data)->scr;

	/* Kamailio's parse_to_param() rules (to_param_step()) */
	return value_bytes_step(x, &x->to.parse, idx, 1, to_byte,
				to_param_event);
}

/*
 * The common shape without a byte loop: [token display name] <URI> then
 * parameters with no LWS around separators (params_fast_rules()).
 * Returns 1 with the result filled in, 0 when the value needs the state
 * machine (to_byte(), to_param_step()): a quoted display name, an
 * addr-spec, LWS in the URI or the params, and all that Kamailio may fail
 * on ('\\', '>' before the URI; '<', '"', '\\' in it; "<>", "<;"; ',' or
 * '\\' in the params).
 */
static __always_inline int to_fast(struct sl_scratch *x, struct span val)
{
	const __u8 *buf = x->buf;
	struct to_parse *t = &x->to;
	__u32 s = val.s, e = val.e, p, q;

	if (e <= s || e > SL_SCRATCH_LEN)
		return 0;
	p = find_any(x, s, e, '<', '"', ';', '>');
	if (p == POS_NONE || sb(buf, p) != '<' ||
	    find_byte(x, s, p, '\\') != POS_NONE)
		return 0;
	q = find_any_or_lws(x, p + 1, e, '>', '<', '"', '\\');
	if (q == POS_NONE || sb(buf, q) != '>' || q == p + 1 ||
	    sb(buf, p + 1) == ';')
		return 0;
	/* a ',' (part of a tag's value, or an error) or a '\\' (always an
	 * error): the state machine reads them (to_param_step()) */
	if (find_any(x, q + 1, e, ',', '\\', 0, 0) != POS_NONE)
		return 0;
	return params_fast_rules(x, q + 1, e, W_TAG, 3, &t->tag, 1);
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
 * empty name), to_parse_run() decides; so too a URI with a byte before
 * its '>' that Kamailio's parse_addr_spec() may fail on ('<', '"', '\\',
 * SP and below: to_byte()), or "<>", "<;".  No call: one costs ~10 ns.
 */
static __always_inline __u32 to_tag_start_fast(const __u8 *buf, struct span val)
{
	__u32 s = val.s, e = val.e, off, q = POS_NONE;
	__u64 m, w;
	int k;

	if (e <= s || e > SL_SCRATCH_LEN || sb(buf, s) != '<')
		return POS_NONE;
	off = s + 1;
#pragma unroll
	for (k = 0; k < TO_URI_WORDS; k++) {
		if (q == POS_NONE && off < e) {
			w = sw(buf, off);
			/* the first '>', or what else the test below flags:
			 * '<' '\\' (and '^' '|' '~' 0x1c 0x1e, which the
			 * parser reads) in one test, and bytes below '#'
			 * (SP, '"', controls; '!' too, rare) */
			m = (first_eq(w, '<', 0x62) |
			     ((w - ONES64 * ('"' + 1)) & ~w)) & HIGHS64;
			if (m)
				q = off + lowest_flag_byte(m);
			off += 8;
		}
	}
	/* ";tag=" with the letters folded (only letters land on letters) */
	if (q >= e || sb(buf, q) != '>' || q == s + 1 ||
	    sb(buf, s + 1) == ';' || e - q != 6 + SL_TOTAG_LEN ||
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
	/* and where the value must not end (Kamailio: "unexpected end of
	 * header"): inside a quote, before '>', after a display name */
	if (t->parse.state == PS_BAD || t->parse.state == PS_WS ||
	    t->parse.state == PS_QUOTED ||
	    (t->parse.state == PS_CR && t->parse.escaped == PS_WS) ||
	    (t->parse.state < PS_WS && t->parse.state != TS_TOKEN &&
	     t->parse.state != TS_TOKEN_SP && t->parse.state != TS_AFTER_URI))
		return -1;
	/* the value ended inside a token: close it */
	to_param_event(x, val.e, param_token_open(t->parse.state));
	return 0;
}

#endif /* SL_SIP_TO_H */
