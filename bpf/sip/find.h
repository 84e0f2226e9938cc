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

/* Up to four bytes (0: not used) as the patterns from n on; returns
 * the count after them.  Constant at each call site. */
static __always_inline __u32 any_patterns(struct sl_scratch *x, __u32 n,
					  __u8 a, __u8 b, __u8 c, __u8 d)
{
	if (a)
		x->fb.pattern[n++] = ONES64 * a;
	if (b)
		x->fb.pattern[n++] = ONES64 * b;
	if (c)
		x->fb.pattern[n++] = ONES64 * c;
	if (d)
		x->fb.pattern[n++] = ONES64 * d;
	return n;
}

/* The first of up to four bytes (0: not used); constant at each call
 * site. */
static __always_inline __u32 find_any(struct sl_scratch *x, __u32 from,
				      __u32 to, __u8 a, __u8 b, __u8 c, __u8 d)
{
	x->fb.n = any_patterns(x, 0, a, b, c, d);
	return find_run(x, from, to);
}

/* The first of up to four bytes (0: not used) or LWS (SP, HT, CR, LF). */
static __always_inline __u32 find_any_or_lws(struct sl_scratch *x, __u32 from,
					     __u32 to, __u8 a, __u8 b, __u8 c,
					     __u8 d)
{
	x->fb.n = any_patterns(x, any_patterns(x, 0, ' ', '\t', '\r', '\n'),
			       a, b, c, d);
	return find_run(x, from, to);
}

/* The patterns of the ends of a token in a header value: ';' ',' and
 * LWS, plus up to two more bytes a caller wants (0: none). */
static __always_inline void token_end_patterns(struct sl_scratch *x, __u8 a,
					       __u8 b)
{
	x->fb.n = any_patterns(x, any_patterns(x, 0, ';', ',', ' ', '\t'),
			       '\r', '\n', a, b);
}

/* Ends of a token in a header value (token_end_patterns()).  Constant
 * at each call site. */
static __always_inline __u32 find_token_end_or(struct sl_scratch *x, __u32 from,
					       __u32 to, __u8 a, __u8 b)
{
	token_end_patterns(x, a, b);
	return find_run(x, from, to);
}

static __always_inline __u32 find_token_end(struct sl_scratch *x, __u32 from,
					    __u32 to)
{
	return find_token_end_or(x, from, to, 0, 0);
}

/* 0x80 in the first byte of w that is c, or c ^ ign when ign is one
 * bit (two byte values that differ in one bit cost one test).  The
 * lowest flag is exact; bytes above it may be flagged too: only the
 * first is used. */
static __always_inline __u64 first_eq(__u64 w, __u64 c, __u64 ign)
{
	__u64 v = (w ^ (ONES64 * c)) & ~(ONES64 * ign);

	return (v - ONES64) & ~v;
}

/*
 * The token ends of the fast header paths: ';', ',', SP, HT, CR, LF, a
 * and b (0: none), with constant patterns in registers (not find_byte's
 * from map memory) and pairs in one test where they differ in one bit:
 * HT and CR, ':' and ';', SP and '"'.
 */
static __always_inline __u64 delim_mask(__u64 w, __u8 a, __u8 b)
{
	__u64 m = first_eq(w, '\r', '\r' ^ '\t') | first_eq(w, '\n', 0) |
		  first_eq(w, ',', 0);

	if (a == ':')
		m |= first_eq(w, ';', ';' ^ ':');
	else
		m |= first_eq(w, ';', 0);
	if (a == '"' || b == '"')
		m |= first_eq(w, ' ', ' ' ^ '"');
	else
		m |= first_eq(w, ' ', 0);
	if (a && a != ':' && a != '"')
		m |= first_eq(w, a, 0);
	if (b && b != '"')
		m |= first_eq(w, b, 0);
	return m & HIGHS64;
}

#define DELIM_INLINE_WORDS	2	/* the words of a search done in line */

/*
 * The end of the token at from in [from, to): the first ';' ',' SP HT
 * CR LF, a or b (0: none), to if none -- find_token_end_or() with fewer
 * instructions, and DELIM_INLINE_WORDS words in line before it calls
 * sl_find_run() (a call costs ~10 ns, and most tokens are short).
 */
static __always_inline __u32 token_end_fast(struct sl_scratch *x, __u32 from,
					    __u32 to, __u8 a, __u8 b)
{
	__u32 off = from, q = POS_NONE;
	int k, done = 0;
	__u64 m;

#pragma unroll
	for (k = 0; k < DELIM_INLINE_WORDS; k++) {
		if (!done && off < to) {
			m = delim_mask(sw(x->buf, off), a, b);
			if (m) {
				q = find_hit(m, off, to);
				done = 1;
			} else {
				off += 8;
			}
		}
	}
	if (!done && off < to) {	/* a long token: the general search */
		token_end_patterns(x, a, b);
		q = sl_find_run(x, off, to);
	}
	return q == POS_NONE ? to : q;
}

#endif /* SL_SIP_FIND_H */
