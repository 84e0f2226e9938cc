/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the XDP program reports for HEP3 ([hep], issue 17) through the
 * ring buffer sl_hep_ring: the requests the responder never sees, ACKs
 * absorbed and requests dropped by a rule.  Fixed-size records (one
 * reserve, no length arithmetic for the verifier); the responder's HEP
 * thread turns each into a HEP3 packet (user/run/hep_mirror.c).
 * Included by bpf/hep_report.h (after vmlinux.h) and userspace (after
 * <linux/types.h>).
 */
#ifndef SL_HEP_REPORT_H
#define SL_HEP_REPORT_H

#define SL_HEP_RING_BYTES	(4u << 20)	/* map sl_hep_ring */
#define SL_HEP_REPORT_PAYLOAD	1472	/* payload bytes kept; more: cut */
#define SL_HEP_SAMPLE_ALL	10000	/* sample is in hundredths of a percent */
/* The Call-ID bytes the sampling hash reads (hep_callid_hash(), and
 * bpf/hep_report.h with the same bound); the length counts whole. */
#define SL_HEP_CALLID_HASH_MAX	256
#define SL_HEP_RULE_DEFAULT	0xffff	/* dropped by default_action */

enum sl_hep_report_kind {
	SL_HEP_ACK_ABSORBED	= 1,
	SL_HEP_DROPPED_BY_RULE	= 2,
};

struct sl_hep_report {
	__u64 mono_ns;			/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u8 family;			/* 4 or 6 */
	__u8 kind;			/* enum sl_hep_report_kind */
	__u8 bank;			/* whose [hep] it goes to */
	__u8 pad;
	__u16 rule;			/* the dropping rule, SL_HEP_RULE_DEFAULT */
	__u16 sport;			/* host order */
	__u16 dport;
	__u16 payload_len;		/* bytes in payload[] */
	__u32 orig_len;			/* the datagram's payload length */
	__u8 src[16];			/* network order, IPv4 in the first 4 */
	__u8 dst[16];
	__u8 payload[SL_HEP_REPORT_PAYLOAD];
};

#endif /* SL_HEP_REPORT_H */
