// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target: the responder's per-frame path, sl_answer_frame()
 * (user/run/answer.c), with the input as the frame the XDP program
 * redirected: Ethernet, VLAN tags, IPv4/IPv6, UDP, SIP, all fuzzed.
 *
 * Each input is answered under a few fixed settings (replies with and
 * without extra headers and a Server line; no MTU, a small one; a TX
 * buffer of a UMEM frame and a small one), into heap buffers of exactly
 * tx_cap bytes so that ASan catches a byte written past it.  Checked:
 *  - exactly one outcome counter of the responder's slot moves by one
 *    (a reply-code bucket, dropped_not_request, dropped_unanswerable,
 *    failures or oversize); sent_err_replies only with a reply bucket,
 *    window_recorded exactly when a reply-window entry is asked for;
 *    nothing else moves; a frame comes out exactly when a bucket moved;
 *  - the reply frame parses back (frame_parse), of the request's family,
 *    with the request's MACs swapped, its VLAN tags as they came, its
 *    addresses swapped, from the port the request was sent to and to a
 *    port that is not 0; the IPv4 header checksum and the UDP checksum
 *    (pseudo header included) are right; the SIP payload starts with
 *    "SIP/2.0 " (any case: the version is echoed as received) and ends
 *    with CRLF CRLF;
 *  - the length is bounded by sl_engine.h's amplification bound: reply
 *    payload <= request payload + SL_REPLY_SLACK + extra headers + Server
 *    line; the frame fits tx_cap, and with an MTU its IP packet fits it;
 *  - deterministic: the same frame again gives the same bytes and counts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "frame.h"
#include "dp/frame_io.h"
#include "run/answer.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_answer_frame: %s:%d: check failed: %s\n", \
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

#define SIG	"df673b98c9e0bd9172cfc0d849035098"
#define SERVER	"Server: sl-xdp fuzz"
#define CONTACT	"Contact: <sip:alt@198.18.0.9>\r\nRetry-After: 30\r\n"
#define UMEM_FRAME	4096

struct variant {
	struct sl_reply_spec spec;
	bool with_server;
	__u32 mtu;
	size_t tx_cap;
};

static const struct variant variants[] = {
	{ .spec = { .code = 200, .reason = "OK", .reason_len = 2 },
	  .with_server = true, .mtu = 0, .tx_cap = UMEM_FRAME },
	{ .spec = { .code = 302, .reason = "Moved Temporarily", .reason_len = 17,
		    .extra_hdrs = CONTACT, .extra_len = sizeof(CONTACT) - 1 },
	  .mtu = 1500, .tx_cap = UMEM_FRAME },
	{ .spec = { .code = 486, .reason = "Busy Here", .reason_len = 9 },
	  .with_server = true, .mtu = 300, .tx_cap = UMEM_FRAME },
	{ .spec = { .code = 503, .reason = "Service Unavailable", .reason_len = 19 },
	  .mtu = 0, .tx_cap = 400 },
};

static __u16 rd16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

/* The reply's checksums, IP header (v4) and UDP with its pseudo header,
 * summed by the test frame builder's code, not the product's. */
static void check_sums(const __u8 *f, const struct frame_info *fi)
{
	const __u8 *ip = f + fi->l3_off, *udp = f + fi->l4_off;
	size_t ulen = rd16(udp + 4), n;
	__u8 pseudo[40] = { 0 };

	if (fi->family == 4) {
		CHECK(frame_csum(ip, (size_t)(ip[0] & 15) * 4, 0) == 0);
		memcpy(pseudo, ip + 12, 8);
		pseudo[9] = 17;
		pseudo[10] = ulen >> 8;
		pseudo[11] = ulen & 0xff;
		n = 12;
	} else {
		memcpy(pseudo, ip + 8, 32);
		pseudo[34] = ulen >> 8;
		pseudo[35] = ulen & 0xff;
		pseudo[39] = 17;
		n = 40;
	}
	CHECK(rd16(udp + 6) != 0);		/* computed, never "none" */
	CHECK(frame_csum(udp, ulen, (__u16)~frame_csum(pseudo, n, 0)) == 0);
}

/* The outcome counters of a slot, and the rest, as sums. */
static __u64 outcomes(const struct sl_kam_stats *st)
{
	return st->replies_1xx + st->replies_200 + st->replies_202 +
	       st->replies_2xx + st->replies_300 + st->replies_301 +
	       st->replies_302 + st->replies_3xx + st->replies_400 +
	       st->replies_401 + st->replies_403 + st->replies_404 +
	       st->replies_407 + st->replies_408 + st->replies_483 +
	       st->replies_4xx + st->replies_500 + st->replies_5xx +
	       st->replies_6xx + st->replies_xxx;
}

static void run_variant(const struct variant *v, const struct sl_engine_cfg *cfg,
			const __u8 *frame, size_t len)
{
	struct sl_kam_stats st, st2;
	struct sl_frame_answer a, a2;
	struct frame_info req, rep;
	__u8 *tx = malloc(v->tx_cap), *tx2 = malloc(v->tx_cap);
	__u64 buckets, moved;
	bool parsed;

	CHECK(tx && tx2);
	memset(&st, 0, sizeof(st));
	sl_answer_frame(cfg, &v->spec, frame, len, tx, v->tx_cap, v->mtu, &st, &a);

	/* exactly one outcome */
	buckets = outcomes(&st);
	moved = buckets + st.dropped_not_request + st.dropped_unanswerable +
		st.failures + st.oversize;
	CHECK(moved == 1);
	CHECK(st.sent_err_replies <= buckets);
	CHECK(st.window_recorded == (a.record_window ? 1u : 0u));
	CHECK(!a.record_window || buckets == 1);
	CHECK(st.tx_ring_full == 0 && st.umem_exhausted == 0);
	CHECK((a.len > 0) == (buckets == 1));

	parsed = frame_parse(frame, len, &req) == 0;
	if (a.len) {
		size_t rq_pl, rp_pl;

		CHECK(parsed);
		CHECK(a.len <= v->tx_cap);
		CHECK(frame_parse(tx, a.len, &rep) == 0);
		CHECK(rep.family == req.family);
		/* Ethernet: MACs swapped, the VLAN tags as they came */
		CHECK(rep.l2_len == req.l2_len);
		CHECK(!memcmp(tx, frame + 6, 6) && !memcmp(tx + 6, frame, 6));
		CHECK(!memcmp(tx + 12, frame + 12, req.l2_len - 12));
		/* addresses and ports */
		CHECK(!memcmp(rep.src, req.dst, 16) && !memcmp(rep.dst, req.src, 16));
		CHECK(rep.sport == req.dport);
		CHECK(rep.dport != 0);
		check_sums(tx, &rep);
		if (v->mtu)
			CHECK(a.len - rep.l2_len <= v->mtu);
		/* the SIP payload, within the amplification bound */
		rq_pl = req.payload_len;
		rp_pl = rep.payload_len;
		CHECK(rep.payload_off + rp_pl == a.len);
		/* the version as the request wrote it, as Kamailio echoes it */
		CHECK(rp_pl >= 12 &&
		      !strncasecmp((const char *)tx + rep.payload_off, "SIP/2.0 ", 8));
		CHECK(!memcmp(tx + a.len - 4, "\r\n\r\n", 4));
		CHECK(rp_pl <= rq_pl + SL_REPLY_SLACK + v->spec.extra_len +
			       (v->with_server ? cfg->server_len : 0));
	}

	/* deterministic */
	memset(&st2, 0, sizeof(st2));
	sl_answer_frame(cfg, &v->spec, frame, len, tx2, v->tx_cap, v->mtu, &st2, &a2);
	CHECK(a2.len == a.len && !memcmp(tx2, tx, a.len));
	CHECK(!memcmp(&st2, &st, sizeof(st)));
	CHECK(a2.record_window == a.record_window &&
	      a2.window_suffix == a.window_suffix &&
	      a2.window_key_tag == a.window_key_tag);
	free(tx);
	free(tx2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sl_engine_cfg with = { .server_hdr = SERVER,
				      .server_len = sizeof(SERVER) - 1 };
	struct sl_engine_cfg without = { .server_hdr = "", .server_len = 0 };
	__u8 *frame;

	if (size > 9000)
		return -1;	/* a jumbo frame at most */
	memcpy(with.signature, SIG, SL_SIG_LEN);
	memcpy(without.signature, SIG, SL_SIG_LEN);
	/* an exact-size copy: a read past the frame is an ASan report */
	frame = malloc(size ? size : 1);
	CHECK(frame);
	memcpy(frame, data, size);
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		run_variant(&variants[i], variants[i].with_server ? &with : &without,
			    frame, size);
	free(frame);
	return 0;
}
