/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * ACK absorption.  An ACK is dropped only when both hold:
 *  - its To-tag is ours: signature '.' suffix, where the suffix is
 *    recomputed from this ACK's top Via and Call-ID as Kamailio does
 *    (spec 1.4, a missing piece cuts the list) -- or it is a foreign tag
 *    (re-INVITE) for which the responder recorded a reply;
 *  - the reply-window store has a live entry for exactly that reply (in
 *    any of the SL_WINDOW_WAYS entries of the key's bucket).
 * The common ACK, "<URI>;tag=" then our tag (sip/to.h
 * to_tag_start_fast(), sip/totag.h totag_ours_at()), is told without the
 * To parser: the tag the parser would read, with fewer calls.
 */
#ifndef SL_ACK_ABSORB_H
#define SL_ACK_ABSORB_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sl_xdp_shared.h"
#include "sl_crc16.h"
#include "sip/scratch.h"
#include "sip/via.h"
#include "sip/to.h"
#include "sip/totag.h"
#include "maps.h"

enum ack_verdict {
	ACK_ABSORB,
	ACK_PASS_NO_TAG,	/* no To-tag or headers missing */
	ACK_PASS_BAD_TAG,	/* our signature but wrong suffix */
	ACK_PASS_NO_ENTRY,
	ACK_PASS_EXPIRED,
};

/*
 * The verdict on an ACK whose payload was scanned into the scratch value
 * (the configuration of bank).  A global function: its stack frame does
 * not add to the rules' chain of calls, and it is verified once.
 */
__noinline int sl_ack_check(__u32 bank)
{
	struct sl_window_entry *ent;
	const struct sl_config *cfg;
	struct sl_scratch *x;
	struct sip_scan *sc;
	struct span tag;
	__u32 suffix, key_tag, slot, t, zero = 0;
	__u64 now;
	int i;

	x = bpf_map_lookup_elem(&sl_scratch, &zero);
	if (!x)
		return ACK_PASS_NO_TAG;
	sc = &x->scan;
	if (!(sc->seen & (1u << HDR_VIA)) || !(sc->seen & (1u << HDR_TO)) ||
	    !(sc->seen & (1u << HDR_CALLID)))
		return ACK_PASS_NO_TAG;

	/* a span built from its two fields: clang copies one taken
	 * whole from the map value a byte at a time */
	if (via_parse_run(x, (struct span){ sc->hdr[HDR_VIA].s,
					    sc->hdr[HDR_VIA].e }))
		return ACK_PASS_NO_TAG;
	suffix = totag_suffix(x);

	/* looked up only now and again after the To parser: one pointer
	 * less to keep across the parsers (this frame is on the program's
	 * deepest chain of calls) */
	bank &= 1;
	cfg = bpf_map_lookup_elem(&sl_config, &bank);
	if (!cfg)
		return ACK_PASS_NO_TAG;
	/* the common shape, our tag right after the URI: no parser */
	t = to_tag_start_fast(x->buf, (struct span){ sc->hdr[HDR_TO].s,
						     sc->hdr[HDR_TO].e });
	if (t != POS_NONE &&
	    totag_ours_at(x->buf, t, sc->hdr[HDR_TO].e, cfg, suffix)) {
		key_tag = 0;
		goto window;
	}

	if (to_parse_run(x, sc->hdr[HDR_TO]) || !span_present(x->to.tag))
		return ACK_PASS_NO_TAG;
	cfg = bpf_map_lookup_elem(&sl_config, &bank);
	if (!cfg)
		return ACK_PASS_NO_TAG;
	tag = x->to.tag;

	if (tag.e - tag.s == SL_TOTAG_LEN &&
	    signature_matches(x->buf, tag.s, cfg)) {
		if (!suffix_matches(x->buf, tag.s + SL_SIG_LEN + 1, suffix))
			return ACK_PASS_BAD_TAG;
		key_tag = 0;
	} else {
		/* a tag that was in the request: the re-INVITE entry */
		key_tag = SL_WINDOW_FOREIGN_TAG |
			  sl_crc16_final(crc_update(x, SL_CRC16_INIT, tag.s,
						     tag.e));
	}

window:
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
