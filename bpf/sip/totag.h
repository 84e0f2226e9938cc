/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Kamailio's to-tag (spec 1.4) as the data plane checks it: 32 bytes of
 * signature, '.', and 8 hex digits of CRC-16 suffix recomputed from this
 * message's top Via (host, port, branch) and Call-ID.
 */
#ifndef SL_SIP_TOTAG_H
#define SL_SIP_TOTAG_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sl_xdp_shared.h"
#include "sl_crc16.h"
#include "net/payload.h"
#include "sip/scratch.h"

/*
 * CRC-16/X-25 of [s, e) of the scratch buffer, continued from state: a
 * word per turn of a plain bounded loop (no callback per word: on a
 * kernel whose returns go through a thunk each one costs ~10 ns), the
 * first 1..8 bytes from the word at s in one step (sl_crc16_head(): it
 * drops the bytes after them).  A global function: verified once.
 */
__noinline __u32 sl_crc16_span(struct sl_scratch *x, __u32 state, __u32 s,
			       __u32 e)
{
	__u16 c = state;
	__u32 z, i;
	int k;

	if (!x || e > SL_SCRATCH_LEN || e <= s)
		return state;
	z = (0 - (e - s)) & 7;
	i = s - z;	/* the word after the head starts at i + 8 */
	c = sl_crc16_head(c, sw(x->buf, s), z);
	for (k = 1; k < SCRATCH_WORDS; k++) {
		i += 8;
		if (i >= e)
			break;
		c = sl_crc16_step8(c, sw(x->buf, i));
	}
	return c;
}

#define CRC_INLINE_WORDS	5	/* a piece's words done in line */

/* state, updated with the bytes [s, e): up to CRC_INLINE_WORDS words in
 * line (no call: the pieces of a to-tag are short), anything longer by
 * sl_crc16_span().  Positions, not a struct span: clang copies a struct
 * argument a byte at a time (eight loads and shifts a span). */
static __always_inline __u16 crc_update(struct sl_scratch *x, __u16 state,
					__u32 s, __u32 e)
{
	__u32 n, z, p;
	int k;

	if (e <= s)
		return state;
	n = e - s;
	if (n > 8 * CRC_INLINE_WORDS)
		return sl_crc16_span(x, state, s, e);
	z = (0 - n) & 7;
	p = s - z;	/* the word after the head starts at p + 8 */
	state = sl_crc16_head(state, sw(x->buf, s), z);
#pragma unroll
	for (k = 1; k < CRC_INLINE_WORDS; k++) {
		if (8 * (__u32)k < n + z)
			state = sl_crc16_step8(state, sw(x->buf, p + 8 * k));
	}
	return state;
}

/* The bytes' part of a piece of up to 8 bytes (a port): the word at s
 * shifted up by z bytes (sl_crc16_carry() adds the state's). */
static __always_inline __u16 crc_short_data(struct sl_scratch *x, __u32 s,
					    __u32 z)
{
	return sl_crc16_word(sw(x->buf, s) << (8 * (z & 7)));
}

/*
 * Both states, a and b, updated with the bytes [s, e): each word's table
 * loads done once for the two (linear: a step is the bytes' part xor the
 * state's, sl_crc16_carry()), and the two dependency chains side by side.
 */
static __always_inline void crc_update2(struct sl_scratch *x, __u16 *a,
					__u16 *b, __u32 s, __u32 e)
{
	__u32 n, z, p;
	__u16 d;
	int k;

	if (e <= s)
		return;
	n = e - s;
	if (n > 8 * CRC_INLINE_WORDS) {
		*a = sl_crc16_span(x, *a, s, e);
		*b = sl_crc16_span(x, *b, s, e);
		return;
	}
	z = (0 - n) & 7;
	p = s - z;	/* the word after the head starts at p + 8 */
	d = crc_short_data(x, s, z);
	*a = d ^ sl_crc16_carry(*a, z);
	*b = d ^ sl_crc16_carry(*b, z);
#pragma unroll
	for (k = 1; k < CRC_INLINE_WORDS; k++) {
		if (8 * (__u32)k < n + z) {
			d = sl_crc16_word(sw(x->buf, p + 8 * k));
			*a = d ^ sl_crc16_carry(*a, 0);
			*b = d ^ sl_crc16_carry(*b, 0);
		}
	}
}

/* a updated with [s1, e1) and b with [s2, e2), a word of each in turn:
 * the two dependency chains side by side. */
static __always_inline void crc_update_pair(struct sl_scratch *x, __u16 *a,
					    __u32 s1, __u32 e1, __u16 *b,
					    __u32 s2, __u32 e2)
{
	__u32 n1, z1, n2, z2;
	int k;

	if (e1 <= s1 || e2 <= s2 || e1 - s1 > 8 * CRC_INLINE_WORDS ||
	    e2 - s2 > 8 * CRC_INLINE_WORDS) {
		*a = crc_update(x, *a, s1, e1);
		*b = crc_update(x, *b, s2, e2);
		return;
	}
	n1 = e1 - s1;
	n2 = e2 - s2;
	z1 = (0 - n1) & 7;
	z2 = (0 - n2) & 7;
	*a = sl_crc16_head(*a, sw(x->buf, s1), z1);
	*b = sl_crc16_head(*b, sw(x->buf, s2), z2);
#pragma unroll
	for (k = 1; k < CRC_INLINE_WORDS; k++) {
		if (8 * (__u32)k < n1 + z1)
			*a = sl_crc16_step8(*a, sw(x->buf, s1 - z1 + 8 * k));
		if (8 * (__u32)k < n2 + z2)
			*b = sl_crc16_step8(*b, sw(x->buf, s2 - z2 + 8 * k));
	}
}

/*
 * CRC-A << 16 | CRC-B for this message's top Via and Call-ID: A over
 * host, port, branch, B over port, host, Call-ID.  B's port first, so
 * that the host's words serve both, a port of up to 8 bytes (the
 * common one) read once, then branch and Call-ID side by side.
 */
static __always_inline __u32 totag_suffix(struct sl_scratch *x)
{
	struct via_parse *v = &x->via;
	struct span *callid = &x->scan.hdr[HDR_CALLID];
	__u32 hs = v->host.s, he = v->host.e, ps = v->port.s, pe = v->port.e;
	__u16 a = SL_CRC16_INIT, b = SL_CRC16_INIT, dp = 0;
	__u32 zp = (0 - (pe - ps)) & 7;

	if (pe <= ps)	/* no port: the list ends after the host */
		return (__u32)sl_crc16_final(crc_update(x, a, hs, he)) << 16 |
		       sl_crc16_final(b);
	if (pe - ps <= 8) {
		dp = crc_short_data(x, ps, zp);
		b = dp ^ sl_crc16_carry(b, zp);
		crc_update2(x, &a, &b, hs, he);
		a = dp ^ sl_crc16_carry(a, zp);
	} else {
		b = crc_update(x, b, ps, pe);
		crc_update2(x, &a, &b, hs, he);
		a = crc_update(x, a, v->port.s, v->port.e);
	}
	crc_update_pair(x, &a, v->branch.s, v->branch.e, &b, callid->s,
			callid->e);
	return (__u32)sl_crc16_final(a) << 16 | sl_crc16_final(b);
}

/* Does the 8-char suffix at off spell crc (Kamailio's nibble order,
 * sl_crc16_nib4())?  The eight hex digits built a word at a time, no
 * branch: a nibble per byte, then '0' + n, plus 'a' - '0' - 10 for
 * n >= 10. */
static __always_inline int suffix_matches(const __u8 *buf, __u32 off, __u32 suffix)
{
	__u64 n = (suffix >> 16) | (__u64)(suffix & 0xffff) << 32;

	n = (n | n << 8) & 0x00ff00ff00ff00ffULL;	/* a byte per byte */
	n = (n | n << 4) & 0x0f0f0f0f0f0f0f0fULL;	/* a nibble per byte */
	n += ONES64 * '0' +
	     (((n + ONES64 * 6) & (ONES64 * 0x10)) >> 4) * ('a' - '0' - 10);
	return sw(buf, off) == n;
}

/* The first 32 tag bytes equal the configured signature, then '.'. */
static __always_inline int signature_matches(const __u8 *buf, __u32 off,
					     const struct sl_config *cfg)
{
	const __u64 *sig = (const __u64 *)cfg->signature;
	int i;

#pragma unroll
	for (i = 0; i < SL_SIG_LEN / 8; i++) {
		if (sw(buf, off + 8 * i) != sig[i])
			return 0;
	}
	return sb(buf, off + SL_SIG_LEN) == '.';
}

/*
 * Is the tag value [t, e), which ends its header value (sip/to.h
 * to_tag_start_fast() takes no other shape), our tag for suffix:
 * signature '.' suffix?  None of the SL_TOTAG_LEN bytes ends a token
 * (cfg->sig_token: the configuration's compiler checks the signature
 * once, user/conf), so the To parser would read exactly these bytes.
 */
static __always_inline int totag_ours_at(const __u8 *buf, __u32 t, __u32 e,
					 const struct sl_config *cfg,
					 __u32 suffix)
{
	return cfg->sig_token && t <= e && e - t == SL_TOTAG_LEN &&
	       signature_matches(buf, t, cfg) &&
	       suffix_matches(buf, t + SL_SIG_LEN + 1, suffix);
}

#endif /* SL_SIP_TOTAG_H */
