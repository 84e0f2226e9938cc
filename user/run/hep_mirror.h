/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * HEP3 copies for Homer ([hep], issue 17): each answered request and its
 * reply, as Kamailio's siptrace sends them (user/sip/hep3.h), correlated
 * by the Call-ID.  A queue thread encodes the pair into its own ring
 * (user/run/hep_ring.h) after composing the reply: no system call, no
 * lock, no wait; a full ring drops the pair and counts it.  One HEP
 * thread drains every ring with sendmmsg() on one UDP socket, opened
 * before the sandbox.  Which calls are copied is decided by a hash of
 * the Call-ID, so that a request and its reply, and every request of a
 * call, are copied or not together.
 *
 * The socket is dual-stack (IPv6 with IPv4-mapped destinations; IPv4
 * only where the host has no IPv6) and not connected: the destination
 * travels with each record, so a reload that changes any [hep] key,
 * adds or removes the section, applies to the next request answered.
 * Unconnected, an ICMP unreachable from a collector that is not there
 * raises no error.
 *
 * The XDP program reports what the responder never sees, ACKs absorbed
 * and requests dropped by a rule, into the BPF ring buffer sl_hep_ring
 * (bpf/hep_report.h, sampled there by the same Call-ID hash); the HEP
 * thread reads it on each pass (libbpf's ring_buffer__consume(): the
 * mapped pages only, no system call) and sends each report to the
 * [hep] of the bank it came from, counted in the first slot.  Counters (resp:hep_sent, resp:hep_dropped) are
 * written by the HEP thread only, into the slot of the queue thread the
 * copy came from.
 */
#ifndef SL_RUN_HEP_MIRROR_H
#define SL_RUN_HEP_MIRROR_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include <linux/types.h>

#include "sl_xdp_shared.h"
#include "conf/config.h"
#include "run/answer.h"

#define HEP_RING_BYTES	(2u << 20)	/* per queue thread */

/* What one bank's [hep] says, worked out once per configuration. */
struct hep_target {
	bool enabled;
	__u32 sample;			/* hundredths of a percent */
	__u32 capture_id;
	char auth_key[65];
	struct sockaddr_in6 to;		/* IPv4: IPv4-mapped */
};

struct hep_mirror;

void hep_target_make(const struct sl_hep_settings *h, struct hep_target *t);

/* The Call-ID's hash: its first SL_HEP_CALLID_HASH_MAX bytes read as
 * little-endian 64-bit words (the last one padded with zeros), len the
 * whole length, h = 0x9e3779b97f4a7c15 ^ len, for each
 * word h = (h ^ w) * 0xff51afd7ed558ccd, h ^= h >> 32; then murmur3's
 * fmix64 (include/sl_callid_hash.h).  Written out so that other tools
 * can compute it. */
__u64 hep_callid_hash(const char *callid, size_t len);
/* Whether a call is copied at sample (0..SL_HEP_SAMPLE_ALL hundredths of
 * a percent): hep_callid_hash() modulo 10000 below sample. */
bool hep_sampled(const char *callid, size_t len, __u32 sample);

/* The socket and n_rings rings (one per queue thread); counters go to
 * stats[ring] (NULL: not counted).  0, or -1 with err set. */
int hep_mirror_open(unsigned int n_rings, struct sl_kam_stats *stats,
		    struct hep_mirror **out, char *err, size_t errlen);
/* The XDP program's reports: ring_fd the map sl_hep_ring, target[b]
 * bank b's [hep] (read by the HEP thread as the queue threads read
 * theirs).  Before the thread starts and the sandbox (ring_buffer__new
 * maps the ring, makes an epoll fd).  0, or -1 with err set. */
int hep_mirror_attach_dp(struct hep_mirror *m, int ring_fd,
			 const struct hep_target *const target[SL_RULE_BANKS],
			 char *err, size_t errlen);
/* The socket the HEP thread sends on (for the sandbox's allow-list). */
int hep_mirror_fd(const struct hep_mirror *m);

/*
 * Queue thread `ring`: the copies of what sl_answer_frame() answered
 * (a: its result; frame: the request frame; tx_buf: the reply frame),
 * if t is enabled and the call is sampled.  Never blocks.
 */
void hep_mirror_answer(struct hep_mirror *m, unsigned int ring,
		       const struct hep_target *t, const __u8 *frame,
		       const __u8 *tx_buf, const struct sl_frame_answer *a);

/* Whether [hep] is configured: without it the HEP thread looks at its
 * rings every 100 ms, not every few ms (copies made by frames of the old
 * bank just after a reload are still sent). */
void hep_mirror_set_active(struct hep_mirror *m, bool on);
/* One pass of the HEP thread over every ring: what it sent. */
unsigned int hep_mirror_drain(struct hep_mirror *m);
/* The HEP thread ("sl-xdp/hep"), until *stop. 0 or -errno. */
int hep_mirror_start(struct hep_mirror *m, volatile int *stop);
/* Joins the thread (once *stop is set), sends what is left. */
void hep_mirror_join(struct hep_mirror *m);
void hep_mirror_close(struct hep_mirror *m);

#endif /* SL_RUN_HEP_MIRROR_H */
