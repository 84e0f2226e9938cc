// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Test frame builder, see frame.h.  Plain byte writing in network order,
 * no kernel headers beyond the types, so the layout is explicit.
 */
#define _GNU_SOURCE	/* vasprintf */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

#define ETH_HLEN	14
#define VLAN_HLEN	4
#define IP4_HLEN	20
#define IP6_HLEN	40
#define UDP_HLEN	8
#define TCP_HLEN	20
#define EXT6_HLEN	8

static const __u8 mac_dst[6] = FRAME_MAC_DST;
static const __u8 mac_src[6] = FRAME_MAC_SRC;

static void put16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(__u8 *p, __u32 v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

/* Sum of 16-bit big-endian words plus sum, not folded. */
static __u32 csum_add(const void *data, size_t len, __u32 sum)
{
	const __u8 *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (__u32)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (__u32)p[len - 1] << 8;
	return sum;
}

static __u16 csum_fold(__u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

__u16 frame_csum(const void *data, size_t len, __u32 sum)
{
	return csum_fold(csum_add(data, len, sum));
}

static void parse6(const char *text, const char *def, __u8 out[16])
{
	if (inet_pton(AF_INET6, text ? text : def, out) != 1) {
		fprintf(stderr, "frame: bad IPv6 address %s\n", text);
		abort();
	}
}

/* Ethernet header and VLAN tags for L3 type l3; returns bytes written. */
static size_t put_l2(__u8 *p, const struct frame_spec *fs, __u16 l3)
{
	size_t off = 0;
	int i, n = fs->n_vlans > FRAME_VLANS_MAX ? FRAME_VLANS_MAX : fs->n_vlans;

	memcpy(p, fs->dmac ? fs->dmac : mac_dst, 6);
	memcpy(p + 6, mac_src, 6);
	off = 12;
	for (i = 0; i < n; i++) {
		__u16 tpid = fs->tpid[i];

		if (!tpid)
			tpid = (n > 1 && i == 0) ? FRAME_TPID_8021AD :
						   FRAME_TPID_8021Q;
		put16(p + off, tpid);
		put16(p + off + 2, fs->vid[i] & 0x0fff);
		off += VLAN_HLEN;
	}
	put16(p + off, l3);
	return off + 2;
}

/* The L4 header and payload at p; returns its length. */
static size_t put_l4(__u8 *p, const struct frame_spec *fs, __u8 proto,
		     const void *payload, size_t len)
{
	__u16 sport = fs->sport ? fs->sport : FRAME_SPORT;
	__u16 dport = fs->dport ? fs->dport : FRAME_DPORT;

	if (proto == IPPROTO_TCP) {
		memset(p, 0, TCP_HLEN);
		put16(p, sport);
		put16(p + 2, dport);
		put32(p + 4, 1);		/* seq */
		put32(p + 8, 1);		/* ack */
		p[12] = (TCP_HLEN / 4) << 4;
		p[13] = 0x18;			/* PSH | ACK */
		put16(p + 14, 65535);
		memcpy(p + TCP_HLEN, payload, len);
		return TCP_HLEN + len;
	}
	put16(p, sport);
	put16(p + 2, dport);
	put16(p + 4, fs->udp_len ? fs->udp_len :
		     (__u16)((int)(UDP_HLEN + len) + fs->udp_len_adj));
	put16(p + 6, 0);
	memcpy(p + UDP_HLEN, payload, len);
	return UDP_HLEN + len;
}

size_t frame_build(__u8 *buf, size_t cap, const struct frame_spec *fs,
		   const void *payload, size_t len)
{
	__u8 proto = fs->proto ? fs->proto : IPPROTO_UDP;
	size_t need = ETH_HLEN + FRAME_VLANS_MAX * VLAN_HLEN + IP6_HLEN +
		      (2 + FRAME_DEST6_MAX) * EXT6_HLEN + TCP_HLEN + len +
		      fs->trailer + 40;
	size_t off, l4len, total;
	__u8 *ip, *l4;

	if (need > cap)
		return 0;
	memset(buf, 0, need);

	if (fs->family == 6) {
		__u8 next = proto;
		__u8 *ext;

		off = put_l2(buf, fs, 0x86dd);
		ip = buf + off;
		ip[0] = 0x60;
		ip[7] = 64;			/* hop limit */
		parse6(fs->src6, FRAME_V6_SRC, ip + 8);
		parse6(fs->dst6, FRAME_V6_DST, ip + 24);
		ext = ip + IP6_HLEN;
		/* headers in order: hop-by-hop, destination options,
		 * fragment, L4; each says what follows it */
		{
			__u8 *nh = ip + 6;
			int d, n_dest = fs->n_dest6 > FRAME_DEST6_MAX ?
					FRAME_DEST6_MAX : fs->n_dest6;

			if (fs->hbh) {
				*nh = 0;	/* NEXTHDR_HOP */
				nh = ext;
				ext[1] = 0;	/* 8 bytes */
				ext[2] = 1;	/* PadN, 4 bytes of zeros */
				ext[3] = 4;
				ext += EXT6_HLEN;
			}
			for (d = 0; d < n_dest; d++) {
				*nh = 60;	/* NEXTHDR_DEST */
				nh = ext;
				ext[1] = 0;
				ext[2] = 1;
				ext[3] = 4;
				ext += EXT6_HLEN;
			}
			*nh = fs->frag6 ? 44 : next;
		}
		if (fs->frag6) {
			ext[0] = next;
			put16(ext + 2, (__u16)(fs->frag6_off << 3 |
					       (fs->frag6_mf ? 1 : 0)));
			put32(ext + 4, 0x5a5a0001);
			ext += EXT6_HLEN;
		}
		l4 = ext;
		l4len = put_l4(l4, fs, proto, payload, len);
		put16(ip + 4, (__u16)(l4 + l4len - (ip + IP6_HLEN)));
		if (proto == IPPROTO_UDP) {
			__u8 pseudo[40];
			__u16 c;

			memcpy(pseudo, ip + 8, 32);
			put32(pseudo + 32, (__u32)l4len);
			put32(pseudo + 36, IPPROTO_UDP);
			c = csum_fold(csum_add(l4, l4len,
					       csum_add(pseudo, 40, 0)));
			put16(l4 + 6, c ? c : 0xffff);
		}
		total = (size_t)(l4 + l4len - buf);
	} else {
		__u32 src = fs->src4 ? fs->src4 : FRAME_V4_SRC;
		__u32 dst = fs->dst4 ? fs->dst4 : FRAME_V4_DST;
		size_t ihl = IP4_HLEN + (fs->ip_opt_len & ~3u);

		if (ihl > 60)
			ihl = 60;
		off = put_l2(buf, fs, 0x0800);
		ip = buf + off;
		ip[0] = 0x40 | (__u8)(ihl / 4);
		put16(ip + 4, 0x1234);		/* id */
		put16(ip + 6, fs->ip_frag);
		ip[8] = 64;
		ip[9] = proto;
		put32(ip + 12, src);
		put32(ip + 16, dst);
		memset(ip + IP4_HLEN, 0x01, ihl - IP4_HLEN);	/* NOPs */
		l4 = ip + ihl;
		l4len = put_l4(l4, fs, proto, payload, len);
		put16(ip + 2, (__u16)(ihl + l4len));
		put16(ip + 10, frame_csum(ip, ihl, 0));
		if (proto == IPPROTO_UDP && fs->udp_csum) {
			__u8 pseudo[12];
			__u16 c;

			memcpy(pseudo, ip + 12, 8);
			pseudo[8] = 0;
			pseudo[9] = IPPROTO_UDP;
			put16(pseudo + 10, (__u16)l4len);
			c = csum_fold(csum_add(l4, l4len,
					       csum_add(pseudo, 12, 0)));
			put16(l4 + 6, c ? c : 0xffff);
		}
		total = (size_t)(l4 + l4len - buf);
	}
	total += fs->trailer;		/* already zeroed */
	if (fs->truncate_to && fs->truncate_to < total)
		total = fs->truncate_to;
	return total;
}

size_t frame_arp(__u8 *buf, size_t cap)
{
	static const struct frame_spec none;
	__u8 *a;
	size_t off;

	if (cap < ETH_HLEN + 28)
		return 0;
	memset(buf, 0, ETH_HLEN + 28);
	off = put_l2(buf, &none, 0x0806);
	memset(buf, 0xff, 6);		/* broadcast */
	a = buf + off;
	put16(a, 1);			/* Ethernet */
	put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, 1);		/* request */
	memcpy(a + 8, mac_src, 6);
	put32(a + 14, FRAME_V4_SRC);
	put32(a + 24, FRAME_V4_DST);
	return off + 28;
}

size_t frame_nd(__u8 *buf, size_t cap)
{
	static const struct frame_spec none;
	const size_t icmp_len = 24 + 8;	/* NS + source link-layer option */
	__u8 pseudo[40], *ip, *icmp;
	size_t off;

	if (cap < ETH_HLEN + IP6_HLEN + icmp_len)
		return 0;
	memset(buf, 0, ETH_HLEN + IP6_HLEN + icmp_len);
	off = put_l2(buf, &none, 0x86dd);
	memcpy(buf, "\x33\x33\xff\x00\x00\x01", 6);
	ip = buf + off;
	ip[0] = 0x60;
	put16(ip + 4, (__u16)icmp_len);
	ip[6] = 58;			/* ICMPv6 */
	ip[7] = 255;
	parse6(NULL, FRAME_V6_SRC, ip + 8);
	parse6("ff02::1:ff00:1", NULL, ip + 24);
	icmp = ip + IP6_HLEN;
	icmp[0] = 135;			/* neighbour solicitation */
	parse6(NULL, FRAME_V6_DST, icmp + 8);
	icmp[24] = 1;			/* source link-layer address */
	icmp[25] = 1;
	memcpy(icmp + 26, mac_src, 6);
	memcpy(pseudo, ip + 8, 32);
	put32(pseudo + 32, (__u32)icmp_len);
	put32(pseudo + 36, 58);
	put16(icmp + 2, csum_fold(csum_add(icmp, icmp_len,
					   csum_add(pseudo, 40, 0))));
	return off + IP6_HLEN + icmp_len;
}

size_t sip_fmt(char *buf, size_t cap, bool crlf, const char *fmt, ...)
{
	char *tmp;
	va_list ap;
	int n;
	size_t i, o = 0;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	va_start(ap, fmt);
	n = vasprintf(&tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		return 0;
	for (i = 0; i < (size_t)n; i++) {
		if (crlf && tmp[i] == '\n') {
			if (o + 1 >= cap)
				goto too_long;
			buf[o++] = '\r';
		}
		if (o + 1 >= cap)
			goto too_long;
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
	free(tmp);
	return o;
too_long:
	buf[0] = '\0';
	free(tmp);
	return 0;
}
