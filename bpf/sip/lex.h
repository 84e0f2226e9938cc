/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Lexical pieces of the SIP grammar (RFC 3261 25.1) that every parser
 * here uses: whitespace classes and the decimal port.
 */
#ifndef SL_SIP_LEX_H
#define SL_SIP_LEX_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "net/payload.h"

static __always_inline int is_ws(__u8 c)
{
	return c == ' ' || c == '\t';
}

static __always_inline int is_lws(__u8 c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Decimal port [s, e): 1..65535, at most 5 digits; 0 when invalid. */
static __always_inline __u32 port_parse(const __u8 *buf, __u32 s, __u32 e)
{
	__u32 v = 0;
	int i;

	if (e <= s || e - s > 5)
		return 0;
#pragma unroll
	for (i = 0; i < 5; i++) {
		__u8 c = sb(buf, s + i);

		if (s + i >= e)
			break;
		if (c < '0' || c > '9')
			return 0;
		v = v * 10 + (c - '0');
	}
	return v <= 65535 ? v : 0;
}

#endif /* SL_SIP_LEX_H */
