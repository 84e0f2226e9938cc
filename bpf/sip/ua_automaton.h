/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The User-Agent value against every user_agent pattern of the bank at
 * once: the automaton of map sl_ua_dfa (user/conf/ua_automaton.c) takes
 * one table step per byte, and the out masks of the states it enters
 * say which rules' patterns occur.  Per packet: one step per byte of the
 * value (at most SL_SCRATCH_LEN), whatever the number of rules (was: a
 * compare per byte per rule).
 *
 * A step needs the state the last one reached, so one walk waits on a
 * table load per byte.  A long value is walked as UA_WALKS parts of one
 * length at once, each part but the first starting SL_MATCH_STR_MAX - 1
 * bytes before the last one ends so that an occurrence across a
 * boundary is whole in one part: the walks' loads overlap.
 */
#ifndef SL_SIP_UA_AUTOMATON_H
#define SL_SIP_UA_AUTOMATON_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sl_xdp_shared.h"
#include "net/payload.h"
#include "sip/scratch.h"

#define UA_SPLIT_MIN	(UA_WALKS * 64)	/* shorter values: one walk */
/* After a wide step in vain, tested steps over this many times its
 * bytes: a value whose patterns end all the time (an attacker's) then
 * wastes a wide step per UA_CAREFUL_RUN of them, not one per step. */
#define UA_CAREFUL_RUN	16

/* The entry after one byte b of a walk: e, the entry that led to the
 * walk's state, becomes the next one (its row offset is e's low bits). */
#define UA_NEXT(d, e, b)						\
	do {								\
		__u64 a_ = ((e) & SL_UA_ROW_MASK) +			\
			   (unsigned long)(d)->next;			\
									\
		barrier_var(a_);	/* in e's register: no copy */	\
		(e) = *(const __u32 *)(a_ + (((b) & 0xff) << 2));	\
	} while (0)

/* The same, and the out mask of the state entered when it has one. */
#define UA_STEP(d, u, e, b)						\
	do {								\
		__u64 o_;						\
									\
		UA_NEXT(d, e, b);					\
		o_ = (e) >> SL_UA_OUT_SHIFT;				\
		barrier_var(o_);	/* no range learnt for e */	\
		if (__builtin_expect(o_ != 0, 0))			\
			(u)->hits |= (d)->out[o_ & (SL_UA_OUTS - 1)];	\
	} while (0)

/* W bytes of every walk (each has that many left) without byte tests:
 * a call and a return (~10 ns here) for W * UA_WALKS steps.  The entries
 * are or-ed, not tested one by one (two instructions a byte less): when
 * one of them leads to a state with an out mask, nothing is kept and
 * the bytes are taken again as tested steps, UA_CAREFUL_RUN times as
 * many as the wide step had.  The
 * walks' bytes are copied side by side first: a byte is then one load
 * at a fixed offset, and no register holds a word (BPF's ten would
 * spill). */
static __always_inline long ua_wide(struct sl_scratch *x,
				    const struct sl_ua_dfa *d, __u64 *e,
				    const __u32 W)
{
	struct ua_run *u = &x->ua;
	volatile __u64 *cp = u->cp;
	const volatile __u8 *cb = (const volatile __u8 *)u->cp;
	__u64 acc = 0;
	__u32 j, q, k;

#pragma unroll
	for (j = 0; j < UA_WALKS; j++) {
#pragma unroll
		for (q = 0; q < W / 8; q++)
			cp[j * (W / 8) + q] = sw(x->buf, u->pos[j] + q * 8);
	}
#pragma unroll
	for (k = 0; k < W; k++) {
#pragma unroll
		for (j = 0; j < UA_WALKS; j++) {
			__u32 b = cb[j * W + k];

			UA_NEXT(d, e[j], b);
			acc |= e[j];
		}
	}
	if (acc >> SL_UA_OUT_SHIFT) {
		u->careful = UA_CAREFUL_RUN * (W / BYTES_PER_STEP);
		return 0;
	}
#pragma unroll
	for (j = 0; j < UA_WALKS; j++) {
		u->entry[j] = e[j];
		u->pos[j] += W;
	}
	return 0;
}

static long ua_step_cb(__u32 idx, void *data)
{
	struct loop_ctx *lc = data;
	const struct sl_ua_dfa *d = lc->dfa;
	struct sl_scratch *x = lc->scr;
	struct ua_run *u = &x->ua;
	__u32 n[UA_WALKS], j, more = 0, least = ~0u;
	__u64 e[UA_WALKS];
	__u64 w[UA_WALKS];
	int k;

#pragma unroll
	for (j = 0; j < UA_WALKS; j++) {
		__u32 p = u->pos[j];

		n[j] = p < u->end[j] ? u->end[j] - p : 0;
		more |= n[j];
		least = n[j] < least ? n[j] : least;
		w[j] = sw(x->buf, p);
		e[j] = u->entry[j];
	}
	if (!more)
		return 1;
	if (!u->careful) {
		if (least >= UA_WIDE_MAX)
			return ua_wide(x, d, e, UA_WIDE_MAX);
		if (least >= UA_WIDE_MAX / 2)
			return ua_wide(x, d, e, UA_WIDE_MAX / 2);
		if (least >= UA_WIDE_MAX / 4)
			return ua_wide(x, d, e, UA_WIDE_MAX / 4);
		if (least >= UA_WIDE_MAX / 8)
			return ua_wide(x, d, e, UA_WIDE_MAX / 8);
	}
	if (u->careful)
		u->careful--;
	/* the walks' bytes interleaved: their loads overlap */
#pragma unroll
	for (k = 0; k < BYTES_PER_STEP; k++) {
#pragma unroll
		for (j = 0; j < UA_WALKS; j++) {
			if ((__u32)k < n[j])
				UA_STEP(d, u, e[j], w[j] >> (8 * k));
		}
	}
#pragma unroll
	for (j = 0; j < UA_WALKS; j++) {
		u->entry[j] = e[j];
		u->pos[j] += BYTES_PER_STEP;
	}
	return 0;
}

/* The User-Agent value x->scan.hdr[HDR_UA] through the automaton d:
 * the rules whose pattern occurs. */
static __always_inline __u64 ua_automaton_run(struct sl_scratch *x,
					      const struct sl_ua_dfa *d)
{
	struct loop_ctx lc = { .scr = x, .dfa = d };
	__u32 s, e, n, step, j;

	if (!d->n_states)
		return 0;
	s = x->scan.hdr[HDR_UA].s;
	e = x->scan.hdr[HDR_UA].e;
	n = e > s ? e - s : 0;
	/* walks of one length (the overlap included): none waits on
	 * another's tested tail; a short value is one walk */
	step = n >= UA_SPLIT_MIN ?
	       (n + (UA_WALKS - 1) * (SL_MATCH_STR_MAX - 1) + UA_WALKS - 1) /
	       UA_WALKS - (SL_MATCH_STR_MAX - 1) : n;
#pragma unroll
	for (j = 0; j < UA_WALKS; j++) {
		__u32 from = s + j * step;

		x->ua.pos[j] = from;
		x->ua.end[j] = j + 1 == UA_WALKS || n < UA_SPLIT_MIN ? e :
			       from + step + (SL_MATCH_STR_MAX - 1);
		if (n < UA_SPLIT_MIN && j)
			x->ua.end[j] = 0;
		x->ua.entry[j] = 0;
	}
	x->ua.hits = 0;
	x->ua.careful = 0;
	/* a wide step in vain is followed by tested steps over its bytes:
	 * at most one per UA_WIDE_MAX bytes of a walk and one per smaller
	 * size (79 calls for a 2048-byte value, 86 allowed) */
	bpf_loop(SL_SCRATCH_LEN / BYTES_PER_STEP / UA_WALKS +
		 SL_SCRATCH_LEN / (UA_WIDE_MAX / 2) / UA_WALKS +
		 SL_MATCH_STR_MAX / BYTES_PER_STEP + 2, ua_step_cb, &lc, 0);
	return x->ua.hits;
}

#endif /* SL_SIP_UA_AUTOMATON_H */
