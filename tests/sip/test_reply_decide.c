// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The reply engine's decision step (reply_decide.h), asserted directly:
 * one table row per Kamailio-compatibility choice, the wanted decision
 * written as the request text it points at (positions as substrings of
 * the request), no reply bytes involved.  The bytes those decisions give
 * are checked in test_sl_engine.c, and so are the drops (sl_result.why is
 * the decision's); the last test here shows that the writing step follows
 * a decision and decides nothing itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "sip/reply_decide.h"
#include "sip/reply_write.h"
#include "sip/totag.h"

#define SIG	"df673b98c9e0bd9172cfc0d849035098"

static const struct sl_peer lo40000 = { 4, { 127, 0, 0, 1 }, 40000 };
static const struct sl_peer v6lo40020 = { 6, { [15] = 1 }, 40020 };

static struct sl_engine_cfg cfg;
static struct sip_msg M;
static struct sl_decision D;

/* A request with every header a reply needs; method, Via and To vary. */
#define REQ(method, via, to) \
	method " sip:r@127.0.0.1 SIP/2.0\r\nVia: " via "\r\n" \
	"From: <sip:a@example.com>;tag=f1\r\nTo: " to "\r\n" \
	"Call-ID: decide@test\r\nCSeq: 9 " method "\r\n\r\n"
#define LOVIA	"SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-d"

static int setup(void **state)
{
	(void)state;
	memcpy(cfg.signature, SIG, SL_SIG_LEN);
	return 0;
}

static void decide(const char *req, __u16 code, const struct sl_peer *src)
{
	struct sl_reply_spec spec = { code, "X", 1, NULL, 0 };

	sl_reply_decide(&cfg, &spec, req, strlen(req), src, &M, &D);
}

/* Offset of the first s in req (which must hold it). */
static __u32 off_of(const char *req, const char *s)
{
	const char *p = strstr(req, s);

	if (!p)
		fail_msg("'%s' not in the request", s);
	return (__u32)(p - req);
}

/* ---- what is sent, and where ----------------------------------------- */

struct reply_row {
	const char *name;
	const char *req;
	__u16 code;			/* the spec's */
	const struct sl_peer *src;
	__u16 want_code;
	bool error_reply;
	bool sip20;			/* status line says SIP/2.0 */
	const char *tag_after;		/* NULL: no to-tag; else it goes after this */
	bool rr;			/* Record-Route copied */
	__u16 dst_port;
	bool window;			/* reply-window entry */
};

static const struct reply_row reply_rows[] = {
	{ "OPTIONS 200", REQ("OPTIONS", LOVIA, "<sip:r@x>"), 200, &lo40000,
	  200, false, false, "To: <sip:r@x>", true, 40000, false },
	{ "100: no tag, no RR", REQ("INVITE", LOVIA, "<sip:r@x>"), 100, &lo40000,
	  100, false, false, NULL, false, 40000, false },
	{ "179: no tag, no RR", REQ("INVITE", LOVIA, "<sip:r@x>"), 179, &lo40000,
	  179, false, false, NULL, false, 40000, false },
	{ "180: tag and RR, no window", REQ("INVITE", LOVIA, "<sip:r@x>"), 180,
	  &lo40000, 180, false, false, "To: <sip:r@x>", true, 40000, false },
	{ "299: RR", REQ("INVITE", LOVIA, "<sip:r@x>"), 299, &lo40000,
	  299, false, false, "To: <sip:r@x>", true, 40000, true },
	{ "300: no RR", REQ("INVITE", LOVIA, "<sip:r@x>"), 300, &lo40000,
	  300, false, false, "To: <sip:r@x>", false, 40000, true },
	{ "tag after the To params", REQ("INVITE", LOVIA, "\"B\" <sip:r@x>;p=1  "),
	  486, &lo40000, 486, false, false, "To: \"B\" <sip:r@x>;p=1  ", false,
	  40000, true },
	{ "To with a tag: none added, window keyed by it",
	  REQ("INVITE", LOVIA, "<sip:r@x>;tag=peer"), 486, &lo40000,
	  486, false, false, NULL, false, 40000, true },
	{ "empty To tag: a second one", REQ("OPTIONS", LOVIA, "<sip:r@x>;tag="),
	  200, &lo40000, 200, false, false, "To: <sip:r@x>;tag=", true, 40000, false },
	{ "unterminated quote in To: 400, To echoed",
	  REQ("INVITE", LOVIA, "\"B <sip:r@x>"), 486, &lo40000,
	  400, true, false, NULL, false, 40000, false },
	{ "SIP/7.0: 505 in SIP/2.0",
	  "INVITE sip:r@x SIP/7.0\r\nVia: SIP/7.0/UDP 127.0.0.1;branch=z9hG4bK-v\r\n"
	  "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: e\r\nCSeq: 1 INVITE\r\n\r\n",
	  486, &lo40000, 505, true, true, "To: <sip:b@x>", false, 5060, true },
	{ "no version: 400 in SIP/2.0",
	  "INVITE sip:r@x\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1\r\n"
	  "To: <sip:b@x>\r\nCall-ID: e\r\nCSeq: 1 INVITE\r\n\r\n",
	  486, &lo40000, 400, true, true, "To: <sip:b@x>", false, 40000, true },
	{ "Content-Length mismatch: 400, the request's version",
	  "INVITE sip:r@x SIP/2.0\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1\r\n"
	  "To: <sip:b@x>\r\nCall-ID: e\r\nCSeq: 1 INVITE\r\nContent-Length: 9\r\n\r\nx",
	  486, &lo40000, 400, true, false, "To: <sip:b@x>", false, 40000, true },
	{ "rport: to the source port",
	  REQ("OPTIONS", "SIP/2.0/UDP 127.0.0.1:5062;rport;branch=z9hG4bK-d", "<sip:r@x>"),
	  200, &lo40000, 200, false, false, "To: <sip:r@x>", true, 40000, false },
	{ "Via port", REQ("OPTIONS", "SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-d",
			  "<sip:r@x>"),
	  200, &lo40000, 200, false, false, "To: <sip:r@x>", true, 5062, false },
	{ "no Via port: 5060", REQ("OPTIONS", "SIP/2.0/TLS h;branch=z9hG4bK-d",
				   "<sip:r@x>"),
	  200, &lo40000, 200, false, false, "To: <sip:r@x>", true, 5060, false },
	{ "Via port 0: 5060", REQ("OPTIONS", "SIP/2.0/UDP h:0;branch=z9hG4bK-d",
				  "<sip:r@x>"),
	  200, &lo40000, 200, false, false, "To: <sip:r@x>", true, 5060, false },
};

static void test_reply_rows(void **state)
{
	const struct reply_row *r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(reply_rows) / sizeof(reply_rows[0]); i++) {
		r = &reply_rows[i];
		decide(r->req, r->code, r->src);
		if (D.outcome != SL_OUT_REPLY || D.code != r->want_code ||
		    D.is_error_reply != r->error_reply || D.version_sip20 != r->sip20 ||
		    D.add_tag != !!r->tag_after || D.copy_record_route != r->rr ||
		    D.dst_port != r->dst_port || D.record_window != r->window)
			fail_msg("%s: outcome %d code %u error %d sip20 %d tag %d rr %d "
				 "port %u window %d", r->name, D.outcome, D.code,
				 D.is_error_reply, D.version_sip20, D.add_tag,
				 D.copy_record_route, D.dst_port, D.record_window);
		if (r->tag_after) {
			assert_int_equal(D.tag_at, off_of(r->req, r->tag_after) +
				       strlen(r->tag_after));
			assert_memory_equal(D.tag, SIG ".", SL_SIG_LEN + 1);
		}
		assert_int_equal(D.window_suffix,
				 sl_totag_suffix(sip_str(&M, M.via.host),
						 sip_str(&M, M.via.port),
						 sip_str(&M, M.via.branch),
						 sip_str(&M, M.callid)));
	}
}

/* Reason phrases: the spec's, RFC 3261's when none, an error text. */
static void test_reasons(void **state)
{
	struct sl_reply_spec spec = { 404, NULL, 0, NULL, 0 };
	static const char req[] = REQ("OPTIONS", LOVIA, "<sip:r@x>");
	static const char bad[] =
		"INVITE sip:r@x SIP/2.0\r\nVia: " LOVIA "\r\nFrom: <sip:a@x>;tag=1\r\n"
		"To: <sip:b@x>\r\nCall-ID: e\r\nCSeq: 1 OPTIONS\r\n\r\n";

	(void)state;
	sl_reply_decide(&cfg, &spec, req, strlen(req), &lo40000, &M, &D);
	assert_int_equal(D.reason_len, 9);
	assert_memory_equal(D.reason, "Not Found", 9);
	spec.code = 299;	/* no standard phrase: empty */
	sl_reply_decide(&cfg, &spec, req, strlen(req), &lo40000, &M, &D);
	assert_int_equal(D.reason_len, 0);
	spec.reason = "Gone Fishing";
	spec.reason_len = 12;
	sl_reply_decide(&cfg, &spec, req, strlen(req), &lo40000, &M, &D);
	assert_memory_equal(D.reason, "Gone Fishing", 12);
	sl_reply_decide(&cfg, &spec, bad, strlen(bad), &lo40000, &M, &D);
	assert_int_equal(D.code, 400);
	assert_int_equal(D.errors, SIP_E_CSEQ_METHOD);
	assert_string_equal(D.reason,
			    "Bad Request (CSeq method does not match request method)");
	assert_int_equal(D.reason_len, strlen(D.reason));
}

/* ---- the top Via ------------------------------------------------------ */

struct via_row {
	const char *via;
	const struct sl_peer *src;
	bool rport, received;
	const char *ip;			/* received value */
	const char *replaced;		/* the new params replace this... */
	const char *after;		/* ...or go right after this */
	const char *removed[2];		/* old received params dropped */
};

static const struct via_row via_rows[] = {
	/* host == source, no rport: nothing */
	{ "SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-1", &lo40000,
	  false, false, "127.0.0.1", NULL, NULL, { NULL } },
	/* host differs: received after the branch param */
	{ "SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK-1;x=y", &lo40000,
	  false, true, "127.0.0.1", NULL, ";branch=z9hG4bK-1", { NULL } },
	/* no branch: at the end of the first value */
	{ "SIP/2.0/UDP 10.0.0.1;x=y", &lo40000,
	  false, true, "127.0.0.1", NULL, ";x=y", { NULL } },
	{ "SIP/2.0/UDP 10.8.8.8:5060 , SIP/2.0/UDP 10.9.9.9;branch=z9hG4bK-2", &lo40000,
	  false, true, "127.0.0.1", NULL, "10.8.8.8:5060", { NULL } },
	/* rport replaced, the LWS Kamailio counts as its part too */
	{ "SIP/2.0/UDP 127.0.0.1 ;rport ; branch=x", &lo40000,
	  true, true, "127.0.0.1", ";rport ", NULL, { NULL } },
	{ "SIP/2.0/UDP 127.0.0.1;branch=x;rport=1234", &lo40000,
	  true, true, "127.0.0.1", ";rport=1234", NULL, { NULL } },
	{ "SIP/2.0/UDP h; rport = 1;branch=x", &lo40000,
	  true, true, "127.0.0.1", "; rport = 1", NULL, { NULL } },
	/* old received params go */
	{ "SIP/2.0/UDP 1.2.3.4:5060;received=1.2.3.4;rport;branch=z9hG4bK-r", &lo40000,
	  true, true, "127.0.0.1", ";rport", NULL, { ";received=1.2.3.4" } },
	{ "SIP/2.0/UDP 127.0.0.1;received=1.2.3.4;branch=z9hG4bK-r;received=5.6.7.8 ;x",
	  &lo40000, false, true, "127.0.0.1", NULL, ";branch=z9hG4bK-r",
	  { ";received=1.2.3.4", ";received=5.6.7.8" } },
	{ "SIP/2.0/UDP 127.0.0.1;received ;x", &lo40000,
	  false, true, "127.0.0.1", NULL, ";x", { ";received " } },
	/* a received dropped with the fold in front of it (issue 15.2),
	 * a tab or LF-only one too; blanks without a fold stay; a param
	 * without a value owns the LWS after it */
	{ "SIP/2.0/TLS client.example.com:5061;branch=z9hG4bKnashds7\r\n ;received=192.0.2.201",
	  &lo40000, false, true, "127.0.0.1", NULL, ";branch=z9hG4bKnashds7",
	  { "\r\n ;received=192.0.2.201" } },
	{ "SIP/2.0/UDP h;branch=z9hG4bK-t \t\r\n\t;received=1.2.3.4;x", &lo40000,
	  false, true, "127.0.0.1", NULL, ";branch=z9hG4bK-t",
	  { " \t\r\n\t;received=1.2.3.4" } },
	{ "SIP/2.0/UDP h;branch=z9hG4bK-l\n ;received=1.2.3.4", &lo40000,
	  false, true, "127.0.0.1", NULL, ";branch=z9hG4bK-l", { "\n ;received=1.2.3.4" } },
	{ "SIP/2.0/UDP h;branch=z9hG4bK-b  ;received=1.2.3.4", &lo40000,
	  false, true, "127.0.0.1", NULL, ";branch=z9hG4bK-b", { ";received=1.2.3.4" } },
	{ "SIP/2.0/UDP h;rport\r\n ;received=1.2.3.4\r\n ;branch=z9hG4bK-r", &lo40000,
	  true, true, "127.0.0.1", ";rport\r\n ", NULL, { ";received=1.2.3.4" } },
	{ "SIP/2.0/UDP h;received\r\n ;received=2.2.2.2;branch=z9hG4bK-2", &lo40000,
	  false, true, "127.0.0.1", NULL, ";branch=z9hG4bK-2",
	  { ";received\r\n ", ";received=2.2.2.2" } },
	/* IPv6: case-insensitive, brackets allowed; inet_ntop's text */
	{ "SIP/2.0/UDP [::1]:5070;branch=z9hG4bK-6", &v6lo40020,
	  false, false, "::1", NULL, NULL, { NULL } },
	{ "SIP/2.0/UDP [0::1]:5070;branch=z9hG4bK-6", &v6lo40020,
	  false, true, "::1", NULL, ";branch=z9hG4bK-6", { NULL } },
	{ "SIP/2.0/UDP 127.0.0.1:40020;rport;branch=z9hG4bK-6", &v6lo40020,
	  true, true, "::1", ";rport", NULL, { NULL } },
	/* IPv4 text must match exactly */
	{ "SIP/2.0/UDP 127.000.000.001;branch=z9hG4bK-z", &lo40000,
	  false, true, "127.0.0.1", NULL, ";branch=z9hG4bK-z", { NULL } },
};

static void test_via_rows(void **state)
{
	const struct via_row *r;
	const struct sl_via_edits *e = &D.via;
	char req[1024];
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(via_rows) / sizeof(via_rows[0]); i++) {
		r = &via_rows[i];
		snprintf(req, sizeof(req), REQ("OPTIONS", "%s", "<sip:r@x>"), r->via);
		decide(req, 200, r->src);
		assert_int_equal(D.outcome, SL_OUT_REPLY);
		if (e->rport != r->rport || e->received != r->received)
			fail_msg("row %zu: rport %d received %d", i, e->rport, e->received);
		assert_int_equal(e->ip_len, strlen(r->ip));
		assert_memory_equal(e->ip, r->ip, e->ip_len);
		if (e->rport)
			assert_int_equal(e->rport_value, r->src->port);
		if (r->replaced) {
			assert_int_equal(e->at, off_of(req, r->replaced));
			assert_int_equal(e->replaced, strlen(r->replaced));
		} else if (r->after) {
			assert_int_equal(e->at, off_of(req, r->after) + strlen(r->after));
			assert_int_equal(e->replaced, 0);
		}
		for (k = 0; k < 2 && r->removed[k]; k++) {
			assert_int_equal(e->removed[k].off, off_of(req, r->removed[k]));
			assert_int_equal(e->removed[k].len, strlen(r->removed[k]));
		}
		assert_int_equal(e->n_removed, k);
	}
}

/* ---- the reply window --------------------------------------------------- */

static void test_window_key(void **state)
{
	char req[512], tag[SL_TOTAG_LEN + 1];

	(void)state;
	decide(REQ("INVITE", LOVIA, "<sip:r@x>"), 486, &lo40000);
	assert_true(D.record_window);
	assert_int_equal(D.window_key_tag, 0);
	/* re-INVITE: keyed by the request's tag */
	decide(REQ("INVITE", LOVIA, "<sip:r@x>;tag=peer-tag-1"), 486, &lo40000);
	assert_true(D.record_window);
	assert_int_equal(D.window_key_tag,
			 SL_WINDOW_FOREIGN_TAG | sl_crc16_x25("peer-tag-1", 10));
	/* a tag that looks like ours counts as ours only with our suffix */
	decide(REQ("INVITE", LOVIA, "<sip:r@x>"), 486, &lo40000);
	sl_totag_build(SIG, D.window_suffix, tag);
	tag[SL_TOTAG_LEN] = 0;
	snprintf(req, sizeof(req), REQ("INVITE", LOVIA, "<sip:r@x>;tag=%s"), tag);
	decide(req, 486, &lo40000);
	assert_true(D.record_window);
	assert_int_equal(D.window_key_tag, 0);
	tag[SL_TOTAG_LEN - 1] ^= 1;
	snprintf(req, sizeof(req), REQ("INVITE", LOVIA, "<sip:r@x>;tag=%s"), tag);
	decide(req, 486, &lo40000);
	assert_false(D.record_window);
	/* not an INVITE, or provisional: none */
	decide(REQ("OPTIONS", LOVIA, "<sip:r@x>"), 486, &lo40000);
	assert_false(D.record_window);
	decide(REQ("INVITE", LOVIA, "<sip:r@x>"), 199, &lo40000);
	assert_false(D.record_window);
}

/* ---- the writing step follows the decision ------------------------------ */

static void assert_written(const char *want)
{
	static const struct sl_reply_spec spec = { 200, "OK", 2, NULL, 0 };
	char out[1024];
	size_t n, len = strlen(want);

	n = sl_reply_write(&cfg, &spec, &M, &D, out, sizeof(out));
	if (n != len || memcmp(out, want, len))
		fail_msg("wrote '%.*s'", (int)n, out);
	/* one byte short: nothing */
	assert_int_equal(sl_reply_write(&cfg, &spec, &M, &D, out, len - 1), 0);
}

static void test_write_follows_decision(void **state)
{
	static const char req[] =
		"OPTIONS sip:r@x SIP/2.0\r\nRecord-Route: <sip:p;lr>\r\n"
		"Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-w\r\nFrom: <sip:a@x>;tag=1\r\n"
		"To: <sip:b@x>\r\nCall-ID: w\r\nCSeq: 1 OPTIONS\r\n\r\n";
	char want[512];

	(void)state;
	decide(req, 200, &lo40000);
	snprintf(want, sizeof(want),
		 "SIP/2.0 200 X\r\nRecord-Route: <sip:p;lr>\r\n"
		 "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-w;received=127.0.0.1\r\n"
		 "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=%.*s\r\nCall-ID: w\r\n"
		 "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n", SL_TOTAG_LEN, D.tag);
	assert_written(want);
	/* no tag, no Record-Route, no received: the request's lines */
	D.add_tag = false;
	D.copy_record_route = false;
	D.via.received = false;
	assert_written("SIP/2.0 200 X\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-w\r\n"
		       "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: w\r\n"
		       "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
	/* the status line as decided, whatever the spec says */
	D.code = 503;
	D.version_sip20 = true;
	D.reason = "Busy";
	D.reason_len = 4;
	assert_written("SIP/2.0 503 Busy\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-w\r\n"
		       "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: w\r\n"
		       "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_rows),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_via_rows),
		cmocka_unit_test(test_window_key),
		cmocka_unit_test(test_write_follows_decision),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
