/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Internet checksums of a frame built from pieces (reply forwarding).
 * Sums are kept in the byte order of memory, as csum_partial does: a
 * piece that lands at an odd offset of the checksummed area has its sum
 * byte-swapped.  bpf_csum_diff does the bulk, 4-byte multiples of at most
 * CSUM_CHUNK bytes per call; the last 0..3 bytes are added here.
 */
#ifndef SL_CSUM_H
#define SL_CSUM_H

#include "scratch.h"

#define CSUM_CHUNK	256	/* parse_state.h's csum_slack covers 2x */
#define CSUM_CHUNKS	(SL_SCRATCH_LEN / CSUM_CHUNK)

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

/*
 * Sum of buf[s, s + len) of the scratch buffer, folded to 16 bits, as if
 * the piece started at an even offset.  len <= SL_SCRATCH_LEN.  Returns
 * -1 if a helper call fails.  A global function: verified once.
 */
__noinline int csum_scratch(struct sl_scratch *x, __u32 s, __u32 len)
{
	__u64 sum = 0;
	__u32 done = 0, n, off;
	__s64 r;
	int k;

	if (!x)
		return -1;
#pragma unroll
	for (k = 0; k < CSUM_CHUNKS; k++) {
		if (len - done < 4)
			break;
		n = len - done;
		if (n > CSUM_CHUNK)
			n = CSUM_CHUNK;
		n = unknown(n) & (2 * CSUM_CHUNK - 4);	/* bounded, 4-byte multiple */
		off = unknown(s + done) & SCRATCH_MASK;
		r = bpf_csum_diff(NULL, 0, (void *)(x->buf + off), n, 0);
		if (r < 0)
			return -1;
		sum += (__u32)r;
		done += n;
	}
	if (len - done >= 4)
		return -1;		/* longer than the buffer */
	off = unknown(s + done) & SCRATCH_MASK;
	sum += csum_tail(x->buf + off, len - done);
	return csum_fold16(sum);
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

#endif /* SL_CSUM_H */
