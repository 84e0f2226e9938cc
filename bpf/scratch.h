/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Reading the per-CPU scratch copy of the SIP payload.  Every index is
 * masked into the buffer, so the verifier sees each access in bounds;
 * callers still compare positions with the payload length, because bytes
 * past it are left over from an earlier packet.
 */
#ifndef SL_SCRATCH_H
#define SL_SCRATCH_H

#define SCRATCH_MASK	(SL_SCRATCH_LEN - 1)
#define BYTES_PER_STEP	8	/* bytes a parser handles per bpf_loop step */
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

static __always_inline int is_ws(__u8 c)
{
	return c == ' ' || c == '\t';
}

static __always_inline int is_lws(__u8 c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}


/* v, with the compiler's knowledge of its range dropped, so that a mask
 * applied next is kept for the verifier even when it looks redundant. */
#define unknown(v)	({ __typeof__((v) + 0) __u = (v); \
			   asm volatile("" : "+r"(__u)); __u; })

/*
 * A value the verifier no longer knows: after an unrolled search each exit
 * leaves a differently-ranged register, and every one of them would be
 * verified through the rest of the program.  A round trip through map
 * memory turns them into one unknown scalar, so the paths merge.
 */
#define opaque(x, v)	({ *(volatile __u32 *)&(x)->opaque = (v); \
			   *(volatile __u32 *)&(x)->opaque; })

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

#endif /* SL_SCRATCH_H */
