/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The first value of the top Via: sent-by host (as written, IPv6 with its
 * brackets), port text and branch value, the three pieces of the to-tag
 * CRC.  LWS (including folded line breaks) is allowed around '/', ':',
 * ';' and '='.  A byte at a time, BYTES_PER_STEP bytes per bpf_loop step;
 * the parameters' grammar is sip/params.h's.
 */
#ifndef SL_SIP_VIA_H
#define SL_SIP_VIA_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "net/payload.h"
#include "sip/scratch.h"
#include "sip/lex.h"
#include "sip/find.h"
#include "sip/params.h"

enum via_state {
	VS_PROTO,		/* "SIP / 2.0 / UDP": until the 2nd '/' */
	VS_TRANSPORT_WS,
	VS_TRANSPORT,
	VS_HOST_WS,
	VS_HOST,
	VS_HOST6,
	VS_AFTER_HOST,
	VS_PORT_WS,
	VS_PORT,
	VS_AFTER_PORT,		/* then the parameters: enum param_state */
};

enum via_param {
	VP_OTHER = 0,		/* hidden, alias; or no name pending */
	VP_RPORT,
	/* from here on: a name that "LWS ," after it fails (L_VALUE) */
	VP_GENERIC,
	/* from here on: a name Kamailio's parse_via_param() wants a value
	 * for (FIN_BRANCH, FIN_RECEIVED, FIN_MADDR, FIN_TTL, FIN_I) */
	VP_BRANCH,
	VP_RECEIVED,
	VP_VALUED,		/* maddr, ttl, i: nothing kept */
};

#define W_BRANCH	W6('b', 'r', 'a', 'n', 'c', 'h')

/* Which of the params we keep a parameter name [s, e) is. */
static __always_inline __u8 via_param_of(const __u8 *buf, __u32 s, __u32 e)
{
	if (param_name_is(buf, s, e, W_BRANCH, 6))
		return VP_BRANCH;
	if (param_name_is(buf, s, e, W8('r', 'e', 'c', 'e', 'i', 'v', 'e', 'd'), 8))
		return VP_RECEIVED;
	if (param_name_is(buf, s, e, W5('r', 'p', 'o', 'r', 't'), 5))
		return VP_RPORT;
	if (param_name_is(buf, s, e, W5('m', 'a', 'd', 'd', 'r'), 5) ||
	    param_name_is(buf, s, e, W3('t', 't', 'l'), 3) ||
	    param_name_is(buf, s, e, 'i', 1))
		return VP_VALUED;
	/* FIN_HIDDEN, FIN_ALIAS: LWS ends them (L_PARAM) */
	if (param_name_is(buf, s, e, W6('h', 'i', 'd', 'd', 'e', 'n'), 6) ||
	    param_name_is(buf, s, e, W5('a', 'l', 'i', 'a', 's'), 5))
		return VP_OTHER;
	return VP_GENERIC;
}

/* The value [vp->mark, i) of the current parameter ended. */
static __always_inline void via_param_value(struct sl_scratch *x, __u32 i)
{
	volatile struct via_parse *v = &x->via;
	volatile struct value_parse *vp = &v->parse;

	/* the last one of each wins, as in Kamailio's parse_via */
	if (vp->param == VP_BRANCH) {
		v->branch.s = vp->mark;
		v->branch.e = i;
	} else if (vp->param == VP_RECEIVED) {
		v->received.s = vp->mark;
		v->received.e = i;
	} else if (vp->param == VP_RPORT) {
		v->rport.s = vp->mark;
		v->rport.e = i;
	}
	vp->param = VP_OTHER;
}

/*
 * A parameter's name or value ended at i (param_step()).  Where a value
 * is missing, Kamailio's parse_via_param() (src/core/parser/parse_via.c)
 * fails the Via for branch, received, maddr, ttl and i when the name is
 * followed by ';' or ',' (its FIN_BRANCH... cases), or by LWS and then
 * the end (end_via: only GEN_PARAM and rport may lack a value); for any
 * name but rport, hidden and alias when it is followed by LWS and then
 * ',' (L_VALUE); after '=' at ',' (F_VALUE) whatever the name, and at
 * the end for those five.  "name LWS ;" and "name = ;" give a null
 * value: a branch the to-tag CRC reads as empty (calc_crc_suffix()).
 * The rest is via_value_missing()'s, after the loop: no test here runs
 * on every byte.  p goes through opaque(): a constant per name would
 * keep the verifier from pruning.
 */
static __always_inline void via_param_event(struct sl_scratch *x, __u32 i, int ev)
{
	volatile struct via_parse *v;
	volatile struct value_parse *vp;
	__u8 p, st;

	v = &x->via;
	vp = &v->parse;
	if (ev == PARAM_NAME_END) {
		p = opaque(x, via_param_of(x->buf, vp->mark, i));
		st = vp->state;
		/* name, then ';' or ',' */
		if (p >= VP_BRANCH && (st == PS_WS || st == PS_DONE))
			vp->state = PS_BAD;
		/* the one before had no value: "name LWS ;" */
		if (vp->param >= VP_BRANCH) {
			vp->mark = i;
			via_param_value(x, i);
		}
		/* "name," ended it (via_value_missing()) */
		vp->param = st == PS_DONE ? VP_OTHER : p;
	} else if (ev == PARAM_VALUE_END) {
		/* an empty value (mark == i) before ',' */
		if (vp->mark == i && vp->state == PS_DONE)
			vp->state = PS_BAD;
		via_param_value(x, i);
	}
}

/* The value ended where Kamailio wants a parameter's value (see
 * via_param_event()): no value before the end, or "name LWS ,". */
static __always_inline int via_value_missing(const struct value_parse *vp)
{
	if (vp->state == PS_DONE)
		return vp->param >= VP_GENERIC;
	return vp->param >= VP_BRANCH &&
	       (vp->state == PS_NAME || vp->state == PS_AFTER_NAME ||
		vp->state == PS_VALUE_WS);
}

/* Ends the token of the current state at position i. */
static __always_inline void via_end_token(struct sl_scratch *x, __u32 i)
{
	volatile struct via_parse *v = &x->via;
	volatile struct value_parse *vp = &v->parse;

	switch (vp->state) {
	case VS_TRANSPORT:
		v->transport.s = vp->mark;
		v->transport.e = i;
		break;
	case VS_HOST:
		v->host.s = vp->mark;
		v->host.e = i;
		break;
	case VS_PORT:
		v->port.s = vp->mark;
		v->port.e = i;
		break;
	default:
		via_param_event(x, i, param_token_open(vp->state));
		break;
	}
}


/* A byte Kamailio's parse_via() fails as the transport's first (its
 * F_PROTO state takes S, U, T, W in any case, LWS, and any byte its
 * other cases do not name): '/', '2', '.', '0' and the letters C, D, I,
 * L, P. */
static __always_inline int via_transport_bad_first(__u8 c)
{
	__u8 l = c | 0x20;

	return c == '/' || c == '2' || c == '.' || c == '0' || l == 'c' ||
	       l == 'd' || l == 'i' || l == 'l' || l == 'p';
}

/* "sip/2.0/" as via_byte() gathers it, the first byte in the top */
#define VIA_PROTO_BE	0x7369702f322e302fULL

/* One byte c at i in one of the Via's own states st (value_byte()); 1 =
 * stop. */
static __always_inline int via_byte(struct sl_scratch *x, __u8 st, __u8 c,
				    __u32 i)
{
	volatile struct via_parse *v = &x->via;
	volatile struct value_parse *vp = &v->parse;
	__u8 n;

	switch (st) {
	case VS_PROTO:
		/* Kamailio's parse_via(): "SIP" (any case), '/', "2.0",
		 * '/', with LWS only around the slashes (its F_SIP, L_VER,
		 * F_VER and L_PROTO states); anything else fails the Via */
		n = v->proto_n;
		/* a later value of the line: "," and LWS before it are
		 * eaten (parse_via()'s F_VIA state) */
		if (is_lws(c) || (c == ',' && n == 0 && v->later)) {
			if (n != 0 && n != 3 && n != 4 && n != 7)
				goto bad;
			break;
		}
		if (n >= 8)
			goto bad;
		/* or-ing 0x20 lands only 'S'/'s', 'I'/'i', 'P'/'p' on the
		 * lower-case letters */
		v->proto_w = v->proto_w << 8 | (n < 3 ? c | 0x20 : c);
		v->proto_n = n + 1;
		if (n == 7) {
			if (v->proto_w != VIA_PROTO_BE)
				goto bad;
			vp->state = VS_TRANSPORT_WS;
		}
		break;
	case VS_TRANSPORT_WS:
		if (is_lws(c))
			break;
		/* parse_via()'s F_PROTO: these start no transport */
		if (via_transport_bad_first(c))
			goto bad;
		vp->mark = i;
		vp->state = VS_TRANSPORT;
		break;
	case VS_TRANSPORT:
		if (c == '/')
			goto bad;	/* any other byte: PROTO_OTHER */
		if (is_lws(c)) {
			via_end_token(x, i);
			vp->state = VS_HOST_WS;
		}
		break;
	case VS_HOST_WS:
		if (is_lws(c))
			break;
		if (c == ';' || c == ',')
			goto bad;	/* parse_via(), F_HOST: "no host found" */
		vp->mark = i;
		vp->state = c == '[' ? VS_HOST6 : VS_HOST;
		break;
	case VS_HOST:
		if (c == ':' || c == ';' || c == ',' || is_lws(c)) {
			via_end_token(x, i);
			vp->state = c == ':' ? VS_PORT_WS : param_after(c, VS_AFTER_HOST);
		}
		break;
	case VS_HOST6:
		if (c == ']') {
			v->host.s = vp->mark;
			v->host.e = i + 1;
			vp->state = VS_AFTER_HOST;
		}
		break;
	case VS_AFTER_HOST:
		if (c == ':')
			vp->state = VS_PORT_WS;
		else if (!is_lws(c))
			vp->state = param_after(c, VS_AFTER_HOST);
		break;
	case VS_PORT_WS:
		if (is_lws(c))
			break;
		if (c < '0' || c > '9')
			goto bad;
		vp->mark = i;
		vp->state = VS_PORT;
		break;
	case VS_PORT:
		if (c >= '0' && c <= '9')
			break;
		via_end_token(x, i);
		vp->state = param_after(c, VS_AFTER_PORT);
		break;
	case VS_AFTER_PORT:
		if (!is_lws(c))
			vp->state = param_after(c, VS_AFTER_PORT);
		break;
	default:
		return 1;
	}
	return 0;
bad:
	vp->state = PS_BAD;
	return 1;
}

static long via_chunk_cb(__u32 idx, void *data)
{
	struct sl_scratch *x = ((struct loop_ctx *)data)->scr;

	/* junk after a token makes the Via bad; "name=;": an empty value */
	return value_bytes_step(x, &x->via.parse, idx, 0, via_byte,
				via_param_event);
}

/* The letters of ";branch=", ";rport;b" and "ranch=" (or-ing 0x20 folds
 * upper case onto lower case; only letters land on letters). */
#define FOLD_SEMI_BRANCH	0x0020202020202000ULL
#define FOLD_SEMI_RPORT_B	0x2000202020202000ULL
#define FOLD_RANCH		0x0000002020202020ULL

/*
 * Where the branch value starts when the parameters at q are the usual
 * ";branch=" or ";rport;branch=" (names in any case): POS_NONE for
 * another shape.  Read in place, a word each, instead of a search per
 * name (params_fast()).
 */
static __always_inline __u32 via_branch_at(const __u8 *buf, __u32 q, __u32 e)
{
	__u64 w = sw(buf, q);

	if (e - q > 8 && (w | FOLD_SEMI_BRANCH) ==
	    W8(';', 'b', 'r', 'a', 'n', 'c', 'h', '='))
		return q + 8;
	if (e - q > 14 && (w | FOLD_SEMI_RPORT_B) ==
	    W8(';', 'r', 'p', 'o', 'r', 't', ';', 'b') &&
	    ((sw(buf, q + 8) | FOLD_RANCH) & first_bytes(6)) ==
	    W6('r', 'a', 'n', 'c', 'h', '='))
		return q + 14;
	return POS_NONE;
}

/*
 * The branch of the usual parameters at q (via_branch_at()): a token
 * that ends the value, or is followed by ";rport" at the end.  Returns 1
 * with v->branch set, as params_fast() would set it (one branch, no
 * other parameter: no later one to win, no empty name), 0 for another
 * shape, which params_fast() reads.
 */
static __always_inline int via_branch_fast(struct sl_scratch *x,
					   struct via_parse *v, __u32 q,
					   __u32 e)
{
	const __u8 *buf = x->buf;
	__u32 b, t;

	b = via_branch_at(buf, q, e);
	if (b == POS_NONE)
		return 0;
	t = token_end_fast(x, b, e, '"', 0);
	if (t == b || (t < e && (e - t != 6 ||
	    ((sw(buf, t) | FOLD_SEMI_BRANCH) & first_bytes(6)) !=
	    W6(';', 'r', 'p', 'o', 'r', 't'))))
		return 0;
	v->branch.s = b;
	v->branch.e = t;
	return 1;
}

/*
 * The end of the port that starts at p, in a value that ends at e: the
 * byte after 1..5 digits worth 1..65535, when that byte is e or a token
 * end (';' ',' SP HT CR LF), else POS_NONE -- what token_end_fast() and
 * port_parse() accept, from one word with no byte loop.  Five digits
 * compare as text: in big-endian order, as numbers.
 */
static __always_inline __u32 via_port_end(const __u8 *buf, __u32 p, __u32 e)
{
	__u64 w = sw(buf, p), d = w ^ (ONES64 * '0'), nd;
	__u32 n = 8;
	__u8 c;

	/* 0x80 in each byte that is no digit (d > 9), exactly */
	nd = (((d & LOWS7_64) + ONES64 * (0x80 - 10)) | d) & HIGHS64;
	if (nd)
		n = lowest_flag_byte(nd);
	if (n > e - p)
		n = e - p;
	if (n == 0 || n > 5 ||
	    (w & first_bytes(n)) == (ONES64 * '0' & first_bytes(n)) ||
	    (n == 5 && __builtin_bswap64(w) >> 24 >
		       W5('5', '3', '5', '5', '6')))
		return POS_NONE;
	if (p + n < e) {
		c = sb(buf, p + n);
		if (c != ';' && c != ',' && !is_lws(c))
			return POS_NONE;
	}
	return p + n;
}

/*
 * The common shape without a byte loop: "SIP/2.0/<transport> host[:port]"
 * then parameters with no LWS around separators (params_fast()).  Returns
 * 1 with the result filled in, 0 when the value needs the state machine.
 */
static __always_inline int via_fast(struct sl_scratch *x, struct span val)
{
	const __u8 *buf = x->buf;
	struct via_parse *v = &x->via;
	__u32 s = val.s, e = val.e, p, q;
	__u64 m, t;

	if (e - s < 12 || e > SL_SCRATCH_LEN)
		return 0;
	/* "sip/2.0/" with the letters folded */
	if ((sw(buf, s) | 0x202020ULL) != W8('s', 'i', 'p', '/', '2', '.', '0', '/'))
		return 0;
	/* transport token, then one SP: the first SP of the next word; a
	 * '/' before it or a first byte parse_via() fails is the state
	 * machine's (the lowest flag of the two masks is exact) */
	t = sw(buf, s + 8);
	m = (first_eq(t, ' ', 0) | first_eq(t, '/', 0)) & HIGHS64;
	p = m ? find_hit(m, s + 8, e) : POS_NONE;
	p = opaque(x, p);
	if (p == POS_NONE || p == s + 8 || p + 1 >= e || sb(buf, p) != ' ' ||
	    via_transport_bad_first(t & 0xff))
		return 0;
	p++;
	if (is_lws(sb(buf, p)) || sb(buf, p) == '[')
		return 0;	/* more LWS, or an IPv6 reference */
	q = token_end_fast(x, p, e, ':', 0);
	v->host.s = p;
	v->host.e = q;
	if (q < e && sb(buf, q) == ':') {
		p = q + 1;
		q = via_port_end(buf, p, e);
		if (q == POS_NONE)
			return 0;	/* the state machine decides */
		v->port.s = p;
		v->port.e = q;
	}
	if (via_branch_fast(x, v, q, e))
		return 1;
	/* a later branch param wins */
	return params_fast(x, q, e, W_BRANCH, 6, &v->branch);
}

/* The state machine alone: also the transport, received, rport and the
 * comma that ends the value; later: a value after the line's first (see
 * via_byte()).  Returns 0 when a host was found. */
static __always_inline int via_parse_full(struct sl_scratch *x, struct span val,
					  int later)
{
	struct loop_ctx lc = { .scr = x };
	struct via_parse *v = &x->via;

	__builtin_memset(v, 0, sizeof(*v));
	v->parse.s = val.s;
	v->parse.e = val.e;
	v->parse.end = POS_NONE;
	v->later = later;
	bpf_loop(SL_SCRATCH_LEN / BYTES_PER_STEP, via_chunk_cb, &lc, 0);
	/* PS_WS: ';' then the end, no name (Kamailio: F_PARAM) */
	if (v->parse.state == PS_BAD || v->parse.state == PS_QUOTED ||
	    v->parse.state == PS_WS)
		return -1;
	/* the value ended inside a token: close it */
	via_end_token(x, val.e);
	/* str2s() (src/core/ut.h) fails a 6th digit, leading zeros
	 * included; 65536..99999 it wraps, no error (the CRC takes the
	 * text) */
	if (v->parse.state == PS_BAD || via_value_missing(&v->parse) ||
	    v->port.e - v->port.s > 5)
		return -1;
	return v->host.e > v->host.s ? 0 : -1;
}

/* One Via value [s, e): x->via; later: not the line's first.  A global
 * function: verified once. */
__noinline int via_value_parse(struct sl_scratch *x, __u32 s, __u32 e,
			       int later)
{
	struct span val = { .s = s, .e = e };

	if (!x)
		return -1;
	return via_parse_full(x, val, later);
}

#define VIA_LATER_MAX	16	/* values after the first one read */

/*
 * Kamailio's parse_via() reads every value of the first Via header line
 * (at a ',' it goes on at parse_again) and fails the message on any one.
 * The values after the first one, from the ',' at comma to e: each byte
 * read once, a call each; more than VIA_LATER_MAX of them fail as well
 * (the ACK passes, the safe side).  Leaves x->via with the last one's.
 */
static __always_inline int via_later_values(struct sl_scratch *x,
					    __u32 comma, __u32 e)
{
	int k;

	for (k = 0; k < VIA_LATER_MAX; k++) {
		if (via_value_parse(x, comma + 1, e, 1))
			return -1;
		comma = x->via.parse.end;
		if (comma == POS_NONE)
			return 0;
	}
	return -1;
}

/*
 * Returns 0 when a host was found (port and branch may be absent) and
 * the rest of the line parses.  A line of several values (via_fast()
 * leaves a ',' to the state machine) is read up to twice its length: the
 * first value, the others, the first again for its spans.
 */
static __always_inline int via_parse_run(struct sl_scratch *x, struct span val)
{
	struct via_parse *v = &x->via;

	/* what via_fast() may leave unset (via_parse_full() clears it all;
	 * the ACK check reads host, port and branch only): two stores, not
	 * the whole struct */
	v->port.s = v->port.e = 0;
	v->branch.s = v->branch.e = 0;
	if (via_fast(x, val))
		return v->host.e > v->host.s ? 0 : -1;
	if (via_value_parse(x, val.s, val.e, 0))
		return -1;
	if (v->parse.end == POS_NONE)
		return 0;
	if (via_later_values(x, v->parse.end, val.e))
		return -1;
	return via_value_parse(x, val.s, val.e, 0);
}

#endif /* SL_SIP_VIA_H */
