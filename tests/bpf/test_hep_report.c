// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The XDP program's HEP3 reports (bpf/hep_report.h): with [hep] on, a
 * request dropped by a rule and an absorbed ACK each put one record into
 * sl_hep_ring, with the frame's addresses, ports, kind, rule and payload
 * byte for byte; [hep] off or sample = 0 puts none, nor does a request
 * answered or passed; sampling picks the calls hep_sampled() picks (the
 * responder's own choice); a full ring drops and counts dp:hep_ring_full.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <stdio.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "fixture_env.h"
#include "frame.h"
#include "run/hep_mirror.h"
#include "sip/totag.h"

#define MAX_RECS	4096

static __u8 frame[FRAME_MAX];
static char sip[FRAME_MAX];
static struct fx_result res;
static struct sl_hep_report recs[8];
static unsigned int n_recs;

static int on_record(void *ctx, void *data, size_t size)
{
	(void)ctx;
	assert_int_equal(size, sizeof(struct sl_hep_report));
	if (n_recs < sizeof(recs) / sizeof(recs[0]))
		memcpy(&recs[n_recs], data, sizeof(recs[0]));
	n_recs++;
	return 0;
}

/* Everything in the ring now: how many records (the first few in recs). */
static unsigned int drain(void)
{
	struct ring_buffer *rb = ring_buffer__new(fx.maps.fd[SL_M_HEP_RING],
						  on_record, NULL, NULL);

	assert_non_null(rb);
	n_recs = 0;
	assert_true(ring_buffer__consume(rb) >= 0);
	ring_buffer__free(rb);
	return n_recs;
}

#define RULES	"[rule keep]\nmethod = OPTIONS\naction = pass\n" \
		"[rule block]\nmethod = REGISTER\naction = drop\n"

static void configure(const char *hep)
{
	assert_int_equal(fx_config(FX_SL "%s" RULES, hep), 0);
	assert_int_equal(fx_reset(), 0);
	drain();
}

static size_t request(int family, const char *method, const char *callid,
		      size_t *plen)
{
	struct frame_spec fs = { .family = family };

	*plen = sip_fmt(sip, sizeof(sip), true,
			"%s sip:198.18.0.1 SIP/2.0\n"
			"Via: SIP/2.0/UDP 198.18.0.2:5062;branch=z9hG4bK-hep\n"
			"From: <sip:a@198.18.0.2>;tag=1\nTo: <sip:b@198.18.0.1>\n"
			"Call-ID: %s\nCSeq: 1 %s\nContent-Length: 0\n\n",
			method, callid, method);
	return frame_build(frame, sizeof(frame), &fs, sip, *plen);
}

static void check_addrs(const struct sl_hep_report *r, int family)
{
	__u8 src[16] = { 0 }, dst[16] = { 0 };

	if (family == 4) {
		__u32 s = htonl(FRAME_V4_SRC), d = htonl(FRAME_V4_DST);

		memcpy(src, &s, 4);
		memcpy(dst, &d, 4);
	} else {
		inet_pton(AF_INET6, FRAME_V6_SRC, src);
		inet_pton(AF_INET6, FRAME_V6_DST, dst);
	}
	assert_int_equal(r->family, family);
	assert_memory_equal(r->src, src, 16);
	assert_memory_equal(r->dst, dst, 16);
	assert_int_equal(r->sport, FRAME_SPORT);
	assert_int_equal(r->dport, FRAME_DPORT);
}

static void dropped_reported(int family)
{
	struct sl_dp_counters d;
	size_t plen, len = request(family, "REGISTER", "hep-drop@198.18.0.2",
				   &plen);
	__u64 before = fx_now_ns();

	configure("[hep]\ndest = 198.18.0.9:9060\n");
	assert_int_equal(fx_run_counted(frame, len, &res, &d), 0);
	assert_int_equal(res.verdict, XDP_DROP);
	assert_int_equal(d.dropped_by_rule, 1);
	assert_int_equal(d.hep_ring_full, 0);
	assert_int_equal(drain(), 1);
	check_addrs(&recs[0], family);
	assert_int_equal(recs[0].kind, SL_HEP_DROPPED_BY_RULE);
	assert_int_equal(recs[0].rule, 1);		/* "block" */
	assert_int_equal(recs[0].payload_len, plen);
	assert_int_equal(recs[0].orig_len, plen);
	assert_memory_equal(recs[0].payload, sip, plen);
	assert_true(recs[0].mono_ns >= before && recs[0].mono_ns <= fx_now_ns());
}

static void test_dropped_ipv4(void **state)
{
	(void)state;
	dropped_reported(4);
}

static void test_dropped_ipv6(void **state)
{
	(void)state;
	dropped_reported(6);
}

/* default_action = drop: rule SL_HEP_RULE_DEFAULT */
static void test_dropped_by_default(void **state)
{
	size_t plen, len = request(4, "INFO", "hep-default", &plen);

	(void)state;
	assert_int_equal(fx_config(FX_SL "default_action = drop\n"
				   "[hep]\ndest = 198.18.0.9\n"), 0);
	drain();
	assert_int_equal(fx_run(frame, len, &res), 0);
	assert_int_equal(res.verdict, XDP_DROP);
	assert_int_equal(drain(), 1);
	assert_int_equal(recs[0].rule, SL_HEP_RULE_DEFAULT);
}

/* A payload longer than a record holds: its first bytes, and its length */
static void test_long_payload_cut(void **state)
{
	char callid[2001];
	size_t plen, len;

	(void)state;
	memset(callid, 'x', sizeof(callid) - 1);
	callid[sizeof(callid) - 1] = '\0';
	len = request(4, "REGISTER", callid, &plen);
	assert_true(plen > SL_HEP_REPORT_PAYLOAD);
	configure("[hep]\ndest = 198.18.0.9\n");
	assert_int_equal(fx_run(frame, len, &res), 0);
	assert_int_equal(res.verdict, XDP_DROP);
	assert_int_equal(drain(), 1);
	assert_int_equal(recs[0].payload_len, SL_HEP_REPORT_PAYLOAD);
	assert_int_equal(recs[0].orig_len, plen);
	assert_memory_equal(recs[0].payload, sip, SL_HEP_REPORT_PAYLOAD);
}

/* No [hep], sample = 0, a request passed: nothing */
static void test_not_reported(void **state)
{
	struct sl_dp_counters d;
	size_t plen, len;

	(void)state;
	len = request(4, "REGISTER", "hep-off", &plen);
	configure("");
	assert_int_equal(fx_run_counted(frame, len, &res, &d), 0);
	assert_int_equal(res.verdict, XDP_DROP);
	assert_int_equal(d.dropped_by_rule, 1);
	assert_int_equal(drain(), 0);
	configure("[hep]\ndest = 198.18.0.9\nsample = 0\n");
	assert_int_equal(fx_run(frame, len, &res), 0);
	assert_int_equal(res.verdict, XDP_DROP);
	assert_int_equal(drain(), 0);
	configure("[hep]\ndest = 198.18.0.9\n");
	len = request(4, "OPTIONS", "hep-pass", &plen);
	assert_int_equal(fx_run(frame, len, &res), 0);
	assert_int_equal(res.verdict, XDP_PASS);
	assert_int_equal(drain(), 0);
}

/* An absorbed ACK (to-tag signed for its Via and Call-ID, a live
 * reply-window entry): one record of kind ACK. */
static void test_ack_absorbed(void **state)
{
	static const char host[] = "198.18.0.2", port[] = "5062",
		branch[] = "z9hG4bK-ack", callid[] = "hep-ack@198.18.0.2";
	struct sl_str h = { host, strlen(host) }, p = { port, strlen(port) };
	struct sl_str b = { branch, strlen(branch) };
	struct sl_str c = { callid, strlen(callid) };
	struct frame_spec fs = { .family = 4 };
	__u32 suffix = sl_totag_suffix(h, p, b, c);
	struct sl_dp_counters d;
	char tag[SL_TOTAG_LEN + 1];
	size_t plen, len;

	(void)state;
	configure("[hep]\ndest = 198.18.0.9\n");
	sl_totag_build(FX_SIG, suffix, tag);
	tag[SL_TOTAG_LEN] = '\0';
	plen = sip_fmt(sip, sizeof(sip), true,
		       "ACK sip:b@198.18.0.1 SIP/2.0\n"
		       "Via: SIP/2.0/UDP %s:%s;branch=%s\n"
		       "From: <sip:a@198.18.0.2>;tag=1\n"
		       "To: <sip:b@198.18.0.1>;tag=%s\n"
		       "Call-ID: %s\nCSeq: 1 ACK\nContent-Length: 0\n\n",
		       host, port, branch, tag, callid);
	len = frame_build(frame, sizeof(frame), &fs, sip, plen);
	assert_int_equal(fx_window_put(FX_WINDOW_MASK, suffix, 0, fx_now_ns()), 0);
	assert_int_equal(fx_run_counted(frame, len, &res, &d), 0);
	assert_int_equal(fx_window_clear(), 0);
	assert_int_equal(res.verdict, XDP_DROP);
	assert_int_equal(d.acks_absorbed, 1);
	assert_int_equal(drain(), 1);
	check_addrs(&recs[0], 4);
	assert_int_equal(recs[0].kind, SL_HEP_ACK_ABSORBED);
	assert_int_equal(recs[0].rule, SL_HEP_RULE_DEFAULT);
	assert_int_equal(recs[0].payload_len, plen);
	assert_memory_equal(recs[0].payload, sip, plen);
}

/* sample = 30 %: exactly the Call-IDs the responder's hep_sampled()
 * takes (so an ACK goes with its INVITE and reply), long ones too */
static void test_sampling_matches_responder(void **state)
{
	unsigned int want = 0, got = 0;
	char callid[400];
	size_t plen, len;

	(void)state;
	configure("[hep]\ndest = 198.18.0.9\nsample = 30\n");
	for (int i = 0; i < 200; i++) {
		int n = snprintf(callid, sizeof(callid), "%d-sample@198.18.0.2", i);

		/* every tenth longer than the hash reads */
		if (i % 10 == 0) {
			memset(callid + n, 'a' + i % 26, 300);
			n += 300;
			callid[n] = '\0';
		}
		want += hep_sampled(callid, n, 3000);
		len = request(4, "REGISTER", callid, &plen);
		assert_int_equal(fx_run(frame, len, &res), 0);
		assert_int_equal(res.verdict, XDP_DROP);
		if (drain()) {
			got++;
			assert_true(hep_sampled(callid, n, 3000));
		} else {
			assert_false(hep_sampled(callid, n, 3000));
		}
	}
	assert_int_equal(got, want);
	assert_true(want > 20 && want < 120);
}

/* A ring nobody drains: full records up to its size, the rest counted */
static void test_full_ring(void **state)
{
	const unsigned int runs = 3000;
	const unsigned int fit = SL_HEP_RING_BYTES /
		((sizeof(struct sl_hep_report) + 8 + 7) & ~7u);
	struct sl_dp_counters c;
	size_t plen, len = request(4, "REGISTER", "hep-full", &plen);
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len,
		    .repeat = runs);

	(void)state;
	configure("[hep]\ndest = 198.18.0.9\n");
	assert_int_equal(bpf_prog_test_run_opts(fx.prog_fd, &o), 0);
	assert_int_equal(o.retval, XDP_DROP);
	assert_int_equal(fx_counters(&c), 0);
	assert_int_equal(c.dropped_by_rule, runs);
	assert_int_equal(c.hep_ring_full, runs - fit);
	assert_int_equal(drain(), fit);
	/* drained: room again */
	assert_int_equal(fx_run(frame, len, &res), 0);
	assert_int_equal(drain(), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dropped_ipv4),
		cmocka_unit_test(test_dropped_ipv6),
		cmocka_unit_test(test_dropped_by_default),
		cmocka_unit_test(test_long_payload_cut),
		cmocka_unit_test(test_not_reported),
		cmocka_unit_test(test_ack_absorbed),
		cmocka_unit_test(test_sampling_matches_responder),
		cmocka_unit_test(test_full_ring),
	};

	return cmocka_run_group_tests(tests, fx_group_setup, fx_group_teardown);
}
