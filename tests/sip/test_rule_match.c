// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The reference reading and matching of the rule table
 * (user/sip/rule_view.c, user/sip/rule_match.c), on payloads and rules
 * made from config text: what the window shows (leading CR/LF, 2048
 * bytes, unseen parts), the parts of From and To, and each key's
 * semantics (methods by number and negation, prefixes and whole parts,
 * case, unseen parts for drop and pass rules, first match wins).  The
 * data plane is held to this reference by tests/bpf/test_xdp_fuzz.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "conf/config.h"
#include "conf/image.h"
#include "sip/rule_match.h"
#include "sip/rule_view.h"

static struct sl_settings s;
static struct sl_bank_image img;
static struct sl_rule_view v;
static char msg[8192];
static const __u8 src4[16] = { 198, 18, 0, 2 };

static void config(const char *text)
{
	char err[256];

	if (sl_settings_load_string(text, "t.conf", &s, err, sizeof(err)) ||
	    sl_image_compile(&s, "198.18.0.1", "t", &img, err, sizeof(err)))
		fail_msg("%s\n%s", err, text);
}

/* A request with these first line and extra headers, CRLF line ends. */
static size_t req(const char *line, const char *hdrs)
{
	int n = snprintf(msg, sizeof(msg),
			 "%s\r\nVia: SIP/2.0/UDP 198.18.0.2;branch=z9hG4bK-1\r\n"
			 "Call-ID: c1\r\nCSeq: 1 X\r\n%sContent-Length: 0\r\n\r\n",
			 line, hdrs);

	assert_true(n > 0 && (size_t)n < sizeof(msg));
	return (size_t)n;
}

static int read_view(size_t len, bool more)
{
	return sl_rule_view_read(&v, (const __u8 *)msg, len, more, 4, src4, 5060);
}

/* The rule the request takes (-1: none), its action in *action. */
static int match(__u8 *action)
{
	__u32 r = sl_rule_match(&img.cfg, img.rules, &v, action);

	return r == SL_RULE_NONE ? -1 : (int)r;
}

static int rule_of(const char *line, const char *hdrs)
{
	__u8 action;

	assert_int_equal(read_view(req(line, hdrs), false), 0);
	return match(&action);
}

static void assert_span(const struct sl_rule_view *vv, struct sl_view_span sp,
			const char *want)
{
	if (!want) {
		assert_true(sp.e == SL_VIEW_NONE);
		return;
	}
	assert_true(sp.e != SL_VIEW_NONE);
	assert_int_equal(sp.e - sp.s, strlen(want));
	assert_memory_equal(vv->w + sp.s, want, strlen(want));
}

/* ---- what the window shows ---- */

static void test_window(void **state)
{
	static char pad[2100];
	size_t n;

	(void)state;
	n = req("OPTIONS sip:bob@h SIP/2.0", "");
	memmove(msg + 5, msg, n);
	memcpy(msg, "\r\n\n\r\n", 5);
	assert_int_equal(read_view(n + 5, false), 0);
	assert_int_equal(v.skipped, 5);
	assert_int_equal(v.method_len, 7);
	assert_false(v.partial);

	strcpy(msg, "\r\n\r\n");
	assert_int_equal(read_view(4, false), -1);		/* only CR/LF */
	/* ... of a first fragment: the request line is in a later one */
	assert_int_equal(read_view(4, true), 0);
	assert_int_equal(v.unseen, SL_UNSEEN_ALL);
	strcpy(msg, "REGISTERsip:h");			/* no SP, more follows */
	assert_int_equal(read_view(strlen(msg), true), 0);
	assert_int_equal(v.unseen, SL_UNSEEN_ALL);
	assert_int_equal(read_view(strlen(msg), false), -1);
	strcpy(msg, "\nSIP/2.0 200 OK\r\n\r\n");
	assert_int_equal(read_view(strlen(msg), false), -1);	/* a response */
	strcpy(msg, "OPTIONS sip:bob@h\r\n\r\n");
	assert_int_equal(read_view(strlen(msg), false), -1);	/* no version */

	/* 2048 bytes are read; the User-Agent after them is unseen */
	memset(pad, 'p', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	snprintf(msg, sizeof(msg), "OPTIONS sip:bob@h SIP/2.0\r\nX-Pad: %s\r\n"
		 "User-Agent: x\r\nFrom: <sip:a@b>\r\n\r\n", pad);
	assert_int_equal(read_view(strlen(msg), false), 0);
	assert_true(v.partial);
	assert_int_equal(v.wlen, SL_SCRATCH_LEN);
	assert_true(v.ua.e == SL_VIEW_NONE);
	assert_int_equal(v.unseen, SL_UNSEEN_UA | SL_UNSEEN_FROM | SL_UNSEEN_TO);

	/* a User-Agent value cut by the window's end: unseen too */
	snprintf(msg, sizeof(msg), "OPTIONS sip:bob@h SIP/2.0\r\n"
		 "To: <sip:bob@h>\r\nUser-Agent: %s\r\n\r\n", pad);
	assert_int_equal(read_view(strlen(msg), false), 0);
	assert_int_equal(v.ua.e, SL_SCRATCH_LEN);
	assert_int_equal(v.unseen, SL_UNSEEN_UA | SL_UNSEEN_FROM);
	assert_span(&v, v.to_user, "bob");

	/* a first fragment (more): the same, though short */
	n = req("OPTIONS sip:bob@h SIP/2.0", "User-Agent: y\r\n");
	assert_int_equal(read_view(n - 10, true), 0);
	assert_true(v.partial);
	assert_int_equal(v.unseen, SL_UNSEEN_FROM | SL_UNSEEN_TO);
	assert_int_equal(read_view(n, true), 0);	/* the headers ended */
	assert_int_equal(v.unseen, 0);

	/* a request line running past the window: the method only */
	snprintf(msg, sizeof(msg), "REGISTER sip:%s@h SIP/2.0\r\n\r\n", pad);
	assert_int_equal(read_view(strlen(msg), false), 0);
	assert_int_equal(v.method_len, 8);
	assert_int_equal(v.unseen, SL_UNSEEN_RURI | SL_UNSEEN_UA |
			 SL_UNSEEN_FROM | SL_UNSEEN_TO);
	/* ... but not when the message ends there */
	assert_int_equal(read_view(SL_SCRATCH_LEN, false), -1);
}

/* ---- the parts of From and To ---- */

static void test_uri_parts(void **state)
{
	static const struct {
		const char *from, *user, *host;
	} rows[] = {
		{ "<sip:100@Example.com>;tag=1", "100", "Example.com" },
		{ "\"A \\\" <x> \\\\\" <sip:u@h>", "u", "h" },
		{ "sip:100@h.example;tag=1", "100", "h.example" },
		{ "Bob <sips:bob@[2001:2::1]:5061>", "bob", "[2001:2::1]" },
		{ "<tel:+49301;phone-context=x>", "+49301", NULL },
		{ "<sip:h.example.com;transport=udp>", NULL, "h.example.com" },
		{ "<sip:user:pw@h?x=1>", "user:pw", "h" },
		{ "<mailto:x>", NULL, NULL },		/* no ':' in the scheme */
		{ "\"unclosed <sip:a@b>", NULL, NULL },
		{ "<sip:a@b", NULL, NULL },
		{ "\"quoted\" only", NULL, NULL },
	};
	char hdr[256];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(hdr, sizeof(hdr), "From: %s\r\nTo: %s\r\n", rows[i].from,
			 rows[i].from);
		assert_int_equal(read_view(req("INVITE sip:x@h SIP/2.0", hdr),
					   false), 0);
		print_message("From: %s\n", rows[i].from);
		assert_span(&v, v.from_user, rows[i].user);
		assert_span(&v, v.from_host, rows[i].host);
		assert_span(&v, v.to_user, rows[i].user);
	}
	/* compact names, LWS before the colon, a folded value */
	assert_int_equal(read_view(req("INVITE sip:x@h SIP/2.0",
				       "f  : <sip:1@a>\r\nt:\r\n <sip:2@b>\r\n"),
				   false), 0);
	assert_span(&v, v.from_user, "1");
	assert_span(&v, v.to_user, "2");
	/* the Request-URI: tel: up to ';', sip: up to '@' */
	assert_int_equal(read_view(req("INVITE tel:+4930;x=y SIP/2.0", ""),
				   false), 0);
	assert_span(&v, v.ruri_user, "+4930");
	assert_int_equal(read_view(req("INVITE sip:example.com SIP/2.0", ""),
				   false), 0);
	assert_span(&v, v.ruri_user, NULL);
}

/* ---- each key ---- */

static void test_methods(void **state)
{
	(void)state;
	config("[sl]\n[rule list]\nmethod = REGISTER, BYE, CANCEL, SUBSCRIBE, "
	       "NOTIFY, MESSAGE, INFO, PRACK, UPDATE, REFER, PUBLISH, X-1\n"
	       "method = X-2, X-3, X-4, X-5\naction = drop\n"
	       "[rule not]\nmethod = !INVITE, ACK\naction = drop\n"
	       "[rule any]\nmethod = *\naction = pass\n");
	assert_int_equal(rule_of("REGISTER sip:h SIP/2.0", ""), 0);
	assert_int_equal(rule_of("X-5 sip:h SIP/2.0", ""), 0);
	/* case-sensitive: RE%47IST%45R is not REGISTER, nor is register */
	assert_int_equal(rule_of("RE%47IST%45R sip:h SIP/2.0", ""), 1);
	assert_int_equal(rule_of("register sip:h SIP/2.0", ""), 1);
	assert_int_equal(rule_of("OPTIONS sip:h SIP/2.0", ""), 1);
	assert_int_equal(rule_of("INVITE sip:h SIP/2.0", ""), 2);
	assert_int_equal(rule_of("ACK sip:h SIP/2.0", ""), 2);
	/* longer than any name a rule can have */
	assert_int_equal(rule_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456 sip:h SIP/2.0",
				 ""), 1);
	assert_int_equal(sl_rule_method_number(&img.cfg, &v), SL_METHOD_OTHER);
}

static void test_strings(void **state)
{
	(void)state;
	config("[sl]\n"
	       "[rule exact]\nfrom_user = 100\naction = drop\n"
	       "[rule prefix]\nfrom_user = 200*\naction = drop\n"
	       "[rule domain]\nfrom_domain = Scanner.Example\naction = drop\n"
	       "[rule to]\nto_user = 6666*\naction = drop\n"
	       "[rule ruri]\nruri_user_prefix = +49\naction = drop\n"
	       "[rule ua]\nuser_agent = Friendly-Scanner\naction = drop\n");
	assert_int_equal(rule_of("INVITE sip:x@h SIP/2.0", "From: <sip:100@h>\r\n"), 0);
	assert_int_equal(rule_of("INVITE sip:x@h SIP/2.0", "From: <sip:1000@h>\r\n"), -1);
	assert_int_equal(rule_of("INVITE sip:x@h SIP/2.0", "From: <sip:2000@h>\r\n"), 1);
	assert_int_equal(rule_of("INVITE sip:x@h SIP/2.0", "From: <sip:200@h>\r\n"), 1);
	assert_int_equal(rule_of("INVITE sip:x@h SIP/2.0", "From: <sip:20@h>\r\n"), -1);
	/* domains in any case, users as written */
	assert_int_equal(rule_of("INVITE sip:x@h SIP/2.0",
				 "From: <sip:a@SCANNER.example>\r\n"), 2);
	assert_int_equal(rule_of("INVITE sip:x@h SIP/2.0",
				 "From: <sip:a@scanner.example.net>\r\n"), -1);
	assert_int_equal(rule_of("INVITE sip:x@h SIP/2.0", "To: sip:66661@h\r\n"), 3);
	assert_int_equal(rule_of("INVITE sip:+4930@h SIP/2.0", ""), 4);
	assert_int_equal(rule_of("INVITE sip:x@h SIP/2.0",
				 "User-Agent: a FRIENDLY-scanner/1\r\n"), 5);
	assert_int_equal(rule_of("INVITE sip:x@h SIP/2.0",
				 "User-Agent: friendly scanner\r\n"), -1);
}

static void test_src_port_order(void **state)
{
	__u8 action;

	(void)state;
	config("[sl]\nports = 5060, 5070\ndefault_action = reply\n"
	       "[rule host]\nsrc = 198.18.0.2\nport = 5070\naction = pass\n"
	       "[rule net]\nsrc = 198.18.0.0/15, 2001:2::/32\naction = drop\n");
	assert_int_equal(rule_of("OPTIONS sip:h SIP/2.0", ""), 1);
	sl_rule_view_read(&v, (const __u8 *)msg, strlen(msg), false, 4, src4, 5070);
	assert_int_equal(match(&action), 0);
	assert_int_equal(action, SL_ACTION_PASS);
	sl_rule_view_read(&v, (const __u8 *)msg, strlen(msg), false, 6,
			  (const __u8[16]){ 0x20, 0x01, 0, 2, [15] = 9 }, 5060);
	assert_int_equal(match(&action), 1);
	sl_rule_view_read(&v, (const __u8 *)msg, strlen(msg), false, 4,
			  (const __u8[16]){ 203, 0, 113, 1 }, 5060);
	assert_int_equal(match(&action), -1);
	assert_int_equal(action, SL_ACTION_REPLY);	/* default_action */

	/* source only (an unreadable IPv6 header chain): src keys only,
	 * the port of rule host cannot be known */
	assert_int_equal(sl_rule_match_source(&img.cfg, img.rules, 4, src4,
					      &action), 1);
	assert_int_equal(action, SL_ACTION_DROP);
	config("[sl]\n[rule m]\nmethod = INVITE\nsrc = 198.18.0.0/15\naction = drop\n"
	       "[rule all]\naction = drop\n");
	assert_int_equal(sl_rule_match_source(&img.cfg, img.rules, 4, src4,
					      &action), 1);
}

/* An unseen part matches a rule that drops or replies, not one that
 * passes: hiding the User-Agent past the window gets nothing. */
static void test_unseen(void **state)
{
	static char pad[2100];
	__u8 action;

	(void)state;
	memset(pad, 'p', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	config("[sl]\n"
	       "[rule trusted]\nuser_agent = trusted-pbx\naction = pass\n"
	       "[rule scanner]\nuser_agent = friendly-scanner\naction = drop\n");
	snprintf(msg, sizeof(msg), "REGISTER sip:h SIP/2.0\r\nX-Pad: %s\r\n"
		 "User-Agent: trusted-pbx\r\n\r\n", pad);
	assert_int_equal(read_view(strlen(msg), false), 0);
	assert_int_equal(match(&action), 1);
	assert_int_equal(action, SL_ACTION_DROP);
	/* not even the method seen (a first fragment of CR/LF): a drop
	 * rule's method key matches, a pass rule's does not */
	config("[sl]\n[rule any]\nmethod = *\naction = pass\n"
	       "[rule reg]\nmethod = REGISTER\nfrom_user = 100\naction = drop\n");
	strcpy(msg, "\r\n\r\n\r\n");
	assert_int_equal(read_view(6, true), 0);
	assert_int_equal(match(&action), 1);
	assert_int_equal(action, SL_ACTION_DROP);
	config("[sl]\n"
	       "[rule trusted]\nuser_agent = trusted-pbx\naction = pass\n"
	       "[rule scanner]\nuser_agent = friendly-scanner\naction = drop\n");
	/* seen: the pass rule takes it */
	snprintf(msg, sizeof(msg), "REGISTER sip:h SIP/2.0\r\n"
		 "User-Agent: trusted-pbx\r\nX-Pad: %s\r\n\r\n", pad);
	assert_int_equal(read_view(strlen(msg), false), 0);
	assert_int_equal(match(&action), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_uri_parts),
		cmocka_unit_test(test_methods),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_src_port_order),
		cmocka_unit_test(test_unseen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
