/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Reading the copy of the UDP payload in the per-CPU scratch buffer.
 * Every index is masked into the buffer, so the verifier sees each access
 * in bounds; callers still compare positions with the payload length,
 * because bytes past it are left over from an earlier packet.  Word at a
 * time helpers (SWAR) test eight bytes with a few ALU instructions.
 */
#ifndef SL_NET_PAYLOAD_H
#define SL_NET_PAYLOAD_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sl_xdp_shared.h"

#define SCRATCH_MASK	(SL_SCRATCH_LEN - 1)
#define SCRATCH_WORDS	(SL_SCRATCH_LEN / 8)
#define ONES64		0x0101010101010101ULL
#define HIGHS64		0x8080808080808080ULL
#define LOWS7_64	0x7f7f7f7f7f7f7f7fULL

static __always_inline __u8 sb(const __u8 *buf, __u32 off)
{
	return buf[off & SCRATCH_MASK];
}

/* 8 bytes, little endian: byte 0 of the word is buf[off]. The pad after
 * the buffer keeps the last load inside the map value. */
static __always_inline __u64 sw(const __u8 *buf, __u32 off)
{
	return *(const __u64 *)(buf + (off & SCRATCH_MASK));
}

/* 0x80 in every byte of v that is zero, exactly (no borrow artefacts). */
static __always_inline __u64 zero_bytes(__u64 v)
{
	return ~(((v & LOWS7_64) + LOWS7_64) | v | LOWS7_64);
}

/* Whether v has a zero byte: fewer operations than zero_bytes(), whose
 * flags are exact, but a yes or no only. */
static __always_inline int has_zero_byte(__u64 v)
{
	return ((v - ONES64) & ~v & HIGHS64) != 0;
}

/* Index (0..7) of the lowest byte flagged by zero_bytes(). */
static __always_inline __u32 lowest_flag_byte(__u64 m)
{
	__u64 low = m & (~m + 1);

	return (__u32)(((low >> 7) * 0x0001020304050607ULL) >> 56);
}

/* Mask of the first n (0..8) bytes of a word. */
static __always_inline __u64 first_bytes(__u32 n)
{
	if (n >= 8)
		return ~0ULL;
	return (1ULL << (n * 8)) - 1;
}

/* ASCII letters to lower case, a word at a time; other bytes unchanged. */
static __always_inline __u64 lower_word(__u64 w)
{
	__u64 h = w & LOWS7_64;
	__u64 ge_a = h + (0x80 - 'A') * ONES64;
	__u64 gt_z = h + (0x7f - 'Z') * ONES64;
	__u64 upper = ge_a & ~gt_z & ~w & HIGHS64;

	return w | (upper >> 2);
}

/* v, with the compiler's knowledge of its range dropped, so that a mask
 * applied next is kept for the verifier even when it looks redundant. */
#define unknown(v)	({ __typeof__((v) + 0) __u = (v); \
			   asm volatile("" : "+r"(__u)); __u; })

/* Little-endian word literal of up to 8 chars. */
#define W1(a)			((__u64)(a))
#define W2(a, b)		(W1(a) | (__u64)(b) << 8)
#define W3(a, b, c)		(W2(a, b) | (__u64)(c) << 16)
#define W4(a, b, c, d)		(W3(a, b, c) | (__u64)(d) << 24)
#define W5(a, b, c, d, e)	(W4(a, b, c, d) | (__u64)(e) << 32)
#define W6(a, b, c, d, e, f)	(W5(a, b, c, d, e) | (__u64)(f) << 40)
#define W7(a, b, c, d, e, f, g)	(W6(a, b, c, d, e, f) | (__u64)(g) << 48)
#define W8(a, b, c, d, e, f, g, h) (W7(a, b, c, d, e, f, g) | (__u64)(h) << 56)

#endif /* SL_NET_PAYLOAD_H */
