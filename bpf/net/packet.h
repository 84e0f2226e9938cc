/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Ethernet, up to two VLAN tags (802.1Q / 802.1ad), IPv4 with options or
 * IPv6 with the common extension headers, UDP.  Fragments are not ours,
 * and neither is a datagram whose UDP length is not the length of the IP
 * payload that carries it (PKT_UDP_LEN).
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
#define IPV6_EXT_MAX	4

enum pkt_kind {
	PKT_UDP,		/* UDP; payload fields valid */
	PKT_OTHER,		/* not IP/UDP, or a fragment */
	PKT_MALFORMED,		/* truncated headers, bad lengths */
	PKT_UDP_LEN,		/* UDP length != IP payload length; dport valid */
};

struct pkt {
	__u8 family;
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

/* l4: the UDP header; ip_plen: the bytes the IP header says follow it
 * (IPv4 total length - header length, IPv6 payload length - extension
 * headers). */
static __always_inline int parse_udp(struct xdp_md *ctx, void *l4, struct pkt *p,
				     __u32 ip_plen)
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
	if (ulen != ip_plen)
		return PKT_UDP_LEN;
	avail = data_end - (void *)(udp + 1);
	if (ulen - sizeof(*udp) > avail) {
		/* the whole frame, fragments included: bpf_xdp_load_bytes
		 * reads past data_end (multi-buffer frames, test_run beyond
		 * a page); asked only then, not for every UDP packet */
		avail = bpf_xdp_get_buff_len(ctx);
		if (avail < p->payload_off)
			return PKT_MALFORMED;
		avail -= p->payload_off;
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
	for (i = 0; i < 2; i++) {
		struct vlan_hdr_s *vh = cur;

		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		if ((void *)(vh + 1) > data_end)
			return PKT_OTHER;
		proto = bpf_ntohs(vh->proto);
		cur = vh + 1;
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
		if (ip->frag_off & bpf_htons(IP_MF | IP_OFFSET))
			return PKT_OTHER;
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
		return parse_udp(ctx, cur + ihl, p, bpf_ntohs(ip->tot_len) - ihl);
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
		for (i = 0; i < IPV6_EXT_MAX; i++) {
			struct ipv6_opt_hdr *eh = cur;

			if (nexthdr != NEXTHDR_HOP && nexthdr != NEXTHDR_ROUTING &&
			    nexthdr != NEXTHDR_DEST)
				break;
			if ((void *)(eh + 1) > data_end)
				return PKT_OTHER;
			nexthdr = eh->nexthdr;
			cur += (eh->hdrlen + 1) * 8;
		}
		if (nexthdr != IPPROTO_UDP)	/* fragments included */
			return PKT_OTHER;
		/* wraps to a mismatch if the extension headers claim more */
		return parse_udp(ctx, cur, p, bpf_ntohs(ip6->payload_len) -
					      (__u32)(cur - (void *)(ip6 + 1)));
	}
	return PKT_OTHER;
}

#endif /* SL_NET_PACKET_H */
