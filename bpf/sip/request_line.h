/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The request line: method, Request-URI user part and the "SIP/" version
 * token, with the leniency of the userspace parser (extra SP around the
 * URI, trailing whitespace).  On a message that goes on past the window
 * (a longer payload, a first IP fragment), a request line without its
 * LF still gives the method: a long Request-URI must not hide a REGISTER
 * from the rules; without even a method, it is a request of which
 * nothing is known.  What the rules match a request against is gathered in
 * x->ri (struct req_info, sip/scratch.h); the Request-URI's user part only
 * when the rules are about to run (request_uri_user()), not for an ACK
 * that is absorbed.
 */
#ifndef SL_SIP_REQUEST_LINE_H
#define SL_SIP_REQUEST_LINE_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sl_xdp_shared.h"
#include "net/payload.h"
#include "sip/scratch.h"
#include "sip/lex.h"
#include "sip/find.h"
#include "sip/uri.h"

/* The method [0, msp) as zero-padded words (longer than
 * SL_METHOD_MAX_LEN: no rule can name it, the words stay zero). */
static __always_inline void method_words(struct sl_scratch *x, __u32 msp)
{
	struct req_info *ri = &x->ri;
	int i;

	ri->method_len = msp;
#pragma unroll
	for (i = 0; i < SL_METHOD_MAX_LEN / 8; i++) {
		__u32 n = (__u32)i * 8 < msp ? msp - i * 8 : 0;

		ri->method[i] = n && msp <= SL_METHOD_MAX_LEN ?
				sw(x->buf, i * 8) & first_bytes(n) : 0;
	}
}

/* The line that sip_scan_run() found first, in a window of len bytes;
 * partial: the message goes on past it.  Fills x->ri's method and user
 * part.  Returns 0 when it is a request line (or the start of one that
 * runs past the window: line_cut, the method only). */
static __always_inline int parse_request_line(struct sl_scratch *x, __u32 len,
					      __u32 partial)
{
	const __u8 *buf = x->buf;
	struct req_info *ri = &x->ri;
	__u32 end = x->scan.req_line_end, msp, vsp = POS_NONE, rs, re;
	__u64 w;
	int i;

	ri->line_cut = 0;
	ri->method_len = 0;
	ri->ruri.s = 0;
	ri->ruri.e = POS_NONE;
	if (end == POS_NONE) {
		if (!partial)
			return -1;
		msp = find_byte(x, 0, len, ' ');
		if (msp == POS_NONE || msp == 0) {
			/* not even the method (a first fragment of CR/LF, a
			 * method longer than the window): nothing is known */
			ri->line_cut = 2;
			method_words(x, 0);
			return 0;
		}
		ri->line_cut = 1;
		method_words(x, msp);
		return 0;
	}
	if (end > 0 && sb(buf, end - 1) == '\r')
		end--;
#pragma unroll
	for (i = 0; i < 8; i++) {	/* tolerate trailing SP (trws.dat) */
		if (end == 0 || !is_ws(sb(buf, end - 1)))
			break;
		end--;
	}
	/* the method's SP in the first word (any method up to 7 bytes):
	 * what find_byte() finds, without its patterns in map memory */
	w = zero_bytes(sw(buf, 0) ^ (ONES64 * ' '));
	if (w && end > 0)
		msp = find_hit(w, 0, end);
	else
		msp = find_byte(x, 0, end, ' ');
	if (msp == POS_NONE || msp == 0)
		return -1;
	method_words(x, msp);

	/* the version is the last token: look back at most 16 bytes.
	 * The common " SIP/2.0" is one word whose only SP is its first
	 * byte: what the byte loop finds, from one word */
	if (end >= 8 + msp &&
	    zero_bytes(sw(buf, end - 8) ^ (ONES64 * ' ')) == 0x80) {
		vsp = end - 8;
	} else {
#pragma unroll
		for (i = 1; i <= 16; i++) {
			if (vsp == POS_NONE && end >= (__u32)i + msp &&
			    sb(buf, end - i) == ' ')
				vsp = end - i;
		}
	}
	vsp = opaque(x, vsp);
	end = opaque(x, end);
	if (vsp == POS_NONE || vsp <= msp || end - vsp < 5)
		return -1;
	if (((sw(buf, vsp + 1) | 0x202020) & 0xffffffffULL) !=
	    (W3('s', 'i', 'p') | (__u64)'/' << 24))
		return -1;

	rs = msp + 1;
	re = vsp;
#pragma unroll
	for (i = 0; i < 4; i++) {	/* extra SP (lwsstart.dat) */
		int moved = 0;

		if (rs < re && sb(buf, rs) == ' ') {
			rs++;
			moved = 1;
		}
		if (re > rs && sb(buf, re - 1) == ' ') {
			re--;
			moved = 1;
		}
		if (!moved)
			break;	/* neither moves again */
	}
	rs = opaque(x, rs);
	re = opaque(x, re);
	if (rs >= re)
		return -1;
	ri->ruri.s = rs;
	ri->ruri.e = re;
	return 0;
}

/* The user part of the Request-URI parse_request_line() found (none:
 * ri->ruri_user.e = POS_NONE), for the rules. */
static __always_inline void request_uri_user(struct sl_scratch *x)
{
	struct req_info *ri = &x->ri;
	__u32 hs;

	ri->ruri_user.s = 0;
	ri->ruri_user.e = POS_NONE;
	if (ri->ruri.e != POS_NONE)
		uri_user(x, ri->ruri.s, ri->ruri.e, &ri->ruri_user, &hs);
}

#endif /* SL_SIP_REQUEST_LINE_H */
