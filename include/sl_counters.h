/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Every counter sl-xdp publishes, listed once.  The counter structs (the
 * map value layouts shared by the XDP program, the responder and
 * sl-ctl), the names `sl-ctl stats` prints in text, JSON and Prometheus
 * form, their help texts and the tests' field tables are all expanded
 * from these lists (X-macros), so a counter cannot be added to one and
 * forgotten in another.
 *
 * Included by include/sl_xdp_shared.h; only __u64 here.
 */
#ifndef SL_COUNTERS_H
#define SL_COUNTERS_H

/*
 * Data-plane counters: per-CPU map sl_counters, struct sl_dp_counters,
 * printed as dp:NAME.  X(name, help), in struct order.
 */
#define SL_DP_COUNTERS(X) \
	X(packets, "Frames the XDP program saw.") \
	X(sip_udp, "UDP datagrams to a served SIP port.") \
	X(passed_not_ours, "Datagrams to a SIP port not addressed to this host (MAC or IP), passed.") \
	X(sip_requests, "SIP requests among them (ACKs included).") \
	X(sip_responses, "SIP responses among them.") \
	X(acks_absorbed, "ACKs to our own replies dropped in XDP (Kamailio's received_ACKs).") \
	X(acks_passed, "ACKs not absorbed, passed on.") \
	X(acks_bad_tag, "ACKs with a signed-looking To-tag whose suffix is wrong.") \
	X(acks_no_entry, "ACKs with a valid To-tag but no reply-window entry.") \
	X(acks_expired, "ACKs with a valid To-tag whose reply is older than ack_window.") \
	X(redirected, "Requests redirected to the responder's AF_XDP sockets.") \
	X(redirect_fallback, "Requests to answer passed to the stack: no responder socket.") \
	X(dropped_by_rule, "Requests dropped by a rule or default_action.") \
	X(passed_by_rule, "Requests passed by a rule or default_action.") \
	X(passed_not_sip, "Frames passed: not UDP to a SIP port, or IP fragments after the first.") \
	X(parse_failures, "Malformed SIP datagrams, passed.") \
	X(udp_len_mismatch, "UDP datagrams to a SIP port whose UDP length is not their IP payload length, passed.") \
	X(truncated, "SIP datagrams longer than the XDP parser reads.") \
	X(unseen, "Requests with a part the rules use (Request-URI, User-Agent, From, To) past what XDP reads: drop and reply rules take it as matching.") \
	X(unanswerable, "Requests read but not answerable here (IP first fragments, 3+ VLAN tags, 5+ IPv6 extension headers): a reply rule passes them.") \
	X(dropped_unreadable, "Frames dropped by a src rule though unreadable past the IPv6 header (more than 8 extension headers).") \
	X(rate_limited, "Requests dropped: their source exceeded rate_limit.") \
	X(fwd_forwarded, "Responses forwarded (XDP_TX or redirect).") \
	X(fwd_rewritten, "Forwarded responses whose code and reason were rewritten.") \
	X(fwd_unresolvable, "Responses to forward passed: host name, no route or neighbour known, or the next-hop tables not current.") \
	X(fwd_passed, "Responses to forward passed: one Via, malformed, unsupported or over the MTU.") \
	X(fwd_not_peer, "Responses with our top Via from a source not in [forward] peers, passed.") \
	X(fwd_loop, "Responses to forward to this host, one of our Vias or their own sender, passed.") \
	X(fwd_other_iface, "Responses to forward out of another interface (allow_redirect = no), passed.") \
	X(fwd_rate_limited, "Responses dropped: their destination exceeded the [forward] rate_limit.") \
	X(redirect_too_big, "Requests to answer passed to the stack: larger than an AF_XDP frame holds.") \
	X(blocked, "Datagrams to a served port dropped: their source is in the blocklist (sl-ctl block) or was banned by them.") \
	X(banned, "Sources put in the blocklist by [ban]: over its rate.") \
	X(hep_ring_full, "HEP3 reports of absorbed ACKs and rule drops lost: the ring buffer sl_hep_ring was full (the responder not draining it).")

/*
 * Kamailio's sl counters, in the (alphabetical) order in which
 * `kamcmd stats.get_statistics sl:` prints them, with Kamailio >= 5.8.6
 * semantics (exclusive per-code buckets, 100..199 in 1xx_replies,
 * < 100 or >= 700 in xxx_replies).  X(field, name, kind, help):
 *   BUCKET  a reply-code bucket: a field, and part of sent_replies;
 *   FIELD   another field of struct sl_kam_stats;
 *   SENT    sent_replies: not stored, the sum of the buckets;
 *   EXTERNAL received_ACKs: the data plane's acks_absorbed.
 */
#define SL_KAM_COUNTERS(X) \
	X(replies_1xx, "1xx_replies", BUCKET, "Provisional replies sent (100-199).") \
	X(replies_200, "200_replies", BUCKET, "200 replies sent.") \
	X(replies_202, "202_replies", BUCKET, "202 replies sent.") \
	X(replies_2xx, "2xx_replies", BUCKET, "Other 2xx replies sent.") \
	X(replies_300, "300_replies", BUCKET, "300 replies sent.") \
	X(replies_301, "301_replies", BUCKET, "301 replies sent.") \
	X(replies_302, "302_replies", BUCKET, "302 replies sent.") \
	X(replies_3xx, "3xx_replies", BUCKET, "Other 3xx replies sent.") \
	X(replies_400, "400_replies", BUCKET, "400 replies sent.") \
	X(replies_401, "401_replies", BUCKET, "401 replies sent.") \
	X(replies_403, "403_replies", BUCKET, "403 replies sent.") \
	X(replies_404, "404_replies", BUCKET, "404 replies sent.") \
	X(replies_407, "407_replies", BUCKET, "407 replies sent.") \
	X(replies_408, "408_replies", BUCKET, "408 replies sent.") \
	X(replies_483, "483_replies", BUCKET, "483 replies sent.") \
	X(replies_4xx, "4xx_replies", BUCKET, "Other 4xx replies sent.") \
	X(replies_500, "500_replies", BUCKET, "500 replies sent.") \
	X(replies_5xx, "5xx_replies", BUCKET, "Other 5xx replies sent.") \
	X(replies_6xx, "6xx_replies", BUCKET, "6xx replies sent.") \
	X(failures, "failures", FIELD, "Replies that could not be sent.") \
	X(received_acks, "received_ACKs", EXTERNAL, "ACKs to our own replies absorbed.") \
	X(sent_err_replies, "sent_err_replies", FIELD, "Error replies (400 with a reason, 505) sent to malformed requests.") \
	X(sent_replies, "sent_replies", SENT, "Replies sent.") \
	X(replies_xxx, "xxx_replies", BUCKET, "Replies sent with a code below 100 or from 700.")

/*
 * The responder's own counters (printed as resp:NAME), after Kamailio's
 * in struct sl_kam_stats.  X(name, help).  Every request the XDP program
 * redirects is in exactly one of them once it has left the rings, so
 * that, at rest,
 *   dp:redirected = resp:rx_frames + resp:rx_ring_full + resp:rx_dropped
 *   resp:rx_frames = sl:sent_replies + sl:failures
 *                    + resp:dropped_unanswerable + resp:dropped_not_request
 *                    + resp:not_answered_by_rule + resp:rx_bad_desc
 * (sl:failures includes tx_ring_full, umem_exhausted and oversize).  The
 * kernel's XDP_STATISTICS of each socket are read by the responder and
 * added to its slot as they grow, so they survive a restart of the
 * responder (new sockets count from 0) and `stats --reset`.
 */
#define SL_RESP_COUNTERS(X) \
	X(dropped_unanswerable, "Requests dropped: no usable Via, From, To, Call-ID or CSeq.") \
	X(dropped_not_request, "Frames dropped: an ACK, a response or not a UDP datagram.") \
	X(tx_ring_full, "Requests not answered: the AF_XDP TX ring was full (part of failures).") \
	X(umem_exhausted, "Requests not answered: no free UMEM frame to reply in (part of failures).") \
	X(oversize, "Replies not sent: longer than the interface's MTU (part of failures).") \
	X(window_recorded, "Reply-window entries written for the ACK filter.") \
	X(not_answered_by_rule, "Requests without XDP metadata whose rule, evaluated here, does not reply (a reload in between): not answered.") \
	X(rx_frames, "Frames the responder read from its AF_XDP RX rings.") \
	X(rx_ring_full, "Requests lost in the kernel: the socket's RX ring was full (XDP_STATISTICS rx_ring_full).") \
	X(rx_dropped, "Requests lost in the kernel: no free frame on the fill ring, or too large (XDP_STATISTICS rx_dropped).") \
	X(rx_fill_ring_empty, "Times the kernel found the fill ring empty (XDP_STATISTICS; in copy mode each also counts in rx_dropped).") \
	X(rx_invalid_descs, "Fill-ring descriptors the kernel refused (XDP_STATISTICS; 0 unless there is a bug).") \
	X(tx_invalid_descs, "TX descriptors the kernel refused (XDP_STATISTICS; 0 unless there is a bug).") \
	X(rx_bad_desc, "Frames dropped: their RX descriptor pointed outside their UMEM frame (0 unless there is a bug).") \
	X(tx_kicks, "sendto() calls that asked the kernel to transmit.") \
	X(sleeps, "Times a queue thread found nothing to do and slept in poll().") \
	X(busy_ns, "CPU time of the queue threads (user and system), in nanoseconds.") \
	X(hep_sent, "HEP3 copies (requests and replies) sent to the [hep] collector.") \
	X(hep_dropped, "HEP3 copies not sent: the queue's HEP ring was full, or the socket refused them.")

#define SL_COUNTER_FIELD(name, help) __u64 name;
#define SL_KAM_FIELD_BUCKET(f) __u64 f;
#define SL_KAM_FIELD_FIELD(f) __u64 f;
#define SL_KAM_FIELD_SENT(f)
#define SL_KAM_FIELD_EXTERNAL(f)
#define SL_KAM_COUNTER_FIELD(f, name, kind, help) SL_KAM_FIELD_##kind(f)
#define SL_KAM_STORED_BUCKET +1
#define SL_KAM_STORED_FIELD +1
#define SL_KAM_STORED_SENT
#define SL_KAM_STORED_EXTERNAL
#define SL_KAM_COUNT_STORED(f, name, kind, help) SL_KAM_STORED_##kind
#define SL_COUNT_ONE(name, help) +1

/* Data-plane counters: per-CPU, named so that bpftool prints names. */
struct sl_dp_counters {
	SL_DP_COUNTERS(SL_COUNTER_FIELD)
};

/* One responder thread's slot of the mmap-able map sl_stats. */
#define SL_STATS_SLOT_WORDS	64	/* 512 bytes: a slot per cache-line group */
enum {
	SL_KAM_N_STORED = 0 SL_KAM_COUNTERS(SL_KAM_COUNT_STORED),
	SL_RESP_N = 0 SL_RESP_COUNTERS(SL_COUNT_ONE),
};

/*
 * Kamailio's sl counters that are stored, then the responder's own.  One
 * slot per responder thread in the mmap-able map sl_stats, written
 * without a system call; readers sum the slots.
 */
struct sl_kam_stats {
	SL_KAM_COUNTERS(SL_KAM_COUNTER_FIELD)
	SL_RESP_COUNTERS(SL_COUNTER_FIELD)
	__u64 pad[SL_STATS_SLOT_WORDS - SL_KAM_N_STORED - SL_RESP_N];
};
/* One per responder thread: the thread of socket k of queue q writes
 * slot q * sockets_per_queue + k, the same index as its sl_xsks entry. */
#define SL_STATS_SLOTS	SL_MAX_SOCKETS

#endif /* SL_COUNTERS_H */
