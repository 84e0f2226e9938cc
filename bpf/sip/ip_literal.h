/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * IP literals in a Via (sent-by host, received=): dotted-quad IPv4, or
 * IPv6 in RFC 4291 text form with at most one "::", brackets optional.
 * Host names, IPv4-embedded IPv6 ("::ffff:1.2.3.4") and zone ids are not
 * literals here: the data plane cannot resolve them.  A byte per step,
 * state in the scratch map value (see sip/scratch.h).
 */
#ifndef SL_SIP_IP_LITERAL_H
#define SL_SIP_IP_LITERAL_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "net/payload.h"
#include "sip/scratch.h"
#include "sip/find.h"

#define IP_LITERAL_MAX	39	/* "ffff:...:ffff" */

static __always_inline int hex_value(__u8 c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static __always_inline void ip_end_part(volatile struct ip_parse *ip)
{
	__u8 n = ip->parts;

	if (n >= 8 || (!ip->v6 && n >= 4)) {
		ip->bad = 1;
		return;
	}
	ip->groups[n & 7] = ip->cur;
	ip->parts = n + 1;
	ip->cur = 0;
	ip->digits = 0;
}

static long ip_byte_cb(__u32 idx, void *data)
{
	struct sl_scratch *x = ((struct loop_ctx *)data)->scr;
	volatile struct ip_parse *ip = &x->ip;
	__u32 i = ip->s + idx;
	__u8 c;
	int h;

	if (i >= ip->e || ip->bad)
		return 1;
	c = sb(x->buf, i);
	if (!ip->v6) {
		if (c >= '0' && c <= '9') {
			ip->cur = ip->cur * 10 + (c - '0');
			if (++ip->digits > 3 || ip->cur > 255)
				ip->bad = 1;
		} else if (c == '.' && ip->digits) {
			ip_end_part(ip);
		} else {
			ip->bad = 1;
		}
		return 0;
	}
	if (c == ':') {
		if (ip->colons >= 2) {
			ip->bad = 1;		/* ":::" */
		} else if (ip->colons == 1) {
			if (ip->dcolon != 0xff)
				ip->bad = 1;	/* a second "::" */
			ip->dcolon = ip->parts;
			ip->colons = 2;
		} else {
			if (ip->digits)
				ip_end_part(ip);
			else if (i != ip->s)
				ip->bad = 1;
			ip->colons = 1;
		}
		return 0;
	}
	h = hex_value(c);
	/* a single ':' at the start must be the first half of "::" */
	if (h < 0 || (ip->colons == 1 && ip->parts == 0 && ip->digits == 0)) {
		ip->bad = 1;
		return 0;
	}
	ip->colons = 0;
	ip->cur = ip->cur * 16 + h;
	if (++ip->digits > 4)
		ip->bad = 1;
	return 0;
}

/*
 * [s, e) of the scratch buffer to an address in x->ip.addr (network
 * order, IPv4 in the first 4 bytes).  Returns 4 or 6, or 0 when it is not
 * an IP literal.  A global function: verified once, whatever calls it.
 */
__noinline int ip_literal_parse(struct sl_scratch *x, __u32 s, __u32 e)
{
	struct loop_ctx lc = { .scr = x };
	struct ip_parse *ip;
	__u8 *addr;
	__u32 n, k;
	int i;

	if (!x)
		return 0;
	ip = &x->ip;
	addr = ip->addr;
	if (e > s + 1 && sb(x->buf, s) == '[' && sb(x->buf, e - 1) == ']') {
		s++;
		e--;
	}
	if (e <= s || e - s > IP_LITERAL_MAX)
		return 0;
	__builtin_memset(ip, 0, sizeof(*ip));
	ip->s = s;
	ip->e = e;
	ip->dcolon = 0xff;
	ip->v6 = find_byte(x, s, e, ':') != POS_NONE;
	bpf_loop(IP_LITERAL_MAX + 1, ip_byte_cb, &lc, 0);
	if (ip->bad)
		return 0;
	if (!ip->v6) {
		if (!ip->digits || ip->parts != 3)
			return 0;
		ip->groups[3] = ip->cur;
#pragma unroll
		for (i = 0; i < 4; i++)
			addr[i] = ip->groups[i];
#pragma unroll
		for (i = 4; i < 16; i++)
			addr[i] = 0;
		return 4;
	}
	if (ip->digits)
		ip_end_part(ip);
	else if (ip->colons == 1)
		return 0;		/* a trailing single ':' */
	if (ip->bad)
		return 0;
	n = ip->parts;
	if (ip->dcolon == 0xff ? n != 8 : n > 7)
		return 0;
	/* the groups after "::" move to the end; zeros in between */
	k = ip->dcolon == 0xff ? 8 : ip->dcolon;
#pragma unroll
	for (i = 0; i < 8; i++) {
		__u16 g = 0;

		if ((__u32)i < k)
			g = ip->groups[i];
		else if ((__u32)i >= 8 - (n - k))
			g = ip->groups[(i - (8 - n)) & 7];
		addr[2 * i] = g >> 8;
		addr[2 * i + 1] = g & 0xff;
	}
	return 6;
}

#endif /* SL_SIP_IP_LITERAL_H */
