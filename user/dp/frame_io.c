// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Request parsing and reply header construction (see frame_io.h).
 * The parser accepts what bpf/net/packet.h accepts, plus the length sanity
 * the kernel stack applies; every read is checked against len.
 */
#include <string.h>

#include "dp/frame_io.h"

#define ETH_ALEN	6
#define ETH_HLEN	14
#define VLAN_HLEN	4
#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD
#define ETH_P_8021Q	0x8100
#define ETH_P_8021AD	0x88A8
#define IP_DF		0x4000
#define IP_MF		0x2000
#define IP_OFFSET	0x1FFF
#define IPPROTO_UDP_	17
#define NEXTHDR_HOP	0
#define NEXTHDR_ROUTING	43
#define NEXTHDR_DEST	60
#define IPV6_EXT_MAX	4	/* as bpf/net/packet.h */
#define IPV4_HLEN	20
#define IPV6_HLEN	40
#define UDP_HLEN	8
#define REPLY_TTL	64

static __u16 rd16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

static void wr16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Ones' complement sum of big-endian 16-bit words; an odd last byte is
 * padded with zero.  64 bits: no carry is lost before folding. */
static __u64 csum_add(__u64 sum, const __u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += rd16(p + i);
	if (n & 1)
		sum += (__u64)p[n - 1] << 8;
	return sum;
}

static __u16 csum_fold(__u64 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

static int is_ipv6_ext(__u8 nh)
{
	return nh == NEXTHDR_HOP || nh == NEXTHDR_ROUTING || nh == NEXTHDR_DEST;
}

int frame_parse(const __u8 *frame, size_t len, struct frame_info *fi)
{
	size_t off, l3, l4, ip_end, ulen;
	const __u8 *ip;
	__u16 proto;
	int i;

	if (!frame || !fi || len < ETH_HLEN)
		return -1;
	memset(fi, 0, sizeof(*fi));

	proto = rd16(frame + 2 * ETH_ALEN);
	off = ETH_HLEN;
	for (i = 0; i < 2; i++) {
		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		if (len - off < VLAN_HLEN)
			return -1;
		proto = rd16(frame + off + 2);
		off += VLAN_HLEN;
	}
	l3 = off;
	ip = frame + l3;

	if (proto == ETH_P_IP) {
		size_t ihl, tot;

		if (len - l3 < IPV4_HLEN)
			return -1;
		ihl = (size_t)(ip[0] & 0x0f) * 4;
		if ((ip[0] >> 4) != 4 || ihl < IPV4_HLEN)
			return -1;
		if (rd16(ip + 6) & (IP_MF | IP_OFFSET))
			return -1;	/* a fragment */
		if (ip[9] != IPPROTO_UDP_)
			return -1;
		tot = rd16(ip + 2);
		if (tot < ihl + UDP_HLEN || tot > len - l3)
			return -1;
		ip_end = l3 + tot;
		l4 = l3 + ihl;
		fi->family = 4;
		memcpy(fi->src, ip + 12, 4);
		memcpy(fi->dst, ip + 16, 4);
	} else if (proto == ETH_P_IPV6) {
		size_t plen;
		__u8 nh;

		if (len - l3 < IPV6_HLEN)
			return -1;
		if ((ip[0] >> 4) != 6)
			return -1;
		plen = rd16(ip + 4);
		if (plen == 0 || plen > len - l3 - IPV6_HLEN)
			return -1;	/* jumbogram or truncated */
		ip_end = l3 + IPV6_HLEN + plen;
		nh = ip[6];
		l4 = l3 + IPV6_HLEN;
		for (i = 0; i < IPV6_EXT_MAX && is_ipv6_ext(nh); i++) {
			size_t elen;

			if (ip_end - l4 < 8)
				return -1;
			elen = ((size_t)frame[l4 + 1] + 1) * 8;
			if (elen > ip_end - l4)
				return -1;
			nh = frame[l4];
			l4 += elen;
		}
		if (nh != IPPROTO_UDP_)
			return -1;	/* fragment header, too many, not UDP */
		fi->family = 6;
		memcpy(fi->src, ip + 8, 16);
		memcpy(fi->dst, ip + 24, 16);
	} else {
		return -1;
	}

	if (ip_end - l4 < UDP_HLEN)
		return -1;
	ulen = rd16(frame + l4 + 4);
	if (ulen < UDP_HLEN || ulen > ip_end - l4)
		return -1;

	fi->l2_len = l3;
	fi->l3_off = l3;
	fi->l4_off = l4;
	fi->payload_off = l4 + UDP_HLEN;
	fi->sport = rd16(frame + l4);
	fi->dport = rd16(frame + l4 + 2);
	fi->payload_len = ulen - UDP_HLEN;
	return 0;
}

size_t frame_reply_hdr_len(const struct frame_info *fi)
{
	return (size_t)fi->l2_len +
	       (fi->family == 4 ? IPV4_HLEN : IPV6_HLEN) + UDP_HLEN;
}

size_t frame_build_reply(const __u8 *req, const struct frame_info *fi,
			 __u16 dst_port, size_t payload_len, __u8 *out,
			 size_t out_cap)
{
	size_t l2, hl, udp_len, ip_hlen;
	__u8 macs[2 * ETH_ALEN];
	__u8 *ip, *udp;
	__u64 sum;
	__u16 csum;

	if (!req || !fi || !out || (fi->family != 4 && fi->family != 6))
		return 0;
	l2 = fi->l2_len;
	if (l2 < ETH_HLEN || l2 > ETH_HLEN + 2 * VLAN_HLEN ||
	    (l2 - ETH_HLEN) % VLAN_HLEN)
		return 0;
	ip_hlen = fi->family == 4 ? IPV4_HLEN : IPV6_HLEN;
	hl = frame_reply_hdr_len(fi);
	if (payload_len > 0xffff - UDP_HLEN - (fi->family == 4 ? IPV4_HLEN : 0))
		return 0;
	if (out_cap < hl || payload_len > out_cap - hl)
		return 0;
	udp_len = UDP_HLEN + payload_len;

	/* L2: addresses swapped, tags as received (out may be req) */
	memcpy(macs, req + ETH_ALEN, ETH_ALEN);
	memcpy(macs + ETH_ALEN, req, ETH_ALEN);
	memmove(out + 2 * ETH_ALEN, req + 2 * ETH_ALEN, l2 - 2 * ETH_ALEN);
	memcpy(out, macs, sizeof(macs));
	wr16(out + l2 - 2, fi->family == 4 ? ETH_P_IP : ETH_P_IPV6);

	ip = out + l2;
	udp = ip + ip_hlen;
	if (fi->family == 4) {
		ip[0] = 0x45;
		ip[1] = 0;
		wr16(ip + 2, IPV4_HLEN + udp_len);
		wr16(ip + 4, 0);
		wr16(ip + 6, IP_DF);
		ip[8] = REPLY_TTL;
		ip[9] = IPPROTO_UDP_;
		wr16(ip + 10, 0);
		memcpy(ip + 12, fi->dst, 4);
		memcpy(ip + 16, fi->src, 4);
		wr16(ip + 10, csum_fold(csum_add(0, ip, IPV4_HLEN)));
		sum = csum_add(0, ip + 12, 8);
	} else {
		ip[0] = 0x60;
		ip[1] = 0;
		ip[2] = 0;
		ip[3] = 0;
		wr16(ip + 4, udp_len);
		ip[6] = IPPROTO_UDP_;
		ip[7] = REPLY_TTL;
		memcpy(ip + 8, fi->dst, 16);
		memcpy(ip + 24, fi->src, 16);
		sum = csum_add(0, ip + 8, 32);
	}
	/* pseudo header: addresses (above), protocol, UDP length */
	sum += IPPROTO_UDP_ + udp_len;

	wr16(udp, fi->dport);
	wr16(udp + 2, dst_port);
	wr16(udp + 4, udp_len);
	wr16(udp + 6, 0);
	sum = csum_add(sum, udp, udp_len);
	csum = csum_fold(sum);
	wr16(udp + 6, csum ? csum : 0xffff);
	return hl + payload_len;
}
