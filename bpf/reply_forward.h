/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Stateless reply forwarding, as Kamailio's sl_forward_reply: a response
 * whose top Via is ours loses that Via (the whole header line, or only the
 * first value of a comma-separated one), may get a new code and reason,
 * and goes to the second Via: its received/rport if present, else its
 * sent-by (an IP literal) and port, 5060 by default.
 *
 * Never an open relay: only a response from one of the configured peers
 * is forwarded; never to this host or one of our sent-by addresses, nor
 * to a destination whose own next hop would be us (the Via below its Via
 * is ours: two forwarders cannot play ping-pong with it); only out of the
 * interface it came in on unless allow_redirect; and within a
 * per-destination rate.  The next hop comes
 * from the routes and neighbours the responder's netlink sync keeps
 * (nexthop.h), so the interface needs no IP forwarding.
 *
 * The rest of the message stays where it is in the frame: only the front
 * (status line and the headers before the removed Via) is written again,
 * after bpf_xdp_adjust_head moved the frame start by the size change.
 * Everything that can fail is done before the frame is touched.
 *
 * A global function, so that the verifier checks it once on its own and
 * its paths do not multiply with the request paths of the program.
 */
#ifndef SL_REPLY_FORWARD_H
#define SL_REPLY_FORWARD_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "sl_xdp_shared.h"
#include "net/payload.h"
#include "net/csum.h"
#include "net/prefix.h"
#include "sip/scratch.h"
#include "sip/lex.h"
#include "sip/scan.h"
#include "sip/via.h"
#include "sip/ip_literal.h"
#include "maps.h"
#include "local_dst.h"
#include "nexthop.h"
#include "ratelimit.h"

#define FWD_FRONT_MAX	512	/* headers between status line and top Via */
#define FWD_OK		0
#define FWD_PASS	1	/* counted in fwd_passed */
#define FWD_UNRESOLVABLE 2	/* counted in fwd_unresolvable */
#define FWD_OTHER_IFACE	3	/* counted in fwd_other_iface */
#define FWD_LOOP	4	/* counted in fwd_loop */
#define SL_ETH_HLEN	14

#define CSUM_CHUNK	256	/* sl_scratch's csum_slack covers 2x */
#define CSUM_CHUNKS	(SL_SCRATCH_LEN / CSUM_CHUNK)

/*
 * Sum of buf[s, s + len) of the scratch buffer, folded to 16 bits, as if
 * the piece started at an even offset (net/csum.h).  len <= SL_SCRATCH_LEN:
 * bpf_csum_diff calls of at most CSUM_CHUNK bytes, then the 0..3 bytes
 * left.  Returns -1 if a helper call fails.  A global function: verified
 * once.
 */
__noinline int csum_scratch(struct sl_scratch *x, __u32 s, __u32 len)
{
	__u64 sum = 0;
	__u32 done = 0, n, off;
	__s64 r;
	int k;

	if (!x)
		return -1;
#pragma unroll
	for (k = 0; k < CSUM_CHUNKS; k++) {
		if (len - done < 4)
			break;
		n = len - done;
		if (n > CSUM_CHUNK)
			n = CSUM_CHUNK;
		n = unknown(n) & (2 * CSUM_CHUNK - 4);	/* bounded, 4-byte multiple */
		off = unknown(s + done) & SCRATCH_MASK;
		r = bpf_csum_diff(NULL, 0, (void *)(x->buf + off), n, 0);
		if (r < 0)
			return -1;
		sum += (__u32)r;
		done += n;
	}
	if (len - done >= 4)
		return -1;		/* longer than the buffer */
	off = unknown(s + done) & SCRATCH_MASK;
	sum += csum_tail(x->buf + off, len - done);
	return csum_fold16(sum);
}

/* Status line "SIP/2.0 NNN ": the code, or 0. */
static __always_inline __u32 fwd_status_code(const __u8 *buf, __u32 len)
{
	__u8 a = sb(buf, 8), b = sb(buf, 9), c = sb(buf, 10);

	if (len < 13 || sw(buf, 0) != W8('S', 'I', 'P', '/', '2', '.', '0', ' '))
		return 0;
	if (a < '1' || a > '6' || b < '0' || b > '9' || c < '0' || c > '9' ||
	    sb(buf, 11) != ' ')
		return 0;
	return (a - '0') * 100 + (b - '0') * 10 + (c - '0');
}

/* 1 if a == b (both < 2^63), computed without a branch: a branch per
 * comparison would multiply the verifier's paths. */
static __always_inline __u64 eq_nobranch(__u64 a, __u64 b)
{
	__u64 d = unknown(a ^ b);

	return (d - 1) >> 63;
}

static long fwd_rewrite_cb(__u32 i, void *data)
{
	struct loop_ctx *lc = data;
	const struct sl_fwd_rewrite *r;
	struct sl_scratch *x = lc->scr;
	__u64 code = x->fwd.code, m;
	int j;

	if (i >= SL_MAX_REWRITES || i >= lc->fwd->n_rewrites)
		return 1;
	r = &lc->fwd->rewrites[unknown(i) & (SL_MAX_REWRITES - 1)];
	/* unused codes are 0 and class_digit is 0 for a code list: neither
	 * can equal a status code (100..699) or its class (1..6) */
	m = eq_nobranch(r->class_digit, code / 100);
#pragma unroll
	for (j = 0; j < SL_REWRITE_CODES; j++)
		m |= eq_nobranch(r->codes[j], code);
	if (!m)
		return 0;
	x->fwd.rewrite = i;
	return 1;
}

/* The first rewrite whose codes or class match; POS_NONE if none. */
static __always_inline __u32 fwd_find_rewrite(struct sl_scratch *x,
					      const struct sl_fwd_config *f,
					      __u32 code)
{
	struct loop_ctx lc = { .scr = x, .fwd = f };

	x->fwd.code = code;
	x->fwd.rewrite = POS_NONE;
	bpf_loop(SL_MAX_REWRITES, fwd_rewrite_cb, &lc, 0);
	return x->fwd.rewrite;
}

/* "SIP/2.0 " new code, SP, new reason, the old line ending. */
static __always_inline __u32 fwd_build_line(struct sl_scratch *x,
					    const struct sl_fwd_rewrite *r,
					    __u32 crlf)
{
	__u8 *l = x->fwd.line;
	__u32 n = r->reason_len;
	int i;

#pragma unroll
	for (i = 0; i < 8; i++)
		l[i] = x->buf[i];
	l[8] = r->new_code[0];
	l[9] = r->new_code[1];
	l[10] = r->new_code[2];
	l[11] = ' ';
#pragma unroll
	for (i = 0; i < SL_FWD_REASON_MAX; i++)
		l[12 + i] = r->reason[i];
	if (n < 1 || n > SL_FWD_REASON_MAX)
		return 0;
	n += 12;
	if (crlf)
		l[n++ & (FWD_LINE_MAX - 1)] = '\r';
	l[n++ & (FWD_LINE_MAX - 1)] = '\n';
	return n;
}

/* Is fam/addr one of our sent-by addresses, whatever the port? */
static __always_inline int fwd_addr_is_via(const struct sl_fwd_config *f,
					   int fam, const __u64 a[2])
{
	int i, hit = 0;

#pragma unroll
	for (i = 0; i < SL_FWD_VIAS; i++) {
		const struct sl_fwd_via *w = &f->vias[i];
		const __u64 *b = (const __u64 *)w->addr;

		if (i < f->n_vias && w->family == fam && a[0] == b[0] &&
		    a[1] == b[1])
			hit = 1;
	}
	return hit;
}

/* Is fam/x->ip.addr/port one of our sent-by addresses? */
static __always_inline int fwd_is_ours(struct sl_scratch *x,
				       const struct sl_fwd_config *f,
				       int fam, __u32 port)
{
	const __u64 *a = (const __u64 *)x->ip.addr;
	int i, ours = 0;

#pragma unroll
	for (i = 0; i < SL_FWD_VIAS; i++) {
		const struct sl_fwd_via *w = &f->vias[i];
		const __u64 *b = (const __u64 *)w->addr;

		if (i < f->n_vias && w->family == fam && w->port == port &&
		    a[0] == b[0] && a[1] == b[1])
			ours = 1;
	}
	return opaque(x, ours);
}

/* Parses the reply and fills the plan: FWD_OK, FWD_PASS, FWD_UNRESOLVABLE. */
static __always_inline int fwd_plan_reply(struct sl_scratch *x,
					  const struct sl_fwd_config *f,
					  __u32 len, __u8 family,
					  struct fwd_plan *pl)
{
	struct sip_scan *sc = &x->scan;
	struct via_parse *v = &x->via;
	struct span via1, body2, via3;
	__u32 code, port, comma, e, lf;
	int fam, later3;

	code = fwd_status_code(x->buf, len);
	if (!code)
		return FWD_PASS;
	sc->len = len;
	sc->want = SCAN_ALL;
	sip_scan_run(x);
	lf = sc->req_line_end;
	if (lf == POS_NONE || !(sc->seen & (1u << HDR_VIA)))
		return FWD_PASS;
	via1 = sc->hdr[HDR_VIA];

	/* the top Via must be ours */
	if (via_value_parse(x, via1.s, via1.e, 0))
		return FWD_PASS;
	comma = v->parse.end;
	port = v->port.e > v->port.s ? port_parse(x->buf, v->port.s, v->port.e)
				     : SL_DEFAULT_PORT;
	fam = ip_literal_parse(x, v->host.s, v->host.e);
	if (!fwd_is_ours(x, f, fam, port))
		return FWD_PASS;

	/* the second Via: in the same header after a comma, or the next
	 * Via header; without one the reply is addressed to us */
	if (comma != POS_NONE) {
		body2.s = skip_lws(x->buf, comma + 1, via1.e);
		body2.e = via1.e;
		if (body2.s >= body2.e)
			return FWD_PASS;
		pl->cut_s = via1.s;
		pl->cut_e = body2.s;
	} else {
		if (!(sc->seen & (1u << HDR_VIA2)))
			return FWD_PASS;
		body2 = sc->hdr[HDR_VIA2];
		e = via1.e;
		if (e < len && sb(x->buf, e) == '\r')
			e++;
		if (e < len && sb(x->buf, e) == '\n')
			e++;
		pl->cut_s = sc->via_line_s;
		pl->cut_e = e;
	}
	/* not a later value (no ',' eaten before it): a second ',' there
	 * would start the header left after the cut, which Kamailio's
	 * parse_via() fails; such a reply is the stack's */
	if (via_value_parse(x, body2.s, body2.e, 0))
		return FWD_PASS;
	if (v->transport.e - v->transport.s != 3 ||
	    ((sw(x->buf, v->transport.s) | 0x202020) & 0xffffff) !=
		    W3('u', 'd', 'p'))
		return FWD_PASS;	/* TCP, TLS, SCTP: not in the fast path */
	if (v->rport.e > v->rport.s)
		port = port_parse(x->buf, v->rport.s, v->rport.e);
	else if (v->port.e > v->port.s)
		port = port_parse(x->buf, v->port.s, v->port.e);
	else
		port = SL_DEFAULT_PORT;
	if (!port)
		return FWD_PASS;
	if (v->received.e > v->received.s)
		fam = ip_literal_parse(x, v->received.s, v->received.e);
	else
		fam = ip_literal_parse(x, v->host.s, v->host.e);
	__builtin_memcpy(pl->dst, x->ip.addr, 16);
	if (!fam)
		return FWD_UNRESOLVABLE;	/* a host name */
	if (fam != family)
		return FWD_PASS;	/* the other IP family */
	pl->family = fam;
	pl->dport = port;

	/* the Via below the destination's: if it is ours, the destination
	 * would send the response straight back to us (two forwarders that
	 * are each other's peers and an A, B, A, B... Via list): it is in
	 * the destination's own header after a comma, else in the next Via
	 * header line */
	/* in the same header: a later value (',' and LWS eaten), so that
	 * the check below runs on what Kamailio would read */
	later3 = v->parse.end != POS_NONE;
	if (later3) {
		via3.s = skip_lws(x->buf, v->parse.end + 1, body2.e);
		via3.e = body2.e;
	} else if (comma != POS_NONE) {
		via3 = (sc->seen & (1u << HDR_VIA2)) ? sc->hdr[HDR_VIA2] :
						       (struct span){ 0, 0 };
	} else {
		via3 = (sc->seen & (1u << HDR_VIA3)) ? sc->hdr[HDR_VIA3] :
						       (struct span){ 0, 0 };
	}
	if (via3.s < via3.e && !via_value_parse(x, via3.s, via3.e, later3)) {
		__u64 a3[2];
		int fam3;

		fam3 = v->received.e > v->received.s ?
		       ip_literal_parse(x, v->received.s, v->received.e) :
		       ip_literal_parse(x, v->host.s, v->host.e);
		__builtin_memcpy(a3, x->ip.addr, 16);
		if (fam3 && fwd_addr_is_via(f, fam3, a3))
			return FWD_LOOP;
	}

	/* code and reason */
	pl->rewrite = fwd_find_rewrite(x, f, code);
	if (pl->rewrite < SL_MAX_REWRITES) {
		__u32 crlf = lf > 0 && sb(x->buf, lf - 1) == '\r';

		pl->line_len = fwd_build_line(x, &f->rewrites[pl->rewrite], crlf);
		if (!pl->line_len)
			return FWD_PASS;
		pl->keep_s = lf + 1;
	}
	if (pl->keep_s > FWD_FRONT_MAX ||
	    pl->cut_s < pl->keep_s || pl->cut_s - pl->keep_s > FWD_FRONT_MAX ||
	    pl->cut_e < pl->cut_s || pl->cut_e > len)
		return FWD_PASS;
	pl->hdr_len = SL_ETH_HLEN + (pl->family == 4 ? 20 : 40) + 8;
	pl->payload_len = pl->line_len + (pl->cut_s - pl->keep_s) +
			  (len - pl->cut_e);
	return FWD_OK;
}

/* Ethernet, IP and UDP headers into fwd.hdr, the UDP checksum included. */
static __always_inline int fwd_build_headers(struct sl_scratch *x,
					     const struct fwd_plan *pl,
					     const struct bpf_fib_lookup *fib,
					     const __u8 src[16], __u16 sport,
					     __u32 len)
{
	__u8 *h = x->fwd.hdr, *ps = x->fwd.pseudo;
	__u32 ulen = pl->payload_len + 8, sum, plen, front, rest;
	struct udphdr *udp;
	__s64 r;
	int i;

	__builtin_memset(h, 0, FWD_HDR_MAX);
	__builtin_memset(ps, 0, FWD_PSEUDO_MAX);
#pragma unroll
	for (i = 0; i < 6; i++) {
		h[i] = fib->dmac[i];
		h[6 + i] = fib->smac[i];
	}
	if (pl->family == 4) {
		struct iphdr *ip = (void *)(h + SL_ETH_HLEN);

		h[12] = 0x08;
		h[13] = 0x00;
		ip->version = 4;
		ip->ihl = 5;
		ip->tot_len = bpf_htons(20 + ulen);
		ip->frag_off = bpf_htons(0x4000);	/* DF, as a UDP socket */
		ip->ttl = 64;
		ip->protocol = IPPROTO_UDP;
		__builtin_memcpy(&ip->saddr, src, 4);
		__builtin_memcpy(&ip->daddr, pl->dst, 4);
		r = bpf_csum_diff(NULL, 0, (void *)ip, 20, 0);
		if (r < 0)
			return -1;
		ip->check = ~csum_fold16((__u32)r) & 0xffff;
		__builtin_memcpy(ps, src, 4);
		__builtin_memcpy(ps + 4, pl->dst, 4);
		ps[9] = IPPROTO_UDP;
		ps[10] = ulen >> 8;
		ps[11] = ulen & 0xff;
		plen = 12;
		udp = (void *)(h + SL_ETH_HLEN + 20);
	} else {
		struct ipv6hdr *ip6 = (void *)(h + SL_ETH_HLEN);

		h[12] = 0x86;
		h[13] = 0xdd;
		ip6->version = 6;
		ip6->payload_len = bpf_htons(ulen);
		ip6->nexthdr = IPPROTO_UDP;
		ip6->hop_limit = 64;
		__builtin_memcpy(&ip6->saddr, src, 16);
		__builtin_memcpy(&ip6->daddr, pl->dst, 16);
		__builtin_memcpy(ps, src, 16);
		__builtin_memcpy(ps + 16, pl->dst, 16);
		ps[34] = ulen >> 8;
		ps[35] = ulen & 0xff;
		ps[39] = IPPROTO_UDP;
		plen = 40;
		udp = (void *)(h + SL_ETH_HLEN + 40);
	}
	udp->source = bpf_htons(sport);
	udp->dest = bpf_htons(pl->dport);
	udp->len = bpf_htons(ulen);

	/* pseudo header + UDP header + the three payload pieces, each at
	 * its parity within the UDP datagram */
	r = bpf_csum_diff(NULL, 0, (void *)ps, plen, 0);
	if (r < 0)
		return -1;
	sum = csum_fold16((__u32)r);
	r = bpf_csum_diff(NULL, 0, (void *)udp, 8, 0);
	if (r < 0)
		return -1;
	sum += csum_fold16((__u32)r);
	if (pl->line_len) {
		r = csum_small(x->fwd.line, pl->line_len & (FWD_LINE_MAX - 1));
		if (r < 0)
			return -1;
		sum += r;
	}
	front = pl->cut_s - pl->keep_s;
	r = csum_scratch(x, pl->keep_s, front);
	if (r < 0)
		return -1;
	sum += (pl->line_len & 1) ? csum_swap16(r) : r;
	rest = len - pl->cut_e;
	r = csum_scratch(x, pl->cut_e, rest);
	if (r < 0)
		return -1;
	sum += ((pl->line_len + front) & 1) ? csum_swap16(r) : r;
	sum = ~csum_fold16(sum) & 0xffff;
	udp->check = sum ? sum : 0xffff;
	return 0;
}

/* Is the response's source one of the peers?  Prefixes are pre-masked. */
static __always_inline int fwd_from_peer(const struct sl_fwd_config *f,
					 const struct pkt *p)
{
	return src_in_prefixes(f->peers, f->n_peers, SL_FWD_PEERS, p);
}

/*
 * Is the destination this host: an address of the interface or of the
 * bank's, or one of our sent-by addresses (any port: a forwarder sharing
 * our Vias, a spiral through us)?  Such a response is left to the stack,
 * whose proxy decides.
 */
static __always_inline int fwd_to_us(struct sl_scratch *x,
				     const struct sl_fwd_config *f,
				     const struct fwd_plan *pl, __u32 bank)
{
	struct sl_local_key k = {};
	int loop;
	__u64 d[2];

	__builtin_memcpy(d, pl->dst, 16);
	loop = fwd_addr_is_via(f, pl->family, d);
	k.kind = pl->family == 4 ? SL_LOCAL_IP4 : SL_LOCAL_IP6;
	__builtin_memcpy(k.addr, pl->dst, 16);
	if (local_has(&k, SL_LOCAL_IFACE) ||
	    local_has(&k, SL_LOCAL_BANK0 + (bank & 1)))
		loop = 1;
	return opaque(x, loop);
}

/* The next hop: FWD_OK with fib's ifindex and MACs filled in,
 * FWD_UNRESOLVABLE (no route or neighbour known, tables not current),
 * FWD_OTHER_IFACE (out of another interface, not allowed), or FWD_PASS
 * (over the MTU: the stack can fragment it). */
static __always_inline int fwd_route(struct xdp_md *ctx,
				     struct bpf_fib_lookup *fib,
				     const struct fwd_plan *pl,
				     const struct sl_fwd_config *f)
{
	__u32 ip_len = (pl->family == 4 ? 20 : 40) + 8 + pl->payload_len;
	int r;

	__builtin_memset(fib, 0, sizeof(*fib));
	r = nh_resolve(pl->family, pl->dst, ip_len, fib);
	if (r == NH_OVER_MTU)
		return FWD_PASS;
	if (r != NH_OK)
		return FWD_UNRESOLVABLE;
	if (fib->ifindex != ctx->ingress_ifindex && !f->allow_redirect)
		return FWD_OTHER_IFACE;
	return FWD_OK;
}

/* Is the destination (IPv6: its /64) within [forward] rate_limit? */
static __always_inline int fwd_rate_allows(const struct sl_fwd_config *f,
					   const struct fwd_plan *pl)
{
	struct sl_rate_key key;
	__u64 addr[2];

	if (!f->rate_interval_ns)
		return 1;
	__builtin_memcpy(addr, pl->dst, 16);
	rate_key_of(&key, pl->family, addr);
	return gcra_allows(&sl_fwd_rate, &key, f->rate_interval_ns,
			   f->rate_burst_ns);
}

/*
 * The frame: move its start by the size change, then write the new
 * headers, the status line and the kept headers in front of the rest.
 * Returns 0, or -1 when the frame was left as it was (pass it), or -2
 * when it was changed half-way (drop it).
 */
static __always_inline int fwd_write(struct xdp_md *ctx, struct sl_scratch *x,
				     const struct fwd_plan *pl,
				     __u32 payload_off, __u32 len)
{
	__u32 front = pl->cut_s - pl->keep_s, at, n;
	__s32 delta = (__s32)(payload_off + pl->cut_e) -
		      (__s32)(pl->hdr_len + pl->line_len + front);
	__u32 old_end = payload_off + len, frame = bpf_xdp_get_buff_len(ctx);

	/* bytes after the UDP payload (Ethernet padding) are cut off */
	if (frame > old_end && bpf_xdp_adjust_tail(ctx, -(int)(frame - old_end)))
		return -1;
	if (bpf_xdp_adjust_head(ctx, delta))
		return -1;
	n = unknown(pl->hdr_len) & (FWD_HDR_MAX - 1);
	if (n < 1 || bpf_xdp_store_bytes(ctx, 0, x->fwd.hdr, n))
		return -2;
	at = pl->hdr_len;
	n = unknown(pl->line_len) & (FWD_LINE_MAX - 1);
	if (n) {
		if (bpf_xdp_store_bytes(ctx, at, x->fwd.line, n))
			return -2;
		at += n;
	}
	n = unknown(front) & (FWD_FRONT_MAX * 2 - 1);
	if (n && bpf_xdp_store_bytes(ctx, at,
				     x->buf + (unknown(pl->keep_s) & (FWD_FRONT_MAX * 2 - 1)),
				     n))
		return -2;
	return 0;
}

/* The frame's payload is in the scratch buffer and its addresses in
 * scratch->pkt, as for sl_request(): the reply goes out from the address
 * and port it was sent to. */
__noinline int sl_reply_forward(struct xdp_md *ctx, __u32 bank)
{
	struct bpf_fib_lookup *fib;
	struct sl_dp_counters *cnt;
	struct sl_config *cfg;
	struct sl_scratch *x;
	struct fwd_plan *pl;
	const struct pkt *p;
	const __u8 *src;
	__u32 zero = 0, key = bank & 1, len, payload_off;
	__u16 sport;
	int r;

	cnt = bpf_map_lookup_elem(&sl_counters, &zero);
	x = bpf_map_lookup_elem(&sl_scratch, &zero);
	cfg = bpf_map_lookup_elem(&sl_config, &key);
	if (!cnt || !x || !cfg)
		return XDP_PASS;
	/* on the stack they would not fit next to the caller's frame */
	pl = &x->fwd.plan;
	fib = &x->fwd.fib;
	__builtin_memset(pl, 0, sizeof(*pl));
	p = &x->pkt;
	len = p->payload_len;
	payload_off = p->payload_off;
	if (len == 0 || len > SL_SCRATCH_LEN ||
	    p->l3_off != SL_ETH_HLEN) {	/* VLAN tags: not forwarded here */
		cnt->fwd_passed++;
		return XDP_PASS;
	}
	src = (const __u8 *)p->dst;
	sport = p->dport;
	r = fwd_plan_reply(x, &cfg->fwd, len, p->family, pl);
	/* ours to forward (the top Via is ours): now whether we may */
	if ((r == FWD_OK || r == FWD_LOOP) && !fwd_from_peer(&cfg->fwd, p)) {
		cnt->fwd_not_peer++;
		return XDP_PASS;
	}
	if (r == FWD_LOOP || (r == FWD_OK && fwd_to_us(x, &cfg->fwd, pl, key))) {
		cnt->fwd_loop++;
		return XDP_PASS;
	}
	if (r == FWD_OK)
		r = fwd_route(ctx, fib, pl, &cfg->fwd);
	if (r == FWD_OTHER_IFACE) {
		cnt->fwd_other_iface++;
		return XDP_PASS;
	}
	if (r == FWD_OK && !fwd_rate_allows(&cfg->fwd, pl)) {
		cnt->fwd_rate_limited++;
		return XDP_DROP;
	}
	if (r == FWD_OK && fwd_build_headers(x, pl, fib, src, sport, len))
		r = FWD_PASS;
	if (r == FWD_UNRESOLVABLE) {
		cnt->fwd_unresolvable++;
		return XDP_PASS;
	}
	if (r != FWD_OK) {
		cnt->fwd_passed++;
		return XDP_PASS;
	}
	r = fwd_write(ctx, x, pl, payload_off, len);
	if (r == -1) {
		cnt->fwd_passed++;
		return XDP_PASS;
	}
	if (r) {
		cnt->fwd_passed++;
		return XDP_DROP;
	}
	cnt->fwd_forwarded++;
	if (pl->rewrite < SL_MAX_REWRITES) {
		__u32 hk = key * SL_MAX_REWRITES + pl->rewrite;
		__u64 *hits = bpf_map_lookup_elem(&sl_fwd_hits, &hk);

		cnt->fwd_rewritten++;
		if (hits)
			(*hits)++;
	}
	if (fib->ifindex == ctx->ingress_ifindex)
		return XDP_TX;
	return bpf_redirect(fib->ifindex, 0);
}

#endif /* SL_REPLY_FORWARD_H */
