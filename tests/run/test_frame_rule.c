// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A frame that reached the responder without XDP metadata gets the reply
 * of the rule that takes it, evaluated here (user/run/frame_rule.c), not
 * default_code: rules from config text, frames from tests/bpf/frame.c.
 * A frame the rules would drop or pass (the bank changed since the data
 * plane's decision) is not answered and is counted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "frame.h"
#include "conf/config.h"
#include "conf/image.h"
#include "run/frame_rule.h"

static struct sl_settings s;
static struct sl_bank_image img;
static struct sl_kam_stats st;
static __u8 frame[FRAME_MAX];
static char msg[4096];

static void config(const char *text)
{
	char err[256];

	if (sl_settings_load_string(text, "t.conf", &s, err, sizeof(err)) ||
	    sl_image_compile(&s, "198.18.0.1", "t", &img, err, sizeof(err)))
		fail_msg("%s", err);
}

/* The reply index of a request with this method, extra headers and
 * frame shape. */
static int rule_for(const char *method, const char *hdrs,
		    const struct frame_spec *fs)
{
	size_t n = sip_fmt(msg, sizeof(msg), true,
			   "%s sip:bob@198.18.0.1 SIP/2.0\n"
			   "Via: SIP/2.0/UDP 198.18.0.2:5062;branch=z9hG4bK-fr\n"
			   "From: <sip:alice@198.18.0.2>;tag=1\nTo: <sip:bob@198.18.0.1>\n"
			   "Call-ID: fr\nCSeq: 1 %s\n%sContent-Length: 0\n\n",
			   method, method, hdrs);
	size_t len = frame_build(frame, sizeof(frame), fs, msg, n);

	assert_true(n && len);
	return sl_frame_rule(&img.cfg, img.rules, frame, len, &st);
}

static const char conf[] =
	"[sl]\ndefault_action = reply\n"
	"[rule scanners]\nuser_agent = friendly-scanner\nreply = 403 Forbidden\n"
	"[rule methods]\nmethod = REGISTER, BYE, CANCEL, SUBSCRIBE, NOTIFY, MESSAGE\n"
	"method = INFO, PRACK, UPDATE, REFER, PUBLISH, X-ONE, X-TWO, X-THREE\n"
	"method = X-FOUR, X-FIVE\nreply = 405 Method Not Allowed\n"
	"[rule blocked]\nsrc = 198.18.0.99, 2001:2::99\naction = drop\n"
	"[rule from]\nfrom_user = ali*\nmethod = OPTIONS\nreply = 200 OK\n"
	"[rule not-invite]\nmethod = !INVITE, ACK\nreply = 501 Not Implemented\n";

static void test_rules_not_default(void **state)
{
	static const char *const listed[] = {
		"REGISTER", "BYE", "CANCEL", "SUBSCRIBE", "NOTIFY", "MESSAGE",
		"INFO", "PRACK", "UPDATE", "REFER", "PUBLISH", "X-ONE", "X-TWO",
		"X-THREE", "X-FOUR", "X-FIVE",
	};
	struct frame_spec v4 = {}, v6 = { .family = 6 }, vlan = { .n_vlans = 2 };

	(void)state;
	config(conf);
	memset(&st, 0, sizeof(st));
	assert_int_equal(rule_for("OPTIONS", "User-Agent: Friendly-Scanner\n", &v4), 0);
	for (size_t i = 0; i < sizeof(listed) / sizeof(listed[0]); i++)
		assert_int_equal(rule_for(listed[i], "", &v4), 1);
	assert_int_equal(rule_for("REGISTER", "", &v6), 1);
	assert_int_equal(rule_for("OPTIONS", "", &vlan), 3);
	assert_int_equal(rule_for("FOO", "", &v4), 4);
	/* no rule: default_action = reply */
	assert_int_equal(rule_for("INVITE", "", &v4), SL_MAX_RULES);
	assert_int_equal(st.not_answered_by_rule, 0);
}

/* The bank says drop or pass: not answered, counted. */
static void test_not_answered(void **state)
{
	struct frame_spec blocked = { .src4 = 0xc6120063 };
	struct frame_spec blocked6 = { .family = 6, .src6 = "2001:2::99" };

	(void)state;
	config(conf);
	memset(&st, 0, sizeof(st));
	assert_int_equal(rule_for("REGISTER", "", &blocked), 1);	/* first match */
	assert_int_equal(rule_for("INVITE", "", &blocked), -1);
	assert_int_equal(rule_for("INVITE", "", &blocked6), -1);
	assert_int_equal(st.not_answered_by_rule, 2);
	config("[sl]\n[rule o]\nmethod = OPTIONS\nreply = 200 OK\n");
	assert_int_equal(rule_for("INVITE", "", &(struct frame_spec){}), -1);
	assert_int_equal(st.not_answered_by_rule, 3);
}

/* Not a request the rules meet: the default reply index, and
 * sl_answer_frame() counts why it is not answered. */
static void test_not_a_request(void **state)
{
	size_t len;

	(void)state;
	config(conf);
	memset(&st, 0, sizeof(st));
	len = frame_build(frame, sizeof(frame), &(struct frame_spec){},
			  "SIP/2.0 200 OK\r\n\r\n", 18);
	assert_int_equal(sl_frame_rule(&img.cfg, img.rules, frame, len, &st),
			 SL_MAX_RULES);
	assert_int_equal(sl_frame_rule(&img.cfg, img.rules, frame, 10, &st),
			 SL_MAX_RULES);
	assert_int_equal(st.not_answered_by_rule, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_not_default),
		cmocka_unit_test(test_not_answered),
		cmocka_unit_test(test_not_a_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
