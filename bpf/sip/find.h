/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The first byte of [from, to) of the scratch buffer that is one of a
 * small set (a token end, a delimiter): POS_NONE if none.  A word at a
 * time.
 */
#ifndef SL_SIP_FIND_H
#define SL_SIP_FIND_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "net/payload.h"
#include "sip/scratch.h"

static __always_inline __u64 find_mask(const struct find_byte *f, __u64 w)
{
	__u64 m = 0;
	int j;

#pragma unroll
	for (j = 0; j < FIND_MAX_BYTES; j++) {
		if ((__u32)j >= f->n)
			break;
		m |= zero_bytes(w ^ f->pattern[j]);
	}
	return m;
}

/* The first byte flagged in m, the word at off, if before to. */
static __always_inline __u32 find_hit(__u64 m, __u32 off, __u32 to)
{
	off += lowest_flag_byte(m);
	return off < to ? off : POS_NONE;
}

/*
 * The search itself: a plain bounded loop, a word per turn (a bpf_loop
 * callback per step would cost a call and a return each, ~10 ns apiece
 * on a kernel whose returns go through a thunk).  A global function:
 * verified once, whatever calls it.
 */
__noinline __u32 sl_find_run(struct sl_scratch *x, __u32 from, __u32 to)
{
	__u32 off = from;
	__u64 m;
	int k;

	if (!x)
		return POS_NONE;
	for (k = 0; k < SCRATCH_WORDS + 1; k++) {
		if (off >= to)
			return POS_NONE;
		m = find_mask(&x->fb, sw(x->buf, off));
		if (m)
			return find_hit(m, off, to);
		off += 8;
	}
	return POS_NONE;
}

/* The first word in line: most tokens a search ends are short, and a
 * call costs ~10 ns. */
static __always_inline __u32 find_run(struct sl_scratch *x, __u32 from, __u32 to)
{
	__u64 m;

	if (from >= to)
		return POS_NONE;
	m = find_mask(&x->fb, sw(x->buf, from));
	if (m)
		return find_hit(m, from, to);
	if (to - from <= 8)
		return POS_NONE;
	return sl_find_run(x, from + 8, to);
}

static __always_inline __u32 find_byte(struct sl_scratch *x, __u32 from,
				       __u32 to, __u8 ch)
{
	x->fb.n = 1;
	x->fb.pattern[0] = ONES64 * ch;
	return find_run(x, from, to);
}

/* The first of up to four bytes (0: not used); constant at each call
 * site. */
static __always_inline __u32 find_any(struct sl_scratch *x, __u32 from,
				      __u32 to, __u8 a, __u8 b, __u8 c, __u8 d)
{
	__u32 n = 0;

	if (a)
		x->fb.pattern[n++] = ONES64 * a;
	if (b)
		x->fb.pattern[n++] = ONES64 * b;
	if (c)
		x->fb.pattern[n++] = ONES64 * c;
	if (d)
		x->fb.pattern[n++] = ONES64 * d;
	x->fb.n = n;
	return find_run(x, from, to);
}

/* Ends of a token in a header value: ';' ',' and LWS, plus up to two
 * more bytes a caller wants (0: none).  Constant at each call site. */
static __always_inline __u32 find_token_end_or(struct sl_scratch *x, __u32 from,
					       __u32 to, __u8 a, __u8 b)
{
	__u32 n = 6;

	x->fb.pattern[0] = ONES64 * ';';
	x->fb.pattern[1] = ONES64 * ',';
	x->fb.pattern[2] = ONES64 * ' ';
	x->fb.pattern[3] = ONES64 * '\t';
	x->fb.pattern[4] = ONES64 * '\r';
	x->fb.pattern[5] = ONES64 * '\n';
	if (a)
		x->fb.pattern[n++] = ONES64 * a;
	if (b)
		x->fb.pattern[n++] = ONES64 * b;
	x->fb.n = n;
	return find_run(x, from, to);
}

static __always_inline __u32 find_token_end(struct sl_scratch *x, __u32 from,
					    __u32 to)
{
	return find_token_end_or(x, from, to, 0, 0);
}

#endif /* SL_SIP_FIND_H */
