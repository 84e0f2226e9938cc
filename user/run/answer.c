// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <string.h>

#include "dp/frame_io.h"
#include "run/answer.h"
#include "sip/kam_stats.h"

/* Single writer per slot: plain add, published with a store the reader
 * cannot see torn. */
static void stat_add(__u64 *field, __u64 n)
{
	__atomic_store_n(field, *field + n, __ATOMIC_RELAXED);
}

void sl_answer_frame(const struct sl_engine_cfg *ecfg,
		     const struct sl_reply_spec *spec, const __u8 *frame,
		     size_t len, __u8 *tx_buf, size_t tx_cap, __u32 mtu,
		     struct sl_kam_stats *st, struct sl_frame_answer *out)
{
	struct frame_info fi;
	struct sl_result res;
	struct sl_peer peer;
	size_t hdr, flen;

	memset(out, 0, sizeof(*out));
	if (frame_parse(frame, len, &fi)) {
		stat_add(&st->dropped_not_request, 1);
		return;
	}
	hdr = frame_reply_hdr_len(&fi);
	if (hdr >= tx_cap) {
		stat_add(&st->failures, 1);
		return;
	}
	peer.family = fi.family;
	memcpy(peer.addr, fi.src, sizeof(peer.addr));
	peer.port = fi.sport;

	if (sl_engine_answer(ecfg, spec, (const char *)frame + fi.payload_off,
			     fi.payload_len, &peer, (char *)tx_buf + hdr,
			     tx_cap - hdr, &res) < 0) {
		stat_add(&st->failures, 1);
		return;
	}
	if (res.outcome == SL_OUT_DROP_UNANSWERABLE) {
		stat_add(&st->dropped_unanswerable, 1);
		return;
	}
	if (res.outcome != SL_OUT_REPLY) {
		/* Kamailio counts a reply attempt to an ACK as a failure */
		stat_add(&st->dropped_not_request, 1);
		return;
	}
	/* port 0 (rport of a datagram from port 0): nowhere to deliver it;
	 * Kamailio's sendto fails there, counted as a failure */
	if (!res.dst_port) {
		stat_add(&st->failures, 1);
		return;
	}
	flen = frame_build_reply(frame, &fi, res.dst_port, res.len, tx_buf, tx_cap);
	if (!flen) {
		stat_add(&st->failures, 1);
		return;
	}
	/* the interface would drop it (or send what the peer drops): count
	 * it instead of sending an oversize frame as if it were sent */
	if (mtu && flen - fi.l2_len > mtu) {
		stat_add(&st->oversize, 1);
		return;
	}
	if (res.record_window) {
		out->record_window = true;
		out->window_suffix = res.window_suffix;
		out->window_key_tag = res.window_key_tag;
		stat_add(&st->window_recorded, 1);
	}
	/* counted when handed to the TX ring; ring-full drops are counted
	 * by xsk_io and folded into failures when reporting */
	sl_stats_count(st, res.code, res.is_error_reply);
	out->len = flen;
	out->req = fi;
	out->reply_payload_off = hdr;
	out->reply_payload_len = res.len;
	out->reply_dport = res.dst_port;
	out->callid_off = res.callid_off;
	out->callid_len = res.callid_len;
}
