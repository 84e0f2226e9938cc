// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reply composer and counter tests.
 *
 * Byte-exact targets are the Kamailio 5.6.3 captures of spec section 7
 * (signature df673b98c9e0bd9172cfc0d849035098, client 127.0.0.1:40000,
 * default Server header); capture (b) is checked with the Kamailio
 * >= 5.8.5 placement of received that DESIGN.md asks for.  Then the reply
 * rules one by one, every RFC 4475 / RFC 3261 corpus message against a
 * table of expected outcomes, the amplification bound, robustness, and
 * the sl counters.
 *
 * Corpus: $SL_CORPUS_DIR, else ../shared/corpus from the current directory
 * (the repo root under `make test`) or from $SL_ROOT, else found walking
 * up from the binary.
 */
#define _GNU_SOURCE	/* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sip/sl_engine.h"
#include "sip/ip_text.h"
#include "sip/kam_stats.h"
#include "sip/reasons.h"
#include "sip/sip_msg.h"
#include "sip/totag.h"

#define SIG		"df673b98c9e0bd9172cfc0d849035098"
#define KAM_SERVER	"Server: kamailio (5.6.3 (x86_64/linux))"
#define CRLF		"\r\n"

/* ---- corpus ---------------------------------------------------------- */

#include "corpus_files.h"

/* ---- helpers --------------------------------------------------------- */

static struct sl_engine_cfg kcfg;
static char out[70000];
static struct sl_result R;

static const struct sl_peer lo40000 = { 4, { 127, 0, 0, 1 }, 40000 };
static const struct sl_peer v6lo40020 = { 6, { [15] = 1 }, 40020 };

static void init_cfg(struct sl_engine_cfg *c, const char *server)
{
	memcpy(c->signature, SIG, SL_SIG_LEN);
	c->server_hdr = server;
	c->server_len = server ? strlen(server) : 0;
}

static int setup_all(void **state)
{
	init_cfg(&kcfg, KAM_SERVER);
	return setup_corpus(state);
}

static int answer_n(const char *req, size_t len, __u16 code, const char *reason,
		    const struct sl_peer *src)
{
	struct sl_reply_spec sp = { code, reason, reason ? strlen(reason) : 0,
				    NULL, 0 };

	int rc = sl_engine_answer(&kcfg, &sp, req, len, src, out, sizeof(out) - 1, &R);

	out[R.len] = 0;		/* for strstr() on the reply, not a reply byte */
	return rc;
}

static void answer(const char *req, __u16 code, const char *reason,
		   const struct sl_peer *src)
{
	assert_int_equal(answer_n(req, strlen(req), code, reason, src), 0);
}

static void print_esc(const char *tag, const char *s, size_t n)
{
	size_t i;

	fprintf(stderr, "%s (%zu): ", tag, n);
	for (i = 0; i < n; i++) {
		if (s[i] == '\r')
			fputs("\\r", stderr);
		else if (s[i] == '\n')
			fputs("\\n\n    ", stderr);
		else
			fputc(s[i], stderr);
	}
	fputc('\n', stderr);
}

static void assert_reply(const char *want)
{
	size_t n = strlen(want);

	assert_int_equal(R.outcome, SL_OUT_REPLY);
	if (R.len != n || memcmp(out, want, n)) {
		print_esc("got ", out, R.len);
		print_esc("want", want, n);
		fail_msg("reply differs");
	}
}

/* The reply contains line (a whole line, CRLF included). */
static bool reply_has(const char *line)
{
	size_t n = strlen(line), i;

	for (i = 0; i + n <= R.len; i++)
		if ((i == 0 || out[i - 1] == '\n') && !memcmp(out + i, line, n))
			return true;
	return false;
}

static void assert_has(const char *line)
{
	if (!reply_has(line)) {
		print_esc("reply", out, R.len);
		fail_msg("no line '%s'", line);
	}
}

/* ---- spec section 7 captures ----------------------------------------- */

static const char req_a[] =
	"OPTIONS sip:r200@127.0.0.1:5070 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-t2-1\r\nFrom: <sip:alice@example.com>;tag=ft1\r\nTo: <sip:r200@127.0.0.1>\r\nCall-ID: cid-t2-1@test\r\nCSeq: 1 OPTIONS\r\nX-Reason: OK\r\nContent-Length: 0\r\n\r\n";
static const char rpl_a[] =
	"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-t2-1\r\nFrom: <sip:alice@example.com>;tag=ft1\r\nTo: <sip:r200@127.0.0.1>;tag=df673b98c9e0bd9172cfc0d849035098.83dd7ae3\r\nCall-ID: cid-t2-1@test\r\nCSeq: 1 OPTIONS\r\nServer: kamailio (5.6.3 (x86_64/linux))\r\nContent-Length: 0\r\n\r\n";

static const char req_b[] =
	"INVITE sip:r486@127.0.0.1:5070 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\r\nVia: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK-upstream-1;received=198.51.100.7\r\nRecord-Route: <sip:192.0.2.1;lr>\r\nMax-Forwards: 69\r\nFrom: \"Alice\" <sip:alice@example.com>;tag=a1b2c3\r\nTo: <sip:r486@127.0.0.1>\r\nCall-ID: inv-callid-0001@10.0.0.5\r\nCSeq: 101 INVITE\r\nContact: <sip:alice@10.0.0.5:5062>\r\nX-Reason: Busy Here\r\nContent-Type: application/sdp\r\nContent-Length: 85\r\n\r\nv=0\r\no=- 1 1 IN IP4 10.0.0.5\r\ns=-\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
/* the 5.6.3 capture with received moved next to rport (>= 5.8.5) */
static const char rpl_b[] =
	"SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 10.0.0.5:5062;rport=40000;received=127.0.0.1;branch=z9hG4bK-inv-0001\r\nVia: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK-upstream-1;received=198.51.100.7\r\nFrom: \"Alice\" <sip:alice@example.com>;tag=a1b2c3\r\nTo: <sip:r486@127.0.0.1>;tag=df673b98c9e0bd9172cfc0d849035098.ef6c50a2\r\nCall-ID: inv-callid-0001@10.0.0.5\r\nCSeq: 101 INVITE\r\nServer: kamailio (5.6.3 (x86_64/linux))\r\nContent-Length: 0\r\n\r\n";

static const char req_c[] =
	"BYE sip:r481@127.0.0.1:5070 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-bye-0001;rport=1234\r\nMax-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=a1b2c3\r\nTo: <sip:bob@example.com>;tag=existing-totag-xyz;foo=bar\r\nCall-ID: bye-callid-1@test\r\nCSeq: 2 BYE\r\nX-Reason: Call/Transaction Does Not Exist\r\nContent-Length: 0\r\n\r\n";
static const char rpl_c[] =
	"SIP/2.0 481 Call/Transaction Does Not Exist\r\nVia: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-bye-0001;rport=40000;received=127.0.0.1\r\nFrom: <sip:alice@example.com>;tag=a1b2c3\r\nTo: <sip:bob@example.com>;tag=existing-totag-xyz;foo=bar\r\nCall-ID: bye-callid-1@test\r\nCSeq: 2 BYE\r\nServer: kamailio (5.6.3 (x86_64/linux))\r\nContent-Length: 0\r\n\r\n";

/* The 180 capture's request (not in the spec): the reply's headers in the
 * same order, plus headers Kamailio drops, compact names kept. */
static const char req_180[] =
	"INVITE sip:r180@127.0.0.1:5070 SIP/2.0\r\nv: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-compact-1\r\nRecord-Route: <sip:rr1.example.com;lr>, <sip:rr2.example.com;lr>\r\nMax-Forwards: 70\r\nCSeq: 7 INVITE\r\ni: compact-cid@test\r\nRecord-Route: <sip:rr3.example.com;lr>\r\nt: <sip:r180@127.0.0.1>\r\nm: <sip:alice@127.0.0.1:40000>\r\nf: <sip:alice@example.com>;tag=ccc\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-compact-up\r\nc: application/sdp\r\nl: 0\r\n\r\n";
static const char rpl_180[] =
	"SIP/2.0 180 Ringing\r\nv: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-compact-1\r\nRecord-Route: <sip:rr1.example.com;lr>, <sip:rr2.example.com;lr>\r\nCSeq: 7 INVITE\r\ni: compact-cid@test\r\nRecord-Route: <sip:rr3.example.com;lr>\r\nt: <sip:r180@127.0.0.1>;tag=df673b98c9e0bd9172cfc0d849035098.98721ebf\r\nf: <sip:alice@example.com>;tag=ccc\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-compact-up\r\nServer: kamailio (5.6.3 (x86_64/linux))\r\nContent-Length: 0\r\n\r\n";

static void test_capture_a(void **state)
{
	(void)state;
	answer(req_a, 200, "OK", &lo40000);
	assert_reply(rpl_a);
	assert_int_equal(R.len, 284);
	assert_int_equal(R.code, 200);
	assert_false(R.is_error_reply);
	assert_int_equal(R.dst_port, 40000);	/* Via port, no rport */
	assert_false(R.record_window);		/* not an INVITE */
	assert_int_equal(R.window_suffix, 0xdd383ea7);
	assert_true(R.added_tag);
}

static void test_capture_b(void **state)
{
	(void)state;
	answer(req_b, 486, "Busy Here", &lo40000);
	assert_reply(rpl_b);
	/* 428 bytes in 5.6.3: the same bytes, received moved */
	assert_int_equal(R.len, 428);
	assert_int_equal(R.dst_port, 40000);	/* rport: the source port */
	assert_true(R.record_window);
	assert_int_equal(R.window_key_tag, 0);
	/* the same INVITE answered 180/183/200 keeps its Record-Route */
	answer(req_b, 183, "Session Progress", &lo40000);
	assert_has("Record-Route: <sip:192.0.2.1;lr>\r\n");
	assert_false(R.record_window);		/* provisional */
}

static void test_capture_c(void **state)
{
	(void)state;
	answer(req_c, 481, "Call/Transaction Does Not Exist", &lo40000);
	assert_reply(rpl_c);
	assert_int_equal(R.len, 337);
	assert_int_equal(R.dst_port, 40000);
	assert_false(R.added_tag);
	assert_false(R.record_window);		/* BYE */
}

static void test_capture_180_compact(void **state)
{
	(void)state;
	answer(req_180, 180, "Ringing", &lo40000);
	assert_reply(rpl_180);
	assert_false(R.record_window);
}

/* spec 7: "same tag, branch z9hG4bK-ack-2xx-9: $ltt(s) was ...ef5050a2" */
static void test_spec_ltt_other_branch(void **state)
{
	static const char req[] =
		"INVITE sip:r486@127.0.0.1:5070 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-ack-2xx-9\r\n"
		"From: <sip:a@x>;tag=1\r\nTo: <sip:r486@127.0.0.1>\r\n"
		"Call-ID: inv-callid-0001@10.0.0.5\r\nCSeq: 1 INVITE\r\n\r\n";

	(void)state;
	answer(req, 486, "Busy Here", &lo40000);
	assert_has("To: <sip:r486@127.0.0.1>;tag=" SIG ".ef5050a2\r\n");
}

/* spec 1.4: a Via without port: CRC-A over the host only, CRC-B 0000,
 * whatever the branch and Call-ID */
static void test_spec_no_port_tag(void **state)
{
	static const char *req[] = {
		"OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK-a\r\n"
		"From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: one\r\nCSeq: 1 OPTIONS\r\n\r\n",
		"OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK-other\r\n"
		"From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: two\r\nCSeq: 1 OPTIONS\r\n\r\n",
	};
	int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		answer(req[i], 200, "OK", &lo40000);
		assert_has("To: <sip:b@x>;tag=" SIG ".78550000\r\n");
		assert_int_equal(R.dst_port, 5060);	/* no port, no rport */
	}
}

/* Retransmissions: byte-identical replies, whatever the buffer. */
static void test_retransmission_identical(void **state)
{
	static char first[4096];
	size_t n;

	(void)state;
	answer(req_b, 486, "Busy Here", &lo40000);
	n = R.len;
	memcpy(first, out, n);
	memset(out, 'x', sizeof(out));
	answer(req_b, 486, "Busy Here", &lo40000);
	assert_int_equal(R.len, n);
	assert_memory_equal(out, first, n);
}

/* ---- reply rules ----------------------------------------------------- */

#define REQ(method, via, to, extra) \
	method " sip:r@127.0.0.1 SIP/2.0\r\nVia: " via "\r\n" \
	"From: <sip:a@example.com>;tag=f1\r\nTo: " to "\r\n" \
	"Call-ID: rules@test\r\nCSeq: 9 " method "\r\n" extra "\r\n"

#define LOVIA "SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-r"

/* spec 1.1 step 6: 100..179 never get a tag */
static void test_tag_by_code(void **state)
{
	static const struct { __u16 code; bool tag; } tab[] = {
		{ 100, false }, { 101, false }, { 179, false }, { 180, true },
		{ 183, true }, { 200, true }, { 302, true }, { 486, true },
		{ 603, true }, { 999, true },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		answer(REQ("OPTIONS", LOVIA, "<sip:r@127.0.0.1>", ""), tab[i].code,
		       "X", &lo40000);
		assert_int_equal(R.code, tab[i].code);
		assert_int_equal(R.added_tag, tab[i].tag);
		assert_int_equal(reply_has("To: <sip:r@127.0.0.1>\r\n"), !tab[i].tag);
	}
}

static void test_tag_placement(void **state)
{
	char want[256];

	(void)state;
	/* after the header params (spec 1.3, verified) */
	answer(REQ("OPTIONS", LOVIA, "\"Bob\" <sip:r200@127.0.0.1>;foo=bar", ""),
	       200, "OK", &lo40000);
	snprintf(want, sizeof(want), "To: \"Bob\" <sip:r200@127.0.0.1>;foo=bar;tag=%s.",
		 SIG);
	assert_memory_equal(strstr(out, "To: "), want, strlen(want));
	/* an empty tag gets a second tag param (verified) */
	answer(REQ("OPTIONS", LOVIA, "<sip:r200@127.0.0.1>;tag=", ""), 200, "OK",
	       &lo40000);
	snprintf(want, sizeof(want), "To: <sip:r200@127.0.0.1>;tag=;tag=%s.", SIG);
	assert_memory_equal(strstr(out, "To: "), want, strlen(want));
	assert_true(R.added_tag);
	/* an existing tag is kept, nothing added */
	answer(REQ("OPTIONS", LOVIA, "<sip:r@x>;tag=abc", ""), 200, "OK", &lo40000);
	assert_has("To: <sip:r@x>;tag=abc\r\n");
	assert_false(R.added_tag);
	/* the last tag parameter decides, as Kamailio's add_param() keeps
	 * the last: an empty one after a tag gets ours, a tag after an
	 * empty one does not */
	answer(REQ("OPTIONS", LOVIA, "<sip:r@x>;tag=abc;tag=", ""), 200, "OK",
	       &lo40000);
	snprintf(want, sizeof(want), "To: <sip:r@x>;tag=abc;tag=;tag=%s.", SIG);
	assert_memory_equal(strstr(out, "To: "), want, strlen(want));
	assert_true(R.added_tag);
	answer(REQ("OPTIONS", LOVIA, "<sip:r@x>;tag=;tag=abc", ""), 200, "OK",
	       &lo40000);
	assert_has("To: <sip:r@x>;tag=;tag=abc\r\n");
	assert_false(R.added_tag);
	/* trailing SP of the value stays before the tag (Kamailio) */
	answer(REQ("OPTIONS", LOVIA, "<sip:r@x>  ", ""), 200, "OK", &lo40000);
	snprintf(want, sizeof(want), "To: <sip:r@x>  ;tag=%s.", SIG);
	assert_memory_equal(strstr(out, "To: "), want, strlen(want));
	/* folded To: the tag after the last line */
	answer(REQ("OPTIONS", LOVIA, "\r\n <sip:r@x>\r\n ;p=1", ""), 200, "OK", &lo40000);
	snprintf(want, sizeof(want), "To: \r\n <sip:r@x>\r\n ;p=1;tag=%s.", SIG);
	assert_memory_equal(strstr(out, "To: "), want, strlen(want));
	/* a ',' is part of a tag's value (Kamailio's parse_to_param()):
	 * the To has a tag, kept as is */
	answer(REQ("OPTIONS", LOVIA, "<sip:r@x>;tag=abc,x", ""), 200, "OK",
	       &lo40000);
	assert_int_equal(R.code, 200);
	assert_has("To: <sip:r@x>;tag=abc,x\r\n");
	assert_false(R.added_tag);
	/* a quoted tag's value is what is inside: "" is empty, ours is
	 * added (sl_funcs.c: tag_value.len == 0) */
	answer(REQ("OPTIONS", LOVIA, "<sip:r@x>;tag=\"\"", ""), 200, "OK",
	       &lo40000);
	snprintf(want, sizeof(want), "To: <sip:r@x>;tag=\"\";tag=%s.", SIG);
	assert_memory_equal(strstr(out, "To: "), want, strlen(want));
	assert_true(R.added_tag);
	answer(REQ("OPTIONS", LOVIA, "<sip:r@x>;tag=\"a\"", ""), 200, "OK",
	       &lo40000);
	assert_has("To: <sip:r@x>;tag=\"a\"\r\n");
	assert_false(R.added_tag);
	/* unparsable To is echoed unchanged, even for a final reply */
	answer(REQ("OPTIONS", LOVIA, "<sip:r@x", ""), 200, "OK", &lo40000);
	assert_int_equal(R.code, 400);
	assert_has("To: <sip:r@x\r\n");
	assert_false(R.added_tag);
}

/* spec 1.3: Record-Route only for 180..299, in place, all of them */
static void test_record_route(void **state)
{
	static const __u16 codes[] = { 100, 179, 180, 183, 200, 299, 300, 302, 486 };
	static const char req[] =
		"INVITE sip:r@x SIP/2.0\r\nRecord-Route: <sip:p1;lr>\r\n"
		"Via: " LOVIA "\r\nrecord-route: <sip:p2;lr>,\r\n <sip:p3;lr>\r\n"
		"From: <sip:a@x>;tag=1\r\nTo: <sip:r@x>\r\nCall-ID: rr\r\n"
		"CSeq: 1 INVITE\r\nRoute: <sip:nope>\r\n\r\n";
	size_t i;
	bool rr;

	(void)state;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		answer(req, codes[i], "X", &lo40000);
		rr = codes[i] >= 180 && codes[i] <= 299;
		assert_int_equal(reply_has("Record-Route: <sip:p1;lr>\r\n"), rr);
		assert_int_equal(reply_has("record-route: <sip:p2;lr>,\r\n <sip:p3;lr>\r\n"), rr);
		assert_null(strstr(out, "Route: <sip:nope>"));
		if (rr)
			assert_memory_equal(out + strlen("SIP/2.0 200 X\r\n"),
					    "Record-Route: <sip:p1;lr>\r\nVia: ", 32);
	}
}

/* Headers other than Via/From/To/Call-ID/CSeq/RR are dropped; extra
 * headers and Server come after the copied ones. */
static void test_layout_extra_and_server(void **state)
{
	static const char req[] =
		"OPTIONS sip:r@x SIP/2.0\r\nMax-Forwards: 70\r\nVia: " LOVIA "\r\n"
		"User-Agent: x\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:r@x>;tag=2\r\n"
		"Call-ID: lay\r\nContact: <sip:a@1.2.3.4>\r\nCSeq: 1 OPTIONS\r\n"
		"Accept: application/sdp\r\nContent-Type: text/plain\r\n"
		"Content-Length: 4\r\n\r\nbody";
	static const char hdrs[] = "Contact: <sip:gw2.example.net>\r\nX-A: 1\r\n";
	struct sl_engine_cfg c;
	struct sl_reply_spec sp = { 302, "Moved Temporarily", 17, hdrs,
				    sizeof(hdrs) - 1 };

	(void)state;
	init_cfg(&c, "Server: sl-xdp");
	assert_int_equal(sl_engine_answer(&c, &sp, req, strlen(req), &lo40000,
					  out, sizeof(out), &R), 0);
	assert_reply("SIP/2.0 302 Moved Temporarily\r\n"
		     "Via: " LOVIA "\r\n"
		     "From: <sip:a@x>;tag=1\r\nTo: <sip:r@x>;tag=2\r\n"
		     "Call-ID: lay\r\nCSeq: 1 OPTIONS\r\n"
		     "Contact: <sip:gw2.example.net>\r\nX-A: 1\r\n"
		     "Server: sl-xdp\r\nContent-Length: 0\r\n\r\n");
	/* no Server header; reason from RFC 3261 when none is given */
	init_cfg(&c, NULL);
	sp.reason = NULL;
	sp.reason_len = 0;
	sp.extra_len = 0;
	assert_int_equal(sl_engine_answer(&c, &sp, req, strlen(req), &lo40000,
					  out, sizeof(out), &R), 0);
	assert_memory_equal(out, "SIP/2.0 302 Moved Temporarily\r\n", 31);
	assert_null(memmem(out, R.len, "Server:", 7));
	assert_memory_equal(out + R.len - 23, "\r\nContent-Length: 0\r\n\r\n", 23);
	/* a code without a standard phrase: empty reason */
	sp.code = 299;
	assert_int_equal(sl_engine_answer(&c, &sp, req, strlen(req), &lo40000,
					  out, sizeof(out), &R), 0);
	assert_memory_equal(out, "SIP/2.0 299 \r\n", 14);
}

/* Top Via edits (spec 1.5 with the >= 5.8.5 placement). */
static void test_via_edits(void **state)
{
	static const struct {
		const char *via, *want;
		const struct sl_peer *src;
		__u16 dst_port;
	} tab[] = {
		/* host == source, no rport: untouched */
		{ "SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-1",
		  "SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-1", &lo40000, 5062 },
		/* host differs: after branch */
		{ "SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK-1;x=y",
		  "SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK-1;received=127.0.0.1;x=y",
		  &lo40000, 5062 },
		/* no branch: end of the first value */
		{ "SIP/2.0/UDP 10.0.0.1;x=y",
		  "SIP/2.0/UDP 10.0.0.1;x=y;received=127.0.0.1", &lo40000, 5060 },
		{ "SIP/2.0/UDP 10.8.8.8:5060 , SIP/2.0/UDP 10.9.9.9;branch=z9hG4bK-2",
		  "SIP/2.0/UDP 10.8.8.8:5060;received=127.0.0.1 , SIP/2.0/UDP 10.9.9.9;branch=z9hG4bK-2",
		  &lo40000, 5060 },
		/* comma-separated: only the first value changes */
		{ "SIP/2.0/UDP 10.8.8.8:5060;branch=z9hG4bK-c1, SIP/2.0/UDP 10.9.9.9;branch=z9hG4bK-c2",
		  "SIP/2.0/UDP 10.8.8.8:5060;branch=z9hG4bK-c1;received=127.0.0.1, SIP/2.0/UDP 10.9.9.9;branch=z9hG4bK-c2",
		  &lo40000, 5060 },
		/* rport value-less, LWS after it replaced too (spec 1.5) */
		{ "SIP/2.0/UDP 127.0.0.1 ;rport ; branch=x",
		  "SIP/2.0/UDP 127.0.0.1 ;rport=40000;received=127.0.0.1; branch=x",
		  &lo40000, 40000 },
		{ "SIP/2.0/UDP 127.0.0.1;rport\r\n ;branch=x",
		  "SIP/2.0/UDP 127.0.0.1;rport=40000;received=127.0.0.1;branch=x",
		  &lo40000, 40000 },
		{ "SIP/2.0/UDP h; rport = 1;branch=x",
		  "SIP/2.0/UDP h;rport=40000;received=127.0.0.1;branch=x", &lo40000, 40000 },
		/* an old received goes, the new one is next to rport */
		{ "SIP/2.0/UDP 1.2.3.4:5060;received=1.2.3.4;rport;branch=z9hG4bK-r;x=y",
		  "SIP/2.0/UDP 1.2.3.4:5060;rport=40000;received=127.0.0.1;branch=z9hG4bK-r;x=y",
		  &lo40000, 40000 },
		{ "SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK-r;received=1.2.3.4",
		  "SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK-r;received=127.0.0.1", &lo40000, 5060 },
		{ "SIP/2.0/UDP 127.0.0.1;received=1.2.3.4;branch=z9hG4bK-r;received=5.6.7.8 ;x",
		  "SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK-r;received=127.0.0.1 ;x", &lo40000, 5060 },
		/* without a value: a null one before ';' after a blank
		 * (parse_via.c L_VALUE), none at the end fails the Via */
		{ "SIP/2.0/UDP 127.0.0.1;received ;x",
		  "SIP/2.0/UDP 127.0.0.1;x;received=127.0.0.1", &lo40000, 5060 },
		/* a transport Kamailio's parse_via() fails (F_PROTO): the
		 * ACK filter passes such an ACK, a request is answered as
		 * usual (README) */
		{ "SIP/2.0/DTLS 127.0.0.1:5062;branch=z9hG4bK-d",
		  "SIP/2.0/DTLS 127.0.0.1:5062;branch=z9hG4bK-d", &lo40000, 5062 },
		/* maddr and others untouched, port 0 means 5060 */
		{ "SIP/2.0/UDP 127.0.0.1:0;maddr=127.0.0.5;branch=z9hG4bK-m",
		  "SIP/2.0/UDP 127.0.0.1:0;maddr=127.0.0.5;branch=z9hG4bK-m", &lo40000, 5060 },
		/* IPv6 source: compare case-insensitively, brackets allowed */
		{ "SIP/2.0/UDP [::1]:5070;branch=z9hG4bK-6",
		  "SIP/2.0/UDP [::1]:5070;branch=z9hG4bK-6", &v6lo40020, 5070 },
		{ "SIP/2.0/UDP [::2]:5070;branch=z9hG4bK-6",
		  "SIP/2.0/UDP [::2]:5070;branch=z9hG4bK-6;received=::1", &v6lo40020, 5070 },
		/* spec 7: IPv4 Via + rport over IPv6 */
		{ "SIP/2.0/UDP 127.0.0.1:40020;rport;branch=z9hG4bK-6",
		  "SIP/2.0/UDP 127.0.0.1:40020;rport=40020;received=::1;branch=z9hG4bK-6",
		  &v6lo40020, 40020 },
		/* hostname: no DNS, received, reply to the Via port */
		{ "SIP/2.0/UDP pc33.atlanta.com:5099;branch=z9hG4bK-h",
		  "SIP/2.0/UDP pc33.atlanta.com:5099;branch=z9hG4bK-h;received=127.0.0.1",
		  &lo40000, 5099 },
		/* IPv4 text must match exactly */
		{ "SIP/2.0/UDP 127.000.000.001;branch=z9hG4bK-z",
		  "SIP/2.0/UDP 127.000.000.001;branch=z9hG4bK-z;received=127.0.0.1", &lo40000, 5060 },
	};
	static const struct sl_peer v6up = { 6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 0xab }, 7 };
	char req[1024], want[1024];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		snprintf(req, sizeof(req), REQ("OPTIONS", "%s", "<sip:r@x>", ""), tab[i].via);
		answer(req, 200, "OK", tab[i].src);
		snprintf(want, sizeof(want), "Via: %s\r\n", tab[i].want);
		assert_has(want);
		assert_int_equal(R.dst_port, tab[i].dst_port);
	}
	/* upper-case IPv6 in the Via equals inet_ntop's lower case */
	snprintf(req, sizeof(req), REQ("OPTIONS", "SIP/2.0/UDP [2001:DB8::AB];branch=z9hG4bK-u",
				       "<sip:r@x>", ""));
	answer(req, 200, "OK", &v6up);
	assert_has("Via: SIP/2.0/UDP [2001:DB8::AB];branch=z9hG4bK-u\r\n");
	snprintf(req, sizeof(req), REQ("OPTIONS", "SIP/2.0/UDP [2001:db8::ac];branch=z9hG4bK-u",
				       "<sip:r@x>", ""));
	answer(req, 200, "OK", &v6up);
	assert_has("Via: SIP/2.0/UDP [2001:db8::ac];branch=z9hG4bK-u;received=2001:db8::ab\r\n");
	assert_int_equal(R.dst_port, 5060);
}

/* The reply's first Via field, its line end included. */
static const char *reply_top_via(size_t *n)
{
	const char *v = strstr(out, "\nVia:"), *e;

	assert_non_null(v);
	v++;
	for (e = v; (e = strchr(e, '\n')) && (e[1] == ' ' || e[1] == '\t'); e++)
		;
	assert_non_null(e);
	*n = (size_t)(e + 1 - v);
	return v;
}

/*
 * Folded top Vias (issue 15.2): an old received param goes with the fold
 * in front of it, so no empty continuation line is left; every other
 * fold, tab and LF-only one included, stays where the request has it.
 */
static void test_via_folds(void **state)
{
	static const struct {
		const char *via, *want;
	} tab[] = {
		/* the request: received alone on the folded line */
		{ "SIP/2.0/TLS client.example.com:5061;branch=z9hG4bKnashds7\r\n"
		  " ;received=192.0.2.201",
		  "SIP/2.0/TLS client.example.com:5061;branch=z9hG4bKnashds7;received=127.0.0.1" },
		/* fold before the first param */
		{ "SIP/2.0/UDP 10.0.0.1:5062\r\n ;branch=z9hG4bK-f;x=y",
		  "SIP/2.0/UDP 10.0.0.1:5062\r\n ;branch=z9hG4bK-f;received=127.0.0.1;x=y" },
		{ "SIP/2.0/UDP 10.0.0.1:5062\r\n ;received=1.2.3.4;branch=z9hG4bK-f",
		  "SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK-f;received=127.0.0.1" },
		/* fold between params: the one before the dropped param goes */
		{ "SIP/2.0/UDP h;branch=z9hG4bK-f\r\n ;received=1.2.3.4\r\n ;rport",
		  "SIP/2.0/UDP h;branch=z9hG4bK-f\r\n ;rport=40000;received=127.0.0.1" },
		{ "SIP/2.0/UDP h;received=1.2.3.4\r\n ;branch=z9hG4bK-f",
		  "SIP/2.0/UDP h\r\n ;branch=z9hG4bK-f;received=127.0.0.1" },
		{ "SIP/2.0/UDP h;branch=z9hG4bK-f\r\n ;received=1.1.1.1\r\n ;received=2.2.2.2",
		  "SIP/2.0/UDP h;branch=z9hG4bK-f;received=127.0.0.1" },
		/* a tab fold, blanks before the fold */
		{ "SIP/2.0/UDP h;branch=z9hG4bK-f \t\r\n\t;received=1.2.3.4",
		  "SIP/2.0/UDP h;branch=z9hG4bK-f;received=127.0.0.1" },
		/* blanks without a fold stay */
		{ "SIP/2.0/UDP h;branch=z9hG4bK-f ;received=1.2.3.4",
		  "SIP/2.0/UDP h;branch=z9hG4bK-f;received=127.0.0.1 " },
		/* a received without a value, alone on its line (a null
		 * value: the fold, then ';') */
		{ "SIP/2.0/UDP h;branch=z9hG4bK-f\r\n ;received\r\n ;x",
		  "SIP/2.0/UDP h;branch=z9hG4bK-f;received=127.0.0.1;x" },
		/* rport without a value owns the fold after it */
		{ "SIP/2.0/UDP h;rport\r\n ;received=1.2.3.4\r\n ;branch=z9hG4bK-f",
		  "SIP/2.0/UDP h;rport=40000;received=127.0.0.1\r\n ;branch=z9hG4bK-f" },
		/* folds inside a line of several Via values: only the first
		 * value is edited, the second keeps its received */
		{ "SIP/2.0/UDP 10.3.3.3;branch=z9hG4bK-m1\r\n ;received=1.2.3.4,\r\n"
		  " SIP/2.0/UDP 10.8.8.8;branch=z9hG4bK-m2;received=5.6.7.8",
		  "SIP/2.0/UDP 10.3.3.3;branch=z9hG4bK-m1;received=127.0.0.1,\r\n"
		  " SIP/2.0/UDP 10.8.8.8;branch=z9hG4bK-m2;received=5.6.7.8" },
		{ "SIP/2.0/UDP 10.3.3.3\r\n ;received=1.2.3.4\r\n , SIP/2.0/UDP 10.8.8.8",
		  "SIP/2.0/UDP 10.3.3.3;received=127.0.0.1\r\n , SIP/2.0/UDP 10.8.8.8" },
		/* a fold before the value */
		{ "\r\n SIP/2.0/UDP h;branch=z9hG4bK-f\r\n ;received=1.2.3.4",
		  "\r\n SIP/2.0/UDP h;branch=z9hG4bK-f;received=127.0.0.1" },
	};
	static const char lf_req[] =
		"OPTIONS sip:r@x SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK-lf\n"
		" ;received=1.2.3.4\n\t;x=y\nFrom: <sip:a@x>;tag=1\nTo: <sip:b@x>\n"
		"Call-ID: lf@x\nCSeq: 1 OPTIONS\n\n";
	char req[1024], want[1024];
	const char *via;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		snprintf(req, sizeof(req), REQ("OPTIONS", "%s", "<sip:r@x>", ""), tab[i].via);
		answer(req, 200, "OK", &lo40000);
		snprintf(want, sizeof(want), "Via: %s\r\n", tab[i].want);
		via = reply_top_via(&n);
		if (n != strlen(want) || memcmp(via, want, n)) {
			print_esc("got ", via, n);
			print_esc("want", want, strlen(want));
			fail_msg("row %zu", i);
		}
	}
	/* LF-only folds: the same, and the Via line still ends in CRLF */
	answer(lf_req, 200, "OK", &lo40000);
	assert_has("Via: SIP/2.0/UDP h;branch=z9hG4bK-lf;received=127.0.0.1\n\t;x=y\r\n");
}

/* Folded and multi-value lines the reply does not edit: a folded Contact
 * is dropped whole, a further Via line is copied with its folds. */
static void test_other_folded_lines(void **state)
{
	static const char req[] =
		"REGISTER sip:x SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-o\r\n"
		"Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK-o2\r\n"
		" ;received=1.2.3.4,\r\n\tSIP/2.0/TCP b.example.com\r\n ;branch=z9hG4bK-o3\r\n"
		"Contact: <sip:a@1.2.3.4>;expires=60,\r\n <sip:b@1.2.3.5>\r\n\t;q=0.5\r\n"
		"From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: o\r\n"
		"CSeq: 1 REGISTER\r\n\r\n";

	(void)state;
	answer(req, 403, "Forbidden", &lo40000);
	assert_has("Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-o\r\n");
	assert_has("Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK-o2\r\n"
		   " ;received=1.2.3.4,\r\n\tSIP/2.0/TCP b.example.com\r\n ;branch=z9hG4bK-o3\r\n");
	assert_null(strstr(out, "sip:b@1.2.3.5"));
	assert_null(strstr(out, "q=0.5"));
	assert_null(strstr(out, "Contact"));
}

/* An LF-only request: status, Via, Server, Content-Length lines end in
 * CRLF; From/To/Call-ID/CSeq/Record-Route keep their LF (as Kamailio). */
static void test_lf_only_request(void **state)
{
	static const char req[] =
		"INVITE sip:b@x SIP/2.0\n"
		"Via: SIP/2.0/UDP 10.0.0.1:5062\n ;rport;branch=z9hG4bK-lf\n"
		"v: SIP/2.0/UDP 10.0.0.2\n"
		"Record-Route: <sip:p;lr>\n"
		"From: <sip:a@x>;tag=1\nTo: <sip:b@x>\nCall-ID: lf@x\n"
		"CSeq: 5 INVITE\nContent-Length: 0\n\n";
	char want[1024];

	(void)state;
	answer(req, 200, "OK", &lo40000);
	snprintf(want, sizeof(want),
		 "SIP/2.0 200 OK\r\n"
		 "Via: SIP/2.0/UDP 10.0.0.1:5062\n ;rport=40000;received=127.0.0.1;branch=z9hG4bK-lf\r\n"
		 "v: SIP/2.0/UDP 10.0.0.2\r\n"
		 "Record-Route: <sip:p;lr>\n"
		 "From: <sip:a@x>;tag=1\nTo: <sip:b@x>;tag=%s.%s\nCall-ID: lf@x\n"
		 "CSeq: 5 INVITE\n" KAM_SERVER "\r\nContent-Length: 0\r\n\r\n",
		 SIG, "00000000");
	/* the suffix is whatever the CRC gives: compare around it */
	assert_int_equal(R.outcome, SL_OUT_REPLY);
	assert_int_equal(R.len, strlen(want));
	{
		char *t = strstr(out, ";tag=" SIG ".");
		char *wt = strstr(want, ";tag=" SIG ".");
		size_t off = (size_t)(t - out) + 5 + SL_SIG_LEN + 1;

		assert_non_null(t);
		assert_int_equal(t - out, wt - want);
		memcpy(want + off, out + off, SL_SUFFIX_LEN);
	}
	assert_memory_equal(out, want, R.len);
}

/* ---- drops ----------------------------------------------------------- */

static void test_drops(void **state)
{
	static const struct {
		const char *req;
		enum sl_outcome o;
		enum sl_drop_why why;
	} tab[] = {
		{ "", SL_OUT_DROP_UNANSWERABLE, SL_DROP_NOT_SIP },
		{ "\r\n\r\n", SL_OUT_DROP_UNANSWERABLE, SL_DROP_NOT_SIP },
		{ "SIP/2.0 200 OK\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\n"
		  "Call-ID: r\r\nCSeq: 1 INVITE\r\n\r\n", SL_OUT_DROP_NOT_REQUEST, SL_DROP_RESPONSE },
		{ REQ("ACK", LOVIA, "<sip:r@x>;tag=" SIG ".00000000", ""),
		  SL_OUT_DROP_NOT_REQUEST, SL_DROP_ACK },
		/* an ACK is never answered, not even with a 400 */
		{ "ACK <sip:r@x> SIP/7.0\r\nVia: " LOVIA "\r\nCSeq: x ACK\r\n\r\n",
		  SL_OUT_DROP_NOT_REQUEST, SL_DROP_ACK },
		{ "OPTIONS sip:r@x SIP/2.0\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\n"
		  "Call-ID: r\r\nCSeq: 1 OPTIONS\r\n\r\n", SL_OUT_DROP_UNANSWERABLE, SL_DROP_NO_VIA },
		{ REQ("OPTIONS", "SIP/2.0/UDP", "<sip:r@x>", ""),
		  SL_OUT_DROP_UNANSWERABLE, SL_DROP_NO_VIA },
		/* a port Kamailio wraps (str2s()): the Via parses, an ACK
		 * may be absorbed, no reply goes there (a deliberate
		 * difference); 6 digits fail the Via */
		{ REQ("OPTIONS", "SIP/2.0/UDP h:70000;branch=z9hG4bK-p", "<sip:r@x>", ""),
		  SL_OUT_DROP_UNANSWERABLE, SL_DROP_NO_VIA },
		{ REQ("OPTIONS", "SIP/2.0/UDP h:005060;branch=z9hG4bK-p", "<sip:r@x>", ""),
		  SL_OUT_DROP_UNANSWERABLE, SL_DROP_NO_VIA },
		/* IPv6 without brackets: Kamailio's parse_via refuses it too */
		{ REQ("OPTIONS", "SIP/2.0/UDP ::1;branch=z9hG4bK-6", "<sip:r@x>", ""),
		  SL_OUT_DROP_UNANSWERABLE, SL_DROP_NO_VIA },
		{ "OPTIONS sip:r@x SIP/2.0\r\nVia: " LOVIA "\r\nTo: <sip:b@x>\r\n"
		  "Call-ID: r\r\nCSeq: 1 OPTIONS\r\n\r\n", SL_OUT_DROP_UNANSWERABLE, SL_DROP_NO_FROM },
		{ "OPTIONS sip:r@x SIP/2.0\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "Call-ID: r\r\nCSeq: 1 OPTIONS\r\n\r\n", SL_OUT_DROP_UNANSWERABLE, SL_DROP_NO_TO },
		{ "OPTIONS sip:r@x SIP/2.0\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "To: <sip:b@x>\r\nCSeq: 1 OPTIONS\r\n\r\n", SL_OUT_DROP_UNANSWERABLE, SL_DROP_NO_CALLID },
		{ "OPTIONS sip:r@x SIP/2.0\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "To: <sip:b@x>\r\nCall-ID: r\r\n\r\n", SL_OUT_DROP_UNANSWERABLE, SL_DROP_NO_CSEQ },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		memset(out, 'z', 64);
		assert_int_equal(answer_n(tab[i].req, strlen(tab[i].req), 200, "OK",
					  &lo40000), 0);
		if (R.outcome != tab[i].o || R.why != tab[i].why)
			fail_msg("case %zu: outcome %d why %d", i, R.outcome, R.why);
		assert_int_equal(R.len, 0);
		assert_false(R.record_window);
	}
}

/* ---- error replies --------------------------------------------------- */

static void test_error_replies(void **state)
{
	static const struct {
		const char *req;
		__u16 code;
		const char *status;	/* whole status line */
	} tab[] = {
		{ "INVITE sip:r@x SIP/2.0\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "To: <sip:b@x>\r\nCall-ID: e\r\nCSeq: 1 INVITE\r\nContent-Length: 10\r\n\r\nshort",
		  400, "SIP/2.0 400 Bad Request (Content-Length mismatch)" },
		{ REQ("INVITE", LOVIA, "<sip:r@x>", "Content-Length: -1\r\n"),
		  400, "SIP/2.0 400 Bad Request (Invalid Content-Length)" },
		{ REQ("INVITE", LOVIA, "<sip:r@x>", "Content-Length: abc\r\n"),
		  400, "SIP/2.0 400 Bad Request (Invalid Content-Length)" },
		{ REQ("INVITE", LOVIA, "<sip:r@x>", "l: 0\r\nContent-Length: 1\r\n"),
		  400, "SIP/2.0 400 Bad Request (Multiple Content-Length values)" },
		{ "INVITE sip:r@x SIP/2.0\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "To: <sip:b@x>\r\nCall-ID: e\r\nCSeq: 4294967296 INVITE\r\n\r\n",
		  400, "SIP/2.0 400 Bad Request (CSeq number is illegal)" },
		{ "INVITE sip:r@x SIP/2.0\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "To: <sip:b@x>\r\nCall-ID: e\r\nCSeq: one INVITE\r\n\r\n",
		  400, "SIP/2.0 400 Bad Request (CSeq number is illegal)" },
		{ "INVITE sip:r@x SIP/2.0\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "To: <sip:b@x>\r\nCall-ID: e\r\nCSeq: 1 OPTIONS\r\n\r\n",
		  400, "SIP/2.0 400 Bad Request (CSeq method does not match request method)" },
		{ "INVITE sip:r@x SIP/2.0\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "To: <sip:b@x>\r\nCall-ID: e\r\nCSeq: 1\r\n\r\n",
		  400, "SIP/2.0 400 Bad Request (Malformed CSeq)" },
		{ REQ("INVITE", LOVIA, "\"Bob <sip:r@x>", ""),
		  400, "SIP/2.0 400 Bad Request (Unterminated quoted string in To)" },
		{ "INVITE sip:r@x SIP/2.0\r\nVia: " LOVIA "\r\nFrom: \"A <sip:a@x>;tag=1\r\n"
		  "To: <sip:b@x>\r\nCall-ID: e\r\nCSeq: 1 INVITE\r\n\r\n",
		  400, "SIP/2.0 400 Bad Request (Unterminated quoted string in From)" },
		{ "INVITE sip:r@x SIP/2.0\r\nVia: " LOVIA "\r\nFrom: <sip:a@x;tag=1\r\n"
		  "To: <sip:b@x>\r\nCall-ID: e\r\nCSeq: 1 INVITE\r\n\r\n",
		  400, "SIP/2.0 400 Bad Request (Malformed From)" },
		/* an empty parameter name: Kamailio's To/From parser fails */
		{ REQ("INVITE", LOVIA, "<sip:r@x>;;tag=x", ""),
		  400, "SIP/2.0 400 Bad Request (Malformed To)" },
		/* and so on '\\', junk after a value, a ',' outside a tag's
		 * value (parse_to_param()) */
		{ REQ("INVITE", LOVIA, "<sip:r@x>;tag=a\\b", ""),
		  400, "SIP/2.0 400 Bad Request (Malformed To)" },
		{ REQ("INVITE", LOVIA, "<sip:r@x>;tag=a b", ""),
		  400, "SIP/2.0 400 Bad Request (Malformed To)" },
		{ REQ("INVITE", LOVIA, "<sip:r@x>;x=1,2", ""),
		  400, "SIP/2.0 400 Bad Request (Malformed To)" },
		{ "INVITE sip:r@x SIP/2.0\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1;\r\n"
		  "To: <sip:b@x>\r\nCall-ID: e\r\nCSeq: 1 INVITE\r\n\r\n",
		  400, "SIP/2.0 400 Bad Request (Malformed From)" },
		{ "INVITE <sip:r@x> SIP/2.0\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "To: <sip:b@x>\r\nCall-ID: e\r\nCSeq: 1 INVITE\r\n\r\n",
		  400, "SIP/2.0 400 Bad Request (Bad Request-URI)" },
		{ "INVITE sip:r@x; lr SIP/2.0\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "To: <sip:b@x>\r\nCall-ID: e\r\nCSeq: 1 INVITE\r\n\r\n",
		  400, "SIP/2.0 400 Bad Request (Bad Request-URI)" },
		/* no version to echo: SIP/2.0 */
		{ "INVITE sip:r@x\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "To: <sip:b@x>\r\nCall-ID: e\r\nCSeq: 1 INVITE\r\n\r\n",
		  400, "SIP/2.0 400 Bad Request (Malformed Request-Line)" },
		/* a version we do not speak: answered in ours */
		{ "INVITE sip:r@x SIP/7.0\r\nVia: SIP/7.0/UDP 127.0.0.1;branch=z9hG4bK-v\r\n"
		  "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: e\r\nCSeq: 1 INVITE\r\n\r\n",
		  505, "SIP/2.0 505 Version Not Supported" },
		{ "INVITE sip:r@x SIP/2.0\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "From: <sip:a@x>;tag=2\r\nTo: <sip:b@x>\r\nCall-ID: e\r\nCSeq: 1 INVITE\r\n\r\n",
		  400, "SIP/2.0 400 Bad Request (Multiple From headers)" },
		{ "INVITE sip:r@x SIP/2.0\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "To: <sip:b@x>\r\nCall-ID: e\r\nCSeq: 1 INVITE\r\ni: f\r\n\r\n",
		  400, "SIP/2.0 400 Bad Request (Multiple Call-ID headers)" },
		{ "INVITE sip:r@x SIP/2.0\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "To: <sip:b@x>\r\nCall-ID: e\r\nCSeq: 1 INVITE\r\nCSeq: 2 INVITE\r\n\r\n",
		  400, "SIP/2.0 400 Bad Request (Multiple CSeq headers)" },
		{ "INVITE sip:r@x SIP/2.0\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "To: <sip:b@x>\r\nt: <sip:c@x>\r\nCall-ID: e\r\nCSeq: 1 INVITE\r\n\r\n",
		  400, "SIP/2.0 400 Bad Request (Multiple To headers)" },
		{ "INVITE sip:r@x SIP/2.0\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "To: <sip:b@x>\r\nCall-ID:\r\nCSeq: 1 INVITE\r\n\r\n",
		  400, "SIP/2.0 400 Bad Request (Empty Call-ID)" },
		{ REQ("INVITE", "SIP/2.0/UDP 127.0.0.1;;branch=z9hG4bK-v", "<sip:r@x>", ""),
		  400, "SIP/2.0 400 Bad Request (Malformed Via)" },
		{ REQ("INVITE", LOVIA, "<sip:r@x>", "no colon here\r\n"),
		  400, "SIP/2.0 400 Bad Request (Malformed header line)" },
		{ "INVITE sip:r@x SIP/2.0\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1\r\n"
		  "To: <sip:b@x>\r\nCall-ID: e\r\nCSeq: 1 INVITE\r\n",
		  400, "SIP/2.0 400 Bad Request (Header section not terminated)" },
	};
	char status[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		assert_int_equal(answer_n(tab[i].req, strlen(tab[i].req), 404,
					  "Not Found", &lo40000), 0);
		snprintf(status, sizeof(status), "%s\r\n", tab[i].status);
		if (R.outcome != SL_OUT_REPLY || R.code != tab[i].code ||
		    strncmp(out, status, strlen(status))) {
			print_esc("reply", out, R.len);
			fail_msg("case %zu: want %s", i, tab[i].status);
		}
		assert_true(R.is_error_reply);
		assert_int_equal(R.reason_len, strlen(tab[i].status) - strlen("SIP/2.0 400 "));
		/* final replies: our tag, and an INVITE's window entry (a To
		 * that cannot be read gets none) */
		if (!strstr(tab[i].req, "To: \"Bob") &&
		    !strstr(tab[i].status, "Malformed To") && !R.added_tag)
			fail_msg("case %zu (%s): no tag added", i, tab[i].status);
		assert_true(R.record_window == R.added_tag);
		assert_memory_equal(out + R.len - 23, "\r\nContent-Length: 0\r\n\r\n", 23);
	}
	/* the reason table itself */
	{
		__u16 code = 0;

		size_t len = 0;

		assert_null(sl_error_reason(0, &code, &len));
		assert_string_equal(sl_error_reason(SIP_E_CLEN_MISMATCH | SIP_E_VERSION,
						    &code, &len), "Version Not Supported");
		assert_int_equal(code, 505);
		assert_int_equal(len, strlen("Version Not Supported"));
		assert_string_equal(sl_error_reason(SIP_E_CLEN_MISMATCH, &code, NULL),
				    "Bad Request (Content-Length mismatch)");
		assert_int_equal(code, 400);
	}
}

/* ---- reply window ---------------------------------------------------- */

static void test_window(void **state)
{
	char req[512], tag[SL_TOTAG_LEN + 1];
	__u32 suffix;

	(void)state;
	/* our tag added: key 0 */
	answer(REQ("INVITE", LOVIA, "<sip:r@x>", ""), 486, "Busy Here", &lo40000);
	assert_true(R.record_window);
	assert_int_equal(R.window_key_tag, 0);
	suffix = R.window_suffix;
	assert_int_equal(suffix, sl_totag_suffix((struct sl_str){ "127.0.0.1", 9 },
						 (struct sl_str){ "40000", 5 },
						 (struct sl_str){ "z9hG4bK-r", 9 },
						 (struct sl_str){ "rules@test", 10 }));
	/* re-INVITE: the request's tag keys the entry */
	answer(REQ("INVITE", LOVIA, "<sip:r@x>;tag=peer-tag-1", ""), 488, "Not Here", &lo40000);
	assert_true(R.record_window);
	assert_false(R.added_tag);
	assert_int_equal(R.window_key_tag,
			 SL_WINDOW_FOREIGN_TAG | sl_crc16_x25("peer-tag-1", 10));
	assert_int_equal(R.window_suffix, suffix);
	/* provisional, non-INVITE: no entry */
	answer(REQ("INVITE", LOVIA, "<sip:r@x>", ""), 180, "Ringing", &lo40000);
	assert_false(R.record_window);
	answer(REQ("INVITE", LOVIA, "<sip:r@x>", ""), 199, "X", &lo40000);
	assert_false(R.record_window);
	answer(REQ("INVITE", LOVIA, "<sip:r@x>", ""), 200, "OK", &lo40000);
	assert_true(R.record_window);
	answer(REQ("OPTIONS", LOVIA, "<sip:r@x>", ""), 486, "Busy Here", &lo40000);
	assert_false(R.record_window);
	/* a tag that looks like ours: the data plane judges it by its suffix */
	sl_totag_build(SIG, suffix, tag);
	tag[SL_TOTAG_LEN] = 0;
	snprintf(req, sizeof(req), REQ("INVITE", LOVIA, "<sip:r@x>;tag=%s", ""), tag);
	answer(req, 486, "Busy Here", &lo40000);
	assert_true(R.record_window);
	assert_int_equal(R.window_key_tag, 0);
	tag[SL_TOTAG_LEN - 1] ^= 1;
	snprintf(req, sizeof(req), REQ("INVITE", LOVIA, "<sip:r@x>;tag=%s", ""), tag);
	answer(req, 486, "Busy Here", &lo40000);
	assert_false(R.record_window);
	/* To we cannot tag: no entry the ACK could ever match */
	answer(REQ("INVITE", LOVIA, "\"x <sip:r@x>", ""), 486, "Busy Here", &lo40000);
	assert_int_equal(R.code, 400);
	assert_false(R.record_window);
}

/* ---- the corpus ------------------------------------------------------ */

/* Reply policy of the Kamailio reference config behind index.tsv:
 * INVITE 404, OPTIONS 200, REGISTER 403, BYE/CANCEL 200, other 501. */
static __u16 policy(const char *buf, size_t len, const char **reason)
{
	static const struct { const char *m; __u16 code; const char *r; } p[] = {
		{ "INVITE ", 404, "Not Found" }, { "OPTIONS ", 200, "OK" },
		{ "REGISTER ", 403, "Forbidden" }, { "BYE ", 200, "OK" },
		{ "CANCEL ", 200, "OK" },
	};
	size_t i;

	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		if (len > strlen(p[i].m) && !memcmp(buf, p[i].m, strlen(p[i].m))) {
			*reason = p[i].r;
			return p[i].code;
		}
	*reason = "Not Implemented";
	return 501;
}

#define RPL	SL_OUT_REPLY
#define UNA	SL_OUT_DROP_UNANSWERABLE
#define NRQ	SL_OUT_DROP_NOT_REQUEST

struct corpus_case {
	const char *sub, *file;
	enum sl_outcome o;
	__u16 code;
	const char *err;	/* reason of an error reply */
	const char *why;	/* index.tsv's stateless_responder_action, and ours */
};

#define R4(f, o, c, e, w) { "rfc4475", f, o, c, e, w }
#define R3(f, o, c, e, w) { "rfc3261", f, o, c, e, w }

static const struct corpus_case cases[] = {
	R4("wsinv.dat", RPL, 404, NULL, "reply normally; folding handled"),
	R4("intmeth.dat", RPL, 501, NULL, "501 for an unknown method (policy)"),
	R4("esc01.dat", RPL, 404, NULL, "reply normally"),
	R4("escnull.dat", RPL, 403, NULL, "REGISTER policy"),
	R4("esc02.dat", RPL, 501, NULL, "501: RE%47IST%45R is not REGISTER"),
	R4("lwsdisp.dat", RPL, 200, NULL, "OPTIONS 200"),
	R4("longreq.dat", RPL, 404, NULL, "long values echoed intact"),
	R4("dblreq.dat", RPL, 403, NULL, "answered once, trailing octets ignored"),
	R4("semiuri.dat", RPL, 200, NULL, "OPTIONS 200"),
	R4("transports.dat", RPL, 200, NULL, "OPTIONS 200 to the top (UDP) Via"),
	R4("mpart01.dat", RPL, 501, NULL, "MESSAGE: 501 (policy)"),
	R4("unreason.dat", NRQ, 0, NULL, "response: never answered"),
	R4("noreason.dat", NRQ, 0, NULL, "response: never answered"),
	R4("badinv01.dat", RPL, 400, "Bad Request (Malformed Via)",
	   "400: the top Via's sent-by 192.0.2.15 is usable"),
	R4("clerr.dat", RPL, 400, "Bad Request (Content-Length mismatch)",
	   "400: Content-Length 9999 > datagram"),
	R4("ncl.dat", RPL, 400, "Bad Request (Invalid Content-Length)", "400: -999"),
	R4("scalar02.dat", RPL, 400, "Bad Request (CSeq number is illegal)",
	   "400: CSeq > 2^32-1"),
	R4("scalarlg.dat", NRQ, 0, NULL, "response: dropped"),
	R4("quotbal.dat", RPL, 400, "Bad Request (Unterminated quoted string in To)",
	   "400, To echoed verbatim (no tag)"),
	R4("ltgtruri.dat", RPL, 400, "Bad Request (Bad Request-URI)", "400: <> around URI"),
	R4("lwsruri.dat", RPL, 400, "Bad Request (Bad Request-URI)", "400: 4 tokens"),
	R4("lwsstart.dat", RPL, 404, NULL, "liberal: extra SP ignored"),
	R4("trws.dat", RPL, 200, NULL, "liberal: trailing SP ignored"),
	R4("escruri.dat", RPL, 404, NULL, "liberal: escaped URI headers not interpreted"),
	R4("baddate.dat", RPL, 404, NULL, "Date irrelevant"),
	R4("regbadct.dat", RPL, 403, NULL, "Contact not parsed: REGISTER policy"),
	R4("badaspec.dat", RPL, 200, NULL, "To only echoed: OPTIONS 200"),
	R4("baddn.dat", RPL, 400, "Bad Request (Header section not terminated)",
	   "400: no empty line after the headers (display name only echoed)"),
	R4("badvers.dat", RPL, 505, "Version Not Supported", "505"),
	R4("mismatch01.dat", RPL, 400,
	   "Bad Request (CSeq method does not match request method)", "400"),
	R4("mismatch02.dat", RPL, 400,
	   "Bad Request (CSeq method does not match request method)", "400 (501 also ok)"),
	R4("bigcode.dat", NRQ, 0, NULL, "response: dropped"),
	R4("badbranch.dat", RPL, 200, NULL, "OPTIONS 200 echoing branch=z9hG4bK"),
	R4("insuf.dat", UNA, 0, NULL, "no Call-ID/From/To: dropped"),
	R4("unkscm.dat", RPL, 200, NULL, "scheme not checked (a rule's job): 200"),
	R4("novelsc.dat", RPL, 200, NULL, "scheme not checked (a rule's job): 200"),
	R4("unksm2.dat", RPL, 403, NULL, "REGISTER policy"),
	R4("bext01.dat", RPL, 200, NULL, "sl does no Require processing: 200"),
	R4("invut.dat", RPL, 404, NULL, "INVITE policy"),
	R4("regaut01.dat", RPL, 403, NULL, "REGISTER policy"),
	R4("multi01.dat", RPL, 400, "Bad Request (Multiple From headers)", "400"),
	R4("mcl01.dat", RPL, 400, "Bad Request (Multiple Content-Length values)", "400"),
	R4("bcast.dat", NRQ, 0, NULL, "response: never sent anywhere"),
	R4("zeromf.dat", RPL, 200, NULL, "endpoint: OPTIONS 200"),
	R4("cparam01.dat", RPL, 403, NULL, "REGISTER policy"),
	R4("cparam02.dat", RPL, 403, NULL, "REGISTER policy"),
	R4("regescrt.dat", RPL, 403, NULL, "REGISTER policy"),
	R4("sdp01.dat", RPL, 404, NULL, "INVITE policy"),
	R4("inv2543.dat", RPL, 404, NULL, "RFC 2543 INVITE: body = rest, Via without branch"),
	R4("test.dat", UNA, 0, NULL, "no Via, no SIP-Version: dropped"),
	R3("rfc3261_s11.1_OPTIONS.sip", RPL, 200, NULL, "OPTIONS 200"),
	R3("rfc3261_s24.1_F1_REGISTER.sip", RPL, 403, NULL, "REGISTER policy"),
	R3("rfc3261_s24.1_F2_resp200.sip", NRQ, 0, NULL, "response"),
	R3("rfc3261_s24.2_F1_INVITE.sip", RPL, 400, "Bad Request (Content-Length mismatch)",
	   "the example's body placeholder is shorter than Content-Length 142"),
	R3("rfc3261_s24.2_F2_resp100.sip", NRQ, 0, NULL, "response"),
	R3("rfc3261_s24.2_F3_INVITE.sip", RPL, 400, "Bad Request (Content-Length mismatch)",
	   "placeholder body"),
	R3("rfc3261_s24.2_F4_resp100.sip", NRQ, 0, NULL, "response"),
	R3("rfc3261_s24.2_F5_INVITE.sip", RPL, 400, "Bad Request (Content-Length mismatch)",
	   "placeholder body"),
	R3("rfc3261_s24.2_F6_resp180.sip", NRQ, 0, NULL, "response"),
	R3("rfc3261_s24.2_F7_resp180.sip", NRQ, 0, NULL, "response"),
	R3("rfc3261_s24.2_F8_resp180.sip", NRQ, 0, NULL, "response"),
	R3("rfc3261_s24.2_F9_resp200.sip", NRQ, 0, NULL, "response"),
	R3("rfc3261_s24.2_F10_resp200.sip", NRQ, 0, NULL, "response"),
	R3("rfc3261_s24.2_F11_resp200.sip", NRQ, 0, NULL, "response"),
	R3("rfc3261_s24.2_F12_ACK.sip", NRQ, 0, NULL, "ACK: never answered"),
	R3("rfc3261_s24.2_F13_BYE.sip", RPL, 200, NULL, "BYE policy; To-tag kept"),
	R3("rfc3261_s24.2_F14_resp200.sip", NRQ, 0, NULL, "response"),
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static const struct sl_peer src198 = { 4, { 198, 18, 0, 2 }, 5060 };

static void test_corpus_outcomes(void **state)
{
	const char *reason;
	size_t i, len, n4475 = 0;
	char *buf, status[256];
	__u16 code;

	(void)state;
	for (i = 0; i < N_CASES; i++) {
		buf = load(cases[i].sub, cases[i].file, &len);
		if (!buf)
			fail_msg("cannot read %s/%s", cases[i].sub, cases[i].file);
		n4475 += !strcmp(cases[i].sub, "rfc4475");
		code = policy(buf, len, &reason);
		assert_int_equal(answer_n(buf, len, code, reason, &src198), 0);
		if (R.outcome != cases[i].o || R.code != cases[i].code)
			fail_msg("%s: outcome %d code %u, want %d %u (%s)", cases[i].file,
				 R.outcome, R.code, cases[i].o, cases[i].code, cases[i].why);
		if (R.outcome == SL_OUT_REPLY) {
			snprintf(status, sizeof(status), "SIP/2.0 %u %s\r\n", R.code,
				 cases[i].err ? cases[i].err : reason);
			if (strncmp(out, status, strlen(status)))
				fail_msg("%s: status line, want %s", cases[i].file, status);
			assert_int_equal(R.is_error_reply, cases[i].err != NULL);
			/* every final reply to an INVITE leaves a window entry
			 * for its ACK, but the one whose To we cannot tag */
			if (!memcmp(buf, "INVITE ", 7))
				assert_int_equal(R.record_window,
						 strcmp(cases[i].file, "quotbal.dat") != 0);
			else
				assert_false(R.record_window);
		}
		free(buf);
	}
	assert_int_equal(n4475, 50);
}

/* Full replies for the files that exercise the Via rules most. */
static void test_corpus_bytes(void **state)
{
	static const struct { const char *file, *want; } tab[] = {
		{ "wsinv.dat",
		  "SIP/2.0 404 Not Found\r\n"
		  "TO :\r\n sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n\r\n"
		  "from   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8\r\n"
		  "Call-ID: wsinv.ndaksdj@192.0.2.1\r\n"
		  "cseq: 0009\r\n  INVITE\r\n"
		  "Via  : SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw;received=198.18.0.2\r\n"
		  "v:  SIP  / 2.0  / TCP     spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8  ,\r\n"
		  " SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n z9hG4bK30239\r\n"
		  KAM_SERVER "\r\nContent-Length: 0\r\n\r\n" },
		{ "inv2543.dat",
		  "SIP/2.0 404 Not Found\r\n"
		  "Via: SIP/2.0/UDP iftgw.example.com;received=198.18.0.2\r\n"
		  "From: <sip:+13035551111@ift.client.example.net;user=phone>\r\n"
		  "To: sip:+16505552222@ss1.example.net;user=phone;tag=" SIG ".2c110000\r\n"
		  "Call-ID: inv2543.1717@ift.client.example.com\r\n"
		  "CSeq: 56 INVITE\r\n"
		  KAM_SERVER "\r\nContent-Length: 0\r\n\r\n" },
		{ "mpart01.dat",
		  "SIP/2.0 501 Not Implemented\r\n"
		  "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-d87543-4dade06d0bdb11ee-1--d87543-;rport=5060;received=198.18.0.2\r\n"
		  "To: <sip:kumiko@example.org>;tag=" SIG ".dda041bf\r\n"
		  "From: <sip:fluffy@example.com>;tag=2fb0dcc9\r\n"
		  "Call-ID: 3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..\r\n"
		  "CSeq: 1 MESSAGE\r\n"
		  KAM_SERVER "\r\nContent-Length: 0\r\n\r\n" },
		/* only the first From/To/Call-ID/CSeq is echoed */
		{ "multi01.dat",
		  "SIP/2.0 400 Bad Request (Multiple From headers)\r\n"
		  "Via: SIP/2.0/UDP 192.0.2.25;branch=z9hG4bKkdjuw;received=198.18.0.2\r\n"
		  "CSeq: 5 INVITE\r\n"
		  "Call-ID: multi01.98asdh@192.0.2.1\r\n"
		  "From: sip:caller@example.com;tag=3413415\r\n"
		  "To: sip:user@example.com;tag=" SIG ".60b40000\r\n"
		  KAM_SERVER "\r\nContent-Length: 0\r\n\r\n" },
		{ "badinv01.dat",
		  "SIP/2.0 400 Bad Request (Malformed Via)\r\n"
		  "To: sip:j.user@example.com;tag=" SIG ".e6160000\r\n"
		  "From: sip:caller@example.net;tag=134161461246\r\n"
		  "Call-ID: badinv01.0ha0isndaksdjasdf3234nas\r\n"
		  "CSeq: 8 INVITE\r\n"
		  "Via: SIP/2.0/UDP 192.0.2.15;;;received=198.18.0.2,;,,\r\n"
		  KAM_SERVER "\r\nContent-Length: 0\r\n\r\n" },
	};
	const char *reason;
	size_t i, len;
	char *buf;
	__u16 code;

	(void)state;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		buf = load("rfc4475", tab[i].file, &len);
		assert_non_null(buf);
		code = policy(buf, len, &reason);
		assert_int_equal(answer_n(buf, len, code, reason, &src198), 0);
		assert_reply(tab[i].want);
		free(buf);
	}
}

/* ---- amplification bound ------------------------------------------------ */

static char big_reason[SL_REASON_MAX + 1];
static char big_server[256];
static const char extra[] = "Contact: <sip:redirect@192.0.2.99:5060>\r\nRetry-After: 60\r\n";

static const struct sl_peer v6long = {
	6, { 0x11, 0x11, 0x22, 0x22, 0x33, 0x33, 0x44, 0x44,
	     0x55, 0x55, 0x66, 0x66, 0x77, 0x77, 0x88, 0x88 }, 65535 };

/* Answer with the largest reason / server / extra, check the bound. */
static void bound_check(const char *req, size_t len, const struct sl_peer *src,
			__u16 code, size_t *n_reply, size_t *n_oversize)
{
	struct sl_engine_cfg c;
	struct sl_reply_spec sp = { code, big_reason, SL_REASON_MAX, extra,
				    sizeof(extra) - 1 };
	size_t i, crlf = 0, lf = 0;

	memset(big_reason, 'r', SL_REASON_MAX);
	memset(big_server, 's', sizeof(big_server) - 1);
	memcpy(big_server, "Server: ", 8);
	init_cfg(&c, big_server);
	assert_int_equal(sl_engine_answer(&c, &sp, req, len, src, out, sizeof(out), &R), 0);
	if (R.outcome == SL_OUT_DROP_UNANSWERABLE && R.why == SL_DROP_OVERSIZE)
		(*n_oversize)++;
	if (R.outcome != SL_OUT_REPLY)
		return;
	(*n_reply)++;
	if (R.len > len + SL_REPLY_SLACK + sp.extra_len + c.server_len)
		fail_msg("reply %zu > request %zu + %d + %zu + %zu", R.len, len,
			 SL_REPLY_SLACK, sp.extra_len, c.server_len);
	/* for a CRLF request every line ends in CRLF (folds inside a field
	 * are kept); an LF-only one keeps LF on the copied non-Via fields */
	for (i = 0; i < len; i++)
		if (req[i] == '\n' && (i == 0 || req[i - 1] != '\r'))
			goto tail;
	for (i = 0; i < R.len; i++) {
		if (out[i] == '\n' && (i + 1 == R.len ||
					(out[i + 1] != ' ' && out[i + 1] != '\t'))) {
			lf++;
			crlf += i > 0 && out[i - 1] == '\r';
		}
	}
	assert_int_equal(lf, crlf);
tail:
	assert_memory_equal(out + R.len - 4, "\r\n\r\n", 4);
}

/* CRLF -> LF everywhere: the LF-only variant of a message. */
static size_t to_lf(char *dst, const char *src, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (!(src[i] == '\r' && i + 1 < len && src[i + 1] == '\n'))
			dst[n++] = src[i];
	return n;
}

static void test_bound_corpus(void **state)
{
	static const __u16 codes[] = { 100, 180, 200, 404, 999 };
	const struct sl_peer *srcs[] = { &src198, &v6long, &lo40000 };
	size_t i, j, k, len, n_reply = 0, n_over = 0;
	char *buf, *lfbuf;

	(void)state;
	for (i = 0; i < N_CASES; i++) {
		buf = load(cases[i].sub, cases[i].file, &len);
		assert_non_null(buf);
		lfbuf = malloc(len);
		assert_non_null(lfbuf);
		for (j = 0; j < sizeof(srcs) / sizeof(srcs[0]); j++)
			for (k = 0; k < sizeof(codes) / sizeof(codes[0]); k++) {
				bound_check(buf, len, srcs[j], codes[k], &n_reply, &n_over);
				bound_check(lfbuf, to_lf(lfbuf, buf, len), srcs[j],
					    codes[k], &n_reply, &n_over);
			}
		free(lfbuf);
		free(buf);
	}
	/* 49 answerable messages x 2 forms x 3 sources x 5 codes */
	assert_int_equal(n_reply + n_over, 49 * 2 * 3 * 5);
	assert_int_equal(n_over, 0);
}

/* Smallest request with everything that grows: the bound holds with
 * little room to spare; LF-only it is dropped rather than exceeded. */
static void test_bound_worst_case(void **state)
{
	static const char crlf[] =
		"A a:b SIP/2.0\r\nv:SIP/2.0/UDP [::1];rport\r\nf:a\r\nt:b;tag=\r\n"
		"i:c\r\nCSeq:1 A\r\n\r\n";
	static char many[16384];
	size_t n_reply = 0, n_over = 0, n, i;

	(void)state;
	bound_check(crlf, sizeof(crlf) - 1, &v6long, 200, &n_reply, &n_over);
	assert_int_equal(n_reply, 1);
	/* status line +126 ("A a:b SIP/2.0" vs "SIP/2.0 200 " + 127),
	 * rport +6, received +49, tag +46, Content-Length +19, Server CRLF
	 * +2; the request's empty line matches ours */
	assert_int_equal(R.len, sizeof(crlf) - 1 + 126 + 6 + 49 + 46 + 19 + 2 +
			 sizeof(extra) - 1 + sizeof(big_server) - 1);
	/* LF-only with 120 Via lines: +1 per line, never sent */
	n = (size_t)snprintf(many, sizeof(many), "A a:b SIP/2.0\n");
	for (i = 0; i < 120; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "v:SIP/2.0/UDP h\n");
	n += (size_t)snprintf(many + n, sizeof(many) - n, "f:a\nt:b\ni:c\nCSeq:1 A\n\n");
	bound_check(many, n, &lo40000, 200, &n_reply, &n_over);
	assert_int_equal(n_over, 1);
	assert_int_equal(R.why, SL_DROP_OVERSIZE);
	assert_int_equal(R.len, 0);
}

/* ---- robustness and arguments ---------------------------------------- */

static void answer_prefix(const char *msg, size_t len, void *arg)
{
	(void)arg;
	assert_int_equal(answer_n(msg, len, 200, "OK", &v6long), 0);
	if (R.outcome == SL_OUT_REPLY)
		assert_true(R.len <= len + SL_REPLY_SLACK + kcfg.server_len);
}

/* Every prefix of every corpus message, in an exact-size copy. */
static void test_corpus_prefixes(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N_CASES; i++)
		assert_int_equal(corpus_for_each_prefix(cases[i].sub, cases[i].file,
							answer_prefix, NULL), 0);
}

static void test_arguments(void **state)
{
	struct sl_reply_spec sp = { 200, "OK", 2, NULL, 0 };
	struct sl_peer bad = lo40000;
	size_t need;

	(void)state;
	answer(req_a, 200, "OK", &lo40000);
	need = R.len;
	/* exactly enough room, then one byte less */
	assert_int_equal(sl_engine_answer(&kcfg, &sp, req_a, strlen(req_a), &lo40000,
					  out, need, &R), 0);
	assert_int_equal(R.len, need);
	assert_int_equal(sl_engine_answer(&kcfg, &sp, req_a, strlen(req_a), &lo40000,
					  out, need - 1, &R), -ENOSPC);
	assert_int_equal(R.outcome, SL_OUT_DROP_UNANSWERABLE);
	assert_int_equal(R.len, 0);
	assert_int_equal(sl_engine_answer(&kcfg, &sp, req_a, strlen(req_a), &lo40000,
					  NULL, 0, &R), -ENOSPC);

	assert_int_equal(sl_engine_answer(&kcfg, &sp, req_a, strlen(req_a), &lo40000,
					  out, sizeof(out), NULL), -EINVAL);
	assert_int_equal(sl_engine_answer(NULL, &sp, req_a, strlen(req_a), &lo40000,
					  out, sizeof(out), &R), -EINVAL);
	assert_int_equal(sl_engine_answer(&kcfg, NULL, req_a, strlen(req_a), &lo40000,
					  out, sizeof(out), &R), -EINVAL);
	assert_int_equal(sl_engine_answer(&kcfg, &sp, NULL, 5, &lo40000,
					  out, sizeof(out), &R), -EINVAL);
	assert_int_equal(sl_engine_answer(&kcfg, &sp, req_a, strlen(req_a), NULL,
					  out, sizeof(out), &R), -EINVAL);
	bad.family = 5;
	assert_int_equal(sl_engine_answer(&kcfg, &sp, req_a, strlen(req_a), &bad,
					  out, sizeof(out), &R), -EINVAL);
	sp.code = 99;
	assert_int_equal(sl_engine_answer(&kcfg, &sp, req_a, strlen(req_a), &lo40000,
					  out, sizeof(out), &R), -EINVAL);
	sp.code = 1000;
	assert_int_equal(sl_engine_answer(&kcfg, &sp, req_a, strlen(req_a), &lo40000,
					  out, sizeof(out), &R), -EINVAL);
	sp.code = 200;
	sp.reason_len = SL_REASON_MAX + 1;
	assert_int_equal(sl_engine_answer(&kcfg, &sp, req_a, strlen(req_a), &lo40000,
					  out, sizeof(out), &R), -EINVAL);
	sp.reason_len = 2;
	sp.extra_len = 3;
	assert_int_equal(sl_engine_answer(&kcfg, &sp, req_a, strlen(req_a), &lo40000,
					  out, sizeof(out), &R), -EINVAL);
	/* NULL request of length 0: not SIP */
	sp.extra_len = 0;
	assert_int_equal(sl_engine_answer(&kcfg, &sp, NULL, 0, &lo40000,
					  out, sizeof(out), &R), 0);
	assert_int_equal(R.why, SL_DROP_NOT_SIP);
}

/* sl_ip_text() writes exactly what inet_ntop() does. */
static void test_ip_text(void **state)
{
	static const char *fixed[] = {
		"::", "::1", "::2", "1::", "1::2", "::ffff:1.2.3.4", "::1.2.3.4",
		"::ffff:0.0.0.0", "::fffe:1.2.3.4", "0:0:1::", "1:0:0:1::",
		"1:0:1:0:1:0:1:0", "1:0:0:2:0:0:3:4", "2001:db8::1:0:0:1",
		"fe80::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		"1111:2222:3333:4444:5555:6666:7777:8888", "0:0:0:0:0:1:0:0",
		"::ffff:0:1.2.3.4", "64:ff9b::1.2.3.4", "1:2:3:4:5:6:7::",
	};
	struct sl_peer p = { 6, { 0 }, 0 };
	char want[INET6_ADDRSTRLEN], got[SL_IP_TEXT_MAX];
	__u32 x = 0x9e3779b9;
	size_t i, n;
	int j;

	(void)state;
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]) + 200000; i++) {
		if (i < sizeof(fixed) / sizeof(fixed[0])) {
			assert_int_equal(inet_pton(AF_INET6, fixed[i], p.addr), 1);
		} else {
			/* random words, each zero with probability 1/2 */
			for (j = 0; j < 8; j++) {
				x ^= x << 13;
				x ^= x >> 17;
				x ^= x << 5;
				p.addr[2 * j] = x & 1 ? 0 : (__u8)(x >> 8 & (x & 2 ? 0xff : 0x0f));
				p.addr[2 * j + 1] = x & 1 ? 0 : (__u8)(x >> 16);
			}
		}
		assert_non_null(inet_ntop(AF_INET6, p.addr, want, sizeof(want)));
		n = sl_ip_text(&p, got);
		if (n != strlen(want) || memcmp(got, want, n))
			fail_msg("%.*s != inet_ntop %s", (int)n, got, want);
	}
	/* IPv4: every octet value in every position */
	p.family = 4;
	for (i = 0; i < 256 * 4; i++) {
		memset(p.addr, (int)(255 - i / 4), 4);
		p.addr[i % 4] = (__u8)(i / 4);
		assert_non_null(inet_ntop(AF_INET, p.addr, want, sizeof(want)));
		n = sl_ip_text(&p, got);
		if (n != strlen(want) || memcmp(got, want, n))
			fail_msg("%.*s != inet_ntop %s", (int)n, got, want);
	}
}

/* The engine's suffix is sl_totag_suffix() of the parsed top Via and
 * Call-ID: the pieces it hands over are the right ones. */
static void test_suffix_matches_totag(void **state)
{
	static struct sip_msg m;
	size_t i, len;
	char *buf;
	const char *reason;

	(void)state;
	for (i = 0; i < N_CASES; i++) {
		buf = load(cases[i].sub, cases[i].file, &len);
		assert_non_null(buf);
		assert_int_equal(answer_n(buf, len, policy(buf, len, &reason), "X",
					  &src198), 0);
		if (R.outcome == SL_OUT_REPLY) {
			assert_int_equal(sip_msg_parse(&m, buf, len), 0);
			assert_int_equal(R.window_suffix,
					 sl_totag_suffix(sip_str(&m, m.via.host),
							 sip_str(&m, m.via.port),
							 sip_str(&m, m.via.branch),
							 sip_str(&m, m.callid)));
		}
		free(buf);
	}
	(void)reason;
}

/* ---- counters -------------------------------------------------------- */

static __u64 field(const struct sl_kam_stats *st, size_t off)
{
	return *(const __u64 *)((const char *)st + off);
}

static void test_stats_buckets(void **state)
{
	static const struct { __u16 code; size_t off; } tab[] = {
		{ 100, offsetof(struct sl_kam_stats, replies_1xx) },
		{ 180, offsetof(struct sl_kam_stats, replies_1xx) },
		{ 199, offsetof(struct sl_kam_stats, replies_1xx) },
		{ 200, offsetof(struct sl_kam_stats, replies_200) },
		{ 201, offsetof(struct sl_kam_stats, replies_2xx) },
		{ 202, offsetof(struct sl_kam_stats, replies_202) },
		{ 299, offsetof(struct sl_kam_stats, replies_2xx) },
		{ 300, offsetof(struct sl_kam_stats, replies_300) },
		{ 301, offsetof(struct sl_kam_stats, replies_301) },
		{ 302, offsetof(struct sl_kam_stats, replies_302) },
		{ 303, offsetof(struct sl_kam_stats, replies_3xx) },
		{ 399, offsetof(struct sl_kam_stats, replies_3xx) },
		{ 400, offsetof(struct sl_kam_stats, replies_400) },
		{ 401, offsetof(struct sl_kam_stats, replies_401) },
		{ 402, offsetof(struct sl_kam_stats, replies_4xx) },
		{ 403, offsetof(struct sl_kam_stats, replies_403) },
		{ 404, offsetof(struct sl_kam_stats, replies_404) },
		{ 407, offsetof(struct sl_kam_stats, replies_407) },
		{ 408, offsetof(struct sl_kam_stats, replies_408) },
		{ 478, offsetof(struct sl_kam_stats, replies_4xx) },
		{ 483, offsetof(struct sl_kam_stats, replies_483) },
		{ 499, offsetof(struct sl_kam_stats, replies_4xx) },
		{ 500, offsetof(struct sl_kam_stats, replies_500) },
		{ 501, offsetof(struct sl_kam_stats, replies_5xx) },
		{ 599, offsetof(struct sl_kam_stats, replies_5xx) },
		{ 600, offsetof(struct sl_kam_stats, replies_6xx) },
		{ 699, offsetof(struct sl_kam_stats, replies_6xx) },
		{ 700, offsetof(struct sl_kam_stats, replies_xxx) },
		{ 999, offsetof(struct sl_kam_stats, replies_xxx) },
		{ 99, offsetof(struct sl_kam_stats, replies_xxx) },
		{ 0, offsetof(struct sl_kam_stats, replies_xxx) },
	};
	struct sl_kam_stats st;
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		memset(&st, 0, sizeof(st));
		sl_stats_count(&st, tab[i].code, false);
		/* exactly one counter moved, by one */
		for (j = 0; j < sizeof(st) / sizeof(__u64); j++)
			if (field(&st, j * 8) != (j * 8 == tab[i].off))
				fail_msg("code %u moved field %zu", tab[i].code, j);
		assert_int_equal(sl_stats_sent(&st), 1);
	}
	memset(&st, 0, sizeof(st));
	sl_stats_count(&st, 400, true);
	sl_stats_count(&st, 505, true);
	sl_stats_count(&st, 404, false);
	assert_int_equal(st.sent_err_replies, 2);
	assert_int_equal(st.replies_400, 1);
	assert_int_equal(st.replies_5xx, 1);
	assert_int_equal(sl_stats_sent(&st), 3);
	assert_int_equal(st.failures, 0);
}

/* The spec 3.1 sample output, replayed: same numbers per name. */
static void test_stats_table(void **state)
{
	static const char *names[] = {
		"1xx_replies", "200_replies", "202_replies", "2xx_replies",
		"300_replies", "301_replies", "302_replies", "3xx_replies",
		"400_replies", "401_replies", "403_replies", "404_replies",
		"407_replies", "408_replies", "483_replies", "4xx_replies",
		"500_replies", "5xx_replies", "6xx_replies", "failures",
		"received_ACKs", "sent_err_replies", "sent_replies", "xxx_replies",
	};
	/* one reply per code: 100..999 through every bucket */
	struct sl_kam_stats st, a, b;
	size_t i;
	unsigned code;
	char prev[32] = "";

	(void)state;
	assert_int_equal(sl_stat_table_len, sizeof(names) / sizeof(names[0]));
	for (i = 0; i < sl_stat_table_len; i++) {
		assert_string_equal(sl_stat_table[i].name, names[i]);
		/* Kamailio prints them sorted (strcmp order) */
		assert_true(strcmp(prev, names[i]) < 0);
		snprintf(prev, sizeof(prev), "%s", names[i]);
	}
	memset(&st, 0, sizeof(st));
	for (code = 100; code <= 999; code++)
		sl_stats_count(&st, (__u16)code, code == 400);
	st.failures = 7;
	for (i = 0; i < sl_stat_table_len; i++) {
		const struct sl_stat_desc *d = &sl_stat_table[i];
		__u64 v = sl_stat_value(d, &st, 42);
		__u64 want;

		if (!strcmp(d->name, "1xx_replies")) want = 100;
		else if (!strcmp(d->name, "2xx_replies")) want = 98;
		else if (!strcmp(d->name, "3xx_replies")) want = 97;
		else if (!strcmp(d->name, "4xx_replies")) want = 93;
		else if (!strcmp(d->name, "5xx_replies")) want = 99;
		else if (!strcmp(d->name, "6xx_replies")) want = 100;
		else if (!strcmp(d->name, "xxx_replies")) want = 300;
		else if (!strcmp(d->name, "failures")) want = 7;
		else if (!strcmp(d->name, "received_ACKs")) want = 42;
		else if (!strcmp(d->name, "sent_err_replies")) want = 1;
		else if (!strcmp(d->name, "sent_replies")) want = 900;
		else want = 1;	/* the exact-code buckets */
		if (v != want)
			fail_msg("%s = %llu, want %llu", d->name,
				 (unsigned long long)v, (unsigned long long)want);
	}
	assert_int_equal(sl_stat_table[20].kind, SL_STAT_EXTERNAL);
	assert_int_equal(sl_stat_table[22].kind, SL_STAT_SENT);
	/* summing per-thread slots */
	memset(&a, 0, sizeof(a));
	b = st;
	sl_stats_add(&a, &st);
	sl_stats_add(&a, &b);
	assert_int_equal(sl_stats_sent(&a), 1800);
	assert_int_equal(a.failures, 14);
	assert_int_equal(a.replies_404, 2);
}

/* The engine's result feeds the counters as the responder will do it. */
static void test_stats_from_engine(void **state)
{
	struct sl_kam_stats st;

	(void)state;
	memset(&st, 0, sizeof(st));
	answer(req_b, 486, "Busy Here", &lo40000);
	sl_stats_count(&st, R.code, R.is_error_reply);
	answer(REQ("INVITE", LOVIA, "<sip:r@x>", "Content-Length: 5\r\n"), 486, "Busy Here",
	       &lo40000);
	assert_int_equal(R.code, 400);
	sl_stats_count(&st, R.code, R.is_error_reply);
	assert_int_equal(st.replies_4xx, 1);
	assert_int_equal(st.replies_400, 1);
	assert_int_equal(st.sent_err_replies, 1);
	assert_int_equal(sl_stats_sent(&st), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_a),
		cmocka_unit_test(test_capture_b),
		cmocka_unit_test(test_capture_c),
		cmocka_unit_test(test_capture_180_compact),
		cmocka_unit_test(test_spec_ltt_other_branch),
		cmocka_unit_test(test_spec_no_port_tag),
		cmocka_unit_test(test_retransmission_identical),
		cmocka_unit_test(test_tag_by_code),
		cmocka_unit_test(test_tag_placement),
		cmocka_unit_test(test_record_route),
		cmocka_unit_test(test_layout_extra_and_server),
		cmocka_unit_test(test_via_edits),
		cmocka_unit_test(test_via_folds),
		cmocka_unit_test(test_other_folded_lines),
		cmocka_unit_test(test_lf_only_request),
		cmocka_unit_test(test_drops),
		cmocka_unit_test(test_error_replies),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_corpus_outcomes),
		cmocka_unit_test(test_corpus_bytes),
		cmocka_unit_test(test_bound_corpus),
		cmocka_unit_test(test_bound_worst_case),
		cmocka_unit_test(test_corpus_prefixes),
		cmocka_unit_test(test_arguments),
		cmocka_unit_test(test_ip_text),
		cmocka_unit_test(test_suffix_matches_totag),
		cmocka_unit_test(test_stats_buckets),
		cmocka_unit_test(test_stats_table),
		cmocka_unit_test(test_stats_from_engine),
	};

	return cmocka_run_group_tests(tests, setup_all, NULL);
}
