// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sl-xdp data plane.  For UDP to a SIP port: absorb ACKs for replies we
 * sent (XDP_DROP), apply the rule table to requests (redirect to the
 * AF_XDP responder with XDP_PASS fallback, drop, or pass), forward
 * responses whose top Via is ours when reply forwarding is on, pass all else.
 * Loaded by iproute2 with no configuration it passes everything and
 * counts.
 *
 * This file only classifies, counts and dispatches.  Includes run one
 * way: net/ (frames, checksums) <- sip/ (the SIP bytes: scan, request
 * line, Via, To, to-tag) <- maps.h and the actions, one header each
 * (local_dst.h, ack_absorb.h, rules.h, ratelimit.h, blocklist.h, ban.h,
 * reply_forward.h, xsk_dispatch.h, window.h) <- this file.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sl_xdp_shared.h"
#include "maps.h"
#include "net/packet.h"
#include "net/payload.h"
#include "sip/scratch.h"
#include "sip/scan.h"
#include "sip/request_line.h"
#include "local_dst.h"
#include "ack_absorb.h"
#include "rules.h"
#include "ratelimit.h"
#include "ban.h"
#include "reply_forward.h"
#include "xsk_dispatch.h"
#include "window.h"
#include "hep_report.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

static __always_inline int port_served(const struct sl_config *cfg, __u16 port)
{
	int i;

	if (cfg->n_ports == 0)
		return port == SL_DEFAULT_PORT;
#pragma unroll
	for (i = 0; i < SL_MAX_PORTS; i++) {
		if (i >= cfg->n_ports)
			break;
		if (cfg->ports[i] == port)
			return 1;
	}
	return 0;
}

static __always_inline int redirect_to_responder(struct xdp_md *ctx,
						 struct sl_dp_counters *cnt,
						 const struct sl_config *cfg,
						 __u32 rule, __u32 bank)
{
	__u32 xsk;
	struct sl_xdp_meta *meta;
	void *data;
	long ret;

	/* the kernel would drop what a UMEM frame cannot hold (in the
	 * socket's rx_dropped): the stack can still answer it */
	if (bpf_xdp_get_buff_len(ctx) > SL_XSK_RX_MAX) {
		cnt->redirect_too_big++;
		return XDP_PASS;
	}
	xsk = xsk_pick(ctx->rx_queue_index, cfg->xsk_per_queue);
	/* tell the responder which rule matched; without metadata room it
	 * evaluates the rules itself */
	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*meta)) == 0) {
		meta = (void *)(long)ctx->data_meta;
		data = (void *)(long)ctx->data;
		if ((void *)(meta + 1) <= data) {
			meta->magic = SL_META_MAGIC;
			meta->rule = rule == POS_NONE ? SL_META_DEFAULT_RULE : rule;
			meta->bank = bank;
			meta->flags = 0;
		}
	}
	ret = bpf_redirect_map(&sl_xsks, xsk, XDP_PASS);
	if (ret == XDP_REDIRECT)
		cnt->redirected++;
	else
		cnt->redirect_fallback++;
	return ret;
}

/* The headers a request's scan must find: the ACK filter's, the rules',
 * and the Call-ID that picks one of a queue's sockets or samples the
 * HEP reports (bpf/hep_report.h).  The scan stops
 * once it has them all. */
static __always_inline __u8 scan_want(const struct sl_config *cfg, int is_ack)
{
	__u8 want = 0;

	if (is_ack && cfg->has_signature)
		want |= HDR_BIT(HDR_VIA) | HDR_BIT(HDR_TO) | HDR_BIT(HDR_CALLID);
	if (cfg->rules_need & SL_NEED_USER_AGENT)
		want |= HDR_BIT(HDR_UA);
	if (cfg->rules_need & SL_NEED_FROM)
		want |= HDR_BIT(HDR_FROM);
	if (cfg->rules_need & SL_NEED_TO)
		want |= HDR_BIT(HDR_TO);
	if (cfg->xsk_per_queue > 1 || hep_wants_callid(cfg))
		want |= HDR_BIT(HDR_CALLID);
	return want;
}

/*
 * A request (ACK included) whose payload is in the scratch buffer and
 * whose addresses are in scratch->pkt; partial: the message goes on past
 * the copy (a longer payload, a first fragment).  A global function: the
 * verifier checks it on its own, and its stack frame does not add to the
 * one of the reply-forwarding path.
 */
__noinline int sl_request(struct xdp_md *ctx, __u32 copy, __u32 bank,
			  __u32 partial)
{
	struct sl_dp_counters *cnt;
	struct sl_config *cfg;
	struct sl_scratch *scr;
	struct req_info *ri;
	const struct pkt *p;
	__u32 zero = 0;
	int is_ack, rule = -1;
	__u8 action;

	bank &= 1;
	cnt = bpf_map_lookup_elem(&sl_counters, &zero);
	scr = bpf_map_lookup_elem(&sl_scratch, &zero);
	cfg = bpf_map_lookup_elem(&sl_config, &bank);
	if (!cnt || !scr || !cfg)
		return XDP_PASS;
	p = &scr->pkt;
	ri = &scr->ri;
	is_ack = copy >= 4 && (*(__u32 *)scr->buf) == W3('A', 'C', 'K') + (' ' << 24);

	scr->scan.len = copy;
	scr->scan.want = scan_want(cfg, is_ack);
	sip_scan_run(scr);

	if (parse_request_line(scr, copy, partial)) {
		cnt->parse_failures++;
		return XDP_PASS;
	}
	cnt->sip_requests++;
	if (p->unanswerable)
		cnt->unanswerable++;

	if (is_ack) {
		int v = cfg->has_signature ? sl_ack_check(bank) : ACK_PASS_NO_TAG;

		if (v == ACK_ABSORB) {
			cnt->acks_absorbed++;
			hep_report(ctx, cfg, bank, SL_HEP_ACK_ABSORBED, -1);
			return XDP_DROP;
		}
		cnt->acks_passed++;
		if (v == ACK_PASS_BAD_TAG)
			cnt->acks_bad_tag++;
		else if (v == ACK_PASS_NO_ENTRY)
			cnt->acks_no_entry++;
		else if (v == ACK_PASS_EXPIRED)
			cnt->acks_expired++;
	}

	request_uri_user(scr);
	ri->family = p->family;
	ri->dport = p->dport;
	ri->src[0] = p->src[0];
	ri->src[1] = p->src[1];
	ri->src_only = 0;
	if (cfg->n_rules) {
		if (rules_prepare(scr, cfg, bank, copy, partial))
			cnt->unseen++;
		rule = sl_rules_eval(bank, cfg->n_rules);
	}
	/* the matched rule's action, without a second rule lookup */
	action = rule >= 0 ? scr->ri.matched_action : cfg->default_action;

	if (action == SL_ACTION_DROP) {
		cnt->dropped_by_rule++;
		hep_report(ctx, cfg, bank, SL_HEP_DROPPED_BY_RULE, rule);
		return XDP_DROP;
	}
	/* an ACK is never answered (Kamailio counts a failure): the stack
	 * may still want it; nor is what the responder cannot read back */
	if (action == SL_ACTION_REPLY && !is_ack && !p->unanswerable) {
		if (!rate_allows(cfg, p)) {
			cnt->rate_limited++;
			return XDP_DROP;
		}
		return redirect_to_responder(ctx, cnt, cfg,
					     rule >= 0 ? (__u32)rule : POS_NONE,
					     bank);
	}
	cnt->passed_by_rule++;
	return XDP_PASS;
}

SEC("xdp")
int sl_xdp(struct xdp_md *ctx)
{
	struct sl_dp_counters *cnt;
	struct sl_config *cfg;
	struct sl_active *act;
	struct sl_scratch *scr;
	struct pkt p = {};
	const struct pkt *pp;
	__u32 zero = 0, bank, copy, skip = 0;
	int kind;

	cnt = bpf_map_lookup_elem(&sl_counters, &zero);
	if (!cnt)
		return XDP_PASS;
	cnt->packets++;

	/* the common non-SIP case first, before any configuration lookup */
	kind = parse_packet(ctx, &p);
	if (kind == PKT_OTHER) {
		cnt->passed_not_sip++;
		return XDP_PASS;
	}

	act = bpf_map_lookup_elem(&sl_active, &zero);
	bank = act ? act->bank & 1 : 0;
	cfg = bpf_map_lookup_elem(&sl_config, &bank);
	if (!cfg)
		return XDP_PASS;
	if (kind != PKT_SRC_ONLY && !port_served(cfg, p.dport)) {
		cnt->passed_not_sip++;
		return XDP_PASS;
	}
	scr = bpf_map_lookup_elem(&sl_scratch, &zero);
	if (!scr)
		return XDP_PASS;
	/* not for us (broadcast, another host, transit): not ours to
	 * answer, absorb, forward or drop by a rule */
	if (cfg->local_only && !frame_is_local(ctx, &p, bank, scr)) {
		if (kind != PKT_SRC_ONLY)
			cnt->sip_udp++;
		cnt->passed_not_ours++;
		return XDP_PASS;
	}

	/* one verifier state from here on, whatever the frame's shape
	 * (VLAN tags, extension headers): the addresses and offsets go
	 * through the map value, which the verifier does not track */
	scr->pkt = p;
	pp = &scr->pkt;
	/* the blocklist and bans, for every datagram to a served port */
	if (sl_guard(bank))
		return XDP_DROP;
	kind = opaque(scr, kind);
	if (kind == PKT_SRC_ONLY)
		return rules_source_only(scr, cnt, cfg, bank);
	cnt->sip_udp++;
	if (kind == PKT_UDP_LEN) {	/* the stack decides, as without us */
		cnt->udp_len_mismatch++;
		return XDP_PASS;
	}
	if (kind == PKT_MALFORMED || pp->payload_len == 0) {
		cnt->parse_failures++;
		return XDP_PASS;
	}
	copy = load_window(ctx, scr, pp->payload_off, pp->payload_len);
	if (!copy) {
		cnt->parse_failures++;
		return XDP_PASS;
	}
	/* CR/LF in front of the start line: the window starts after them */
	if (scr->buf[0] == '\r' || scr->buf[0] == '\n') {
		skip = sl_crlf_skip(ctx, pp->payload_off, pp->payload_len);
		if (skip >= pp->payload_len) {
			/* a first fragment of CR/LF: the request line is
			 * in a later one; a whole datagram: keep-alives */
			if (pp->more)
				return sl_request(ctx, 0, bank, 1);
			cnt->parse_failures++;
			return XDP_PASS;
		}
		copy = load_window(ctx, scr, pp->payload_off + skip,
				   pp->payload_len - skip);
		if (!copy) {
			cnt->parse_failures++;
			return XDP_PASS;
		}
	}
	if (pp->payload_len - skip > SL_SCRATCH_LEN)
		cnt->truncated++;

	if (copy >= 4 && (*(__u32 *)scr->buf) == W3('S', 'I', 'P') + ('/' << 24)) {
		cnt->sip_responses++;
		/* forwarded only in the shape its rewrite expects */
		if (!cfg->fwd.enabled || skip || pp->unanswerable)
			return XDP_PASS;
		return sl_reply_forward(ctx, bank);
	}
	return sl_request(ctx, copy, bank,
			  pp->more || pp->payload_len - skip > SL_SCRATCH_LEN);
}
