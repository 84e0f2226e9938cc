/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Ethernet, VLAN tags (802.1Q / 802.1ad), IPv4 with options or IPv6 with
 * the common extension headers, UDP.
 *
 * What the responder can answer (frame_parse(), user/dp/frame_io.c) is
 * the common shape: up to VLAN_TAGS_ANSWERED tags, up to
 * IPV6_EXT_ANSWERED extension headers, no fragment.  Beyond it, a frame
 * is still read for the rules, so that they cannot be evaded by its
 * shape (p->unanswerable: a reply rule passes it): up to VLAN_TAGS_READ
 * tags and IPV6_EXT_READ extension headers, and the first fragment of a
 * datagram (p->more: the message goes on in later fragments).  A later
 * fragment carries no UDP header: it passes, and the kernel cannot
 * reassemble its datagram without the first.  An IPv6 header chain
 * longer than IPV6_EXT_READ gives only the source (PKT_SRC_ONLY).  A
 * whole datagram whose UDP length is not the length of the IP payload
 * that carries it is not ours either (PKT_UDP_LEN).
 */
#ifndef SL_NET_PACKET_H
#define SL_NET_PACKET_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD
#define ETH_P_8021Q	0x8100
#define ETH_P_8021AD	0x88A8
#define IP_MF		0x2000
#define IP_OFFSET	0x1FFF
#define NEXTHDR_HOP	0
#define NEXTHDR_ROUTING	43
#define NEXTHDR_FRAGMENT 44
#define NEXTHDR_DEST	60
#define IP6_MF		0x0001
#define IP6_OFFSET	0xfff8
#define VLAN_TAGS_ANSWERED 2
#define VLAN_TAGS_READ	8	/* more: passed (no stack takes it without
				 * as many nested VLAN devices) */
#define IPV6_EXT_ANSWERED 4
#define IPV6_EXT_READ	8

enum pkt_kind {
	PKT_UDP,		/* UDP; payload fields valid */
	PKT_OTHER,		/* not IP/UDP, or a later fragment */
	PKT_MALFORMED,		/* truncated headers, bad lengths */
	PKT_SRC_ONLY,		/* IPv6 read up to its source only */
	PKT_UDP_LEN,		/* UDP length != IP payload length; dport valid */
};

struct pkt {
	__u8 family;
	__u8 unanswerable;	/* read, but the responder cannot answer it */
	__u8 more;		/* a first fragment: the datagram goes on */
	__u8 trusted;		/* in [ban] trusted (set by sl_guard) */
	__u16 dport;		/* host order */
	__u64 src[2];
	__u64 dst[2];		/* our address: reply forwarding sends from it */
	__u32 l3_off;		/* IP header, from ctx->data */
	__u32 payload_off;	/* from ctx->data */
	__u32 payload_len;	/* by the UDP length, within the frame */
};

struct vlan_hdr_s {
	__be16 tci;
	__be16 proto;
};

/*
 * The UDP header at l4 and the payload after it; l4_len: the bytes the
 * IP header says follow it (IPv4 total length - header length, IPv6
 * payload length - extension headers).  A whole datagram: the UDP length
 * must be l4_len and fit in the frame.  The first fragment of one
 * (more): the payload is what it carries, up to l4_len bytes of IP
 * payload, within the frame.
 */
static __always_inline int parse_udp(struct xdp_md *ctx, void *l4,
				     __u32 l4_len, int more, struct pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct udphdr *udp = l4;
	__u32 ulen, avail;

	if ((void *)(udp + 1) > data_end)
		return PKT_MALFORMED;
	ulen = bpf_ntohs(udp->len);
	p->dport = bpf_ntohs(udp->dest);
	p->payload_off = (void *)(udp + 1) - data;
	if (ulen < sizeof(*udp))
		return PKT_MALFORMED;
	/* a datagram cut short of its packet, or said to run past it: the
	 * stack drops the one and trims the other; not SIP we answer */
	if (!more && ulen != l4_len)
		return PKT_UDP_LEN;
	avail = data_end - (void *)(udp + 1);
	if (more || ulen - sizeof(*udp) > avail) {
		/* the whole frame, fragments included: bpf_xdp_load_bytes
		 * reads past data_end (multi-buffer frames, test_run beyond
		 * a page); asked only then, not for every UDP packet */
		avail = bpf_xdp_get_buff_len(ctx);
		if (avail < p->payload_off)
			return PKT_MALFORMED;
		avail -= p->payload_off;
		if (more) {
			if (l4_len < sizeof(*udp))
				return PKT_MALFORMED;
			if (avail > l4_len - sizeof(*udp))
				avail = l4_len - sizeof(*udp);
			p->payload_len = ulen - sizeof(*udp) < avail ?
					 ulen - sizeof(*udp) : avail;
			return PKT_UDP;
		}
		if (ulen - sizeof(*udp) > avail)
			return PKT_MALFORMED;
	}
	p->payload_len = ulen - sizeof(*udp);
	return PKT_UDP;
}

static __always_inline int parse_packet(struct xdp_md *ctx, struct pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	void *cur = eth + 1;
	__u16 proto;
	int i;

	if (cur > data_end)
		return PKT_OTHER;
	proto = bpf_ntohs(eth->h_proto);
#pragma unroll
	for (i = 0; i < VLAN_TAGS_READ; i++) {
		struct vlan_hdr_s *vh = cur;

		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		if ((void *)(vh + 1) > data_end)
			return PKT_OTHER;
		proto = bpf_ntohs(vh->proto);
		cur = vh + 1;
		if (i >= VLAN_TAGS_ANSWERED)
			p->unanswerable = 1;
	}

	p->l3_off = cur - data;
	if (proto == ETH_P_IP) {
		struct iphdr *ip = cur;
		__u32 ihl;

		if ((void *)(ip + 1) > data_end)
			return PKT_OTHER;
		ihl = ip->ihl * 4;
		if (ip->version != 4 || ihl < sizeof(*ip))
			return PKT_OTHER;
		if (ip->frag_off & bpf_htons(IP_OFFSET))
			return PKT_OTHER;	/* a later fragment */
		if (ip->protocol != IPPROTO_UDP)
			return PKT_OTHER;
		if (cur + ihl > data_end)
			return PKT_OTHER;
		if (bpf_ntohs(ip->tot_len) < ihl)
			return PKT_MALFORMED;
		p->family = 4;
		p->src[0] = ip->saddr;	/* network order in the low bytes */
		p->src[1] = 0;
		p->dst[0] = ip->daddr;
		p->dst[1] = 0;
		if (ip->frag_off & bpf_htons(IP_MF)) {
			p->more = 1;
			p->unanswerable = 1;
		}
		return parse_udp(ctx, cur + ihl, bpf_ntohs(ip->tot_len) - ihl,
				 p->more, p);
	}
	if (proto == ETH_P_IPV6) {
		struct ipv6hdr *ip6 = cur;
		__u8 nexthdr;

		if ((void *)(ip6 + 1) > data_end)
			return PKT_OTHER;
		p->family = 6;
		__builtin_memcpy(p->src, &ip6->saddr, 16);
		__builtin_memcpy(p->dst, &ip6->daddr, 16);
		nexthdr = ip6->nexthdr;
		cur = ip6 + 1;
#pragma unroll
		for (i = 0; i < IPV6_EXT_READ; i++) {
			struct ipv6_opt_hdr *eh = cur;

			if (nexthdr != NEXTHDR_HOP && nexthdr != NEXTHDR_ROUTING &&
			    nexthdr != NEXTHDR_DEST && nexthdr != NEXTHDR_FRAGMENT)
				break;
			if (i >= IPV6_EXT_ANSWERED)
				p->unanswerable = 1;
			if (nexthdr == NEXTHDR_FRAGMENT) {
				struct frag_hdr *fh = cur;

				if ((void *)(fh + 1) > data_end)
					return PKT_OTHER;
				if (fh->frag_off & bpf_htons(IP6_OFFSET))
					return PKT_OTHER;	/* a later fragment */
				if (fh->frag_off & bpf_htons(IP6_MF))
					p->more = 1;
				p->unanswerable = 1;
				nexthdr = fh->nexthdr;
				cur = fh + 1;
				continue;
			}
			if ((void *)(eh + 1) > data_end)
				return PKT_OTHER;
			nexthdr = eh->nexthdr;
			cur += (eh->hdrlen + 1) * 8;
		}
		if (nexthdr == NEXTHDR_HOP || nexthdr == NEXTHDR_ROUTING ||
		    nexthdr == NEXTHDR_DEST || nexthdr == NEXTHDR_FRAGMENT)
			return PKT_SRC_ONLY;
		if (nexthdr != IPPROTO_UDP)
			return PKT_OTHER;
		{
			__u32 l4 = bpf_ntohs(ip6->payload_len),
			      ext = cur - (void *)(ip6 + 1);

			/* extension headers that claim more than the payload:
			 * a whole datagram's length mismatch, a fragment's
			 * nothing to read */
			if (p->more)
				return parse_udp(ctx, cur, l4 > ext ? l4 - ext : 0,
						 1, p);
			return parse_udp(ctx, cur, l4 - ext, 0, p);
		}
	}
	return PKT_OTHER;
}

#endif /* SL_NET_PACKET_H */
