/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * One frame the XDP program redirected to the responder, answered and
 * counted: parse the frame, let the SIP engine decide and write the reply,
 * build the reply frame, and count what happened, exactly once per frame,
 * in a responder slot of sl_stats (Kamailio's counters and resp:
 * dropped_not_request, dropped_unanswerable, failures, window_recorded,
 * oversize).  mtu: the interface's, 0 if unknown: a reply frame whose IP
 * packet is longer is not sent but counted (resp:oversize).  A reply to
 * port 0 (rport of a datagram sent from port 0) is not sent: a failure.
 * Pure: no I/O, no clock, no map; the caller writes the reply-window entry
 * it is told to (before it transmits the frame).
 */
#ifndef SL_RUN_ANSWER_H
#define SL_RUN_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "sl_xdp_shared.h"
#include "dp/frame_io.h"
#include "sip/sl_engine.h"

struct sl_frame_answer {
	size_t len;		/* reply frame bytes in tx_buf; 0: nothing to send */
	bool record_window;	/* the caller records this reply-window entry */
	__u32 window_suffix;
	__u32 window_key_tag;
	/* what a copy for Homer needs, when a reply was built (len > 0) */
	struct frame_info req;	/* the request frame's addresses, ports, payload */
	size_t reply_payload_off;	/* the reply's SIP message in tx_buf */
	size_t reply_payload_len;
	__u16 reply_dport;	/* where the reply goes (host order) */
	__u32 callid_off;	/* the Call-ID in the request's payload */
	__u32 callid_len;
};

void sl_answer_frame(const struct sl_engine_cfg *ecfg,
		     const struct sl_reply_spec *spec, const __u8 *frame,
		     size_t len, __u8 *tx_buf, size_t tx_cap, __u32 mtu,
		     struct sl_kam_stats *st, struct sl_frame_answer *out);

#endif /* SL_RUN_ANSWER_H */
