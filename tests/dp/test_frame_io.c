// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * frame_io unit tests: parse/build round trips (IPv4 with and without
 * options, IPv6 with and without extension headers, 802.1Q, QinQ),
 * truncation at every length, fragments and other frames rejected, and
 * checksums checked by code that shares nothing with frame_io.c: a
 * pseudo header assembled byte by byte and summed byte-lane-wise, plus
 * two complete reply frames computed independently (Python's struct
 * module) and compared byte for byte.
 *
 * Run it once under -fsanitize=address,undefined: every frame handed to
 * frame_parse and every output buffer is a heap block of exactly the
 * length under test, so any read or write past it is reported.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dp/frame_io.h"

#define MAC_S		0x02, 0x00, 0x00, 0x00, 0x00, 0x01	/* server */
#define MAC_C		0x02, 0x00, 0x00, 0x00, 0x00, 0x02	/* client */
#define PORT_C		40000
#define PORT_S		5060

static const __u8 mac_s[6] = { MAC_S };
static const __u8 mac_c[6] = { MAC_C };
static const __u8 ip4_s[4] = { 198, 18, 0, 1 };
static const __u8 ip4_c[4] = { 198, 18, 0, 2 };
static const __u8 ip6_s[16] = { 0x20, 0x01, 0, 2, [15] = 1 };
static const __u8 ip6_c[16] = { 0x20, 0x01, 0, 2, [15] = 2 };

static const char req_payload[] =
	"OPTIONS sip:x@198.18.0.1 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 198.18.0.2:40000;branch=z9hG4bK-1\r\n"
	"Content-Length: 0\r\n\r\n";
static const char rep_payload[] = "SIP/2.0 200 OK\r\n\r\n";

/* Independently computed (Python) replies, see build_golden_*. */
static const __u8 golden_v4[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x2e, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
	0xae, 0x97, 0xc6, 0x12, 0x00, 0x01, 0xc6, 0x12, 0x00, 0x02, 0x13, 0xc4,
	0x9c, 0x40, 0x00, 0x1a, 0xf2, 0x16, 0x53, 0x49, 0x50, 0x2f, 0x32, 0x2e,
	0x30, 0x20, 0x32, 0x30, 0x30, 0x20, 0x4f, 0x4b, 0x0d, 0x0a, 0x0d, 0x0a,
};
static const __u8 golden_v6_qinq[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x00, 0xc8, 0x86, 0xdd, 0x60, 0x00,
	0x00, 0x00, 0x00, 0x1a, 0x11, 0x40, 0x20, 0x01, 0x00, 0x02, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01,
	0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x02, 0x13, 0xc4, 0x13, 0xce, 0x00, 0x1a, 0xc6, 0xa8, 0x53, 0x49,
	0x50, 0x2f, 0x32, 0x2e, 0x30, 0x20, 0x32, 0x30, 0x30, 0x20, 0x4f, 0x4b,
	0x0d, 0x0a, 0x0d, 0x0a,
};

/* ---- request frames, assembled field by field ---- */

struct req_spec {
	int family;
	int n_tags;
	__u16 tpid[3], tci[3];
	int ip_opt_len;		/* IPv4 options, multiple of 4 */
	int n_ext;		/* IPv6 extension headers */
	__u8 ext_type[6];
	__u8 ext_len8[6];	/* hdrlen field: (hdrlen + 1) * 8 bytes */
	__u16 frag_off;		/* IPv4 flags + fragment offset field */
	__u8 proto;		/* 0: UDP */
	__u16 sport;		/* 0: PORT_C */
	const char *payload;	/* NULL: req_payload */
	size_t pad;		/* Ethernet trailer after the IP packet */
};

static void put16(__u8 *p, unsigned int v)
{
	p[0] = (v >> 8) & 0xff;
	p[1] = v & 0xff;
}

static unsigned int get16(const __u8 *p)
{
	return (unsigned int)p[0] << 8 | p[1];
}

/* Byte-lane sum: high bytes and low bytes added separately, combined at
 * the end (RFC 1071 section 2(B)); not the algorithm of frame_io.c. */
static unsigned int lane_sum(const __u8 *p, size_t n)
{
	unsigned long hi = 0, lo = 0, s;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % 2 == 0)
			hi += p[i];
		else
			lo += p[i];
	}
	s = (hi << 8) + lo;
	while (s > 0xffff)
		s = (s & 0xffff) + (s >> 16);
	return (unsigned int)s;
}

/* Builds a request into buf (cap bytes); returns its length.  The
 * request's own checksums do not matter to the parser: left zero. */
static size_t build_req(const struct req_spec *s, __u8 *buf, size_t cap)
{
	const char *pl = s->payload ? s->payload : req_payload;
	size_t plen = strlen(pl), off = 12, l3, ip_len, ext_total = 0, l4;
	__u8 nh;
	int i;

	memset(buf, 0, cap);
	memcpy(buf, mac_s, 6);
	memcpy(buf + 6, mac_c, 6);
	for (i = 0; i < s->n_tags; i++) {
		put16(buf + off, s->tpid[i]);
		put16(buf + off + 2, s->tci[i]);
		off += 4;
	}
	put16(buf + off, s->family == 4 ? 0x0800 : 0x86dd);
	l3 = off + 2;
	for (i = 0; i < s->n_ext; i++)
		ext_total += ((size_t)s->ext_len8[i] + 1) * 8;
	if (s->family == 4) {
		ip_len = 20 + s->ip_opt_len + 8 + plen;
		buf[l3] = 0x40 | (5 + s->ip_opt_len / 4);
		put16(buf + l3 + 2, ip_len);
		put16(buf + l3 + 4, 0x1234);
		put16(buf + l3 + 6, s->frag_off);
		buf[l3 + 8] = 63;
		buf[l3 + 9] = s->proto ? s->proto : 17;
		memcpy(buf + l3 + 12, ip4_c, 4);
		memcpy(buf + l3 + 16, ip4_s, 4);
		for (i = 0; i < s->ip_opt_len; i++)
			buf[l3 + 20 + i] = i == 0 ? 0x94 : 0x01;	/* RA, NOPs */
		l4 = l3 + 20 + s->ip_opt_len;
	} else {
		size_t e = l3 + 40;

		ip_len = 40 + ext_total + 8 + plen;
		buf[l3] = 0x60;
		buf[l3 + 1] = 0x0a;	/* some traffic class / flow label */
		buf[l3 + 3] = 0x77;
		put16(buf + l3 + 4, ip_len - 40);
		nh = s->n_ext ? s->ext_type[0] : (s->proto ? s->proto : 17);
		buf[l3 + 6] = nh;
		buf[l3 + 7] = 9;
		memcpy(buf + l3 + 8, ip6_c, 16);
		memcpy(buf + l3 + 24, ip6_s, 16);
		for (i = 0; i < s->n_ext; i++) {
			buf[e] = i + 1 < s->n_ext ? s->ext_type[i + 1] :
				 (s->proto ? s->proto : 17);
			buf[e + 1] = s->ext_len8[i];
			buf[e + 2] = 1;	/* PadN */
			buf[e + 3] = (__u8)(((size_t)s->ext_len8[i] + 1) * 8 - 4);
			e += ((size_t)s->ext_len8[i] + 1) * 8;
		}
		l4 = e;
	}
	put16(buf + l4, s->sport ? s->sport : PORT_C);
	put16(buf + l4 + 2, PORT_S);
	put16(buf + l4 + 4, 8 + plen);
	memcpy(buf + l4 + 8, pl, plen);
	assert_true(l3 + ip_len + s->pad <= cap);
	return l3 + ip_len + s->pad;
}

/* A heap copy of exactly len bytes: ASan catches any read beyond. */
static __u8 *exact_copy(const __u8 *p, size_t len)
{
	__u8 *q = malloc(len ? len : 1);

	assert_non_null(q);
	if (len)
		memcpy(q, p, len);
	return q;
}

static int parse_exact(const __u8 *frame, size_t len, struct frame_info *fi)
{
	__u8 *copy = exact_copy(frame, len);
	int ret = frame_parse(copy, len, fi);

	free(copy);
	return ret;
}

/* ---- independent checks of a built reply ---- */

static void assert_ip4_csum_ok(const __u8 *ip)
{
	assert_int_equal(lane_sum(ip, 20), 0xffff);
}

/* Pseudo header + UDP header + payload, assembled in a fresh buffer. */
static void assert_udp_csum_ok(const __u8 *frame, const struct frame_info *fi)
{
	size_t ulen = fi->payload_len + 8, n = 0;
	const __u8 *ip = frame + fi->l3_off;
	__u8 *ph = malloc(40 + ulen);

	assert_non_null(ph);
	if (fi->family == 4) {
		memcpy(ph, ip + 12, 8);
		ph[8] = 0;
		ph[9] = 17;
		put16(ph + 10, ulen);
		n = 12;
	} else {
		memcpy(ph, ip + 8, 32);
		ph[32] = 0;
		ph[33] = 0;
		put16(ph + 34, ulen);
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = 17;
		n = 40;
	}
	memcpy(ph + n, frame + fi->l4_off, ulen);
	assert_int_not_equal(get16(frame + fi->l4_off + 6), 0);
	assert_int_equal(lane_sum(ph, n + ulen), 0xffff);
	free(ph);
}

/*
 * Builds the reply to req (parsed as rq) with rep_payload into a buffer
 * of exactly the needed size, checks it field by field and by parsing
 * it back; returns it (caller frees) and its length.
 */
static __u8 *reply_and_check(const __u8 *req, size_t req_len,
			     const struct frame_info *rq, __u16 dst_port,
			     size_t *out_len)
{
	size_t hl = frame_reply_hdr_len(rq), plen = strlen(rep_payload);
	size_t want = hl + plen, n;
	struct frame_info fi;
	__u8 *out = malloc(want);
	const __u8 *ip;

	assert_non_null(out);
	assert_int_equal(hl, rq->l2_len + (rq->family == 4 ? 20 : 40) + 8);
	memset(out, 0xa5, want);
	memcpy(out + hl, rep_payload, plen);
	n = frame_build_reply(req, rq, dst_port, plen, out, want);
	assert_int_equal(n, want);

	/* L2: swapped, same tags */
	assert_memory_equal(out, mac_c, 6);
	assert_memory_equal(out + 6, mac_s, 6);
	assert_memory_equal(out + 12, req + 12, rq->l2_len - 12);

	assert_int_equal(frame_parse(out, n, &fi), 0);
	assert_int_equal(fi.family, rq->family);
	assert_int_equal(fi.l2_len, rq->l2_len);
	assert_int_equal(fi.l4_off, fi.l3_off + (rq->family == 4 ? 20 : 40));
	assert_int_equal(fi.sport, rq->dport);
	assert_int_equal(fi.dport, dst_port);
	assert_memory_equal(fi.src, rq->dst, 16);
	assert_memory_equal(fi.dst, rq->src, 16);
	assert_int_equal(fi.payload_off, hl);
	assert_int_equal(fi.payload_len, plen);
	assert_memory_equal(out + fi.payload_off, rep_payload, plen);

	ip = out + fi.l3_off;
	if (rq->family == 4) {
		assert_int_equal(ip[0], 0x45);		/* no options */
		assert_int_equal(get16(ip + 2), 20 + 8 + plen);
		assert_int_equal(get16(ip + 6), 0x4000);	/* DF */
		assert_int_equal(ip[8], 64);
		assert_int_equal(ip[9], 17);
		assert_ip4_csum_ok(ip);
	} else {
		assert_int_equal(ip[0], 0x60);
		assert_int_equal(ip[1], 0);		/* traffic class, */
		assert_int_equal(get16(ip + 2), 0);	/* flow label 0 */
		assert_int_equal(get16(ip + 4), 8 + plen);
		assert_int_equal(ip[6], 17);		/* no ext headers */
		assert_int_equal(ip[7], 64);
	}
	assert_udp_csum_ok(out, &fi);
	(void)req_len;
	*out_len = n;
	return out;
}

static void roundtrip(const struct req_spec *s, int l2_len, int l4_rel)
{
	__u8 buf[2048], *rep;
	size_t len = build_req(s, buf, sizeof(buf)), rlen;
	struct frame_info fi;

	assert_int_equal(parse_exact(buf, len, &fi), 0);
	assert_int_equal(fi.family, s->family);
	assert_int_equal(fi.l2_len, l2_len);
	assert_int_equal(fi.l3_off, l2_len);
	assert_int_equal(fi.l4_off, l2_len + l4_rel);
	assert_int_equal(fi.payload_off, fi.l4_off + 8);
	assert_int_equal(fi.sport, s->sport ? s->sport : PORT_C);
	assert_int_equal(fi.dport, PORT_S);
	assert_int_equal(fi.payload_len, strlen(req_payload));
	assert_memory_equal(buf + fi.payload_off, req_payload, fi.payload_len);
	if (s->family == 4) {
		assert_memory_equal(fi.src, ip4_c, 4);
		assert_memory_equal(fi.dst, ip4_s, 4);
		assert_true(fi.src[4] == 0 && fi.dst[15] == 0);
	} else {
		assert_memory_equal(fi.src, ip6_c, 16);
		assert_memory_equal(fi.dst, ip6_s, 16);
	}
	rep = reply_and_check(buf, len, &fi, fi.sport, &rlen);
	free(rep);
}

/* ---- tests ---- */

static void test_v4(void **state)
{
	struct req_spec s = { .family = 4 };

	(void)state;
	roundtrip(&s, 14, 20);
}

static void test_v4_options(void **state)
{
	struct req_spec s = { .family = 4, .ip_opt_len = 12 };

	(void)state;
	roundtrip(&s, 14, 32);
	s.ip_opt_len = 40;	/* ihl 15, the maximum */
	roundtrip(&s, 14, 60);
}

static void test_v6(void **state)
{
	struct req_spec s = { .family = 6 };

	(void)state;
	roundtrip(&s, 14, 40);
}

static void test_v6_ext(void **state)
{
	struct req_spec s = { .family = 6, .n_ext = 1, .ext_type = { 0 } };

	(void)state;
	roundtrip(&s, 14, 48);		/* hop-by-hop, 8 bytes */
	s.n_ext = 4;			/* hop, dest, routing, dest: the limit */
	s.ext_type[0] = 0;
	s.ext_type[1] = 60;
	s.ext_type[2] = 43;
	s.ext_type[3] = 60;
	s.ext_len8[1] = 2;
	s.ext_len8[2] = 1;
	roundtrip(&s, 14, 40 + 8 + 24 + 16 + 8);
}

static void test_vlan(void **state)
{
	struct req_spec s = { .family = 4, .n_tags = 1,
			      .tpid = { 0x8100 }, .tci = { 0x2064 } };

	(void)state;
	roundtrip(&s, 18, 20);
	s.family = 6;
	roundtrip(&s, 18, 40);
}

static void test_qinq(void **state)
{
	struct req_spec s = { .family = 4, .n_tags = 2,
			      .tpid = { 0x88a8, 0x8100 }, .tci = { 100, 200 } };

	(void)state;
	roundtrip(&s, 22, 20);
	s.family = 6;
	s.n_ext = 1;
	roundtrip(&s, 22, 48);
	s.tpid[0] = 0x8100;		/* double 802.1Q is accepted as well */
	s.ip_opt_len = 4;
	s.family = 4;
	roundtrip(&s, 22, 24);
}

/* Exact bytes against frames computed by an independent implementation. */
static void test_golden(void **state)
{
	struct req_spec s4 = { .family = 4, .ip_opt_len = 8 };
	struct req_spec s6 = { .family = 6, .n_tags = 2, .n_ext = 1,
			       .tpid = { 0x88a8, 0x8100 }, .tci = { 100, 200 },
			       .ext_type = { 60 }, .sport = 40001 };
	__u8 buf[2048], *rep;
	size_t len, rlen;
	struct frame_info fi;

	(void)state;
	len = build_req(&s4, buf, sizeof(buf));
	assert_int_equal(frame_parse(buf, len, &fi), 0);
	rep = reply_and_check(buf, len, &fi, PORT_C, &rlen);
	assert_int_equal(rlen, sizeof(golden_v4));
	assert_memory_equal(rep, golden_v4, rlen);
	free(rep);

	len = build_req(&s6, buf, sizeof(buf));
	assert_int_equal(frame_parse(buf, len, &fi), 0);
	rep = reply_and_check(buf, len, &fi, 5070, &rlen);
	assert_int_equal(rlen, sizeof(golden_v6_qinq));
	assert_memory_equal(rep, golden_v6_qinq, rlen);
	free(rep);
}

static const struct req_spec variants[] = {
	{ .family = 4 },
	{ .family = 4, .ip_opt_len = 12 },
	{ .family = 6 },
	{ .family = 6, .n_ext = 2, .ext_type = { 0, 43 }, .ext_len8 = { 0, 3 } },
	{ .family = 4, .n_tags = 1, .tpid = { 0x8100 }, .tci = { 5 } },
	{ .family = 6, .n_tags = 2, .tpid = { 0x88a8, 0x8100 }, .tci = { 5, 6 } },
	{ .family = 4, .n_tags = 2, .tpid = { 0x88a8, 0x8100 }, .tci = { 5, 6 },
	  .ip_opt_len = 4 },
};

/* Every proper prefix of a valid frame is rejected, and read within. */
static void test_truncated(void **state)
{
	__u8 buf[2048];
	struct frame_info fi;
	size_t v, len, n;

	(void)state;
	assert_int_equal(frame_parse(NULL, 0, &fi), -1);
	for (v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		len = build_req(&variants[v], buf, sizeof(buf));
		for (n = 0; n < len; n++)
			assert_int_equal(parse_exact(buf, n, &fi), -1);
		assert_int_equal(parse_exact(buf, len, &fi), 0);
		assert_int_equal(fi.payload_off + fi.payload_len, len);
	}
}

/* Ethernet padding after the IP packet: lengths come from the headers. */
static void test_padding(void **state)
{
	struct req_spec s = { .family = 4, .payload = "x", .pad = 17 };
	__u8 buf[256];
	size_t len;
	struct frame_info fi;

	(void)state;
	len = build_req(&s, buf, sizeof(buf));
	assert_int_equal(len, 14 + 20 + 8 + 1 + 17);
	assert_int_equal(parse_exact(buf, len, &fi), 0);
	assert_int_equal(fi.payload_len, 1);
	s.family = 6;
	len = build_req(&s, buf, sizeof(buf));
	assert_int_equal(parse_exact(buf, len, &fi), 0);
	assert_int_equal(fi.payload_len, 1);
	/* an empty UDP payload is a UDP datagram too */
	s.payload = "";
	s.pad = 0;
	len = build_req(&s, buf, sizeof(buf));
	assert_int_equal(parse_exact(buf, len, &fi), 0);
	assert_int_equal(fi.payload_len, 0);
}

static int parse_spec(const struct req_spec *s)
{
	__u8 buf[2048];
	struct frame_info fi;

	return parse_exact(buf, build_req(s, buf, sizeof(buf)), &fi);
}

static void test_fragments(void **state)
{
	struct req_spec s = { .family = 4 };

	(void)state;
	s.frag_off = 0x2000;		/* MF: first fragment */
	assert_int_equal(parse_spec(&s), -1);
	s.frag_off = 0x0010;		/* offset: a later fragment */
	assert_int_equal(parse_spec(&s), -1);
	s.frag_off = 0x4000;		/* DF alone is not a fragment */
	assert_int_equal(parse_spec(&s), 0);
	s.frag_off = 0x8000;		/* reserved bit alone: not either */
	assert_int_equal(parse_spec(&s), 0);

	s.family = 6;			/* fragment header (44) */
	s.frag_off = 0;
	s.n_ext = 1;
	s.ext_type[0] = 44;
	assert_int_equal(parse_spec(&s), -1);
	s.n_ext = 2;			/* after a hop-by-hop header */
	s.ext_type[0] = 0;
	s.ext_type[1] = 44;
	assert_int_equal(parse_spec(&s), -1);
}

static void test_not_ours(void **state)
{
	struct req_spec s = { .family = 4, .proto = 6 };	/* TCP */
	__u8 buf[2048];
	struct frame_info fi;
	size_t len, n;

	(void)state;
	assert_int_equal(parse_spec(&s), -1);
	s.family = 6;
	assert_int_equal(parse_spec(&s), -1);
	s.proto = 0;

	/* five extension headers: more than bpf/net/packet.h walks */
	s.n_ext = 5;
	assert_int_equal(parse_spec(&s), -1);
	s.n_ext = 4;
	assert_int_equal(parse_spec(&s), 0);
	s.n_ext = 0;

	/* three VLAN tags: the third is not looked into */
	s.n_tags = 3;
	s.tpid[0] = s.tpid[1] = s.tpid[2] = 0x8100;
	assert_int_equal(parse_spec(&s), -1);
	s.n_tags = 0;

	len = build_req(&s, buf, sizeof(buf));
	put16(buf + 12, 0x0806);		/* ARP */
	assert_int_equal(parse_exact(buf, len, &fi), -1);
	put16(buf + 12, 0x86dd);
	buf[14] = 0x40;				/* version 4 in an IPv6 frame */
	assert_int_equal(parse_exact(buf, len, &fi), -1);
	buf[14] = 0x60;
	put16(buf + 18, 0);			/* IPv6 payload length 0: jumbo */
	assert_int_equal(parse_exact(buf, len, &fi), -1);
	put16(buf + 18, len - 14 - 40 + 1);	/* beyond the frame */
	assert_int_equal(parse_exact(buf, len, &fi), -1);

	s.family = 4;
	len = build_req(&s, buf, sizeof(buf));
	buf[14] = 0x44;				/* ihl 4 < 5 */
	assert_int_equal(parse_exact(buf, len, &fi), -1);
	buf[14] = 0x65;				/* version 6 in IPv4 */
	assert_int_equal(parse_exact(buf, len, &fi), -1);
	buf[14] = 0x45;
	put16(buf + 16, len - 14 + 1);		/* total length > frame */
	assert_int_equal(parse_exact(buf, len, &fi), -1);
	put16(buf + 16, 27);			/* < ihl + UDP header */
	assert_int_equal(parse_exact(buf, len, &fi), -1);
	put16(buf + 16, len - 14);
	assert_int_equal(parse_exact(buf, len, &fi), 0);
	put16(buf + 34 + 4, 7);			/* UDP length < 8 */
	assert_int_equal(parse_exact(buf, len, &fi), -1);
	put16(buf + 34 + 4, len - 34 + 1);	/* beyond the IP packet */
	assert_int_equal(parse_exact(buf, len, &fi), -1);
	put16(buf + 16, len - 14 - 1);		/* IP shorter than UDP says */
	put16(buf + 34 + 4, len - 34);
	assert_int_equal(parse_exact(buf, len, &fi), -1);

	/* IPv6 extension header longer than the packet */
	s.family = 6;
	s.n_ext = 1;
	len = build_req(&s, buf, sizeof(buf));
	buf[54 + 1] = 200;
	assert_int_equal(parse_exact(buf, len, &fi), -1);

	/* the IPv6 payload ends right after (or inside) an extension
	 * header that announces another one, or before a whole UDP header: the
	 * frame ends there too */
	for (n = 0; n < 8; n++) {
		len = build_req(&s, buf, sizeof(buf));
		buf[54] = 60;				/* next: dest opts */
		put16(buf + 18, 8 + n);
		assert_int_equal(parse_exact(buf, 54 + 8 + n, &fi), -1);
		buf[54] = 17;				/* next: a short UDP */
		assert_int_equal(parse_exact(buf, 54 + 8 + n, &fi), -1);
	}
}

/* Too small an output never gets a byte written past its end. */
static void test_reply_does_not_fit(void **state)
{
	struct req_spec s = { .family = 6, .n_tags = 2,
			      .tpid = { 0x88a8, 0x8100 } };
	size_t plen = strlen(rep_payload), hl, len, cap;
	struct frame_info fi;
	__u8 buf[2048], *out;

	(void)state;
	len = build_req(&s, buf, sizeof(buf));
	assert_int_equal(frame_parse(buf, len, &fi), 0);
	hl = frame_reply_hdr_len(&fi);
	assert_int_equal(hl, 22 + 40 + 8);
	for (cap = 0; cap < hl + plen; cap++) {
		out = malloc(cap ? cap : 1);
		assert_non_null(out);
		assert_int_equal(frame_build_reply(buf, &fi, 1, plen, out, cap), 0);
		free(out);
	}
	out = malloc(70000);
	assert_non_null(out);
	memset(out, 'x', 70000);
	/* the UDP length field cannot say more than 65535 */
	assert_int_equal(frame_build_reply(buf, &fi, 1, 65535 - 8 + 1, out, 70000), 0);
	assert_int_equal(frame_build_reply(buf, &fi, 1, 65535 - 8, out, 70000),
			 hl + 65535 - 8);
	assert_int_equal(frame_parse(out, hl + 65535 - 8, &fi), 0);
	assert_udp_csum_ok(out, &fi);
	/* IPv4: the total length field includes the IP header */
	s.family = 4;
	len = build_req(&s, buf, sizeof(buf));
	assert_int_equal(frame_parse(buf, len, &fi), 0);
	hl = frame_reply_hdr_len(&fi);
	assert_int_equal(frame_build_reply(buf, &fi, 1, 65535 - 28 + 1, out, 70000), 0);
	assert_int_equal(frame_build_reply(buf, &fi, 1, 65535 - 28, out, 70000),
			 hl + 65535 - 28);
	assert_int_equal(frame_parse(out, hl + 65535 - 28, &fi), 0);
	assert_ip4_csum_ok(out + fi.l3_off);
	assert_udp_csum_ok(out, &fi);
	free(out);

	/* nonsense frame_info */
	memset(&fi, 0, sizeof(fi));
	out = malloc(256);
	assert_non_null(out);
	assert_int_equal(frame_build_reply(buf, &fi, 1, 0, out, 256), 0);
	fi.family = 4;
	fi.l2_len = 16;
	assert_int_equal(frame_build_reply(buf, &fi, 1, 0, out, 256), 0);
	fi.l2_len = 26;		/* three tags */
	assert_int_equal(frame_build_reply(buf, &fi, 1, 0, out, 256), 0);
	fi.l2_len = 10;
	assert_int_equal(frame_build_reply(buf, &fi, 1, 0, out, 256), 0);
	fi.l2_len = 14;
	assert_int_equal(frame_build_reply(buf, &fi, 1, 0, out, 256), 42);
	free(out);
}

/* A sum that complements to 0 is sent as 0xffff (0 means "none" in v4
 * and is invalid in v6). */
static void test_csum_zero(void **state)
{
	char pl[] = "ab";
	__u8 buf[256], out[256];
	struct frame_info fi;
	size_t len, hl, n;
	int family;

	(void)state;
	for (family = 4; family <= 6; family += 2) {
		struct req_spec s = { .family = family };
		unsigned int partial, x;

		len = build_req(&s, buf, sizeof(buf));
		assert_int_equal(frame_parse(buf, len, &fi), 0);
		hl = frame_reply_hdr_len(&fi);
		/* checksum with payload 00 00 first, then choose the two
		 * payload bytes that make the complemented sum 0 */
		memset(out + hl, 0, 2);
		n = frame_build_reply(buf, &fi, 4321, 2, out, sizeof(out));
		assert_int_equal(n, hl + 2);
		partial = (~get16(out + hl - 2)) & 0xffff;
		x = 0xffff - partial;		/* partial + x = 0xffff */
		pl[0] = x >> 8;
		pl[1] = x & 0xff;
		memcpy(out + hl, pl, 2);
		assert_int_equal(frame_build_reply(buf, &fi, 4321, 2, out,
						   sizeof(out)), hl + 2);
		assert_int_equal(get16(out + hl - 2), 0xffff);
		assert_int_equal(frame_parse(out, n, &fi), 0);
		assert_udp_csum_ok(out, &fi);
	}
}

/* In place: the reply written over the request (same header length). */
static void test_in_place(void **state)
{
	struct req_spec s = { .family = 4, .n_tags = 1, .tpid = { 0x8100 },
			      .tci = { 7 } };
	__u8 buf[2048];
	struct frame_info fi, rf;
	size_t len, n;

	(void)state;
	len = build_req(&s, buf, sizeof(buf));
	assert_int_equal(frame_parse(buf, len, &fi), 0);
	n = frame_build_reply(buf, &fi, fi.sport, fi.payload_len, buf, len);
	assert_int_equal(n, len);
	assert_memory_equal(buf, mac_c, 6);
	assert_memory_equal(buf + 6, mac_s, 6);
	assert_int_equal(get16(buf + 14), 7);
	assert_int_equal(frame_parse(buf, n, &rf), 0);
	assert_memory_equal(rf.src, ip4_s, 4);
	assert_memory_equal(rf.dst, ip4_c, 4);
	assert_int_equal(rf.sport, PORT_S);
	assert_int_equal(rf.dport, PORT_C);
	assert_memory_equal(buf + rf.payload_off, req_payload, rf.payload_len);
	assert_ip4_csum_ok(buf + rf.l3_off);
	assert_udp_csum_ok(buf, &rf);
}

/* Random damage to valid frames: whatever is accepted is consistent,
 * and its reply parses back (under ASan: nothing out of bounds). */
static void test_fuzz(void **state)
{
	__u8 buf[2048], out[2048];
	struct frame_info fi, rf;
	unsigned int seed = 12345, i, k;
	size_t v, len, n, hl;
	int accepted = 0;

	(void)state;
	for (i = 0; i < 20000; i++) {
		v = i % (sizeof(variants) / sizeof(variants[0]));
		len = build_req(&variants[v], buf, sizeof(buf));
		for (k = 0; k < 1 + i % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			/* mostly the header bytes */
			buf[(seed >> 8) % (k & 1 ? len : 80)] ^= 1u << ((seed >> 4) & 7);
		}
		seed = seed * 1103515245u + 12345u;
		if (i & 8)
			len -= (seed >> 16) % 8;
		if (parse_exact(buf, len, &fi))
			continue;
		accepted++;
		assert_true(fi.family == 4 || fi.family == 6);
		assert_true(fi.l2_len == 14 || fi.l2_len == 18 || fi.l2_len == 22);
		assert_true(fi.l3_off == fi.l2_len && fi.l4_off > fi.l3_off);
		assert_int_equal(fi.payload_off, fi.l4_off + 8);
		assert_true(fi.payload_off + fi.payload_len <= len);
		hl = frame_reply_hdr_len(&fi);
		memcpy(out + hl, buf + fi.payload_off, fi.payload_len);
		n = frame_build_reply(buf, &fi, 9, fi.payload_len, out, sizeof(out));
		assert_int_equal(n, hl + fi.payload_len);
		assert_int_equal(frame_parse(out, n, &rf), 0);
		assert_udp_csum_ok(out, &rf);
	}
	assert_true(accepted > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v4),
		cmocka_unit_test(test_v4_options),
		cmocka_unit_test(test_v6),
		cmocka_unit_test(test_v6_ext),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_qinq),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_fragments),
		cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_reply_does_not_fit),
		cmocka_unit_test(test_csum_zero),
		cmocka_unit_test(test_in_place),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
