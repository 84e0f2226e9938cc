/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * HEP3 reports of what the responder never sees ([hep], issue 17): an
 * ACK absorbed, a request dropped by a rule.  A record of fixed size
 * (include/sl_hep_report.h) goes into the ring buffer sl_hep_ring,
 * which the responder's HEP thread drains (user/run/hep_mirror.c).
 * Never a wait: BPF_RB_NO_WAKEUP (the thread polls), and a full ring
 * drops the report and counts dp:hep_ring_full.
 *
 * Which requests: cfg->hep_sample, as the responder's own sampling, by
 * the Call-ID's hash (user/run/hep_mirror.h hep_callid_hash(), the same
 * function over the value as the header scan delimits it), so that the
 * ACK of a call is reported when its INVITE and reply were copied.  Its
 * cost is bounded: the hash reads at most SL_HEP_CALLID_HASH_MAX bytes
 * (the userspace hash has the same bound).  At 100 % no hash is made.
 */
#ifndef SL_HEP_REPORT_BPF_H
#define SL_HEP_REPORT_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "sl_xdp_shared.h"
#include "maps.h"
#include "net/payload.h"
#include "sip/scratch.h"
#include "sip/callid.h"

/* sl_request scans the headers for the Call-ID when sampling needs it */
static __always_inline int hep_wants_callid(const struct sl_config *cfg)
{
	return cfg->hep_sample && cfg->hep_sample < SL_HEP_SAMPLE_ALL;
}

/* hep_callid_hash() of the Call-ID the scan found; the empty string's
 * when there is none. */
static __always_inline __u64 hep_hash(const struct sl_scratch *x)
{
	__u32 s = 0, e = 0, len;
	__u64 h;

	if (!callid_span(x, &s, &e))
		e = s = 0;
	len = e - s;
	if (len > SL_HEP_CALLID_HASH_MAX)
		e = s + SL_HEP_CALLID_HASH_MAX;
	h = callid_words_hash(x, s, e, SL_CALLID_HASH_SEED ^ len,
			      SL_HEP_CALLID_HASH_MAX / 8);
	return sl_callid_hash_final(h);
}

/*
 * Reports the request in the scratch value (kind: enum
 * sl_hep_report_kind; rule: the dropping rule, < 0 default_action) if
 * bank's [hep] samples it.  A global function: verified once on its
 * own, whatever the state of sl_request at its two call sites.
 */
__noinline int sl_hep_report(struct xdp_md *ctx, __u32 bank, __u32 kind,
			     int rule)
{
	struct sl_dp_counters *cnt;
	struct sl_hep_report *rec;
	struct sl_config *cfg;
	struct sl_scratch *scr;
	__u32 zero = 0, sample, len, off;

	bank &= 1;
	cfg = bpf_map_lookup_elem(&sl_config, &bank);
	scr = bpf_map_lookup_elem(&sl_scratch, &zero);
	cnt = bpf_map_lookup_elem(&sl_counters, &zero);
	if (!cfg || !scr || !cnt)
		return 0;
	sample = cfg->hep_sample;
	if (!sample)
		return 0;
	if (sample < SL_HEP_SAMPLE_ALL &&
	    hep_hash(scr) % SL_HEP_SAMPLE_ALL >= sample)
		return 0;
	rec = bpf_ringbuf_reserve(&sl_hep_ring, sizeof(*rec), 0);
	if (!rec) {
		cnt->hep_ring_full++;
		return 0;
	}
	off = scr->pkt.payload_off;
	len = scr->pkt.payload_len;	/* within the frame (net/packet.h) */
	if (len > SL_HEP_REPORT_PAYLOAD)
		len = SL_HEP_REPORT_PAYLOAD;
	/* the UDP source port, just before the payload */
	if (len == 0 || off < 8 ||
	    bpf_xdp_load_bytes(ctx, off - 8, &rec->sport, 2) ||
	    bpf_xdp_load_bytes(ctx, off, rec->payload, len)) {
		bpf_ringbuf_discard(rec, BPF_RB_NO_WAKEUP);
		return 0;
	}
	rec->mono_ns = bpf_ktime_get_ns();
	rec->family = scr->pkt.family;
	rec->kind = kind;
	rec->bank = bank;
	rec->pad = 0;
	rec->rule = rule < 0 ? SL_HEP_RULE_DEFAULT : (__u16)rule;
	rec->sport = bpf_ntohs(rec->sport);
	rec->dport = scr->pkt.dport;
	rec->payload_len = len;
	rec->orig_len = scr->pkt.payload_len;
	__builtin_memcpy(rec->src, scr->pkt.src, 16);
	__builtin_memcpy(rec->dst, scr->pkt.dst, 16);
	bpf_ringbuf_submit(rec, BPF_RB_NO_WAKEUP);
	return 0;
}

/* The call in sl_request: nothing but a byte test with [hep] off. */
static __always_inline void hep_report(struct xdp_md *ctx,
				       const struct sl_config *cfg, __u32 bank,
				       __u32 kind, int rule)
{
	if (cfg->hep_sample)
		sl_hep_report(ctx, bank, kind, rule);
}

#endif /* SL_HEP_REPORT_BPF_H */
