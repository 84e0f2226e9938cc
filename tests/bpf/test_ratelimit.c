// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The per-source reply rate limit (rate_limit / burst) in the XDP program:
 * a source gets `burst` answers at once, then one per 1/rate s; other
 * sources are not affected, but an IPv6 source is its whole /64;
 * requests the rules pass or drop are not counted against it; an ACK is
 * never rate limited.  Without rate_limit in the file the default holds
 * (50/s, burst 100): a hundred at once pass, the next is dropped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <time.h>
#include <linux/bpf.h>
#include "fixture_env.h"
#include "frame.h"
#include "conf/config.h"
#include "run/prepare.h"
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static __u8 frame[FRAME_MAX];
static struct fx_result res;

static size_t options_frame(__u8 family, __u32 src4, const char *src6, int n)
{
	struct frame_spec fs = { .family = family, .src4 = src4, .src6 = src6 };
	char sip[512];
	size_t len = sip_fmt(sip, sizeof(sip), true,
			     "OPTIONS sip:ping@198.18.0.1 SIP/2.0\n"
			     "Via: SIP/2.0/UDP 198.18.0.2:5060;branch=z9hG4bK-rl%d\n"
			     "From: <sip:p@198.18.0.2>;tag=1\nTo: <sip:ping@198.18.0.1>\n"
			     "Call-ID: rl-%d@198.18.0.2\nCSeq: 1 OPTIONS\n"
			     "Content-Length: 0\n\n", n, n);

	return frame_build(frame, sizeof(frame), &fs, sip, len);
}

/* Verdict of one OPTIONS from that source. */
static __u32 send_from(__u8 family, __u32 src4, const char *src6, int n)
{
	size_t len = options_frame(family, src4, src6, n);

	assert_true(len > 0);
	assert_int_equal(fx_run(frame, len, &res), 0);
	return res.verdict;
}

/* rate_limit = RATE/s, burst = BURST (rate 0: unlimited); a rule for
 * OPTIONS with that action, default pass. */
static void configure(__u32 rate, __u32 burst, __u8 action)
{
	assert_int_equal(fx_config(FX_SL_TAG "rate_limit = %u/s\nburst = %u\n"
				   "[rule options]\nmethod = OPTIONS\naction = %s\n",
				   rate, burst, sl_action_name(action)), 0);
	assert_int_equal(fx_reset(), 0);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * rate 2/s (one every 500 ms), burst 3.  Timing margins: the send after
 * the pause passes if the pause is at least one interval (600 ms >= 500:
 * a sleep is never shorter); the send right after it is dropped if it
 * comes less than two intervals after the burst (1000 ms: 400 ms of
 * slack for a loaded machine, ASan included).
 */
static void test_burst_then_rate(void **state)
{
	struct sl_dp_counters c;
	__u64 t0;
	int i;

	(void)state;
	configure(2, 3, SL_ACTION_REPLY);
	t0 = fx_now_ns();
	/* 3 at once pass to the (absent) responder, the next 2 are dropped */
	for (i = 0; i < 3; i++)
		assert_int_equal(send_from(4, 0xc6120010, NULL, i), XDP_PASS);
	for (i = 3; i < 5; i++)
		assert_int_equal(send_from(4, 0xc6120010, NULL, i), XDP_DROP);
	assert_int_equal(fx_counters(&c), 0);
	assert_int_equal(c.redirect_fallback, 3);
	assert_int_equal(c.rate_limited, 2);
	/* another source has its own bucket */
	assert_int_equal(send_from(4, 0xc6120011, NULL, 10), XDP_PASS);
	/* after one interval (500 ms) one more from the first */
	sleep_ms(600);
	assert_int_equal(send_from(4, 0xc6120010, NULL, 20), XDP_PASS);
	if (fx_now_ns() - t0 >= 1000000000ull) {
		/* counted as skipped, not passed: the run says why */
		print_message("the machine stalled (%llu ms since the burst): the drop cannot be checked\n",
			      (unsigned long long)((fx_now_ns() - t0) / 1000000));
		skip();
	}
	assert_int_equal(send_from(4, 0xc6120010, NULL, 21), XDP_DROP);
	assert_int_equal(fx_counters(&c), 0);
	assert_int_equal(c.rate_limited, 3);
	assert_int_equal(c.redirect_fallback, 5);
}

/* An IPv6 source is its /64: another address of that /64 shares the
 * bucket, the next /64 has its own; IPv4 neighbours have their own. */
static void test_ipv6_sources(void **state)
{
	(void)state;
	configure(1000, 1, SL_ACTION_REPLY);
	assert_int_equal(send_from(6, 0, "2001:2::20", 1), XDP_PASS);
	assert_int_equal(send_from(6, 0, "2001:2::20", 2), XDP_DROP);
	/* the same /64, any interface identifier: the same source */
	assert_int_equal(send_from(6, 0, "2001:2::21", 3), XDP_DROP);
	assert_int_equal(send_from(6, 0, "2001:2::ffff:ffff:ffff:ffff", 4), XDP_DROP);
	/* the next /64 is another source */
	assert_int_equal(send_from(6, 0, "2001:2:0:1::20", 5), XDP_PASS);
	assert_int_equal(send_from(6, 0, "2001:2:0:1::21", 6), XDP_DROP);
	/* IPv4: every address its own */
	assert_int_equal(send_from(4, 0xc6120030, NULL, 7), XDP_PASS);
	assert_int_equal(send_from(4, 0xc6120031, NULL, 8), XDP_PASS);
	assert_int_equal(send_from(4, 0xc6120030, NULL, 9), XDP_DROP);
}

/*
 * No rate_limit in the file: 50/s with a burst of 100.  A hundred
 * requests from one source at once are answered, the next is dropped;
 * another source is not affected.  Timing: the 101st must come less than
 * one interval (20 ms) after the first, or a token has come back: a
 * machine that stalled that long is reported as a skip.
 */
static void test_default(void **state)
{
	struct sl_dp_counters c;
	__u64 t0;
	int i;

	(void)state;
	assert_int_equal(fx_config(FX_SL_TAG "[rule options]\nmethod = OPTIONS\n"
				   "reply = 200 OK\n"), 0);
	assert_int_equal(fx_reset(), 0);
	t0 = fx_now_ns();
	for (i = 0; i < (int)SL_BURST_DEFAULT; i++)
		assert_int_equal(send_from(4, 0xc6120040, NULL, i), XDP_PASS);
	assert_int_equal(send_from(4, 0xc6120041, NULL, 500), XDP_PASS);
	if (fx_now_ns() - t0 >= 1000000000ull / SL_RATE_LIMIT_DEFAULT) {
		print_message("the machine stalled (%llu ms for the burst): the drop cannot be checked\n",
			      (unsigned long long)((fx_now_ns() - t0) / 1000000));
		skip();
	}
	assert_int_equal(send_from(4, 0xc6120040, NULL, 1000), XDP_DROP);
	assert_int_equal(fx_counters(&c), 0);
	assert_int_equal(c.rate_limited, 1);
	assert_int_equal(c.redirect_fallback, SL_BURST_DEFAULT + 1);
}

static void test_off_and_other_actions(void **state)
{
	struct sl_dp_counters c;
	int i;

	(void)state;
	configure(0, 0, SL_ACTION_REPLY);	/* rate_limit = 0: unlimited */
	for (i = 0; i < 50; i++)
		assert_int_equal(send_from(4, 0xc6120012, NULL, i), XDP_PASS);
	configure(1, 1, SL_ACTION_PASS);	/* only answers are limited */
	for (i = 0; i < 10; i++)
		assert_int_equal(send_from(4, 0xc6120013, NULL, i), XDP_PASS);
	assert_int_equal(fx_counters(&c), 0);
	assert_int_equal(c.rate_limited, 0);
	assert_int_equal(c.passed_by_rule, 10);
}

/* The config text through sl_prepare() (the file attach reads). */
static void prepare(const char *text, struct sl_bank_image *img)
{
	static struct sl_settings s;
	char path[] = "/tmp/sl-rl-XXXXXX", err[256];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(sl_prepare(path, "lo", &s, img, err, sizeof(err)), 0);
	unlink(path);
}

/* rate_limit / burst in the config become the data plane's GCRA terms;
 * without them the default's (50/s: 20 ms, burst 100: 99 intervals);
 * rate_limit = 0: off */
static void test_config_terms(void **state)
{
	static struct sl_bank_image img;

	(void)state;
	prepare("[sl]\ntag_addr = 198.18.0.1:5060\nrate_limit = 100/s\nburst = 5\n", &img);
	assert_int_equal(img.cfg.rate_interval_ns, 10000000ULL);
	assert_int_equal(img.cfg.rate_burst_ns, 40000000ULL);
	prepare("[sl]\ntag_addr = 198.18.0.1:5060\n", &img);
	assert_int_equal(img.cfg.rate_interval_ns, 20000000ULL);
	assert_int_equal(img.cfg.rate_burst_ns, 99 * 20000000ULL);
	prepare("[sl]\ntag_addr = 198.18.0.1:5060\nrate_limit = 0\n", &img);
	assert_int_equal(img.cfg.rate_interval_ns, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_rate),
		cmocka_unit_test(test_ipv6_sources),
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_off_and_other_actions),
		cmocka_unit_test(test_config_terms),
	};

	return cmocka_run_group_tests(tests, fx_group_setup, fx_group_teardown);
}
