/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ACK absorption.  An ACK is dropped only when both hold:
 *  - its To-tag is ours: signature '.' suffix, where the suffix is
 *    recomputed from this ACK's top Via and Call-ID as Kamailio does
 *    (spec 1.4, a missing piece cuts the list) -- or it is a foreign tag
 *    (re-INVITE) for which the responder recorded a reply;
 *  - the reply-window store has a live entry for exactly that reply (in
 *    any of the SL_WINDOW_WAYS entries of the key's bucket).
 */
#ifndef SL_ACK_ABSORB_H
#define SL_ACK_ABSORB_H

#include "sl_crc16.h"
#include "sip_via.h"
#include "sip_to.h"


static long crc_chunk_cb(__u32 idx, void *data)
{
	struct sl_scratch *x = ((struct loop_ctx *)data)->scr;
	struct crc_run *c = &x->crc;
	__u32 i = c->s + idx * BYTES_PER_STEP, e = c->e;
	__u16 state = c->state;
	__u64 w;
	int k;

	if (i >= e)
		return 1;
	if (e - i >= 8) {
		/* the CRC is a plain unknown value to the verifier: keep it in
		 * a register, two slices of four bytes */
		w = sw(x->buf, i);
		state = sl_crc16_step4(state, w, w >> 8, w >> 16, w >> 24);
		state = sl_crc16_step4(state, w >> 32, w >> 40, w >> 48, w >> 56);
		c->state = state;
		return 0;
	}
#pragma unroll
	for (k = 0; k < BYTES_PER_STEP; k++) {
		if (i + k >= e)
			break;
		state = sl_crc16_step(state, sb(x->buf, i + k));
	}
	c->state = state;
	return 1;
}

static __always_inline __u16 crc_update(struct sl_scratch *x, __u16 state,
					struct span r)
{
	struct loop_ctx lc = { .scr = x };

	if (r.e <= r.s)
		return state;
	x->crc.s = r.s;
	x->crc.e = r.e;
	x->crc.state = state;
	bpf_loop(SL_SCRATCH_LEN / BYTES_PER_STEP, crc_chunk_cb, &lc, 0);
	return x->crc.state;
}

static __always_inline int span_present(struct span r)
{
	return r.e > r.s;
}

/* CRC-A << 16 | CRC-B for this message's top Via and Call-ID. */
static __always_inline __u32 totag_suffix(struct sl_scratch *x,
					  struct span callid)
{
	struct via_parse *v = &x->via;
	__u16 a = SL_CRC16_INIT, b = SL_CRC16_INIT;

	a = crc_update(x, a, v->host);
	if (span_present(v->port)) {
		a = crc_update(x, a, v->port);
		if (span_present(v->branch))
			a = crc_update(x, a, v->branch);
		b = crc_update(x, b, v->port);
		b = crc_update(x, b, v->host);
		if (span_present(callid))
			b = crc_update(x, b, callid);
	}
	return (__u32)sl_crc16_final(a) << 16 | sl_crc16_final(b);
}

static __always_inline __u8 hex_lower(__u32 v)
{
	v &= 15;
	return v < 10 ? '0' + v : 'a' + v - 10;
}

/* Does the 8-char suffix at off spell crc (Kamailio's nibble order)? */
static __always_inline int suffix_matches(const __u8 *buf, __u32 off, __u32 suffix)
{
	__u16 a = suffix >> 16, b = suffix & 0xffff;
	__u64 want = 0;
	int i;

#pragma unroll
	for (i = 0; i < 4; i++) {
		want |= (__u64)hex_lower(a >> (4 * i)) << (8 * i);
		want |= (__u64)hex_lower(b >> (4 * i)) << (8 * (i + 4));
	}
	return sw(buf, off) == want;
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

enum ack_verdict {
	ACK_ABSORB,
	ACK_PASS_NO_TAG,	/* no To-tag or headers missing */
	ACK_PASS_BAD_TAG,	/* our signature but wrong suffix */
	ACK_PASS_NO_ENTRY,
	ACK_PASS_EXPIRED,
};

static __always_inline int ack_check(struct sl_scratch *x,
				     const struct sl_config *cfg)
{
	struct sip_scan *sc = &x->scan;
	struct span tag;
	struct sl_window_entry *ent;
	__u32 suffix, key_tag, slot;
	__u64 now;
	int i;

	if (!(sc->seen & (1u << HDR_VIA)) || !(sc->seen & (1u << HDR_TO)) ||
	    !(sc->seen & (1u << HDR_CALLID)))
		return ACK_PASS_NO_TAG;

	if (to_parse_run(x, sc->hdr[HDR_TO]) || !span_present(x->to.tag))
		return ACK_PASS_NO_TAG;
	tag = x->to.tag;
	if (via_parse_run(x, sc->hdr[HDR_VIA]))
		return ACK_PASS_NO_TAG;

	suffix = totag_suffix(x, sc->hdr[HDR_CALLID]);

	if (tag.e - tag.s == SL_TOTAG_LEN &&
	    signature_matches(x->buf, tag.s, cfg)) {
		if (!suffix_matches(x->buf, tag.s + SL_SIG_LEN + 1, suffix))
			return ACK_PASS_BAD_TAG;
		key_tag = 0;
	} else {
		/* a tag that was in the request: the re-INVITE entry */
		key_tag = SL_WINDOW_FOREIGN_TAG |
			  sl_crc16_final(crc_update(x, SL_CRC16_INIT, tag));
	}

	/* every way of the key's bucket (one cache line) */
	slot = sl_window_slot(suffix, key_tag, cfg->window_mask);
#pragma unroll
	for (i = 0; i < SL_WINDOW_WAYS; i++) {
		__u32 k = slot + i;

		ent = bpf_map_lookup_elem(&sl_window, &k);
		if (!ent || ent->sent_ns == 0 || ent->key_suffix != suffix ||
		    ent->key_tag != key_tag)
			continue;
		now = bpf_ktime_get_ns();
		if (now - ent->sent_ns >= cfg->ack_window_ns)
			return ACK_PASS_EXPIRED;
		return ACK_ABSORB;
	}
	return ACK_PASS_NO_ENTRY;
}

#endif /* SL_ACK_ABSORB_H */
