/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The first value of the top Via: sent-by host (as written, IPv6 with its
 * brackets), port text and branch value, the three pieces of the to-tag
 * CRC.  LWS (including folded line breaks) is allowed around '/', ':',
 * ';' and '='.  A byte at a time, BYTES_PER_STEP bytes per bpf_loop step.
 */
#ifndef SL_SIP_VIA_H
#define SL_SIP_VIA_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "net/payload.h"
#include "sip/scratch.h"
#include "sip/lex.h"
#include "sip/find.h"

static __always_inline int pname_is_branch(const __u8 *buf, __u32 s, __u32 e)
{
	if (e - s != 6)
		return 0;
	return ((sw(buf, s) | 0x202020202020ULL) & 0xffffffffffffULL) ==
	       (W3('b', 'r', 'a') | (__u64)W3('n', 'c', 'h') << 24);
}

/* Which of the params we keep a parameter name [s, e) is. */
static __always_inline __u8 pname_kind(const __u8 *buf, __u32 s, __u32 e)
{
	__u64 w = sw(buf, s) | 0x2020202020202020ULL;

	if (e - s == 6 && (w & 0xffffffffffffULL) ==
			  (W3('b', 'r', 'a') | (__u64)W3('n', 'c', 'h') << 24))
		return VP_BRANCH;
	if (e - s == 8 && w == W8('r', 'e', 'c', 'e', 'i', 'v', 'e', 'd'))
		return VP_RECEIVED;
	if (e - s == 5 && (w & 0xffffffffffULL) ==
			  (W3('r', 'p', 'o') | (__u64)W2('r', 't') << 24))
		return VP_RPORT;
	return VP_OTHER;
}

/* Ends the token of the current state at position i. */
static __always_inline void via_end_token(const __u8 *buf, volatile struct via_parse *v,
					  __u32 i)
{
	switch (v->state) {
	case VS_TRANSPORT:
		v->transport.s = v->mark;
		v->transport.e = i;
		break;
	case VS_HOST:
		v->host.s = v->mark;
		v->host.e = i;
		break;
	case VS_PORT:
		v->port.s = v->mark;
		v->port.e = i;
		break;
	case VS_PNAME:
		v->param = pname_kind(buf, v->mark, i);
		break;
	case VS_PVAL:
		/* the last one of each wins, as in Kamailio's parse_via */
		if (v->param == VP_BRANCH) {
			v->branch.s = v->mark;
			v->branch.e = i;
		} else if (v->param == VP_RECEIVED) {
			v->received.s = v->mark;
			v->received.e = i;
		} else if (v->param == VP_RPORT) {
			v->rport.s = v->mark;
			v->rport.e = i;
		}
		v->param = VP_OTHER;
		break;
	}
}

/* After a token: what the delimiter c leads to. */
static __always_inline __u8 via_after(__u8 c, __u8 ws_state)
{
	if (c == ';')
		return VS_PARAM_WS;
	if (c == ',')
		return VS_DONE;
	if (is_lws(c))
		return ws_state;
	return VS_BAD;
}

/* One byte; 1 = stop.  The state is read and written through a volatile
 * view so that no value is carried in registers from one byte to the
 * next: each byte starts from an unknown state for the verifier. */
static __always_inline int via_step(struct sl_scratch *x, __u32 i)
{
	volatile struct via_parse *v = &x->via;
	__u8 c;

	if (i >= v->e)
		return 1;
	c = sb(x->buf, i);

	switch (v->state) {
	case VS_PROTO:
		if (c == '/' && ++v->slashes == 2)
			v->state = VS_TRANSPORT_WS;
		break;
	case VS_TRANSPORT_WS:
		if (!is_lws(c)) {
			v->mark = i;
			v->state = VS_TRANSPORT;
		}
		break;
	case VS_TRANSPORT:
		if (is_lws(c)) {
			via_end_token(x->buf, v, i);
			v->state = VS_HOST_WS;
		}
		break;
	case VS_HOST_WS:
		if (is_lws(c))
			break;
		v->mark = i;
		v->state = c == '[' ? VS_HOST6 : VS_HOST;
		break;
	case VS_HOST:
		if (c == ':' || c == ';' || c == ',' || is_lws(c)) {
			via_end_token(x->buf, v, i);
			v->state = c == ':' ? VS_PORT_WS : via_after(c, VS_AFTER_HOST);
		}
		break;
	case VS_HOST6:
		if (c == ']') {
			v->host.s = v->mark;
			v->host.e = i + 1;
			v->state = VS_AFTER_HOST;
		}
		break;
	case VS_AFTER_HOST:
		if (c == ':')
			v->state = VS_PORT_WS;
		else if (!is_lws(c))
			v->state = via_after(c, VS_AFTER_HOST);
		break;
	case VS_PORT_WS:
		if (is_lws(c))
			break;
		if (c < '0' || c > '9') {
			v->state = VS_BAD;
			return 1;
		}
		v->mark = i;
		v->state = VS_PORT;
		break;
	case VS_PORT:
		if (c >= '0' && c <= '9')
			break;
		via_end_token(x->buf, v, i);
		v->state = via_after(c, VS_AFTER_PORT);
		break;
	case VS_AFTER_PORT:
	case VS_AFTER_PVAL:
		if (!is_lws(c))
			v->state = via_after(c, v->state);
		break;
	case VS_PARAM_WS:
		if (is_lws(c))
			break;
		v->mark = i;
		v->state = VS_PNAME;
		break;
	case VS_PNAME:
		if (c == '=' || c == ';' || c == ',' || is_lws(c)) {
			via_end_token(x->buf, v, i);
			v->state = c == '=' ? VS_PVAL_WS : via_after(c, VS_AFTER_PNAME);
		}
		break;
	case VS_AFTER_PNAME:
		if (c == '=')
			v->state = VS_PVAL_WS;
		else if (!is_lws(c))
			v->state = via_after(c, VS_AFTER_PNAME);
		break;
	case VS_PVAL_WS:
		if (is_lws(c))
			break;
		if (c == '"') {
			v->param = VP_OTHER;	/* a quoted value is no token */
			v->escaped = 0;
			v->state = VS_PQUOTE;
			break;
		}
		v->mark = i;
		v->state = VS_PVAL;
		break;
	case VS_PVAL:
		if (c == ';' || c == ',' || is_lws(c)) {
			via_end_token(x->buf, v, i);
			v->state = via_after(c, VS_AFTER_PVAL);
		}
		break;
	case VS_PQUOTE:
		if (v->escaped)
			v->escaped = 0;
		else if (c == '\\')
			v->escaped = 1;
		else if (c == '"')
			v->state = VS_AFTER_PVAL;
		break;
	default:
		return 1;
	}
	if (v->state == VS_DONE) {
		v->comma = i;
		return 1;
	}
	return v->state == VS_BAD;
}

static long via_chunk_cb(__u32 idx, void *data)
{
	struct sl_scratch *x = ((struct loop_ctx *)data)->scr;
	__u32 i = x->via.s + idx * BYTES_PER_STEP;
	int k;

#pragma unroll
	for (k = 0; k < BYTES_PER_STEP; k++)
		if (via_step(x, i + k))
			return 1;
	return 0;
}

#define VIA_FAST_PARAMS	8

/*
 * The common shape without a byte loop: "SIP/2.0/<transport> host[:port]"
 * then ";param" runs with no LWS around separators.  Returns 1 with the
 * result filled in, 0 when the value needs the full state machine.
 */
static __always_inline int via_fast(struct sl_scratch *x, struct span val)
{
	const __u8 *buf = x->buf;
	struct via_parse *v = &x->via;
	__u32 s = val.s, e = val.e, p, q;
	int i;

	if (e - s < 12 || e > SL_SCRATCH_LEN)
		return 0;
	/* "sip/2.0/" with the letters folded */
	if ((sw(buf, s) | 0x202020ULL) != W8('s', 'i', 'p', '/', '2', '.', '0', '/'))
		return 0;
	p = POS_NONE;
#pragma unroll
	for (i = 8; i < 16; i++) {	/* transport token, then one SP */
		if (p == POS_NONE && s + i < e && sb(buf, s + i) == ' ')
			p = s + i;
	}
	p = opaque(x, p);
	if (p == POS_NONE || p == s + 8 || p + 1 >= e)
		return 0;
	p++;
	if (is_lws(sb(buf, p)) || sb(buf, p) == '[')
		return 0;	/* more LWS, or an IPv6 reference */
	q = find_token_end_or(x, p, e, ':', 0);
	if (q == POS_NONE)
		q = e;
	v->host.s = p;
	v->host.e = q;
	if (q < e && sb(buf, q) == ':') {
		p = q + 1;
		q = find_token_end(x, p, e);
		if (q == POS_NONE)
			q = e;
		if (!port_parse(buf, p, q))
			return 0;	/* the state machine decides */
		v->port.s = p;
		v->port.e = q;
	}
	/* parameters: find the last ;branch= before the value ends */
#pragma unroll
	for (i = 0; i < VIA_FAST_PARAMS; i++) {
		q = opaque(x, q);
		if (q >= e || sb(buf, q) == ',')
			return 1;
		if (sb(buf, q) != ';')
			return 0;	/* LWS: leave it to the state machine */
		p = q + 1;
		q = find_token_end_or(x, p, e, '=', '"');
		if (q == POS_NONE)
			q = e;
		if (q - p == 6 && q < e && sb(buf, q) == '=' &&
		    pname_is_branch(buf, p, q)) {
			p = q + 1;
			q = find_token_end_or(x, p, e, '"', 0);
			if (q == POS_NONE)
				q = e;
			if (q == p || (q < e && !(sb(buf, q) == ';' ||
						  sb(buf, q) == ',' ||
						  sb(buf, q) == '\r' ||
						  sb(buf, q) == '\n')))
				return 0;
			/* keep going: a later branch param wins */
			v->branch.s = p;
			v->branch.e = q;
			continue;
		}
		if (q < e && sb(buf, q) == '=') {	/* skip a value */
			q = find_token_end_or(x, q + 1, e, '"', 0);
			if (q == POS_NONE)
				q = e;
		}
		if (q < e && sb(buf, q) == '"')
			return 0;
	}
	return 0;
}

/* The state machine alone: also the transport, received, rport and the
 * comma that ends the value.  Returns 0 when a host was found. */
static __always_inline int via_parse_full(struct sl_scratch *x, struct span val)
{
	struct loop_ctx lc = { .scr = x };
	struct via_parse *v = &x->via;

	__builtin_memset(v, 0, sizeof(*v));
	v->s = val.s;
	v->e = val.e;
	v->comma = POS_NONE;
	bpf_loop(SL_SCRATCH_LEN / BYTES_PER_STEP, via_chunk_cb, &lc, 0);
	if (v->state == VS_BAD || v->state == VS_PQUOTE)
		return -1;
	/* the value ended inside a token: close it */
	via_end_token(x->buf, v, v->e);
	return v->host.e > v->host.s ? 0 : -1;
}

/* Returns 0 when a host was found (port and branch may be absent). */
static __always_inline int via_parse_run(struct sl_scratch *x, struct span val)
{
	struct via_parse *v = &x->via;

	__builtin_memset(v, 0, sizeof(*v));
	if (via_fast(x, val))
		return v->host.e > v->host.s ? 0 : -1;
	return via_parse_full(x, val);
}

#endif /* SL_SIP_VIA_H */
