// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * HEP3 copies of what the responder answers (user/run/hep_mirror.c):
 * which calls are sampled (the Call-ID's hash, pinned to values computed
 * independently, in Python, as the e2e test's checker does), and, through a real UDP
 * socket on loopback, the request and reply copies of answered frames,
 * decoded chunk by chunk against the frames themselves; a full ring drops
 * pairs whole and counts them; a collector that is not there stops
 * nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "frame.h"
#include "hep3_walk.h"
#include "run/answer.h"
#include "run/hep_mirror.h"

static void test_sampling(void **state)
{
	char cid[32];
	unsigned int in = 0;

	(void)state;
	/* tests/tools/hep_check.py's callid_hash() */
	assert_true(hep_callid_hash("a", 1) == 0x1fb654d728fbe0b2ULL);
	assert_true(hep_callid_hash("foobar", 6) == 0x9fd2d1733b04a124ULL);
	assert_true(hep_callid_hash("", 0) == 0x9ca066f1a4ab2eeaULL);
	/* more than one word, the last one partial */
	assert_true(hep_callid_hash("a-1@198.18.0.2-longer-than-16", 29) ==
		    0x4af887181e375193ULL);
	{
		/* the XDP program's bound: bytes past the first
		 * SL_HEP_CALLID_HASH_MAX do not count, the length does */
		char a[300], b[300];

		memset(a, 'x', sizeof(a));
		memcpy(b, a, sizeof(b));
		b[SL_HEP_CALLID_HASH_MAX] = 'y';
		assert_true(hep_callid_hash(a, sizeof(a)) == hep_callid_hash(b, sizeof(b)));
		b[SL_HEP_CALLID_HASH_MAX - 1] = 'y';
		assert_true(hep_callid_hash(a, sizeof(a)) != hep_callid_hash(b, sizeof(b)));
		assert_true(hep_callid_hash(a, 299) != hep_callid_hash(a, 300));
	}
	assert_false(hep_sampled("a", 1, 2930));	/* % 10000 = 2930 */
	assert_true(hep_sampled("a", 1, 2931));
	assert_false(hep_sampled("foobar", 6, 2948));
	assert_true(hep_sampled("foobar", 6, 2949));
	assert_true(hep_sampled("", 0, SL_HEP_SAMPLE_ALL));
	assert_false(hep_sampled("a", 1, 0));
	for (int i = 0; i < 20000; i++) {
		int n = snprintf(cid, sizeof(cid), "%d-call@198.18.0.2", i);

		assert_true(hep_sampled(cid, n, SL_HEP_SAMPLE_ALL));
		assert_false(hep_sampled(cid, n, 0));
		in += hep_sampled(cid, n, 5000);
		/* a call in at 1 % is in at every higher rate */
		if (hep_sampled(cid, n, 100))
			assert_true(hep_sampled(cid, n, 101));
	}
	assert_in_range(in, 9000, 11000);	/* about half */
}

/* ---- copies through a loopback socket ---- */

#define SIG	"df673b98c9e0bd9172cfc0d849035098"
static const struct sl_engine_cfg ecfg = {
	.signature = SIG,
	.server_hdr = "Server: sl-xdp-test",
	.server_len = sizeof("Server: sl-xdp-test") - 1,
};
static const struct sl_reply_spec spec486 = {
	.code = 486, .reason = "Busy Here", .reason_len = 9,
};

static __u8 frame[FRAME_MAX], tx[FRAME_MAX];
static struct sl_kam_stats stats[2];

/* A request with this Call-ID (family 4 or 6), answered into tx. */
static size_t answer(const char *callid, __u8 family, struct sl_frame_answer *a)
{
	char msg[1024];
	struct frame_spec fs = { .family = family, .udp_csum = true };
	size_t n = sip_fmt(msg, sizeof(msg), true,
			   "INVITE sip:bob@198.18.0.1 SIP/2.0\n"
			   "Via: SIP/2.0/UDP 198.18.0.2:5070;rport;branch=z9hG4bK-1\n"
			   "From: <sip:alice@198.18.0.2>;tag=f1\n"
			   "To: <sip:bob@198.18.0.1>\n"
			   "Call-ID: %s\nCSeq: 1 INVITE\nContent-Length: 0\n\n",
			   callid);
	size_t len;

	assert_true(n > 0);
	len = frame_build(frame, sizeof(frame), &fs, msg, n);
	assert_true(len > 0);
	sl_answer_frame(&ecfg, &spec486, frame, len, tx, sizeof(tx), 0,
			&stats[1], a);
	assert_true(a->len > 0);
	return len;
}

/* A UDP socket on 127.0.0.1 or ::1 and the [hep] settings that name it. */
static int collector(int family, struct sl_hep_settings *h)
{
	struct sockaddr_in6 sa6 = { .sin6_family = AF_INET6,
				    .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in sa4 = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = family == AF_INET ? sizeof(sa4) : sizeof(sa6);
	struct sockaddr *sa = family == AF_INET ? (struct sockaddr *)&sa4 :
						  (struct sockaddr *)&sa6;
	struct timeval tv = { 2, 0 };
	int fd = socket(family, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, sa, sl), 0);
	assert_int_equal(getsockname(fd, sa, &sl), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(h, 0, sizeof(*h));
	h->enabled = true;
	h->family = family;
	if (family == AF_INET) {
		memcpy(h->addr, &sa4.sin_addr, 4);
		h->port = ntohs(sa4.sin_port);
	} else {
		memcpy(h->addr, &sa6.sin6_addr, 16);
		h->port = ntohs(sa6.sin6_port);
	}
	h->capture_id = 4242;
	h->sample = SL_HEP_SAMPLE_ALL;
	snprintf(h->auth_key, sizeof(h->auth_key), "homer-key");
	return fd;
}

static void expect_chunk(const __u8 *pkt, size_t n, __u16 type,
			 const void *want, size_t want_len)
{
	size_t len = 0;
	const __u8 *v = chunk(pkt, n, type, &len, NULL);

	assert_non_null(v);
	assert_int_equal(len, want_len);
	assert_memory_equal(v, want, want_len);
}

static void expect_num(const __u8 *pkt, size_t n, __u16 type, size_t size,
		       unsigned long want)
{
	size_t len = 0;
	const __u8 *v = chunk(pkt, n, type, &len, NULL);

	assert_non_null(v);
	assert_int_equal(len, size);
	assert_int_equal(be(v, len), want);
}

/* One received copy: what was sent or answered, byte for byte. */
static void expect_copy(int fd, const struct sl_frame_answer *a, bool reply,
			const char *callid)
{
	static __u8 pkt[70000];
	const struct frame_info *fi = &a->req;
	bool v6 = fi->family == 6;
	size_t alen = v6 ? 16 : 4;
	ssize_t n = recv(fd, pkt, sizeof(pkt), 0);

	assert_true(n > 0);
	expect_num(pkt, n, HEP3_IP_FAMILY, 1, v6 ? 10 : 2);
	expect_num(pkt, n, HEP3_IP_PROTO, 1, 17);
	expect_chunk(pkt, n, v6 ? HEP3_IPV6_SRC : HEP3_IPV4_SRC,
		     reply ? fi->dst : fi->src, alen);
	expect_chunk(pkt, n, v6 ? HEP3_IPV6_DST : HEP3_IPV4_DST,
		     reply ? fi->src : fi->dst, alen);
	expect_num(pkt, n, HEP3_SRC_PORT, 2, reply ? fi->dport : fi->sport);
	/* rport: the reply goes to the port the request came from */
	expect_num(pkt, n, HEP3_DST_PORT, 2, reply ? a->reply_dport : fi->dport);
	assert_int_equal(a->reply_dport, FRAME_SPORT);
	expect_num(pkt, n, HEP3_PROTO_TYPE, 1, HEP3_PROTO_SIP);
	expect_num(pkt, n, HEP3_CAPTURE_ID, 4, 4242);
	expect_chunk(pkt, n, HEP3_AUTH_KEY, "homer-key", 9);
	expect_chunk(pkt, n, HEP3_CORRELATION_ID, callid, strlen(callid));
	if (reply)
		expect_chunk(pkt, n, HEP3_PAYLOAD, tx + a->reply_payload_off,
			     a->reply_payload_len);
	else
		expect_chunk(pkt, n, HEP3_PAYLOAD, frame + fi->payload_off,
			     fi->payload_len);
}

static void copies(int family, __u8 frame_family)
{
	struct sl_hep_settings h;
	struct hep_target t;
	struct hep_mirror *m;
	struct sl_frame_answer a;
	char err[256];
	int fd = collector(family, &h);

	memset(stats, 0, sizeof(stats));
	hep_target_make(&h, &t);
	assert_int_equal(hep_mirror_open(2, stats, &m, err, sizeof(err)), 0);
	answer("copy-1@198.18.0.2", frame_family, &a);
	hep_mirror_answer(m, 1, &t, frame, tx, &a);
	assert_int_equal(hep_mirror_drain(m), 2);
	expect_copy(fd, &a, false, "copy-1@198.18.0.2");
	expect_copy(fd, &a, true, "copy-1@198.18.0.2");
	assert_int_equal(stats[1].hep_sent, 2);
	assert_int_equal(stats[1].hep_dropped, 0);
	assert_int_equal(stats[0].hep_sent, 0);
	/* not sampled, disabled, or no ring of that number: nothing */
	t.sample = 0;
	hep_mirror_answer(m, 1, &t, frame, tx, &a);
	t.sample = SL_HEP_SAMPLE_ALL;
	t.enabled = false;
	hep_mirror_answer(m, 1, &t, frame, tx, &a);
	t.enabled = true;
	hep_mirror_answer(m, 2, &t, frame, tx, &a);
	assert_int_equal(hep_mirror_drain(m), 0);
	hep_mirror_close(m);
	close(fd);
}

static void test_copies_ipv4(void **state)
{
	(void)state;
	copies(AF_INET, 4);
}

static void test_copies_ipv6(void **state)
{
	(void)state;
	copies(AF_INET6, 6);
}

/* Nobody drains: the ring fills, pairs are dropped whole and counted;
 * what was queued is still sent, in request-reply pairs. */
static void test_full_ring(void **state)
{
	static __u8 pkt[70000];
	struct sl_hep_settings h;
	struct hep_target t;
	struct hep_mirror *m;
	struct sl_frame_answer a;
	char err[256], cid[64];
	unsigned int calls = HEP_RING_BYTES / 200, sent;
	int fd = collector(AF_INET, &h), rcv = 4 << 20;

	(void)state;
	/* a drain pass sends up to 256 copies: room for them (FORCE as
	 * root, past net.core.rmem_max) */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	memset(stats, 0, sizeof(stats));
	hep_target_make(&h, &t);
	assert_int_equal(hep_mirror_open(2, stats, &m, err, sizeof(err)), 0);
	for (unsigned int i = 0; i < calls; i++) {
		snprintf(cid, sizeof(cid), "full-%u@198.18.0.2", i);
		answer(cid, 4, &a);
		hep_mirror_answer(m, 0, &t, frame, tx, &a);
	}
	/* in order, request then reply of the same call; received as they
	 * are sent, so that the socket's buffer never overflows */
	sent = 0;
	for (unsigned int k; (k = hep_mirror_drain(m));) {
		for (unsigned int i = sent; i < sent + k; i++) {
			ssize_t n = recv(fd, pkt, sizeof(pkt), 0);
			size_t len = 0;
			const __u8 *v;

			assert_true(n > 0);
			v = chunk(pkt, n, HEP3_CORRELATION_ID, &len, NULL);
			snprintf(cid, sizeof(cid), "full-%u@198.18.0.2", i / 2);
			assert_int_equal(len, strlen(cid));
			assert_memory_equal(v, cid, len);
			v = chunk(pkt, n, HEP3_PAYLOAD, &len, NULL);
			assert_memory_equal(v, i % 2 ? "SIP/2.0 486" : "INVITE ", 7);
		}
		sent += k;
	}
	assert_int_equal(stats[0].hep_sent, sent);
	assert_true(stats[0].hep_dropped > 0);
	assert_int_equal(stats[0].hep_dropped % 2, 0);	/* pairs */
	assert_int_equal(sent + stats[0].hep_dropped, 2 * calls);
	print_message("%u copies sent, %llu dropped\n", sent,
		      (unsigned long long)stats[0].hep_dropped);
	hep_mirror_close(m);
	close(fd);
}

/* A collector that is not there: sendmmsg on an unconnected socket gets
 * no ICMP error; copies are still counted as sent, the thread goes on. */
static void test_no_collector(void **state)
{
	struct sl_hep_settings h;
	struct hep_target t;
	struct hep_mirror *m;
	struct sl_frame_answer a;
	char err[256];
	int fd = collector(AF_INET, &h);
	volatile int stop = 0;

	(void)state;
	close(fd);	/* the port is closed: ICMP port unreachable */
	memset(stats, 0, sizeof(stats));
	hep_target_make(&h, &t);
	assert_int_equal(hep_mirror_open(1, stats, &m, err, sizeof(err)), 0);
	assert_int_equal(hep_mirror_start(m, &stop), 0);
	for (int i = 0; i < 50; i++) {
		answer("gone@198.18.0.2", 4, &a);
		hep_mirror_answer(m, 0, &t, frame, tx, &a);
		usleep(1000);
	}
	stop = 1;
	hep_mirror_join(m);
	assert_int_equal(stats[0].hep_sent + stats[0].hep_dropped, 100);
	assert_int_equal(stats[0].hep_dropped, 0);
	hep_mirror_close(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sampling),
		cmocka_unit_test(test_copies_ipv4),
		cmocka_unit_test(test_copies_ipv6),
		cmocka_unit_test(test_full_ring),
		cmocka_unit_test(test_no_collector),
	};

	return cmocka_run_group_tests_name("hep_mirror", tests, NULL, NULL);
}
