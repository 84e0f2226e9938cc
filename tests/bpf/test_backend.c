// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The health gate in the XDP program: a rule with when = backend-up only
 * matches while sl_backend says up (or was never written), one with
 * backend-down only while it says down; rules without when do not care;
 * a frame read only up to its source meets no rule with when.  The
 * userspace reference (sl_rule_match) decides the same.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include "fixture_env.h"
#include "frame.h"
#include "conf/config.h"
#include "sip/rule_match.h"

static __u8 frame[FRAME_MAX];
static struct fx_result res;

static const char conf[] = FX_SL
	"[backend]\nprobe = udp:127.0.0.1:5070\n"
	"[rule up]\nmethod = OPTIONS\nwhen = backend-up\nreply = 200 OK\n"
	"[rule down]\nmethod = OPTIONS\nwhen = backend-down\naction = drop\n"
	"[rule invite]\nmethod = INVITE\nwhen = backend-down\nreply = 503 Down\n"
	"[rule src]\nsrc = 198.18.0.0/16, 2001:2::/48\nwhen = backend-down\naction = drop\n";

static void set_down(__u32 down)
{
	struct sl_backend_state st = { .down = down, .probing = 1 };
	__u32 zero = 0;

	assert_int_equal(bpf_map_update_elem(fx.maps.fd[SL_M_BACKEND], &zero,
					     &st, BPF_ANY), 0);
}

/* The verdict of a request with that method, and the rule in its
 * metadata (-1: none). */
static __u32 send(const char *method, int *rule)
{
	struct frame_spec fs = { 0 };
	char sip[512];
	size_t len = sip_fmt(sip, sizeof(sip), true,
			     "%s sip:ping@198.18.0.1 SIP/2.0\n"
			     "Via: SIP/2.0/UDP 198.18.0.2:5060;branch=z9hG4bK-be\n"
			     "From: <sip:p@198.18.0.2>;tag=1\nTo: <sip:ping@198.18.0.1>\n"
			     "Call-ID: be@198.18.0.2\nCSeq: 1 %s\n"
			     "Content-Length: 0\n\n", method, method);

	len = frame_build(frame, sizeof(frame), &fs, sip, len);
	assert_true(len > 0);
	assert_int_equal(fx_run(frame, len, &res), 0);
	*rule = res.has_meta ? res.meta.rule : -1;
	return res.verdict;
}

static void test_up_and_down(void **state)
{
	struct sl_dp_counters c;
	int rule;

	(void)state;
	assert_int_equal(fx_config("%s", conf), 0);
	assert_int_equal(fx_reset(), 0);
	set_down(0);
	assert_int_equal(send("OPTIONS", &rule), XDP_PASS);	/* no socket: fallback */
	assert_int_equal(send("INVITE", &rule), XDP_PASS);
	assert_int_equal(fx_counters(&c), 0);
	assert_int_equal(c.redirect_fallback, 1);	/* OPTIONS by rule up */
	assert_int_equal(c.passed_by_rule, 1);		/* INVITE: no rule */
	assert_int_equal(c.dropped_by_rule, 0);
	set_down(1);
	assert_int_equal(send("OPTIONS", &rule), XDP_DROP);
	assert_int_equal(send("INVITE", &rule), XDP_PASS);	/* fallback */
	assert_int_equal(fx_counters(&c), 0);
	assert_int_equal(c.dropped_by_rule, 1);
	assert_int_equal(c.redirect_fallback, 2);
	/* up again */
	set_down(0);
	assert_int_equal(send("OPTIONS", &rule), XDP_PASS);
	assert_int_equal(fx_counters(&c), 0);
	assert_int_equal(c.dropped_by_rule, 1);
	assert_int_equal(c.redirect_fallback, 3);
}

/* A frame read up to its source only meets no rule with when: the src
 * rule, down, does not drop it. */
static void test_src_only(void **state)
{
	struct frame_spec fs = { .family = 6, .src6 = "2001:2::2", .n_dest6 = 9 };
	char sip[] = "OPTIONS sip:x SIP/2.0\r\n\r\n";
	size_t len;

	(void)state;
	assert_int_equal(fx_config("%s", conf), 0);
	set_down(1);
	len = frame_build(frame, sizeof(frame), &fs, sip, strlen(sip));
	assert_int_equal(fx_run(frame, len, &res), 0);
	assert_int_equal(res.verdict, XDP_PASS);
	set_down(0);
}

/* The reference decides the same from the view's backend_down. */
static void test_reference(void **state)
{
	static struct sl_bank_image img;
	static const __u8 msg[] = "OPTIONS sip:ping@198.18.0.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 198.18.0.2:5060;branch=z9hG4bK-be\r\n\r\n";
	__u8 src[16] = { 198, 18, 0, 2 }, action;
	struct sl_rule_view v;

	(void)state;
	assert_int_equal(fx_compile(&img, "%s", conf), 0);
	assert_int_equal(sl_rule_view_read(&v, msg, sizeof(msg) - 1, false, 4,
					   src, 5060), 0);
	assert_int_equal(sl_rule_match(&img.cfg, img.rules, &v, &action), 0);
	assert_int_equal(action, SL_ACTION_REPLY);
	v.backend_down = true;
	assert_int_equal(sl_rule_match(&img.cfg, img.rules, &v, &action), 1);
	assert_int_equal(action, SL_ACTION_DROP);
	assert_int_equal(sl_rule_match_source(&img.cfg, img.rules, 4, src, &action),
			 SL_RULE_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_up_and_down),
		cmocka_unit_test(test_src_only),
		cmocka_unit_test(test_reference),
	};

	return cmocka_run_group_tests(tests, fx_group_setup, fx_group_teardown);
}
