// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The responder's per-frame work as a pure function (user/run/answer.c):
 * a redirected frame in, a reply frame (or nothing) out, and exactly one
 * count for it in a responder slot.  Each row starts from a zeroed slot
 * and compares the whole slot, every field of Kamailio's and the
 * responder's own counters (from the X-macros of include/sl_counters.h),
 * so a frame counted twice, in the wrong counter, or not at all fails:
 * dropped_not_request (not a UDP datagram, an ACK, a response),
 * dropped_unanswerable (no usable Via, From, To, Call-ID or CSeq),
 * failures (no room for the reply), window_recorded (final replies to an
 * INVITE, with the entry the caller must write), and the reply buckets.
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
#include "dp/frame_io.h"
#include "run/answer.h"
#include "sip/totag.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* every stored field of a responder slot, by its counter name */
struct field {
	const char *name;
	size_t off;
};
#define KAM_BUCKET(f, n) { "sl:" n, offsetof(struct sl_kam_stats, f) },
#define KAM_FIELD(f, n) KAM_BUCKET(f, n)
#define KAM_SENT(f, n)
#define KAM_EXTERNAL(f, n)
#define KAM_F(f, name, kind, help) KAM_##kind(f, name)
#define RESP_F(f, help) { "resp:" #f, offsetof(struct sl_kam_stats, f) },
static const struct field fields[] = {
	SL_KAM_COUNTERS(KAM_F)
	SL_RESP_COUNTERS(RESP_F)
};
_Static_assert(ARRAY_SIZE(fields) == SL_KAM_N_STORED + SL_RESP_N,
	       "every stored field of a responder slot");

static __u64 get(const struct sl_kam_stats *st, size_t off)
{
	__u64 v;

	memcpy(&v, (const char *)st + off, sizeof(v));
	return v;
}

/* ---- the engine's configuration and the rules' replies ---- */

#define SIG	"df673b98c9e0bd9172cfc0d849035098"

static const struct sl_engine_cfg ecfg = {
	.signature = SIG,
	.server_hdr = "Server: sl-xdp-test",
	.server_len = sizeof("Server: sl-xdp-test") - 1,
};

#define SPEC(c, r) { .code = (c), .reason = (r), .reason_len = sizeof(r) - 1 }
static const struct sl_reply_spec spec200 = SPEC(200, "OK");
static const struct sl_reply_spec spec486 = SPEC(486, "Busy Here");
static const struct sl_reply_spec spec180 = SPEC(180, "Ringing");
static const struct sl_reply_spec spec302 = SPEC(302, "Moved Temporarily");

/* ---- messages ---- */

#define VIA	"Via: SIP/2.0/UDP 198.18.0.2:5062;branch=z9hG4bK-a-1\n"
#define FROM	"From: <sip:alice@198.18.0.2>;tag=f1\n"
#define TO	"To: <sip:bob@198.18.0.1>\n"
#define CID	"Call-ID: a-1@198.18.0.2\n"
#define END	"Content-Length: 0\n\n"
#define REQ(m)	m " sip:bob@198.18.0.1 SIP/2.0\n" VIA FROM TO CID "CSeq: 1 " m "\n" END

enum fkind { F_SIP, F_ARP, F_SHORT };

struct row {
	const char *name;
	enum fkind kind;
	__u8 family;
	const char *msg;
	const struct sl_reply_spec *spec;
	size_t tx_cap;			/* 0: a whole frame */
	const char *status;		/* the reply's status line; NULL: none */
	bool window;			/* a reply-window entry is due */
	bool foreign_tag;		/* ... keyed by the request's To-tag */
	struct sl_kam_stats want;	/* the slot afterwards */
};

static const struct row rows[] = {
	{ "OPTIONS -> 200", F_SIP, 4, REQ("OPTIONS"), &spec200, 0,
	  "SIP/2.0 200 OK", false, false, { .replies_200 = 1 } },
	{ "OPTIONS over IPv6 -> 200", F_SIP, 6, REQ("OPTIONS"), &spec200, 0,
	  "SIP/2.0 200 OK", false, false, { .replies_200 = 1 } },
	{ "INVITE -> 486: a window entry", F_SIP, 4, REQ("INVITE"), &spec486, 0,
	  "SIP/2.0 486 Busy Here", true, false,
	  { .replies_4xx = 1, .window_recorded = 1 } },
	{ "INVITE -> 302: a window entry", F_SIP, 4, REQ("INVITE"), &spec302, 0,
	  "SIP/2.0 302 Moved Temporarily", true, false,
	  { .replies_302 = 1, .window_recorded = 1 } },
	{ "re-INVITE (To-tag) -> 486: a window entry keyed by that tag", F_SIP, 4,
	  "INVITE sip:bob@198.18.0.1 SIP/2.0\n" VIA FROM
	  "To: <sip:bob@198.18.0.1>;tag=dialog-1\n" CID "CSeq: 2 INVITE\n" END,
	  &spec486, 0, "SIP/2.0 486 Busy Here", true, true,
	  { .replies_4xx = 1, .window_recorded = 1 } },
	{ "INVITE -> 180: provisional, no window entry", F_SIP, 4, REQ("INVITE"),
	  &spec180, 0, "SIP/2.0 180 Ringing", false, false, { .replies_1xx = 1 } },
	{ "OPTIONS -> 486: not an INVITE, no window entry", F_SIP, 4,
	  REQ("OPTIONS"), &spec486, 0, "SIP/2.0 486 Busy Here", false, false,
	  { .replies_4xx = 1 } },
	{ "Content-Length beyond the datagram -> 400 error reply", F_SIP, 4,
	  "OPTIONS sip:bob@198.18.0.1 SIP/2.0\n" VIA FROM TO CID
	  "CSeq: 1 OPTIONS\nContent-Length: 99\n\n", &spec200, 0,
	  "SIP/2.0 400 Bad Request", false, false,
	  { .replies_400 = 1, .sent_err_replies = 1 } },
	{ "no Via: dropped_unanswerable", F_SIP, 4,
	  "OPTIONS sip:bob@198.18.0.1 SIP/2.0\n" FROM TO CID "CSeq: 1 OPTIONS\n" END,
	  &spec200, 0, NULL, false, false, { .dropped_unanswerable = 1 } },
	{ "no Call-ID: dropped_unanswerable", F_SIP, 4,
	  "OPTIONS sip:bob@198.18.0.1 SIP/2.0\n" VIA FROM TO "CSeq: 1 OPTIONS\n" END,
	  &spec200, 0, NULL, false, false, { .dropped_unanswerable = 1 } },
	{ "not SIP at all: dropped_unanswerable", F_SIP, 4, "hello\n\n",
	  &spec200, 0, NULL, false, false, { .dropped_unanswerable = 1 } },
	{ "ACK: dropped_not_request", F_SIP, 4, REQ("ACK"), &spec200, 0, NULL,
	  false, false, { .dropped_not_request = 1 } },
	{ "a response: dropped_not_request", F_SIP, 4,
	  "SIP/2.0 200 OK\n" VIA FROM "To: <sip:bob@198.18.0.1>;tag=x\n" CID
	  "CSeq: 1 OPTIONS\n" END, &spec200, 0, NULL, false, false,
	  { .dropped_not_request = 1 } },
	{ "ARP: not a UDP datagram, dropped_not_request", F_ARP, 4, NULL,
	  &spec200, 0, NULL, false, false, { .dropped_not_request = 1 } },
	{ "frame cut inside the UDP header: dropped_not_request", F_SHORT, 4,
	  REQ("OPTIONS"), &spec200, 0, NULL, false, false,
	  { .dropped_not_request = 1 } },
	{ "no room for the headers: failures", F_SIP, 4, REQ("OPTIONS"),
	  &spec200, 30, NULL, false, false, { .failures = 1 } },
	{ "room for the headers, not the reply: failures", F_SIP, 4,
	  REQ("OPTIONS"), &spec200, 14 + 20 + 8 + 40, NULL, false, false,
	  { .failures = 1 } },
	{ "INVITE without room for its 486: failures, no window entry", F_SIP, 4,
	  REQ("INVITE"), &spec486, 14 + 20 + 8 + 40, NULL, false, false,
	  { .failures = 1 } },
};

static __u8 frame[FRAME_MAX], tx[FRAME_MAX];
static char msg[FRAME_MAX];

static size_t make_frame(const struct row *r)
{
	struct frame_spec fs = { .family = r->family, .udp_csum = true };
	size_t n;

	if (r->kind == F_ARP)
		return frame_arp(frame, sizeof(frame));
	n = sip_fmt(msg, sizeof(msg), true, "%s", r->msg);
	assert_true(n > 0);
	if (r->kind == F_SHORT)
		fs.truncate_to = 14 + 20 + 4;
	return frame_build(frame, sizeof(frame), &fs, msg, n);
}

/* The suffix the window entry must carry: the request's top Via and
 * Call-ID, as the to-tag's (spec 1.4). */
static __u32 want_suffix(void)
{
	return sl_totag_suffix((struct sl_str){ "198.18.0.2", 10 },
			       (struct sl_str){ "5062", 4 },
			       (struct sl_str){ "z9hG4bK-a-1", 11 },
			       (struct sl_str){ "a-1@198.18.0.2", 14 });
}

static int check_row(const struct row *r)
{
	struct sl_kam_stats st;
	struct sl_frame_answer a;
	struct frame_info fi;
	size_t len = make_frame(r);
	int bad = 0;

	assert_true(len > 0);
	memset(&st, 0, sizeof(st));
	memset(tx, 0xa5, sizeof(tx));
	sl_answer_frame(&ecfg, r->spec, frame, len, tx,
			r->tx_cap ? r->tx_cap : sizeof(tx), 0, &st, &a);
	for (size_t f = 0; f < ARRAY_SIZE(fields); f++) {
		__u64 g = get(&st, fields[f].off), w = get(&r->want, fields[f].off);

		if (g != w) {
			print_error("%s: %s = %llu, want %llu\n", r->name,
				    fields[f].name, (unsigned long long)g,
				    (unsigned long long)w);
			bad = 1;
		}
	}
	if (!r->status != !a.len) {
		print_error("%s: reply of %zu bytes, want %s\n", r->name, a.len,
			    r->status ? "one" : "none");
		return 1;
	}
	if (a.record_window != r->window) {
		print_error("%s: record_window %d, want %d\n", r->name,
			    a.record_window, r->window);
		return 1;
	}
	if (r->window) {
		if (a.window_suffix != want_suffix()) {
			print_error("%s: window suffix %08x, want %08x\n", r->name,
				    a.window_suffix, want_suffix());
			bad = 1;
		}
		if (r->foreign_tag ?
		    a.window_key_tag != (SL_WINDOW_FOREIGN_TAG |
					 sl_crc16_x25("dialog-1", 8)) :
		    a.window_key_tag != 0) {
			print_error("%s: window key_tag %08x\n", r->name,
				    a.window_key_tag);
			bad = 1;
		}
	}
	if (!r->status)
		return bad;
	/* the reply is a frame back to the source, its status line first */
	if (frame_parse(tx, a.len, &fi)) {
		print_error("%s: the reply frame does not parse\n", r->name);
		return 1;
	}
	if (fi.sport != 5060 || fi.dport != 5062 ||
	    fi.payload_len < strlen(r->status) ||
	    memcmp(tx + fi.payload_off, r->status, strlen(r->status))) {
		print_error("%s: reply %u -> %u: %.*s\n", r->name, fi.sport, fi.dport,
			    (int)(fi.payload_len < 40 ? fi.payload_len : 40),
			    tx + fi.payload_off);
		bad = 1;
	}
	return bad;
}

static void test_rows(void **state)
{
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		bad += check_row(&rows[i]);
	if (bad)
		fail_msg("%d of %zu rows failed", bad, ARRAY_SIZE(rows));
	print_message("per-frame counting: %zu rows\n", ARRAY_SIZE(rows));
}

/* A slot accumulates: every frame counted once, on top of what is there. */
static void test_slot_accumulates(void **state)
{
	struct sl_kam_stats st;
	struct sl_frame_answer a;
	size_t total = 0;

	(void)state;
	memset(&st, 0, sizeof(st));
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		size_t len = make_frame(&rows[i]);

		sl_answer_frame(&ecfg, rows[i].spec, frame, len, tx,
				rows[i].tx_cap ? rows[i].tx_cap : sizeof(tx),
				0, &st, &a);
	}
	for (size_t f = 0; f < ARRAY_SIZE(fields); f++) {
		__u64 want = 0;

		for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
			want += get(&rows[i].want, fields[f].off);
		assert_int_equal(get(&st, fields[f].off), want);
		total += want;
	}
	/* each row counted exactly one reply or one drop, plus its window
	 * entry and its error-reply mark */
	assert_true(total >= ARRAY_SIZE(rows));
}

/* A reply whose IP packet is longer than the MTU is counted, not sent
 * (resp:oversize), and no window entry is due for it; one that fits at
 * exactly the MTU is sent. */
static void test_mtu(void **state)
{
	static const struct row inv = { "INVITE", F_SIP, 4, REQ("INVITE"),
					&spec486, 0, NULL, false, false, { 0 } };
	struct sl_kam_stats st;
	struct sl_frame_answer a;
	size_t len = make_frame(&inv), ip_len;

	(void)state;
	memset(&st, 0, sizeof(st));
	sl_answer_frame(&ecfg, &spec486, frame, len, tx, sizeof(tx), 0, &st, &a);
	assert_true(a.len > 14 && a.record_window);
	ip_len = a.len - 14;
	memset(&st, 0, sizeof(st));
	sl_answer_frame(&ecfg, &spec486, frame, len, tx, sizeof(tx), ip_len - 1,
			&st, &a);
	assert_int_equal(a.len, 0);
	assert_false(a.record_window);
	assert_int_equal(st.oversize, 1);
	assert_int_equal(st.replies_4xx + st.window_recorded + st.failures, 0);
	memset(&st, 0, sizeof(st));
	sl_answer_frame(&ecfg, &spec486, frame, len, tx, sizeof(tx), ip_len,
			&st, &a);
	assert_int_equal(a.len, ip_len + 14);
	assert_int_equal(st.oversize, 0);
	assert_int_equal(st.replies_4xx, 1);
}

/* rport in a request sent from port 0: a reply to port 0 could not be
 * delivered (Kamailio's send fails): counted as a failure, not sent; the
 * same request from port 5062 is answered there. */
static void test_rport_port_0(void **state)
{
	struct frame_spec fs = { .sport = 0 };
	struct sl_kam_stats st;
	struct sl_frame_answer a;
	struct frame_info fi;
	size_t n = sip_fmt(msg, sizeof(msg), true, "OPTIONS sip:bob@198.18.0.1 SIP/2.0\n"
			   "Via: SIP/2.0/UDP 198.18.0.2:5062;rport;branch=z9hG4bK-p0\n"
			   FROM TO CID "CSeq: 1 OPTIONS\n" END), len;

	(void)state;
	/* frame_build takes 0 for the default port: write port 0 after */
	len = frame_build(frame, sizeof(frame), &fs, msg, n);
	assert_int_equal(frame_parse(frame, len, &fi), 0);
	frame[fi.l4_off] = 0;
	frame[fi.l4_off + 1] = 0;
	memset(&st, 0, sizeof(st));
	sl_answer_frame(&ecfg, &spec200, frame, len, tx, sizeof(tx), 0, &st, &a);
	assert_int_equal(a.len, 0);
	assert_int_equal(st.failures, 1);
	assert_int_equal(st.replies_200, 0);
	frame[fi.l4_off] = 5062 >> 8;
	frame[fi.l4_off + 1] = 5062 & 0xff;
	memset(&st, 0, sizeof(st));
	sl_answer_frame(&ecfg, &spec200, frame, len, tx, sizeof(tx), 0, &st, &a);
	assert_true(a.len > 0);
	assert_int_equal(st.replies_200, 1);
	assert_int_equal(frame_parse(tx, a.len, &fi), 0);
	assert_int_equal(fi.dport, 5062);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_mtu),
		cmocka_unit_test(test_slot_accumulates),
		cmocka_unit_test(test_rport_port_0),
	};

	return cmocka_run_group_tests_name("answer", tests, NULL, NULL);
}
