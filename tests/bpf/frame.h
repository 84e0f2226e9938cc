/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Test frame builder: Ethernet, 0..FRAME_VLANS_MAX VLAN tags, IPv4
 * (options, fragment bits) or IPv6 (hop-by-hop, destination options,
 * fragment header), UDP or a TCP stub, and a payload; plus ARP and IPv6 neighbour solicitation stubs and a printf
 * style SIP message helper.  Addresses come from the benchmarking ranges
 * 198.18.0.0/15 and 2001:2::/48 only.
 */
#ifndef SL_TEST_FRAME_H
#define SL_TEST_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* Room for any test frame: bpf_prog_test_run takes up to a page of
 * linear data and puts the rest in fragments. */
#define FRAME_MAX		8192

#define FRAME_IP_MF		0x2000	/* IPv4 frag_off: more fragments */
#define FRAME_IP_OFFSET		0x1fff	/* IPv4 frag_off: offset / 8 */

#define FRAME_VLANS_MAX		9	/* the program reads 8, answers 2 */
#define FRAME_DEST6_MAX		16	/* destination options headers */

#define FRAME_TPID_8021Q	0x8100
#define FRAME_TPID_8021AD	0x88a8

/* Default addresses (host order for v4). */
#define FRAME_V4_SRC		0xc6120002u	/* 198.18.0.2 */
#define FRAME_V4_DST		0xc6120001u	/* 198.18.0.1 */
#define FRAME_V6_SRC		"2001:2::2"
#define FRAME_V6_DST		"2001:2::1"
#define FRAME_MAC_DST		{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 }
#define FRAME_MAC_SRC		{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 }
#define FRAME_SPORT		5062
#define FRAME_DPORT		5060

/*
 * What to build.  A zeroed spec gives Ethernet + IPv4 198.18.0.2 ->
 * 198.18.0.1 + UDP 5062 -> 5060; every field overrides one detail.
 */
struct frame_spec {
	__u8 family;		/* 4 (also 0) or 6 */
	__u8 n_vlans;		/* 0..FRAME_VLANS_MAX */
	__u16 tpid[FRAME_VLANS_MAX];	/* outer first; 0: 88a8 outer of several, else 8100 */
	__u16 vid[FRAME_VLANS_MAX];
	__u8 proto;		/* IPPROTO_UDP (also 0) or IPPROTO_TCP */
	/* IPv4 */
	__u8 ip_opt_len;	/* option bytes (NOPs), multiple of 4, <= 40 */
	__u16 ip_frag;		/* frag_off field, host order */
	__u32 src4;		/* host order; 0: FRAME_V4_SRC */
	__u32 dst4;		/* host order; 0: FRAME_V4_DST */
	/* IPv6 */
	bool hbh;		/* hop-by-hop options header first */
	__u8 n_dest6;		/* destination options headers next, 8 bytes each */
	bool frag6;		/* fragment header before the L4 header */
	__u16 frag6_off;	/* offset in 8-byte units */
	bool frag6_mf;
	const char *src6;	/* text; NULL: FRAME_V6_SRC */
	const char *dst6;	/* text; NULL: FRAME_V6_DST */
	/* L4 */
	__u16 sport;		/* 0: FRAME_SPORT */
	__u16 dport;		/* 0: FRAME_DPORT */
	int udp_len_adj;	/* added to the true UDP length field */
	__u16 udp_len;		/* if not 0: the UDP length field as is (a
				 * first fragment: the whole datagram's) */
	bool udp_csum;		/* IPv4: compute (IPv6 always computes) */
	/* L2 */
	const __u8 *dmac;	/* 6 bytes; NULL: FRAME_MAC_DST */
	size_t trailer;		/* zero bytes after the IP packet (padding) */
	size_t truncate_to;	/* if not 0: keep only this many bytes */
};

/* Whole frame into buf; returns its length, 0 if it does not fit. */
size_t frame_build(__u8 *buf, size_t cap, const struct frame_spec *fs,
		   const void *payload, size_t len);

/* ARP request 198.18.0.2 -> who has 198.18.0.1. */
size_t frame_arp(__u8 *buf, size_t cap);

/* ICMPv6 neighbour solicitation 2001:2::2 -> ff02::1:ff00:1. */
size_t frame_nd(__u8 *buf, size_t cap);

/*
 * A SIP message from a printf template.  With crlf, every "\n" of the
 * formatted text becomes "\r\n" (write templates with "\n"; folded lines
 * are "\n " and stay folded).  Returns the length, 0 if it does not fit
 * (buf is NUL-terminated either way, when cap > 0).
 */
size_t sip_fmt(char *buf, size_t cap, bool crlf, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Ones' complement sum helpers (exposed for the IPv6 UDP checksum
 * check in the tests). */
__u16 frame_csum(const void *data, size_t len, __u32 sum);

#endif /* SL_TEST_FRAME_H */
