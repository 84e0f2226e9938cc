/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Internet checksums of a frame built from pieces (reply forwarding).
 * Sums are kept in the byte order of memory, as csum_partial does: a
 * piece that lands at an odd offset of the checksummed area has its sum
 * byte-swapped.  bpf_csum_diff does the bulk, 4-byte multiples; the last
 * 0..3 bytes are added here.
 */
#ifndef SL_NET_CSUM_H
#define SL_NET_CSUM_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "net/payload.h"

static __always_inline __u32 csum_fold16(__u64 s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u32)s;
}

static __always_inline __u32 csum_swap16(__u32 s)
{
	return ((s & 0xff) << 8) | (s >> 8);
}

/* 0..3 bytes at p, the first one at an even position of the piece. */
static __always_inline __u32 csum_tail(const __u8 *p, __u32 n)
{
	__u32 s = 0;

	if (n >= 2)
		s += p[0] | (__u32)p[1] << 8;
	else if (n == 1)
		s += p[0];
	if (n == 3)
		s += p[2];
	return s;
}

/* Sum of n (< 256) bytes of a small buffer (struct fwd_out). */
static __always_inline __s64 csum_small(const __u8 *p, __u32 n)
{
	__u32 n4 = unknown(n) & 0xfc;
	__s64 r = 0;

	if (n4) {
		r = bpf_csum_diff(NULL, 0, (void *)p, n4, 0);
		if (r < 0)
			return -1;
	}
	return csum_fold16((__u32)r + (__u64)csum_tail(p + n4, n & 3));
}

#endif /* SL_NET_CSUM_H */
