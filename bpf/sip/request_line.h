/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The request line: method, Request-URI user part and the "SIP/" version
 * token, with the leniency of the userspace parser (extra SP around the
 * URI, trailing whitespace).  What the rule table matches a request
 * against is gathered in struct req_info.
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

/* The request as the rules see it: the request line's pieces (here), the
 * addresses and User-Agent (the entry), and the state of the rule loop,
 * whose bpf_loop context it is (rules.h). */
struct req_info {
	struct sl_scratch *scr;
	__u32 len;
	__u32 method_len;
	__u64 method[SL_METHOD_MAX_LEN / 8];	/* zero padded */
	__u32 user_s;		/* R-URI user part, e == POS_NONE: none */
	__u32 user_e;
	struct span ua;	/* s == e: no User-Agent */
	__u8 family;		/* 4 or 6 */
	__u16 dport;
	__u64 src[2];		/* source address, v4 in the first 4 bytes */
	/* rule loop */
	__u32 rule_base;
	__u32 n_rules;
	__u32 matched;		/* rule index, POS_NONE: none */
	__u8 matched_action;	/* that rule's action */
};

/* The line that sip_scan_run() found first: fills ri's method and user
 * part.  Returns 0 when it is a request line. */
static __always_inline int parse_request_line(struct sl_scratch *x,
					      struct req_info *ri)
{
	const __u8 *buf = x->buf;
	__u32 end = x->scan.req_line_end, msp, vsp = POS_NONE, rs, re, colon;
	int i;

	if (end == POS_NONE)
		return -1;
	if (end > 0 && sb(buf, end - 1) == '\r')
		end--;
#pragma unroll
	for (i = 0; i < 8; i++) {	/* tolerate trailing SP (trws.dat) */
		if (end > 0 && is_ws(sb(buf, end - 1)))
			end--;
	}
	msp = find_byte(x, 0, end, ' ');
	if (msp == POS_NONE || msp == 0)
		return -1;
	ri->method_len = msp;
	if (msp <= SL_METHOD_MAX_LEN) {
#pragma unroll
		for (i = 0; i < SL_METHOD_MAX_LEN / 8; i++) {
			__u32 n = (__u32)i * 8 < msp ? msp - i * 8 : 0;

			ri->method[i] = n ? sw(buf, i * 8) & first_bytes(n) : 0;
		}
	}

	/* the version is the last token: look back at most 16 bytes */
#pragma unroll
	for (i = 1; i <= 16; i++) {
		if (vsp == POS_NONE && end >= (__u32)i + msp &&
		    sb(buf, end - i) == ' ')
			vsp = end - i;
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
		if (rs < re && sb(buf, rs) == ' ')
			rs++;
		if (re > rs && sb(buf, re - 1) == ' ')
			re--;
	}
	rs = opaque(x, rs);
	re = opaque(x, re);
	if (rs >= re)
		return -1;

	/* user part: after the scheme, up to '@' (sip:, sips:) or, for
	 * tel:, the number up to its first parameter */
	ri->user_e = POS_NONE;
	colon = POS_NONE;
#pragma unroll
	for (i = 0; i < 6; i++) {
		if (colon == POS_NONE && rs + i < re && sb(buf, rs + i) == ':')
			colon = rs + i;
	}
	colon = opaque(x, colon);
	if (colon != POS_NONE) {
		__u32 at = find_byte(x, colon + 1, re, '@');

		ri->user_s = colon + 1;
		if (at != POS_NONE) {
			ri->user_e = at;
		} else if (colon - rs == 3 &&
			   ((sw(buf, rs) | 0x202020) & 0xffffff) ==
				   W3('t', 'e', 'l')) {
			__u32 semi = find_byte(x, colon + 1, re, ';');

			ri->user_e = semi == POS_NONE ? re : semi;
		}
	}
	return 0;
}

#endif /* SL_SIP_REQUEST_LINE_H */
