// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The XDP program on crafted frames (bpf_prog_test_run_opts), katran
 * style: tables of frame -> verdict + the exact counter delta.  Every
 * row starts from zeroed counters and an empty reply window, and checks
 * all sixteen counters, so a row also fails when something else moved.
 *
 * No AF_XDP socket is bound, so a "reply" is seen as XDP_PASS (the
 * bpf_redirect_map fallback) with redirect_fallback +1, and the metadata
 * the program prepends for the responder is visible in data_out.
 */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>
#include <bpf/bpf.h>

#include "fixture_env.h"
#include "frame.h"
#include "conf/config.h"
#include "sip/totag.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NS_PER_S	1000000000ull
#define TAG_BUF		64	/* a To-tag and its NUL, with room */

static __u8 frame[FRAME_MAX];
static char msg[FRAME_MAX];
static struct fx_result res;

/* ------------------------------------------------------------------ */
/* expected counter deltas */

#define C_BASE		.packets = 1
#define C_REQ_BASE	C_BASE, .sip_udp = 1, .sip_requests = 1
#define C_NOT_SIP	{ C_BASE, .passed_not_sip = 1 }
#define C_PARSE_FAIL	{ C_BASE, .sip_udp = 1, .parse_failures = 1 }
/* UDP length != IP payload length: passed, counted, not parsed */
#define C_UDP_LEN	{ C_BASE, .sip_udp = 1, .udp_len_mismatch = 1 }
#define C_RESPONSE	{ C_BASE, .sip_udp = 1, .sip_responses = 1 }
#define C_REPLY		{ C_REQ_BASE, .redirect_fallback = 1 }
#define C_DROP		{ C_REQ_BASE, .dropped_by_rule = 1 }
#define C_PASS		{ C_REQ_BASE, .passed_by_rule = 1 }
#define C_ABSORBED	{ C_REQ_BASE, .acks_absorbed = 1 }
/* read, not answerable (a fragment, 3+ VLAN tags, 5+ IPv6 extension
 * headers): a reply passes */
#define C_UNANSWERABLE	{ C_REQ_BASE, .passed_by_rule = 1, .unanswerable = 1 }
/* an ACK that was not absorbed and then passed by the rules */
#define C_ACK_PASS(...)	{ C_REQ_BASE, .acks_passed = 1, .passed_by_rule = 1, \
			  __VA_ARGS__ }

/* ------------------------------------------------------------------ */
/* helpers */

static void reset_or_fail(void)
{
	int err = fx_reset();

	if (err)
		fail_msg("fx_reset: %s", strerror(-err));
}

/* The config text (printf) is what the maps run with, or the test fails
 * (the config error is on stderr). */
#define CONFIG(...)							\
	do {								\
		if (fx_config(__VA_ARGS__))				\
			fail_msg("config: see above");			\
	} while (0)

/* Counters only: the window entries of the test stay. */
static void reset_or_fail_keep_window(void)
{
	int err = sl_maps_reset_counters(&fx.maps);

	if (err)
		fail_msg("reset: %s", strerror(-err));
}

static __u32 active_bank(void)
{
	__u32 bank = ~0u;

	assert_int_equal(sl_maps_active_bank(&fx.maps, &bank), 0);
	return bank;
}

static size_t build(const struct frame_spec *fs, const void *payload,
		    size_t len)
{
	size_t n = frame_build(frame, sizeof(frame), fs, payload, len);

	if (!n)
		fail_msg("frame does not fit");
	return n;
}

/* A message through sip_fmt with CRLF line ends, no format directives. */
static size_t text(const char *m)
{
	size_t n = sip_fmt(msg, sizeof(msg), true, "%s", m);

	if (!n)
		fail_msg("message does not fit");
	return n;
}

/*
 * Runs frame and checks the verdict and the whole counter delta.  Then
 * the frame as the stack or the socket would get it: unchanged, behind
 * the responder's metadata when the program redirected.  want_rule:
 * the metadata's rule index if a redirect is expected.  Returns the
 * number of problems, each printed; tables go on with the next row so
 * that one failure does not hide others.
 */
static int check_run(const char *name, size_t len, __u32 verdict,
		     const struct sl_dp_counters *want, __u32 want_rule)
{
	struct sl_dp_counters got;
	char diff[2048];
	__u32 bank;
	int n;

	if (fx_run(frame, len, &res)) {
		print_error("%s: test run failed: %s\n", name,
			    strerror(-res.err));
		return 1;
	}
	if (fx_counters(&got) || sl_maps_active_bank(&fx.maps, &bank)) {
		print_error("%s: cannot read the maps\n", name);
		return 1;
	}
	n = fx_counters_diff(want, &got, diff, sizeof(diff));
	if (res.verdict != verdict || n) {
		print_error("%s: verdict %s (want %s)\n%s", name,
			    fx_verdict_name(res.verdict),
			    fx_verdict_name(verdict), diff);
		return 1;
	}
	if (want->redirect_fallback || want->redirected) {
		if (!res.has_meta) {
			print_error("%s: redirected without metadata (meta_len %u)\n",
				    name, res.meta_len);
			return 1;
		}
		if (res.meta.magic != SL_META_MAGIC ||
		    res.meta.rule != want_rule || res.meta.bank != bank ||
		    res.meta.flags != 0) {
			print_error("%s: metadata magic %#x rule %u bank %u flags %u, want rule %u bank %u\n",
				    name, res.meta.magic, res.meta.rule,
				    res.meta.bank, res.meta.flags, want_rule,
				    bank);
			return 1;
		}
	} else if (res.meta_len) {
		print_error("%s: %u bytes of metadata without a redirect\n",
			    name, res.meta_len);
		return 1;
	}
	if (res.out_len != res.meta_len + len ||
	    memcmp(res.out + res.meta_len, frame, len)) {
		print_error("%s: the frame was changed (out %u bytes, meta %u, in %zu)\n",
			    name, res.out_len, res.meta_len, len);
		return 1;
	}
	return 0;
}

static void expect_run(const char *name, size_t len, __u32 verdict,
		       const struct sl_dp_counters *want, __u32 want_rule)
{
	if (check_run(name, len, verdict, want, want_rule))
		fail_msg("%s: see above", name);
}

/* hits[i] == 1 for i == hit (-1: none), 0 for every other rule. */
static int check_hits(const char *name, int hit)
{
	__u64 hits[SL_MAX_RULES];
	int i;

	if (fx_rule_hits(hits)) {
		print_error("%s: cannot read the rule hits\n", name);
		return 1;
	}
	for (i = 0; i < SL_MAX_RULES; i++) {
		__u64 want = i == hit ? 1 : 0;

		if (hits[i] != want) {
			print_error("%s: rule %d hits %llu, want %llu\n", name,
				    i, (unsigned long long)hits[i],
				    (unsigned long long)want);
			return 1;
		}
	}
	return 0;
}

static void expect_hits(const char *name, int hit)
{
	if (check_hits(name, hit))
		fail_msg("%s: see above", name);
}

/* At the end of a table: fails with the number of bad rows. */
static void table_done(const char *table, int bad, size_t rows)
{
	if (bad)
		fail_msg("%s: %d of %zu rows failed", table, bad, rows);
	print_message("%s: %zu rows\n", table, rows);
}

/* ------------------------------------------------------------------ */
/* messages */

#define VIA_LOCAL	"Via: SIP/2.0/UDP 198.18.0.2:5062;branch=z9hG4bK-t-1\n"
#define FROM_LOCAL	"From: <sip:alice@198.18.0.2>;tag=f-1\n"
#define TO_LOCAL	"To: <sip:bob@198.18.0.1>\n"
#define CID_LOCAL	"Call-ID: t-1@198.18.0.2\n"

/* A request; m is the method, u the request-URI, x extra headers. */
#define REQ(m, u, x)	m " " u " SIP/2.0\n" VIA_LOCAL FROM_LOCAL TO_LOCAL \
			CID_LOCAL "CSeq: 1 " m "\n" x \
			"Max-Forwards: 70\nContent-Length: 0\n\n"

#define OPTIONS_MSG	REQ("OPTIONS", "sip:bob@198.18.0.1", "")
#define INVITE_MSG	REQ("INVITE", "sip:bob@198.18.0.1", "")
#define RESPONSE_MSG	"SIP/2.0 200 OK\n" VIA_LOCAL FROM_LOCAL \
			"To: <sip:bob@198.18.0.1>;tag=x1\n" CID_LOCAL \
			"CSeq: 1 OPTIONS\nContent-Length: 0\n\n"

/* ------------------------------------------------------------------ */
/* fixtures */

static int test_setup(void **state)
{
	(void)state;
	return fx_reset() ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* 1. not SIP, malformed, responses */

enum frame_kind { FK_SPEC, FK_ARP, FK_ND };

struct l2l3_case {
	const char *name;
	enum frame_kind kind;
	struct frame_spec fs;
	const char *msg;
	__u32 verdict;
	struct sl_dp_counters cnt;
};

static const struct l2l3_case not_sip_cases[] = {
	{ "ARP", FK_ARP, {}, NULL, XDP_PASS, C_NOT_SIP },
	{ "IPv6 neighbour solicitation", FK_ND, {}, NULL, XDP_PASS,
	  C_NOT_SIP },
	{ "TCP to 5060", FK_SPEC, { .proto = IPPROTO_TCP }, OPTIONS_MSG,
	  XDP_PASS, C_NOT_SIP },
	{ "TCP to 5060 over IPv6", FK_SPEC,
	  { .family = 6, .proto = IPPROTO_TCP }, OPTIONS_MSG, XDP_PASS,
	  C_NOT_SIP },
	{ "UDP to 5061", FK_SPEC, { .dport = 5061 }, OPTIONS_MSG, XDP_PASS,
	  C_NOT_SIP },
	{ "UDP to 53", FK_SPEC, { .dport = 53 }, "\x12\x34\x01\x00", XDP_PASS,
	  C_NOT_SIP },
	{ "UDP from 5060 to 5062", FK_SPEC, { .sport = 5060, .dport = 5062 },
	  RESPONSE_MSG, XDP_PASS, C_NOT_SIP },
	{ "IPv4 later fragment (offset 185)", FK_SPEC, { .ip_frag = 185 },
	  OPTIONS_MSG, XDP_PASS, C_NOT_SIP },
	{ "IPv4 last fragment (offset, no MF)", FK_SPEC,
	  { .ip_frag = 1 }, OPTIONS_MSG, XDP_PASS, C_NOT_SIP },
	{ "IPv6 fragment header, offset 185", FK_SPEC,
	  { .family = 6, .frag6 = true, .frag6_off = 185 }, OPTIONS_MSG,
	  XDP_PASS, C_NOT_SIP },
	{ "IPv6 hop-by-hop + fragment header, offset 185", FK_SPEC,
	  { .family = 6, .hbh = true, .frag6 = true, .frag6_off = 185 },
	  OPTIONS_MSG, XDP_PASS, C_NOT_SIP },
	{ "nine VLAN tags (more than are read)", FK_SPEC, { .n_vlans = 9 },
	  OPTIONS_MSG, XDP_PASS, C_NOT_SIP },
	/* read for the rules, but no reply can be built for them: a reply
	 * passes */
	{ "IPv4 first fragment (MF)", FK_SPEC, { .ip_frag = FRAME_IP_MF },
	  OPTIONS_MSG, XDP_PASS, C_UNANSWERABLE },
	{ "IPv6 fragment header, first (MF)", FK_SPEC,
	  { .family = 6, .frag6 = true, .frag6_mf = true }, OPTIONS_MSG,
	  XDP_PASS, C_UNANSWERABLE },
	{ "IPv6 atomic fragment (offset 0, no MF)", FK_SPEC,
	  { .family = 6, .frag6 = true }, OPTIONS_MSG,
	  XDP_PASS, C_UNANSWERABLE },
	{ "IPv6 hop-by-hop + fragment header", FK_SPEC,
	  { .family = 6, .hbh = true, .frag6 = true, .frag6_mf = true },
	  OPTIONS_MSG, XDP_PASS, C_UNANSWERABLE },
	{ "three VLAN tags", FK_SPEC, { .n_vlans = 3, .vid = { 10, 20, 30 } },
	  OPTIONS_MSG, XDP_PASS, C_UNANSWERABLE },
	{ "eight VLAN tags", FK_SPEC, { .n_vlans = 8 },
	  OPTIONS_MSG, XDP_PASS, C_UNANSWERABLE },
	{ "IPv6, five extension headers", FK_SPEC,
	  { .family = 6, .hbh = true, .n_dest6 = 4 }, OPTIONS_MSG,
	  XDP_PASS, C_UNANSWERABLE },
	{ "IPv6, eight extension headers", FK_SPEC,
	  { .family = 6, .hbh = true, .n_dest6 = 7 }, OPTIONS_MSG,
	  XDP_PASS, C_UNANSWERABLE },
	/* up to four: answered */
	{ "IPv6, four extension headers", FK_SPEC,
	  { .family = 6, .hbh = true, .n_dest6 = 3 }, OPTIONS_MSG,
	  XDP_PASS, C_REPLY },
	/* longer chains: the source only (no rules here: passed) */
	{ "IPv6, nine extension headers", FK_SPEC,
	  { .family = 6, .hbh = true, .n_dest6 = 8 }, OPTIONS_MSG,
	  XDP_PASS, C_NOT_SIP },
	{ "truncated IPv4 header", FK_SPEC, { .truncate_to = 14 + 12 },
	  OPTIONS_MSG, XDP_PASS, C_NOT_SIP },
	{ "truncated IPv6 header", FK_SPEC,
	  { .family = 6, .truncate_to = 14 + 30 }, OPTIONS_MSG, XDP_PASS,
	  C_NOT_SIP },
	{ "UDP header cut short", FK_SPEC, { .truncate_to = 14 + 20 + 4 },
	  OPTIONS_MSG, XDP_PASS, C_NOT_SIP },
	{ "Ethernet header only", FK_SPEC, { .truncate_to = 14 }, OPTIONS_MSG,
	  XDP_PASS, C_NOT_SIP },
	/* SIP port, a UDP length that is not the IP payload's: the stack
	 * drops a longer one and trims a shorter one; not ours either way */
	{ "UDP length beyond the IP packet", FK_SPEC, { .udp_len_adj = 10 },
	  OPTIONS_MSG, XDP_PASS, C_UDP_LEN },
	{ "UDP length beyond the IP packet, IPv6", FK_SPEC,
	  { .family = 6, .udp_len_adj = 1 }, OPTIONS_MSG, XDP_PASS,
	  C_UDP_LEN },
	{ "UDP length one short of the IP payload", FK_SPEC,
	  { .udp_len_adj = -1 }, OPTIONS_MSG, XDP_PASS, C_UDP_LEN },
	{ "UDP length short of the IP payload, IPv6", FK_SPEC,
	  { .family = 6, .udp_len_adj = -20 }, OPTIONS_MSG, XDP_PASS,
	  C_UDP_LEN },
	{ "UDP length short of the IP payload, 2 VLAN tags", FK_SPEC,
	  { .n_vlans = 2, .vid = { 7, 8 }, .udp_len_adj = -8 }, OPTIONS_MSG,
	  XDP_PASS, C_UDP_LEN },
	{ "UDP length 8 (no payload) in a longer packet", FK_SPEC,
	  { .udp_len = 8 }, OPTIONS_MSG, XDP_PASS, C_UDP_LEN },
	{ "UDP length 65535", FK_SPEC, { .udp_len = 0xffff },
	  OPTIONS_MSG, XDP_PASS, C_UDP_LEN },
	{ "UDP length 4 (< header)", FK_SPEC, { .udp_len = 4 },
	  OPTIONS_MSG, XDP_PASS, C_PARSE_FAIL },
	/* the lengths agree, the frame is shorter than both */
	{ "frame cut short of its IP length", FK_SPEC,
	  { .truncate_to = 14 + 20 + 8 + 10 }, OPTIONS_MSG, XDP_PASS,
	  C_PARSE_FAIL },
	{ "not a request line", FK_SPEC, {}, "hello world\n\n", XDP_PASS,
	  C_PARSE_FAIL },
	{ "request line without SIP version", FK_SPEC, {},
	  "OPTIONS sip:bob@198.18.0.1\nVia: SIP/2.0/UDP 198.18.0.2\n\n",
	  XDP_PASS, C_PARSE_FAIL },
	{ "no line end at all", FK_SPEC, {},
	  "OPTIONS sip:bob@198.18.0.1 SIP/2.0", XDP_PASS, C_PARSE_FAIL },
	/* responses pass, also in front of the configured reply */
	{ "SIP/2.0 200 OK", FK_SPEC, {}, RESPONSE_MSG, XDP_PASS, C_RESPONSE },
	{ "SIP/2.0 200 OK over IPv6 + VLAN", FK_SPEC,
	  { .family = 6, .n_vlans = 1, .vid = { 7 } }, RESPONSE_MSG,
	  XDP_PASS, C_RESPONSE },
	{ "SIP/2.0 100 Trying", FK_SPEC, {},
	  "SIP/2.0 100 Trying\n" VIA_LOCAL "\n", XDP_PASS, C_RESPONSE },
	/* not fragments, not malformed: these are SIP */
	{ "IPv4 DF set", FK_SPEC, { .ip_frag = 0x4000 }, OPTIONS_MSG,
	  XDP_PASS, C_REPLY },
	{ "Ethernet padding after a short datagram", FK_SPEC,
	  { .trailer = 30 }, "OPTIONS sip:b SIP/2.0\n\n", XDP_PASS, C_REPLY },
	{ "UDP checksum set", FK_SPEC, { .udp_csum = true }, OPTIONS_MSG,
	  XDP_PASS, C_REPLY },
};

static void test_not_sip(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	/* reply to every request: only non-SIP handling can make a PASS
	 * without redirect_fallback */
	CONFIG(FX_SL "default_action = reply\n");

	for (i = 0; i < ARRAY_SIZE(not_sip_cases); i++) {
		const struct l2l3_case *c = &not_sip_cases[i];
		size_t len;

		reset_or_fail();
		if (c->kind == FK_ARP)
			len = frame_arp(frame, sizeof(frame));
		else if (c->kind == FK_ND)
			len = frame_nd(frame, sizeof(frame));
		else
			len = build(&c->fs, msg, text(c->msg));
		assert_true(len > 0);
		bad += check_run(c->name, len, c->verdict, &c->cnt,
				 SL_META_DEFAULT_RULE);
	}
	table_done("not SIP", bad, i);
}

/* Request lines of the shapes the request line parser reads in one word
 * (the method's SP in the first word, " SIP/2.0" the last word) and
 * those it reads the long way; a request line only scan whose LF is past
 * the first 64 bytes (sl_scan_run(), not the in-line search).  OPTIONS
 * is answered, SUBSCRIBE dropped, anything else passed. */
#define RL_HDRS		VIA_LOCAL FROM_LOCAL TO_LOCAL CID_LOCAL \
			"CSeq: 1 OPTIONS\nContent-Length: 0\n\n"
#define RL_URI80	"sip:bob-with-a-long-user-part-to-pass-64-bytes-" \
			"xxxxxxxxxxxxxxxxxxxx@198.18.0.1"

static const struct l2l3_case request_line_cases[] = {
	{ "plain", FK_SPEC, {}, "OPTIONS sip:bob@198.18.0.1 SIP/2.0\n" RL_HDRS,
	  XDP_PASS, C_REPLY },
	{ "line past 64 bytes", FK_SPEC, {},
	  "OPTIONS " RL_URI80 " SIP/2.0\n" RL_HDRS, XDP_PASS, C_REPLY },
	{ "trailing SP and HT", FK_SPEC, {},
	  "OPTIONS sip:bob@198.18.0.1 SIP/2.0 \t \n" RL_HDRS, XDP_PASS,
	  C_REPLY },
	{ "extra SP around the URI", FK_SPEC, {},
	  "OPTIONS   sip:bob@198.18.0.1   SIP/2.0\n" RL_HDRS, XDP_PASS,
	  C_REPLY },
	{ "lower-case version", FK_SPEC, {},
	  "OPTIONS sip:bob@198.18.0.1 sip/2.0\n" RL_HDRS, XDP_PASS, C_REPLY },
	{ "version token of 9 bytes", FK_SPEC, {},
	  "OPTIONS sip:bob@198.18.0.1 SIP/2.0.1\n" RL_HDRS, XDP_PASS, C_REPLY },
	{ "no SP before the version", FK_SPEC, {},
	  "OPTIONS sip:bob@198.18.0.1SIP/2.0\n" RL_HDRS, XDP_PASS,
	  C_PARSE_FAIL },
	{ "a token after the version", FK_SPEC, {},
	  "OPTIONS sip:bob@198.18.0.1 SIP/2.0 x\n" RL_HDRS, XDP_PASS,
	  C_PARSE_FAIL },
	{ "method of 9 bytes", FK_SPEC, {},
	  "SUBSCRIBE sip:bob@198.18.0.1 SIP/2.0\n" RL_HDRS, XDP_DROP, C_DROP },
	{ "method of 8 bytes", FK_SPEC, {},
	  "OPTIONSX sip:bob@198.18.0.1 SIP/2.0\n" RL_HDRS, XDP_PASS, C_PASS },
	{ "method of 9 bytes, line past 64 bytes", FK_SPEC, {},
	  "SUBSCRIBE " RL_URI80 " SIP/2.0\n" RL_HDRS, XDP_DROP, C_DROP },
};

static void test_request_lines(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	CONFIG(FX_SL "[rule options]\nmethod = OPTIONS\naction = reply\n"
	       "[rule subscribe]\nmethod = SUBSCRIBE\naction = drop\n");
	for (i = 0; i < ARRAY_SIZE(request_line_cases); i++) {
		const struct l2l3_case *c = &request_line_cases[i];

		reset_or_fail();
		bad += check_run(c->name, build(&c->fs, msg, text(c->msg)),
				 c->verdict, &c->cnt,
				 0);	/* the OPTIONS rule, when it answers */
	}
	table_done("request lines", bad, i);
}

/* ------------------------------------------------------------------ */
/* 2. L2/L3 variants of an OPTIONS that a reply rule matches */

static const struct l2l3_case l2l3_cases[] = {
	{ "plain IPv4", FK_SPEC, {}, OPTIONS_MSG, XDP_PASS, C_REPLY },
	{ "802.1Q", FK_SPEC, { .n_vlans = 1, .vid = { 100 } }, OPTIONS_MSG,
	  XDP_PASS, C_REPLY },
	{ "QinQ 88a8 + 8100", FK_SPEC, { .n_vlans = 2, .vid = { 100, 200 } },
	  OPTIONS_MSG, XDP_PASS, C_REPLY },
	{ "double 8100", FK_SPEC,
	  { .n_vlans = 2, .tpid = { FRAME_TPID_8021Q, FRAME_TPID_8021Q },
	    .vid = { 100, 200 } }, OPTIONS_MSG, XDP_PASS, C_REPLY },
	{ "IPv4 options, ihl 6", FK_SPEC, { .ip_opt_len = 4 }, OPTIONS_MSG,
	  XDP_PASS, C_REPLY },
	{ "IPv4 options, ihl 11", FK_SPEC, { .ip_opt_len = 24 }, OPTIONS_MSG,
	  XDP_PASS, C_REPLY },
	{ "IPv4 options, ihl 15", FK_SPEC, { .ip_opt_len = 40 }, OPTIONS_MSG,
	  XDP_PASS, C_REPLY },
	{ "IPv4 options ihl 15 + QinQ", FK_SPEC,
	  { .ip_opt_len = 40, .n_vlans = 2, .vid = { 1, 2 } }, OPTIONS_MSG,
	  XDP_PASS, C_REPLY },
	{ "IPv6", FK_SPEC, { .family = 6 }, OPTIONS_MSG, XDP_PASS, C_REPLY },
	{ "IPv6 hop-by-hop", FK_SPEC, { .family = 6, .hbh = true },
	  OPTIONS_MSG, XDP_PASS, C_REPLY },
	{ "IPv6 hop-by-hop + 802.1Q", FK_SPEC,
	  { .family = 6, .hbh = true, .n_vlans = 1, .vid = { 5 } },
	  OPTIONS_MSG, XDP_PASS, C_REPLY },
	{ "IPv6 + QinQ", FK_SPEC,
	  { .family = 6, .n_vlans = 2, .vid = { 5, 6 } }, OPTIONS_MSG,
	  XDP_PASS, C_REPLY },
	/* the rule really decides: an INVITE meets the default (pass) */
	{ "INVITE, no rule", FK_SPEC, {}, INVITE_MSG, XDP_PASS, C_PASS },
	{ "INVITE, no rule, IPv6 hop-by-hop", FK_SPEC,
	  { .family = 6, .hbh = true }, INVITE_MSG, XDP_PASS, C_PASS },
};

static void test_l2l3_variants(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	CONFIG(FX_SL "[rule options]\nmethod = OPTIONS\nreply = 200 OK\n");

	for (i = 0; i < ARRAY_SIZE(l2l3_cases); i++) {
		const struct l2l3_case *c = &l2l3_cases[i];
		size_t len;

		reset_or_fail();
		len = build(&c->fs, msg, text(c->msg));
		bad += check_run(c->name, len, c->verdict, &c->cnt, 0) ||
		       check_hits(c->name, c->cnt.redirect_fallback ? 0 : -1);
	}
	table_done("L2/L3 variants", bad, i);
}

/* ------------------------------------------------------------------ */
/* 3. to-tag vectors of the spec, through the userspace reference */

#define STR(lit)	((struct sl_str){ .s = (lit), .len = sizeof(lit) - 1 })
#define ABSENT		((struct sl_str){ .s = NULL, .len = 0 })

static void expect_suffix(struct sl_str host, struct sl_str port,
			  struct sl_str branch, struct sl_str callid,
			  const char *want)
{
	char hex[SL_SUFFIX_LEN];

	sl_totag_suffix_hex(sl_totag_suffix(host, port, branch, callid), hex);
	assert_memory_equal(hex, want, SL_SUFFIX_LEN);
}

static void test_totag_vectors(void **state)
{
	char sig[SL_SIG_LEN];

	(void)state;
	sl_totag_signature(FX_SEED, FX_SIG_IP, FX_SIG_PORT, sig);
	assert_memory_equal(sig, FX_SIG, SL_SIG_LEN);
	/* 7 (b): the INVITE and its non-2xx ACK */
	expect_suffix(STR("10.0.0.5"), STR("5062"), STR("z9hG4bK-inv-0001"),
		      STR("inv-callid-0001@10.0.0.5"), "ef6c50a2");
	/* 7 (b): the 2xx ACK (new branch): CRC-A changes, CRC-B not */
	expect_suffix(STR("10.0.0.5"), STR("5062"), STR("z9hG4bK-ack-2xx-9"),
		      STR("inv-callid-0001@10.0.0.5"), "ef5050a2");
	/* 7 (a) */
	expect_suffix(STR("127.0.0.1"), STR("40000"), STR("z9hG4bK-t2-1"),
		      STR("cid-t2-1@test"), "83dd7ae3");
	/* 7, compact 180 */
	expect_suffix(STR("127.0.0.1"), STR("40000"),
		      STR("z9hG4bK-compact-1"), STR("compact-cid@test"),
		      "98721ebf");
	/* 1.4: no Via port, any branch and Call-ID */
	expect_suffix(STR("127.0.0.1"), ABSENT, STR("z9hG4bK-whatever"),
		      STR("any@thing"), "78550000");
}

/* ------------------------------------------------------------------ */
/* 4. ACK absorption */

struct pieces {
	const char *host, *port, *branch, *callid;	/* NULL: absent */
};

enum tag_kind {
	TAG_OURS,		/* signature '.' suffix of the tag pieces */
	TAG_LITERAL,		/* tag_text as given */
	TAG_LAST_CHAR,		/* ours, last character changed */
	TAG_UPPER,		/* ours, upper-cased */
	TAG_UPPER_SUFFIX,	/* ours, suffix upper-cased */
};

enum entry_kind {
	E_NONE,
	E_LIVE,			/* sent now */
	E_RECENT,		/* sent 1 s ago */
	E_EXPIRED,		/* sent 3 s ago */
	E_FOREIGN,		/* re-INVITE: key_tag of entry_tag, now */
	E_OVERWRITTEN,		/* live, then its slot taken by another key */
};

struct ack_case {
	const char *name;
	const char *tmpl;	/* %1$s: the To-tag */
	bool lf_only;
	__u8 family;
	struct pieces tag;	/* pieces of the To-tag */
	struct pieces key;	/* pieces of the window key; host NULL: tag's */
	enum tag_kind tag_kind;
	const char *tag_text;	/* TAG_LITERAL */
	enum entry_kind entry;
	const char *entry_tag;	/* E_FOREIGN */
	__u32 verdict;
	struct sl_dp_counters cnt;
};

#define P_B		{ "10.0.0.5", "5062", "z9hG4bK-inv-0001", \
			  "inv-callid-0001@10.0.0.5" }
#define ACK_LINE	"ACK sip:r486@127.0.0.1:5070 SIP/2.0\n"
#define ACK_VIA_B	"Via: SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n"
#define ACK_FROM	"From: \"Alice\" <sip:alice@example.com>;tag=a1b2c3\n"
#define ACK_TO		"To: <sip:r486@127.0.0.1>;tag=%1$s\n"
#define ACK_CID_B	"Call-ID: inv-callid-0001@10.0.0.5\n"
#define ACK_END		"CSeq: 101 ACK\nMax-Forwards: 70\nContent-Length: 0\n\n"
/* the non-2xx ACK of spec 7 (b) */
#define ACK_B		ACK_LINE ACK_VIA_B ACK_FROM ACK_TO ACK_CID_B ACK_END
#define TAG_B		FX_SIG ".ef6c50a2"

/* the 7(b) ACK with another To line, our tag in it (%1$s), a live entry */
#define TO_CASE(name, to, v, c)					\
	{ name, ACK_LINE ACK_VIA_B ACK_FROM to ACK_CID_B ACK_END,	\
	  .tag = P_B, .entry = E_LIVE, .verdict = v, .cnt = c }
/* ... with another top Via line instead: the tag of P_B's pieces, or
 * (VIA_TAG_CASE) of the line's own host, port and branch */
#define VIA_TAG_CASE(name, via, host, port, branch, v, c)		\
	{ name, ACK_LINE via ACK_FROM ACK_TO ACK_CID_B ACK_END,		\
	  .tag = { host, port, branch, "inv-callid-0001@10.0.0.5" },	\
	  .entry = E_LIVE, .verdict = v, .cnt = c }
#define VIA_CASE(name, via, v, c)					\
	{ name, ACK_LINE via ACK_FROM ACK_TO ACK_CID_B ACK_END,		\
	  .tag = P_B, .entry = E_LIVE, .verdict = v, .cnt = c }

static const struct ack_case ack_cases[] = {
	/* the spec's own bytes: literal tag, entry keyed by our suffix */
	{ "7(b) ACK, live entry", ACK_B, .tag = P_B, .tag_kind = TAG_LITERAL,
	  .tag_text = TAG_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "7(b) ACK, entry 1 s old", ACK_B, .tag = P_B, .entry = E_RECENT,
	  .verdict = XDP_DROP, .cnt = C_ABSORBED },
	{ "7(b) ACK, entry 3 s old", ACK_B, .tag = P_B, .entry = E_EXPIRED,
	  .verdict = XDP_PASS, .cnt = C_ACK_PASS(.acks_expired = 1) },
	{ "7(b) ACK, no entry", ACK_B, .tag = P_B, .entry = E_NONE,
	  .verdict = XDP_PASS, .cnt = C_ACK_PASS(.acks_no_entry = 1) },
	{ "7(b) ACK, entry of another reply", ACK_B, .tag = P_B,
	  .key = { "10.0.0.5", "5062", "z9hG4bK-inv-0002",
		   "inv-callid-0001@10.0.0.5" },
	  .entry = E_LIVE, .verdict = XDP_PASS,
	  .cnt = C_ACK_PASS(.acks_no_entry = 1) },
	{ "last tag character changed (...50a0)", ACK_B, .tag = P_B,
	  .tag_kind = TAG_LITERAL, .tag_text = FX_SIG ".ef6c50a0",
	  .entry = E_LIVE, .verdict = XDP_PASS,
	  .cnt = C_ACK_PASS(.acks_bad_tag = 1) },
	{ "last tag character changed (computed)", ACK_B, .tag = P_B,
	  .tag_kind = TAG_LAST_CHAR, .entry = E_LIVE, .verdict = XDP_PASS,
	  .cnt = C_ACK_PASS(.acks_bad_tag = 1) },
	{ "upper-cased tag", ACK_B, .tag = P_B, .tag_kind = TAG_UPPER,
	  .entry = E_LIVE, .verdict = XDP_PASS,
	  .cnt = C_ACK_PASS(.acks_no_entry = 1) },
	{ "upper-cased suffix", ACK_B, .tag = P_B,
	  .tag_kind = TAG_UPPER_SUFFIX, .entry = E_LIVE, .verdict = XDP_PASS,
	  .cnt = C_ACK_PASS(.acks_bad_tag = 1) },
	{ "tag of another signature", ACK_B, .tag = P_B,
	  .tag_kind = TAG_LITERAL,
	  .tag_text = "7d69ce80ff1a41f18f7daaf2375681a9.ef6c50a2",
	  .entry = E_LIVE, .verdict = XDP_PASS,
	  .cnt = C_ACK_PASS(.acks_no_entry = 1) },
	{ "tag one character short", ACK_B, .tag = P_B,
	  .tag_kind = TAG_LITERAL, .tag_text = FX_SIG ".ef6c50a",
	  .entry = E_LIVE, .verdict = XDP_PASS,
	  .cnt = C_ACK_PASS(.acks_no_entry = 1) },
	{ "tag one character long", ACK_B, .tag = P_B,
	  .tag_kind = TAG_LITERAL, .tag_text = FX_SIG ".ef6c50a2f",
	  .entry = E_LIVE, .verdict = XDP_PASS,
	  .cnt = C_ACK_PASS(.acks_no_entry = 1) },
	/* 2xx ACK: new branch, the INVITE's tag */
	{ "new branch (ACK to a 2xx)",
	  ACK_LINE "Via: SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-ack-2xx-9\n"
	  ACK_FROM ACK_TO ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_PASS,
	  .cnt = C_ACK_PASS(.acks_bad_tag = 1) },
	{ "7(a) Via, literal tag",
	  ACK_LINE "Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-t2-1\n"
	  ACK_FROM "To: <sip:r200@127.0.0.1>;tag=%1$s\n"
	  "Call-ID: cid-t2-1@test\n" ACK_END,
	  .tag = { "127.0.0.1", "40000", "z9hG4bK-t2-1", "cid-t2-1@test" },
	  .tag_kind = TAG_LITERAL, .tag_text = FX_SIG ".83dd7ae3",
	  .entry = E_LIVE, .verdict = XDP_DROP, .cnt = C_ABSORBED },
	/* Via without port: CRC-A over the host only, CRC-B 0000 */
	{ "Via without port, literal tag",
	  ACK_LINE "Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK-noport-1\n"
	  ACK_FROM ACK_TO "Call-ID: noport-1@127.0.0.1\n" ACK_END,
	  .tag = { "127.0.0.1", NULL, "z9hG4bK-noport-1",
		   "noport-1@127.0.0.1" },
	  .tag_kind = TAG_LITERAL, .tag_text = FX_SIG ".78550000",
	  .entry = E_LIVE, .verdict = XDP_DROP, .cnt = C_ABSORBED },
	{ "Via without port, entry keyed with branch+Call-ID",
	  ACK_LINE "Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK-noport-1\n"
	  ACK_FROM ACK_TO "Call-ID: noport-1@127.0.0.1\n" ACK_END,
	  .tag = { "127.0.0.1", NULL, "z9hG4bK-noport-1",
		   "noport-1@127.0.0.1" },
	  .tag_kind = TAG_LITERAL, .tag_text = FX_SIG ".78550000",
	  /* a wrong key: the pieces after the absent port do not count */
	  .key = { "127.0.0.1", "", "z9hG4bK-noport-1",
		   "noport-1@127.0.0.1" },
	  .entry = E_LIVE, .verdict = XDP_PASS,
	  .cnt = C_ACK_PASS(.acks_no_entry = 1) },
	/* IPv6 sent-by: the brackets are part of the CRC input */
	{ "IPv6 Via host in brackets",
	  ACK_LINE "Via: SIP/2.0/UDP [2001:2::5]:5062;rport;branch=z9hG4bK-v6-1\n"
	  ACK_FROM ACK_TO "Call-ID: v6-1@[2001:2::5]\n" ACK_END,
	  .family = 6,
	  .tag = { "[2001:2::5]", "5062", "z9hG4bK-v6-1", "v6-1@[2001:2::5]" },
	  .entry = E_LIVE, .verdict = XDP_DROP, .cnt = C_ABSORBED },
	{ "IPv6 Via, tag computed without brackets",
	  ACK_LINE "Via: SIP/2.0/UDP [2001:2::5]:5062;rport;branch=z9hG4bK-v6-1\n"
	  ACK_FROM ACK_TO "Call-ID: v6-1@[2001:2::5]\n" ACK_END,
	  .family = 6,
	  .tag = { "2001:2::5", "5062", "z9hG4bK-v6-1", "v6-1@[2001:2::5]" },
	  .entry = E_LIVE, .verdict = XDP_PASS,
	  .cnt = C_ACK_PASS(.acks_bad_tag = 1) },
	{ "IPv6 Via host without port",
	  ACK_LINE "Via: SIP/2.0/UDP [2001:2::5];branch=z9hG4bK-v6-2\n"
	  ACK_FROM ACK_TO "Call-ID: v6-2@[2001:2::5]\n" ACK_END,
	  .family = 6,
	  .tag = { "[2001:2::5]", NULL, "z9hG4bK-v6-2", "v6-2@[2001:2::5]" },
	  .entry = E_LIVE, .verdict = XDP_DROP, .cnt = C_ABSORBED },
	{ "7(b) ACK in an IPv6 frame", ACK_B, .family = 6, .tag = P_B,
	  .entry = E_LIVE, .verdict = XDP_DROP, .cnt = C_ABSORBED },
	/* header syntax */
	{ "compact v: t: i:",
	  ACK_LINE "v: SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n"
	  "f: <sip:alice@example.com>;tag=a1b2c3\n"
	  "t: <sip:r486@127.0.0.1>;tag=%1$s\n"
	  "i: inv-callid-0001@10.0.0.5\n" ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "compact headers, upper case V: T: I:",
	  ACK_LINE "V: SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n"
	  "T: <sip:r486@127.0.0.1>;tag=%1$s\n"
	  "I: inv-callid-0001@10.0.0.5\n" ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "header names VIA, tO, cAll-Id",
	  ACK_LINE "VIA: SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n"
	  ACK_FROM "tO: <sip:r486@127.0.0.1>;tag=%1$s\n"
	  "cAll-Id: inv-callid-0001@10.0.0.5\n" ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "whitespace before the colons",
	  ACK_LINE "Via  : SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n"
	  ACK_FROM "To : <sip:r486@127.0.0.1>;tag=%1$s\n"
	  "Call-ID\t: inv-callid-0001@10.0.0.5\n" ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "no whitespace after the colons",
	  ACK_LINE "Via:SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n"
	  ACK_FROM "To:<sip:r486@127.0.0.1>;tag=%1$s\n"
	  "Call-ID:inv-callid-0001@10.0.0.5\n" ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "folded To, tag on the continuation line",
	  ACK_LINE ACK_VIA_B ACK_FROM
	  "To: <sip:r486@127.0.0.1>\n ;tag=%1$s\n" ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "folded To, tag value after a folded '='",
	  ACK_LINE ACK_VIA_B ACK_FROM
	  "To:\n <sip:r486@127.0.0.1>;tag=\n\t%1$s\n" ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "folded Via, params on the continuation line",
	  ACK_LINE "Via: SIP/2.0/UDP 10.0.0.5:5062\n ;rport;branch=z9hG4bK-inv-0001\n"
	  ACK_FROM ACK_TO ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "folded Via, sent-by on the continuation line",
	  ACK_LINE "Via: SIP / 2.0 / UDP\n  10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n"
	  ACK_FROM ACK_TO ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "LWS around ':', ';' and '=' in the Via",
	  ACK_LINE "Via: SIP/2.0/UDP 10.0.0.5 : 5062 ; rport ; branch = z9hG4bK-inv-0001\n"
	  ACK_FROM ACK_TO ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "two Vias on one line, tag of the first",
	  ACK_LINE "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001, SIP/2.0/UDP 198.18.0.9:5060;branch=z9hG4bK-y\n"
	  ACK_FROM ACK_TO ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "two branch params: the last one counts (as in Kamailio)",
	  ACK_LINE "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-first;rport;branch=z9hG4bK-inv-0001\n"
	  ACK_FROM ACK_TO ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "two branch params, slow path (blank before ';'): the last counts",
	  ACK_LINE "Via: SIP/2.0/UDP 10.0.0.5:5062 ;branch=z9hG4bK-first ;branch=z9hG4bK-inv-0001\n"
	  ACK_FROM ACK_TO ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "two branch params, tag computed from the first: not absorbed",
	  ACK_LINE "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001;branch=z9hG4bK-second\n"
	  ACK_FROM ACK_TO ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_PASS,
	  .cnt = C_ACK_PASS(.acks_bad_tag = 1) },
	/* an empty Via parameter name: Kamailio's parse_via() fails in
	 * state F_PARAM ("null param?" for ';') and drops the message; the
	 * safe outcome here is to pass it */
	VIA_CASE("Via: empty parameter name (;;rport)",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;;rport;branch=z9hG4bK-inv-0001\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("Via: empty parameter name before the branch (;;branch=)",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;rport;;branch=z9hG4bK-inv-0001\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("Via: empty parameter name, blank inside (; ;branch=)",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;rport; ;branch=z9hG4bK-inv-0001\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("Via: empty parameter name with a value (;=x)",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;=x;rport;branch=z9hG4bK-inv-0001\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("Via: ';' at the end (;branch=...;)",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001;\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("Via: ';' before the next Via (;branch=...;, SIP/2.0/UDP ...)",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001;, SIP/2.0/UDP 198.18.0.9:5060;branch=z9hG4bK-y\n",
		 XDP_PASS, C_ACK_PASS()),
	{ "Via without port: empty parameter name (host;;branch=)",
	  ACK_LINE "Via: SIP/2.0/UDP 127.0.0.1;;branch=z9hG4bK-noport-1\n"
	  ACK_FROM ACK_TO "Call-ID: noport-1@127.0.0.1\n" ACK_END,
	  .tag = { "127.0.0.1", NULL, "z9hG4bK-noport-1",
		   "noport-1@127.0.0.1" },
	  .entry = E_LIVE, .verdict = XDP_PASS, .cnt = C_ACK_PASS() },
	VIA_CASE("Via: blanks after ';' (; rport; branch=) are no empty name",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062; rport; branch=z9hG4bK-inv-0001\n",
		 XDP_DROP, C_ABSORBED),
	/* the usual parameters read in place (sip/via.h via_branch_fast()),
	 * and the shapes next to them that params_fast() reads */
	VIA_CASE("Via: branch, then rport",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001;rport\n",
		 XDP_DROP, C_ABSORBED),
	VIA_CASE("Via: RPORT;BRANCH= in upper case",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;RPORT;BRANCH=z9hG4bK-inv-0001\n",
		 XDP_DROP, C_ABSORBED),
	VIA_CASE("Via: branch, then rport with a value",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001;rport=9\n",
		 XDP_DROP, C_ABSORBED),
	VIA_CASE("Via: branch, then rport and a second branch (the last counts)",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001;rport;branch=z9hG4bK-x\n",
		 XDP_PASS, C_ACK_PASS(.acks_bad_tag = 1)),
	/* parameters Kamailio's parse_via_param() wants a value for
	 * (branch, received, maddr, ttl, i: parse_via.c FIN_BRANCH...):
	 * the Via fails, the ACK passes, where the value is missing */
	VIA_TAG_CASE("Via: empty branch value at the end fails the Via",
		     "Via: SIP/2.0/UDP 10.0.0.5:5062;rport;branch=\n",
		     "10.0.0.5", "5062", NULL, XDP_PASS, C_ACK_PASS()),
	VIA_TAG_CASE("Via: empty branch value, then ';' (null branch)",
		     "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=;rport\n",
		     "10.0.0.5", "5062", NULL, XDP_DROP, C_ABSORBED),
	VIA_TAG_CASE("Via: empty branch value, blank, then ';' (null branch)",
		     "Via: SIP/2.0/UDP 10.0.0.5:5062;branch= ;rport\n",
		     "10.0.0.5", "5062", NULL, XDP_DROP, C_ABSORBED),
	VIA_TAG_CASE("Via: empty branch value, then ',' fails the Via",
		     "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=, SIP/2.0/UDP 198.18.0.9\n",
		     "10.0.0.5", "5062", NULL, XDP_PASS, C_ACK_PASS()),
	VIA_TAG_CASE("Via: branch without '=' at the end fails the Via",
		     "Via: SIP/2.0/UDP 10.0.0.5:5062;rport;branch\n",
		     "10.0.0.5", "5062", NULL, XDP_PASS, C_ACK_PASS()),
	VIA_TAG_CASE("Via: branch without '=', then ';' fails the Via",
		     "Via: SIP/2.0/UDP 10.0.0.5:5062;branch;rport\n",
		     "10.0.0.5", "5062", NULL, XDP_PASS, C_ACK_PASS()),
	VIA_TAG_CASE("Via: branch without '=', then ',' fails the Via",
		     "Via: SIP/2.0/UDP 10.0.0.5:5062;branch, SIP/2.0/UDP 198.18.0.9\n",
		     "10.0.0.5", "5062", NULL, XDP_PASS, C_ACK_PASS()),
	VIA_TAG_CASE("Via: branch, a blank, then ',' fails the Via",
		     "Via: SIP/2.0/UDP 10.0.0.5:5062;branch , SIP/2.0/UDP 198.18.0.9\n",
		     "10.0.0.5", "5062", NULL, XDP_PASS, C_ACK_PASS()),
	VIA_TAG_CASE("Via: branch, a blank, then the end fails the Via",
		     "Via: SIP/2.0/UDP 10.0.0.5:5062;rport;branch \n",
		     "10.0.0.5", "5062", NULL, XDP_PASS, C_ACK_PASS()),
	VIA_TAG_CASE("Via: branch, a blank, then ';' (null branch, the last)",
		     "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001;branch ;rport\n",
		     "10.0.0.5", "5062", NULL, XDP_DROP, C_ABSORBED),
	VIA_CASE("Via: received without a value fails the Via",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001;received\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("Via: received with a value",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001;received=198.18.0.9\n",
		 XDP_DROP, C_ABSORBED),
	VIA_CASE("Via: received, a blank, then ';' (a null value)",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;received ;branch=z9hG4bK-inv-0001\n",
		 XDP_DROP, C_ABSORBED),
	VIA_CASE("Via: maddr without a value fails the Via",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;MADDR;branch=z9hG4bK-inv-0001\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("Via: ttl without a value fails the Via",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001;ttl;rport\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("Via: i with '=' and no value at the end fails the Via",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001;i=\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("Via: ttl, maddr and i with values",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;ttl=1;maddr=m;i=7;branch=z9hG4bK-inv-0001\n",
		 XDP_DROP, C_ABSORBED),
	VIA_CASE("Via: other names may lack a value (id, rport, x=)",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;id;branch=z9hG4bK-inv-0001;rport;x=\n",
		 XDP_DROP, C_ABSORBED),
	VIA_CASE("Via: any name, '=' and no value before ',' fails the Via",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001;x=, SIP/2.0/UDP 198.18.0.9\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("Via: rport, '=' and no value before ',' fails the Via",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001;rport=, SIP/2.0/UDP 198.18.0.9\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("Via: name, a blank, then ',' fails the Via (x ,)",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001;x , SIP/2.0/UDP 198.18.0.9\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("Via: rport, hidden, alias, a blank, then ',' (LWS ends them)",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001;hidden ;alias ;rport , SIP/2.0/UDP 198.18.0.9\n",
		 XDP_DROP, C_ABSORBED),
	VIA_CASE("Via: name without a value before ',' (x,)",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001;x, SIP/2.0/UDP 198.18.0.9\n",
		 XDP_DROP, C_ABSORBED),
	VIA_CASE("Via: branch=, then a blank and rport",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001 ;rport\n",
		 XDP_DROP, C_ABSORBED),
	VIA_TAG_CASE("Via: branch of 43 bytes (past the in-line search)",
		     "Via: SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-0123456789012345678901234567890123\n",
		     "10.0.0.5", "5062", "z9hG4bK-0123456789012345678901234567890123",
		     XDP_DROP, C_ABSORBED),
	/* the port read from one word (sip/via.h via_port_end()) */
	VIA_TAG_CASE("Via port 65535",
		     "Via: SIP/2.0/UDP 10.0.0.5:65535;rport;branch=z9hG4bK-inv-0001\n",
		     "10.0.0.5", "65535", "z9hG4bK-inv-0001",
		     XDP_DROP, C_ABSORBED),
	VIA_TAG_CASE("Via port with a leading zero (05062: its text is in the tag)",
		     "Via: SIP/2.0/UDP 10.0.0.5:05062;branch=z9hG4bK-inv-0001\n",
		     "10.0.0.5", "05062", "z9hG4bK-inv-0001",
		     XDP_DROP, C_ABSORBED),
	/* ';' or ',' where the host starts: parse_via()'s F_HOST, "no
	 * host found"; the tag of the host as if it were one */
	VIA_TAG_CASE("Via: ';' where the host starts fails the Via",
		     "Via: SIP/2.0/UDP ;10.0.0.5;branch=z9hG4bK-inv-0001\n",
		     ";10.0.0.5", NULL, "z9hG4bK-inv-0001", XDP_PASS, C_ACK_PASS()),
	VIA_TAG_CASE("Via: ',' where the host starts, after a blank, fails the Via",
		     "Via: SIP/2.0/UDP  ,10.0.0.5:5062 ;branch=z9hG4bK-inv-0001\n",
		     ",10.0.0.5", "5062", "z9hG4bK-inv-0001", XDP_PASS, C_ACK_PASS()),
	/* Kamailio's str2s(): a 6th digit fails the Via, 65536..99999
	 * wrap with no error (the tag takes the text) */
	VIA_TAG_CASE("Via port 00000",
		     "Via: SIP/2.0/UDP 10.0.0.5:00000;branch=z9hG4bK-inv-0001\n",
		     "10.0.0.5", "00000", "z9hG4bK-inv-0001",
		     XDP_DROP, C_ABSORBED),
	VIA_TAG_CASE("Via port of 6 digits (005062) fails the Via",
		     "Via: SIP/2.0/UDP 10.0.0.5:005062;branch=z9hG4bK-inv-0001\n",
		     "10.0.0.5", "005062", "z9hG4bK-inv-0001",
		     XDP_PASS, C_ACK_PASS()),
	VIA_TAG_CASE("Via port of 6 digits, then a blank, fails the Via",
		     "Via: SIP/2.0/UDP 10.0.0.5:100000 ;branch=z9hG4bK-inv-0001\n",
		     "10.0.0.5", "100000", "z9hG4bK-inv-0001",
		     XDP_PASS, C_ACK_PASS()),
	VIA_TAG_CASE("Via port 65536 (Kamailio wraps it)",
		     "Via: SIP/2.0/UDP 10.0.0.5:65536;branch=z9hG4bK-inv-0001\n",
		     "10.0.0.5", "65536", "z9hG4bK-inv-0001",
		     XDP_DROP, C_ABSORBED),
	VIA_TAG_CASE("Via port 99999, then a blank (Kamailio wraps it)",
		     "Via: SIP/2.0/UDP 10.0.0.5:99999 ;branch=z9hG4bK-inv-0001\n",
		     "10.0.0.5", "99999", "z9hG4bK-inv-0001",
		     XDP_DROP, C_ABSORBED),
	VIA_CASE("Via port 5062, tag of port 05062",
		 "Via: SIP/2.0/UDP 10.0.0.5:05062;branch=z9hG4bK-inv-0001\n",
		 XDP_PASS, C_ACK_PASS(.acks_bad_tag = 1)),
	VIA_CASE("Via port, then a blank",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062 ;rport;branch=z9hG4bK-inv-0001\n",
		 XDP_DROP, C_ABSORBED),
	{ "two Vias on one line, tag of the second",
	  ACK_LINE "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001, SIP/2.0/UDP 198.18.0.9:5060;branch=z9hG4bK-y\n"
	  ACK_FROM ACK_TO ACK_CID_B ACK_END,
	  .tag = { "198.18.0.9", "5060", "z9hG4bK-y",
		   "inv-callid-0001@10.0.0.5" },
	  .entry = E_LIVE, .verdict = XDP_PASS,
	  .cnt = C_ACK_PASS(.acks_bad_tag = 1) },
	/* Kamailio's parse_via() reads every value of the first Via line
	 * and fails the message on any one (sip/via.h via_later_values()) */
	VIA_CASE("two Vias on one line, the second well-formed",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001, SIP/2.0/UDP 198.18.0.9:5060;branch=z9hG4bK-y\n",
		 XDP_DROP, C_ABSORBED),
	VIA_CASE("two Vias on one line, empty parameter name in the second",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001, SIP/2.0/UDP 198.18.0.9:5060;;x\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("three Vias on one line, ';=x' in the third",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001, SIP/2.0/UDP b, SIP/2.0/UDP c;=x\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("three Vias on one line, folded, ',,' between (eaten)",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001,,\n SIP/2.0/UDP b, SIP/2.0/UDP c;x=y\n",
		 XDP_DROP, C_ABSORBED),
	VIA_CASE("a ',' at the end of the Via line",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001,\n",
		 XDP_PASS, C_ACK_PASS()),
	/* the sent-protocol: parse_via() reads "SIP" (any case), '/',
	 * "2.0", '/', LWS only around the slashes, then any transport
	 * token (PROTO_OTHER); anything else fails the Via */
	VIA_CASE("sent-protocol in lower case",
		 "Via: sip/2.0/udp 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n",
		 XDP_DROP, C_ABSORBED),
	VIA_CASE("sent-protocol in lower case, blanks around the slashes",
		 "Via: sip /\t2.0 / udp 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n",
		 XDP_DROP, C_ABSORBED),
	VIA_CASE("a transport that starts with 'D' (parse_via()'s F_PROTO)",
		 "Via: SIP/2.0/DTLS 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("a transport that starts with '/'",
		 "Via: SIP/2.0//UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("a '/' inside the transport",
		 "Via: SIP/2.0/U/DP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("a transport with a '{' (PROTO_OTHER)",
		 "Via: SIP/2.0/{DP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n",
		 XDP_DROP, C_ABSORBED),
	VIA_CASE("an unknown transport token",
		 "Via: SIP/2.0/XYZ 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n",
		 XDP_DROP, C_ABSORBED),
	VIA_CASE("a blank inside \"SIP\"",
		 "Via: S IP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("a blank inside \"2.0\"",
		 "Via: SIP/2 .0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("version 3.0",
		 "Via: SIP/3.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("protocol \"SXP\"",
		 "Via: SXP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("protocol \"SIPS\"",
		 "Via: SIPS/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("a ',' before the first value",
		 "Via: ,SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("two Vias on one line, version 2.1 in the second",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001, SIP/2.1/UDP b\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("two Vias on one line, ', ,' and blanks before the second",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001, , SIP / 2.0 / TCP b\n",
		 XDP_DROP, C_ABSORBED),
	VIA_CASE("two Vias on one line, a 6-digit port in the second",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001, SIP/2.0/UDP b:005060\n",
		 XDP_PASS, C_ACK_PASS()),
	VIA_CASE("two Vias on one line, the second's port wraps (65536)",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001, SIP/2.0/UDP b:65536\n",
		 XDP_DROP, C_ABSORBED),
	VIA_CASE("17 Vias on one line (16 after the first are read)",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001, SIP/2.0/UDP h0, SIP/2.0/UDP h1, SIP/2.0/UDP h2, SIP/2.0/UDP h3, SIP/2.0/UDP h4, SIP/2.0/UDP h5, SIP/2.0/UDP h6, SIP/2.0/UDP h7, SIP/2.0/UDP h8, SIP/2.0/UDP h9, SIP/2.0/UDP h10, SIP/2.0/UDP h11, SIP/2.0/UDP h12, SIP/2.0/UDP h13, SIP/2.0/UDP h14, SIP/2.0/UDP h15\n",
		 XDP_DROP, C_ABSORBED),
	VIA_CASE("18 Vias on one line: more than are read, passed",
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0001, SIP/2.0/UDP h0, SIP/2.0/UDP h1, SIP/2.0/UDP h2, SIP/2.0/UDP h3, SIP/2.0/UDP h4, SIP/2.0/UDP h5, SIP/2.0/UDP h6, SIP/2.0/UDP h7, SIP/2.0/UDP h8, SIP/2.0/UDP h9, SIP/2.0/UDP h10, SIP/2.0/UDP h11, SIP/2.0/UDP h12, SIP/2.0/UDP h13, SIP/2.0/UDP h14, SIP/2.0/UDP h15, SIP/2.0/UDP h\n",
		 XDP_PASS, C_ACK_PASS()),
	{ "second Via header line below the top one",
	  ACK_LINE ACK_VIA_B
	  "Via: SIP/2.0/UDP 198.18.0.9:5060;branch=z9hG4bK-y\n"
	  ACK_FROM ACK_TO ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "headers in another order (Call-ID, To, Via)",
	  ACK_LINE ACK_CID_B ACK_TO ACK_FROM ACK_VIA_B ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "look-alike header names (Viaduct, Tomorrow, Call-Identity, t-x)",
	  ACK_LINE "Viaduct: SIP/2.0/UDP 198.18.0.9:1;branch=z9hG4bK-no\n"
	  "Tomorrow: <sip:x@198.18.0.9>;tag=no\n"
	  "Call-Identity: no@198.18.0.9\nt-x: ;tag=no\n"
	  ACK_VIA_B ACK_FROM ACK_TO ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "two To headers, our tag in the second",
	  ACK_LINE ACK_VIA_B ACK_FROM "To: <sip:r486@127.0.0.1>\n" ACK_TO
	  ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_PASS,
	  .cnt = C_ACK_PASS() },
	{ "LF-only line ends", ACK_B, .lf_only = true, .tag = P_B,
	  .entry = E_LIVE, .verdict = XDP_DROP, .cnt = C_ABSORBED },
	{ "Call-ID with trailing blanks (they are in CRC-B)",
	  ACK_LINE ACK_VIA_B ACK_FROM ACK_TO
	  "Call-ID: inv-callid-0001@10.0.0.5 \t\n" ACK_END,
	  .tag = { "10.0.0.5", "5062", "z9hG4bK-inv-0001",
		   "inv-callid-0001@10.0.0.5 \t" },
	  .entry = E_LIVE, .verdict = XDP_DROP, .cnt = C_ABSORBED },
	/* Kamailio skips all LWS after the colon (eat_lws_end), folding
	 * included, before the Call-ID body that goes into CRC-B */
	{ "Call-ID value on a continuation line",
	  ACK_LINE ACK_VIA_B ACK_FROM ACK_TO
	  "Call-ID:\n inv-callid-0001@10.0.0.5\n" ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "Call-ID value after nine blanks",
	  ACK_LINE ACK_VIA_B ACK_FROM ACK_TO
	  "Call-ID:         \tinv-callid-0001@10.0.0.5\n" ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "Call-ID value folded inside (the fold is in CRC-B)",
	  ACK_LINE ACK_VIA_B ACK_FROM ACK_TO
	  "Call-ID: inv-callid-0001\n @10.0.0.5\n" ACK_END,
	  .tag = { "10.0.0.5", "5062", "z9hG4bK-inv-0001",
		   "inv-callid-0001\r\n @10.0.0.5" },
	  .entry = E_LIVE, .verdict = XDP_DROP, .cnt = C_ABSORBED },
	/* a request with an empty To-tag got a second one (spec 1.3) */
	{ "empty tag, then ours (tag=;tag=...)",
	  ACK_LINE ACK_VIA_B ACK_FROM
	  "To: <sip:r486@127.0.0.1>;tag=;tag=%1$s\n" ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "tag followed by more parameters",
	  ACK_LINE ACK_VIA_B ACK_FROM
	  "To: <sip:r486@127.0.0.1>;tag=%1$s;foo=bar\n" ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	/* the To fast path (sip/to.h to_tag_start_fast()) must read the
	 * tag the parser reads: the last one, as Kamailio's add_param()
	 * (parse_addr_spec.c) keeps, to its first token end */
	TO_CASE("two tag params, ours first (the last, a foreign tag, counts)",
		"To: <sip:r486@127.0.0.1>;tag=%1$s;tag=abc123\n",
		XDP_PASS, C_ACK_PASS(.acks_no_entry = 1)),
	TO_CASE("two tag params, ours second",
		"To: <sip:r486@127.0.0.1>;tag=abc123;tag=%1$s\n",
		XDP_DROP, C_ABSORBED),
	TO_CASE("ours, then a tag without a value (empties it)",
		"To: <sip:r486@127.0.0.1>;tag=%1$s;tag\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("ours, then an empty tag",
		"To: <sip:r486@127.0.0.1>;tag=%1$s;tag=\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("ours, then TAG in upper case with another value",
		"To: <sip:r486@127.0.0.1>;tag=%1$s;TAG=x\n",
		XDP_PASS, C_ACK_PASS(.acks_no_entry = 1)),
	TO_CASE("a tag without a value, then ours",
		"To: <sip:r486@127.0.0.1>;tag;tag=%1$s\n",
		XDP_DROP, C_ABSORBED),
	TO_CASE("another parameter before the tag",
		"To: <sip:r486@127.0.0.1>;x=1;tag=%1$s\n",
		XDP_DROP, C_ABSORBED),
	TO_CASE("tag, then a blank and more parameters",
		"To: <sip:r486@127.0.0.1>;tag=%1$s ;foo=bar\n",
		XDP_DROP, C_ABSORBED),
	/* Kamailio's parse_to_param() (parse_addr_spec.c, allow_comma_sep
	 * 0): a ',' is part of a tag's value, skipped before it, and fails
	 * the To anywhere else */
	TO_CASE("tag, then a comma (part of the tag value: 43 bytes)",
		"To: <sip:r486@127.0.0.1>;tag=%1$s,x\n",
		XDP_PASS, C_ACK_PASS(.acks_no_entry = 1)),
	TO_CASE("tag, then a comma at the end (42 bytes)",
		"To: <sip:r486@127.0.0.1>;tag=%1$s,\n",
		XDP_PASS, C_ACK_PASS(.acks_no_entry = 1)),
	TO_CASE("commas before the tag value (skipped: ours)",
		"To: <sip:r486@127.0.0.1>;tag=,, %1$s\n",
		XDP_DROP, C_ABSORBED),
	TO_CASE("a comma in another parameter's value before the tag",
		"To: <sip:r486@127.0.0.1>;x=1,2;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("a comma in another parameter's value after the tag",
		"To: <sip:r486@127.0.0.1>;tag=%1$s;x=1,2\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("a comma in a quoted value after the tag (allowed)",
		"To: <sip:r486@127.0.0.1>;tag=%1$s;x=\"1,2\"\n",
		XDP_DROP, C_ABSORBED),
	TO_CASE("tag, a blank, then a comma",
		"To: <sip:r486@127.0.0.1>;tag=%1$s ,x\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("a comma after a parameter name",
		"To: <sip:r486@127.0.0.1>;tag=%1$s;lr,x\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("a comma after the URI (a second value)",
		"To: <sip:r486@127.0.0.1>,<sip:x@y>;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	/* '\\' fails the To wherever it stands, a quoted value too
	 * (parse_to_param()'s escape case falls through to its error) */
	TO_CASE("tag, then a backslash",
		"To: <sip:r486@127.0.0.1>;tag=%1$s\\\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("a backslash in a quoted value before the tag",
		"To: <sip:r486@127.0.0.1>;x=\"a\\\"b\";tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("a backslash in a parameter name after the tag",
		"To: <sip:r486@127.0.0.1>;tag=%1$s;a\\b=1\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("a backslash in the URI",
		"To: <sip:r486\\@127.0.0.1>;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("a backslash in a token display name",
		"To: Bo\\b <sip:r486@127.0.0.1>;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("a backslash in the quoted display name (an escape)",
		"To: \"B\\\"o\\b\" <sip:r486@127.0.0.1>;tag=%1$s\n",
		XDP_DROP, C_ABSORBED),
	/* '"' only opens a value after '=' or closes it */
	TO_CASE("tag, then a quote",
		"To: <sip:r486@127.0.0.1>;tag=%1$s\"x\"\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("a quote in a parameter name",
		"To: <sip:r486@127.0.0.1>;x\"y\";tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("a quote after a quoted value",
		"To: <sip:r486@127.0.0.1>;x=\"a\"\"b\";tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("the tag quoted (its value is what is inside)",
		"To: <sip:r486@127.0.0.1>;tag=\"%1$s\"\n",
		XDP_DROP, C_ABSORBED),
	TO_CASE("the tag quoted, a blank inside",
		"To: <sip:r486@127.0.0.1>;tag=\"%1$s \"\n",
		XDP_PASS, C_ACK_PASS(.acks_no_entry = 1)),
	TO_CASE("a quoted value folded",
		"To: <sip:r486@127.0.0.1>;x=\"a\n b\";tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	/* '=' in or after a value */
	TO_CASE("tag, then '='",
		"To: <sip:r486@127.0.0.1>;tag=%1$s=\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("'=' in another parameter's value",
		"To: <sip:r486@127.0.0.1>;x=a=b;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("'==' before the tag's value",
		"To: <sip:r486@127.0.0.1>;tag==%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	/* after a value (and LWS) only ';' or more LWS; after the name's
	 * LWS only '=' or ';' */
	TO_CASE("tag, a blank, then junk",
		"To: <sip:r486@127.0.0.1>;tag=%1$s x\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("tag, a fold, then junk",
		"To: <sip:r486@127.0.0.1>;tag=%1$s\n x\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("tag, blanks and a fold, then ';' and a name",
		"To: <sip:r486@127.0.0.1>;tag=%1$s \n ;x\n",
		XDP_DROP, C_ABSORBED),
	/* a CR that no SP/HT follows ends Kamailio's To (F_CR, then
	 * endofheader); the rest of the line is its next header, left as
	 * it was: the tag stands, but ',' or '\\' there fail the To */
	TO_CASE("tag, a bare CR, then junk",
		"To: <sip:r486@127.0.0.1>;tag=%1$s\rx\n",
		XDP_DROP, C_ABSORBED),
	TO_CASE("tag, a bare CR, then a comma",
		"To: <sip:r486@127.0.0.1>;tag=%1$s\r,x\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("';', a bare CR, then junk",
		"To: <sip:r486@127.0.0.1>;tag=%1$s;\rx\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("a name, a blank, then junk, before the tag",
		"To: <sip:r486@127.0.0.1>;lr x;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("a name, a blank, then '=', before the tag",
		"To: <sip:r486@127.0.0.1>;x =1;tag=%1$s\n",
		XDP_DROP, C_ABSORBED),
	TO_CASE("a quoted value, then junk",
		"To: <sip:r486@127.0.0.1>;x=\"a\"b;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("tag, then a control byte (part of the tag value)",
		"To: <sip:r486@127.0.0.1>;tag=%1$s\001\n",
		XDP_PASS, C_ACK_PASS(.acks_no_entry = 1)),
	TO_CASE("junk between '>' and the tag: no tag",
		"To: <sip:r486@127.0.0.1>x;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("a second '>' before the tag: no tag",
		"To: <sip:r486@127.0.0.1>>;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("token display name",
		"To: Bob <sip:r486@127.0.0.1>;tag=%1$s\n",
		XDP_DROP, C_ABSORBED),
	/* parse_addr_spec() before the parameters */
	TO_CASE("two-word display name",
		"To: Bob  Smith <sip:r486@127.0.0.1>;tag=%1$s\n",
		XDP_DROP, C_ABSORBED),
	TO_CASE("two words, then ';' (no addr-spec)",
		"To: Bob sip:r486@127.0.0.1;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("addr-spec, a blank, then ';'",
		"To: sip:r486@127.0.0.1 ;tag=%1$s\n",
		XDP_DROP, C_ABSORBED),
	TO_CASE("quoted display name, then an addr-spec",
		"To: \"B\" sip:r486@127.0.0.1;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("a quote inside a token display name",
		"To: B\"o\" <sip:r486@127.0.0.1>;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("'>' in a token display name",
		"To: B>b <sip:r486@127.0.0.1>;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("'<' in the URI",
		"To: <sip:r486<@127.0.0.1>;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("a quote in the URI",
		"To: <sip:r486\"@127.0.0.1>;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("a blank inside the URI",
		"To: <sip:r486 @127.0.0.1>;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("blanks around the URI",
		"To: < sip:r486@127.0.0.1 >;tag=%1$s\n",
		XDP_DROP, C_ABSORBED),
	TO_CASE("'!' in the URI (the fast path hands it on)",
		"To: <sip:r486!@127.0.0.1>;tag=%1$s\n",
		XDP_DROP, C_ABSORBED),
	TO_CASE("'~' in the URI (the fast path hands it on)",
		"To: <sip:r486~1@127.0.0.1>;tag=%1$s\n",
		XDP_DROP, C_ABSORBED),
	TO_CASE("an empty URI (<>)",
		"To: <>;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("a URI starting with ';'",
		"To: <;x>;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("a URI with ';' inside",
		"To: <sip:r486@127.0.0.1;lr>;tag=%1$s\n",
		XDP_DROP, C_ABSORBED),
	TO_CASE("URI longer than the in-line search (80 bytes)",
		"To: <sip:r486-0123456789012345678901234567890123456789012345678901234567@127.0.0.1>;tag=%1$s\n",
		XDP_DROP, C_ABSORBED),
	TO_CASE("tag name \"tags\": no tag",
		"To: <sip:r486@127.0.0.1>;tags=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	/* an empty parameter name (';' then ';' ',' '=' or the end, LWS
	 * between): Kamailio's parse_to_param() fails the To in state
	 * S_PARA_NAME, so sl_filter_ACK() does not filter the ACK */
	TO_CASE("empty parameter name before the tag (;;tag=)",
		"To: <sip:r486@127.0.0.1>;;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("empty parameter name, blank inside (; ;tag=)",
		"To: <sip:r486@127.0.0.1>; ;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("empty parameter name after another (;x=1;;tag=)",
		"To: <sip:r486@127.0.0.1>;x=1;;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("empty parameter name with a value (;=x;tag=)",
		"To: <sip:r486@127.0.0.1>;=x;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("empty parameter name after the tag (;tag=...;;)",
		"To: <sip:r486@127.0.0.1>;tag=%1$s;;\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("empty parameter name after the tag (;tag=...;;foo=bar)",
		"To: <sip:r486@127.0.0.1>;tag=%1$s;;foo=bar\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("empty parameter name after the tag (;tag=...;,x)",
		"To: <sip:r486@127.0.0.1>;tag=%1$s;,x\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("';' ends the To (;tag=...;)",
		"To: <sip:r486@127.0.0.1>;tag=%1$s;\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("';' and a blank end the To (;tag=...; )",
		"To: <sip:r486@127.0.0.1>;tag=%1$s; \n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("empty parameter name, display name and many params",
		"To: \"B\" <sip:r486@127.0.0.1>;tag=%1$s;a;b;c;d;e;f;g;h;;\n",
		XDP_PASS, C_ACK_PASS()),
	TO_CASE("empty parameter name, addr-spec To (sip:...;;tag=)",
		"To: sip:r486@127.0.0.1;;tag=%1$s\n",
		XDP_PASS, C_ACK_PASS()),
	/* a name after ';' and LWS is one (S_PARA_NAME eats LWS) */
	TO_CASE("blank after ';' then a name (;tag=...; foo=bar)",
		"To: <sip:r486@127.0.0.1>;tag=%1$s; foo=bar\n",
		XDP_DROP, C_ABSORBED),
	TO_CASE("valueless parameter after the tag (;tag=...;foo)",
		"To: <sip:r486@127.0.0.1>;tag=%1$s;foo\n",
		XDP_DROP, C_ABSORBED),
	TO_CASE("nine parameters after the tag",
		"To: <sip:r486@127.0.0.1>;tag=%1$s;a;b;c;d;e;f;g;h;i=1\n",
		XDP_DROP, C_ABSORBED),
	{ "tag-looking text in the display name and the URI",
	  ACK_LINE ACK_VIA_B ACK_FROM
	  "To: \"x;tag=no\" <sip:r486@127.0.0.1;tag=no>;tag=%1$s\n"
	  ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "addr-spec To without <>",
	  ACK_LINE ACK_VIA_B ACK_FROM
	  "To: sip:r486@127.0.0.1;tag=%1$s\n" ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "TAG parameter name in upper case",
	  ACK_LINE ACK_VIA_B ACK_FROM
	  "To: <sip:r486@127.0.0.1>;TAG=%1$s\n" ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_DROP,
	  .cnt = C_ABSORBED },
	{ "no Call-ID", ACK_LINE ACK_VIA_B ACK_FROM ACK_TO ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_PASS,
	  .cnt = C_ACK_PASS() },
	{ "no To-tag", ACK_LINE ACK_VIA_B ACK_FROM
	  "To: <sip:r486@127.0.0.1>\n" ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_PASS,
	  .cnt = C_ACK_PASS() },
	{ "To-tag in the body only",
	  ACK_LINE ACK_VIA_B ACK_FROM "To: <sip:r486@127.0.0.1>\n" ACK_CID_B
	  "Content-Length: 35\n\nTo: <sip:r486@127.0.0.1>;tag=%1$s\n",
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_PASS,
	  .cnt = C_ACK_PASS() },
	/* re-INVITE: the request had a To-tag, the reply kept it */
	{ "foreign tag (re-INVITE), entry for it",
	  ACK_LINE ACK_VIA_B ACK_FROM "To: <sip:r486@127.0.0.1>;tag=abc123\n"
	  ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_FOREIGN, .entry_tag = "abc123",
	  .verdict = XDP_DROP, .cnt = C_ABSORBED },
	{ "foreign tag (re-INVITE), no entry",
	  ACK_LINE ACK_VIA_B ACK_FROM "To: <sip:r486@127.0.0.1>;tag=abc123\n"
	  ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_NONE, .verdict = XDP_PASS,
	  .cnt = C_ACK_PASS(.acks_no_entry = 1) },
	{ "foreign tag (re-INVITE), entry of our own tag only",
	  ACK_LINE ACK_VIA_B ACK_FROM "To: <sip:r486@127.0.0.1>;tag=abc123\n"
	  ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_LIVE, .verdict = XDP_PASS,
	  .cnt = C_ACK_PASS(.acks_no_entry = 1) },
	{ "foreign tag (re-INVITE), entry for another tag",
	  ACK_LINE ACK_VIA_B ACK_FROM "To: <sip:r486@127.0.0.1>;tag=abc124\n"
	  ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_FOREIGN, .entry_tag = "abc123",
	  .verdict = XDP_PASS, .cnt = C_ACK_PASS(.acks_no_entry = 1) },
	{ "foreign tag (re-INVITE), entry of another branch",
	  ACK_LINE "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-reinv-2\n"
	  ACK_FROM "To: <sip:r486@127.0.0.1>;tag=abc123\n" ACK_CID_B ACK_END,
	  .tag = P_B, .entry = E_FOREIGN, .entry_tag = "abc123",
	  .verdict = XDP_PASS, .cnt = C_ACK_PASS(.acks_no_entry = 1) },
	{ "our tag, the slot taken by another reply", ACK_B, .tag = P_B,
	  .entry = E_OVERWRITTEN, .verdict = XDP_PASS,
	  .cnt = C_ACK_PASS(.acks_no_entry = 1) },
};

/* A row of ack_cases by name, so that tests do not depend on the order. */
static const struct ack_case *ack_case(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ack_cases); i++)
		if (!strcmp(ack_cases[i].name, name))
			return &ack_cases[i];
	fail_msg("no ACK case \"%s\"", name);
	return NULL;
}

#define ACK_LIVE	"7(b) ACK, live entry"
#define ACK_NO_ENTRY	"7(b) ACK, no entry"

static void make_tag(const struct ack_case *c, char tag[TAG_BUF])
{
	const struct pieces *p = &c->tag;
	struct sl_str host = { p->host, p->host ? strlen(p->host) : 0 };
	struct sl_str port = { p->port, p->port ? strlen(p->port) : 0 };
	struct sl_str branch = { p->branch, p->branch ? strlen(p->branch) : 0 };
	struct sl_str callid = { p->callid, p->callid ? strlen(p->callid) : 0 };
	size_t i;

	if (c->tag_kind == TAG_LITERAL) {
		snprintf(tag, TAG_BUF, "%s", c->tag_text);
		return;
	}
	sl_totag_build(FX_SIG, sl_totag_suffix(host, port, branch, callid), tag);
	tag[SL_TOTAG_LEN] = '\0';
	switch (c->tag_kind) {
	case TAG_LAST_CHAR:
		tag[SL_TOTAG_LEN - 1] = tag[SL_TOTAG_LEN - 1] == '0' ? '1' : '0';
		break;
	case TAG_UPPER:
	case TAG_UPPER_SUFFIX:
		for (i = c->tag_kind == TAG_UPPER ? 0 : SL_SIG_LEN + 1;
		     i < SL_TOTAG_LEN; i++)
			tag[i] = (char)toupper((unsigned char)tag[i]);
		break;
	default:
		break;
	}
}

static __u32 suffix_of(const struct pieces *p)
{
	struct sl_str host = { p->host, p->host ? strlen(p->host) : 0 };
	struct sl_str port = { p->port, p->port ? strlen(p->port) : 0 };
	struct sl_str branch = { p->branch, p->branch ? strlen(p->branch) : 0 };
	struct sl_str callid = { p->callid, p->callid ? strlen(p->callid) : 0 };

	return sl_totag_suffix(host, port, branch, callid);
}

/* Another window key (same key_tag) that lands on the slot of suffix. */
static __u32 colliding_suffix(__u32 suffix, __u32 key_tag, __u32 mask)
{
	__u32 slot = sl_window_slot(suffix, key_tag, mask), other;

	for (other = suffix + 1; other != suffix; other++)
		if (sl_window_slot(other, key_tag, mask) == slot)
			return other;
	fail_msg("no colliding key");
	return 0;
}

/* The slot mask is the map's size - 1 (sl_bank_write), FX_WINDOW_MASK. */
static void put_entry(const struct ack_case *c)
{
	const struct pieces *kp = c->key.host ? &c->key : &c->tag;
	__u32 suffix = suffix_of(kp), key_tag = 0, mask = FX_WINDOW_MASK;
	__u64 now = fx_now_ns();
	__u64 sent = now;
	int err = 0;

	switch (c->entry) {
	case E_NONE:
		return;
	case E_RECENT:
		sent = now - NS_PER_S;
		break;
	case E_EXPIRED:
		sent = now - 3 * NS_PER_S;
		break;
	case E_FOREIGN:
		key_tag = SL_WINDOW_FOREIGN_TAG |
			  sl_crc16_x25(c->entry_tag, strlen(c->entry_tag));
		break;
	default:
		break;
	}
	err = fx_window_put(mask, suffix, key_tag, sent);
	if (!err && c->entry == E_OVERWRITTEN)
		err = fx_window_put_raw(sl_window_slot(suffix, 0, mask),
					colliding_suffix(suffix, 0, mask), 0,
					now);
	if (err)
		fail_msg("%s: window put: %s", c->name, strerror(-err));
}

static int check_ack_case(const struct ack_case *c, __u32 verdict,
			  const struct sl_dp_counters *cnt)
{
	struct frame_spec fs = { .family = c->family ? c->family : 4 };
	char tag[TAG_BUF];
	size_t plen, len;

	reset_or_fail();
	make_tag(c, tag);
	plen = sip_fmt(msg, sizeof(msg), !c->lf_only, c->tmpl, tag);
	assert_true(plen > 0);
	put_entry(c);
	len = build(&fs, msg, plen);
	return check_run(c->name, len, verdict, cnt, SL_META_DEFAULT_RULE);
}

static void run_ack_case(const struct ack_case *c, __u32 verdict,
			 const struct sl_dp_counters *cnt)
{
	if (check_ack_case(c, verdict, cnt))
		fail_msg("%s: see above", c->name);
}

/* The ACK tables' settings: the default ack_window (2 s; the ages of
 * E_RECENT and E_EXPIRED are chosen around it), default_action pass.
 * test_ack_window_configured varies the window. */
#define ACK_CONFIG	FX_SL

static void test_ack_absorption(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	CONFIG(ACK_CONFIG);
	for (i = 0; i < ARRAY_SIZE(ack_cases); i++)
		bad += check_ack_case(&ack_cases[i], ack_cases[i].verdict,
				      &ack_cases[i].cnt);
	table_done("ACK absorption", bad, i);
}

/* has_signature = 0: nothing is absorbed, whatever the window holds.
 * No file says that (sl_image_compile always signs): it is the bank of a
 * program configured by something else, so the compiled image is
 * changed by hand before it is written. */
static void test_ack_unsigned_config(void **state)
{
	static const struct sl_dp_counters pass = C_ACK_PASS();
	static struct sl_bank_image img;
	size_t i;
	int bad = 0;

	(void)state;
	assert_int_equal(fx_compile(&img, ACK_CONFIG), 0);
	assert_int_equal(img.cfg.has_signature, 1);
	img.cfg.has_signature = 0;
	assert_int_equal(fx_write(&img), 0);
	for (i = 0; i < ARRAY_SIZE(ack_cases); i++)
		bad += check_ack_case(&ack_cases[i], XDP_PASS, &pass);
	table_done("ACK, has_signature = 0", bad, i);
}

/* A signature that is not ours: our tags are foreign tags then. */
static void test_ack_other_signature(void **state)
{
	static const struct sl_dp_counters pass =
		C_ACK_PASS(.acks_no_entry = 1);
	static struct sl_bank_image img;

	(void)state;
	/* tag_seed is the default, KAMAILIO-stateless (FX_SEED) */
	assert_int_equal(fx_compile(&img, "[sl]\ntag_addr = " FX_SIG_IP ":5071\n"), 0);
	assert_memory_equal(img.cfg.signature, "7d69ce80ff1a41f18f7daaf2375681a9",
			    SL_SIG_LEN);
	assert_int_equal(fx_write(&img), 0);
	run_ack_case(ack_case(ACK_LIVE), XDP_PASS, &pass);
}

/* A signature with a byte that ends a token value: a bank written by
 * something else (sl_image_compile signs with hex MD5, whose every byte
 * is a token's).  Its flag (sig_token, computed as the compiler does)
 * is 0, so every To-tag goes through the To parser, which reads the tag
 * up to the ';': a foreign tag, absorbed through a foreign entry for
 * those 16 bytes and never through our entry, as before the flag. */
static void test_ack_signature_not_token(void **state)
{
	static const struct sl_dp_counters no_entry =
		C_ACK_PASS(.acks_no_entry = 1);
	static const struct sl_dp_counters absorbed = C_ABSORBED;
	static const char sig[] = "df673b98c9e0bd91;2cfc0d849035098";
	static struct sl_bank_image img;
	const struct ack_case *c = ack_case(ACK_LIVE);
	__u32 suffix = suffix_of(&c->tag);
	char tag[TAG_BUF];
	size_t plen, len;

	(void)state;
	assert_int_equal(fx_compile(&img, ACK_CONFIG), 0);
	assert_int_equal(img.cfg.sig_token, 1);
	memcpy(img.cfg.signature, sig, SL_SIG_LEN);
	img.cfg.sig_token = (__u8)sl_totag_sig_is_token(sig);
	assert_int_equal(img.cfg.sig_token, 0);
	assert_int_equal(fx_write(&img), 0);

	sl_totag_build(sig, suffix, tag);
	tag[SL_TOTAG_LEN] = '\0';
	plen = sip_fmt(msg, sizeof(msg), true, c->tmpl, tag);
	assert_true(plen > 0);
	len = build(&(struct frame_spec){}, msg, plen);
	assert_int_equal(fx_window_put(FX_WINDOW_MASK, suffix, 0, fx_now_ns()), 0);
	expect_run("our entry only", len, XDP_PASS, &no_entry,
		   SL_META_DEFAULT_RULE);
	reset_or_fail_keep_window();
	assert_int_equal(fx_window_put(FX_WINDOW_MASK, suffix,
				       SL_WINDOW_FOREIGN_TAG |
				       sl_crc16_x25(sig, 16), fx_now_ns()), 0);
	expect_run("the foreign entry of the bytes before ';'", len, XDP_DROP,
		   &absorbed, SL_META_DEFAULT_RULE);
}

/* tag_seed away from its default (KAMAILIO-stateless): the bank signs
 * with MD5(seed + address + port) of the file's seed (computed apart:
 * python3 hashlib), our tags under it are absorbed, tags under the
 * default seed's signature are someone else's. */
static void test_ack_configured_seed(void **state)
{
	static const struct sl_dp_counters absorbed = C_ABSORBED;
	static const struct sl_dp_counters foreign = C_ACK_PASS(.acks_no_entry = 1);
	static const char sig[] = "e7b93aa4112b6535137178515cfaaa18";
	static struct sl_bank_image img;
	const struct ack_case *c = ack_case(ACK_LIVE);
	__u32 suffix = suffix_of(&c->tag);
	char tag[TAG_BUF];
	size_t plen;

	(void)state;
	assert_int_equal(fx_compile(&img, FX_SL "tag_seed = sl-xdp-test-seed\n"), 0);
	assert_memory_equal(img.cfg.signature, sig, SL_SIG_LEN);
	assert_int_equal(fx_write(&img), 0);

	sl_totag_build(sig, suffix, tag);
	tag[SL_TOTAG_LEN] = '\0';
	plen = sip_fmt(msg, sizeof(msg), true, c->tmpl, tag);
	assert_true(plen > 0);
	assert_int_equal(fx_window_put(FX_WINDOW_MASK, suffix, 0, fx_now_ns()), 0);
	expect_run("ACK signed with the configured seed",
		   build(&(struct frame_spec){}, msg, plen), XDP_DROP, &absorbed,
		   SL_META_DEFAULT_RULE);
	reset_or_fail_keep_window();
	run_ack_case(c, XDP_PASS, &foreign);	/* FX_SIG: the default seed's */
}

/* The CRC of every length of each to-tag piece: the first 1..8 bytes
 * in one step (include/sl_crc16.h sl_crc16_head()), the word steps, the
 * host's words for both CRCs at once (sip/totag.h crc_update2()) and
 * the pieces longer than the in-line words (sl_crc16_span()), against
 * the userspace CRC. */
static void test_ack_piece_lengths(void **state)
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyz0123456789"
				  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				  "abcdefghijklmnopqrstuvwxyz";
	static const char ports[][6] = { "5", "50", "506", "5062", "50620" };
	char host[80], branch[64], callid[128], tmpl[512], name[64];
	struct ack_case c = { .tag_kind = TAG_OURS, .entry = E_LIVE,
			      .verdict = XDP_DROP, .cnt = C_ABSORBED };
	unsigned int i;
	int bad = 0;

	(void)state;
	CONFIG(ACK_CONFIG);
	for (i = 0; i < 96; i++) {
		/* hosts past the in-line words too (i % 4 == 3) */
		snprintf(host, sizeof(host), "%.*s.ex",
			 1 + i % 19 + (i % 4 == 3 ? 30 : 0), abc + i % 7);
		snprintf(branch, sizeof(branch), "z9hG4bK%.*s", i % 45, abc + i % 11);
		snprintf(callid, sizeof(callid), "%.*s", 1 + i, abc + i % 3);
		/* ACK_TO's %1$s stays for sip_fmt() */
		snprintf(tmpl, sizeof(tmpl),
			 "%s" "Via: SIP/2.0/UDP %s:%s;branch=%s\n" "%s%s"
			 "Call-ID: %s\n" "%s", ACK_LINE, host, ports[i % 5],
			 branch, ACK_FROM, ACK_TO, callid, ACK_END);
		snprintf(name, sizeof(name), "host %zu, port %zu, branch %zu, Call-ID %zu",
			 strlen(host), strlen(ports[i % 5]), strlen(branch),
			 strlen(callid));
		c.name = name;
		c.tmpl = tmpl;
		c.tag = (struct pieces){ host, ports[i % 5], branch, callid };
		bad += check_ack_case(&c, c.verdict, &c.cnt);
	}
	table_done("ACK piece lengths", bad, i);
}

/* The window is per reply: absorbing one ACK leaves the entry (a
 * retransmitted ACK is absorbed again), and another reply's ACK in the
 * same second is not absorbed through it. */
static void test_ack_window_per_reply(void **state)
{
	static const struct sl_dp_counters absorbed2 = {
		.packets = 2, .sip_udp = 2, .sip_requests = 2,
		.acks_absorbed = 2,
	};
	static const struct sl_dp_counters other = C_ACK_PASS(.acks_no_entry = 1);
	const struct ack_case *c = ack_case(ACK_LIVE);
	struct sl_dp_counters got;
	struct frame_spec fs = {};
	char tag[TAG_BUF], diff[1024];
	size_t plen, len;

	(void)state;
	CONFIG(ACK_CONFIG);
	run_ack_case(c, XDP_DROP, &c->cnt);
	/* the retransmission, without a reset */
	if (fx_run(frame, build(&fs, msg, strlen(msg)), &res))
		fail_msg("test run: %s", strerror(-res.err));
	assert_int_equal(res.verdict, XDP_DROP);
	assert_int_equal(fx_counters(&got), 0);
	if (fx_counters_diff(&absorbed2, &got, diff, sizeof(diff)))
		fail_msg("retransmitted ACK:\n%s", diff);
	/* another dialog's ACK with a correct tag, the first entry live */
	assert_int_equal(sl_maps_reset_counters(&fx.maps), 0);
	make_tag(&(struct ack_case){ .tag = { "10.0.0.5", "5062",
					      "z9hG4bK-inv-0002",
					      "inv-callid-0002@10.0.0.5" } },
		 tag);
	plen = sip_fmt(msg, sizeof(msg), true,
		       ACK_LINE "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bK-inv-0002\n"
		       ACK_FROM ACK_TO "Call-ID: inv-callid-0002@10.0.0.5\n"
		       ACK_END, tag);
	len = build(&fs, msg, plen);
	expect_run("another reply's ACK", len, XDP_PASS, &other,
		   SL_META_DEFAULT_RULE);
}

/* A not-absorbed ACK meets the rules; an absorbed one never does. */
static void test_ack_then_rules(void **state)
{
	static const struct sl_dp_counters drop_rule = {
		C_REQ_BASE, .acks_passed = 1, .acks_no_entry = 1,
		.dropped_by_rule = 1,
	};
	static const struct sl_dp_counters ack_reply = C_ACK_PASS(
		.acks_no_entry = 1);

	(void)state;
	CONFIG(ACK_CONFIG "[rule ack]\nmethod = ACK\naction = drop\n");

	/* live entry: absorbed before the rules, no rule hit */
	run_ack_case(ack_case(ACK_LIVE), XDP_DROP, &ack_case(ACK_LIVE)->cnt);
	expect_hits("absorbed ACK", -1);
	/* no entry: the rule drops it */
	run_ack_case(ack_case(ACK_NO_ENTRY), XDP_DROP, &drop_rule);
	expect_hits("ACK dropped by rule", 0);

	/* an ACK is never answered: a reply rule passes it */
	CONFIG(ACK_CONFIG "[rule ack]\nmethod = ACK\naction = reply\n");
	run_ack_case(ack_case(ACK_NO_ENTRY), XDP_PASS, &ack_reply);
	expect_hits("ACK meets a reply rule", 0);
	/* nor by default_action = reply */
	CONFIG(ACK_CONFIG "default_action = reply\n");
	run_ack_case(ack_case(ACK_NO_ENTRY), XDP_PASS, &ack_reply);
	expect_hits("ACK meets default reply", -1);
}

/*
 * A full bucket: SL_WINDOW_WAYS replies whose keys hash to one bucket
 * take its ways one by one (sl_maps_window_put chooses the way as the
 * responder does); the ACK of each is absorbed, whichever way it is in.
 * One more reply replaces the oldest: its ACK is absorbed, the oldest's
 * no longer.
 */
static void test_ack_window_bucket_ways(void **state)
{
	static const struct sl_dp_counters absorbed = C_ABSORBED;
	static const struct sl_dp_counters no_entry =
		C_ACK_PASS(.acks_no_entry = 1);
	char branches[SL_WINDOW_WAYS + 1][32], tag[TAG_BUF], name[64];
	struct ack_case c[SL_WINDOW_WAYS + 1];
	__u32 bucket = 0, suffix;
	__u64 now = fx_now_ns();
	unsigned int n = 0, i, try;
	size_t plen;

	(void)state;
	CONFIG(ACK_CONFIG);
	reset_or_fail();
	/* branches whose keys land in one bucket */
	for (try = 0; n < SL_WINDOW_WAYS + 1 && try < 1000000; try++) {
		struct ack_case *k = &c[n];

		snprintf(branches[n], sizeof(branches[n]), "z9hG4bK-way-%u", try);
		memset(k, 0, sizeof(*k));
		k->tag = (struct pieces){ "10.0.0.5", "5062", branches[n],
					  "inv-callid-0001@10.0.0.5" };
		suffix = suffix_of(&k->tag);
		if (n && sl_window_slot(suffix, 0, FX_WINDOW_MASK) != bucket)
			continue;
		bucket = sl_window_slot(suffix, 0, FX_WINDOW_MASK);
		n++;
	}
	assert_int_equal(n, SL_WINDOW_WAYS + 1);
	/* the first SL_WINDOW_WAYS replies, oldest first */
	for (i = 0; i < SL_WINDOW_WAYS; i++)
		assert_int_equal(fx_window_put(FX_WINDOW_MASK, suffix_of(&c[i].tag), 0,
					       now - (SL_WINDOW_WAYS - i) * 1000000ull), 0);
	for (i = 0; i <= SL_WINDOW_WAYS; i++) {
		/* the reply past the bucket's size, once the others are checked */
		if (i == SL_WINDOW_WAYS)
			assert_int_equal(fx_window_put(FX_WINDOW_MASK,
						       suffix_of(&c[i].tag), 0,
						       now), 0);
		make_tag(&c[i], tag);
		plen = sip_fmt(msg, sizeof(msg), true,
			       ACK_LINE "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=%2$s\n"
			       ACK_FROM ACK_TO ACK_CID_B ACK_END, tag, branches[i]);
		assert_true(plen > 0);
		snprintf(name, sizeof(name), "reply %u of bucket %u", i, bucket);
		reset_or_fail_keep_window();
		expect_run(name, build(&(struct frame_spec){}, msg, plen), XDP_DROP,
			   &absorbed, SL_META_DEFAULT_RULE);
	}
	/* the oldest was replaced by the last */
	make_tag(&c[0], tag);
	plen = sip_fmt(msg, sizeof(msg), true,
		       ACK_LINE "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=%2$s\n"
		       ACK_FROM ACK_TO ACK_CID_B ACK_END, tag, branches[0]);
	reset_or_fail_keep_window();
	expect_run("the oldest reply, replaced", build(&(struct frame_spec){}, msg, plen),
		   XDP_PASS, &no_entry, SL_META_DEFAULT_RULE);
}

/* ack_window away from its 2 s default, both ways, from the config text
 * to the data plane: the window the file says is the one that decides. */
static void test_ack_window_configured(void **state)
{
	static const struct {
		const char *conf;	/* the [sl] key */
		__u64 window_ns;	/* what the active bank must hold */
		__u64 age_ms;		/* of the window entry */
		bool absorbed;
	} rows[] = {
		/* shorter than the default: an entry the default would
		 * still absorb has expired */
		{ "ack_window = 500ms\n", 500000000ull, 100, true },
		{ "ack_window = 500ms\n", 500000000ull, 900, false },
		{ "ack_window = 500ms\n", 500000000ull, 1500, false },
		/* longer: an entry the default has let expire is absorbed */
		{ "ack_window = 10s\n", 10 * NS_PER_S, 3000, true },
		{ "ack_window = 10s\n", 10 * NS_PER_S, 9000, true },
		{ "ack_window = 10s\n", 10 * NS_PER_S, 11000, false },
		/* fractional seconds */
		{ "ack_window = 1.25s\n", 1250000000ull, 2100, false },
		{ "ack_window = 4.5s\n", 4500000000ull, 2100, true },
	};
	static const struct sl_dp_counters expired =
		C_ACK_PASS(.acks_expired = 1);
	const struct ack_case *c = ack_case(ACK_LIVE);
	struct sl_config active;
	struct frame_spec fs = {};
	char tag[TAG_BUF], name[96];
	size_t i, plen;
	int bad = 0;

	(void)state;
	make_tag(c, tag);
	plen = sip_fmt(msg, sizeof(msg), true, c->tmpl, tag);
	assert_true(plen > 0);
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		snprintf(name, sizeof(name), "%.*s, entry %llu ms old",
			 (int)strlen(rows[i].conf) - 1, rows[i].conf,
			 (unsigned long long)rows[i].age_ms);
		CONFIG(ACK_CONFIG "%s", rows[i].conf);
		assert_int_equal(sl_maps_read_config(&fx.maps, &active), 0);
		if (active.ack_window_ns != rows[i].window_ns) {
			print_error("%s: the data plane runs with ack_window %llu ns\n",
				    name, (unsigned long long)active.ack_window_ns);
			bad++;
			continue;
		}
		reset_or_fail();
		if (fx_window_put(FX_WINDOW_MASK, suffix_of(&c->tag), 0,
				  fx_now_ns() - rows[i].age_ms * 1000000ull))
			fail_msg("%s: window put", name);
		bad += check_run(name, build(&fs, msg, plen),
				 rows[i].absorbed ? XDP_DROP : XDP_PASS,
				 rows[i].absorbed ? &c->cnt : &expired,
				 SL_META_DEFAULT_RULE);
	}
	table_done("ack_window configured", bad, i);
}

/* ------------------------------------------------------------------ */
/* 5. rules */

struct rule_desc {
	__u8 action;
	const char *methods[4];	/* "*" for any */
	const char *src[3];
	__u16 port;
	const char *ruri;
	const char *ua;
};

struct rule_case {
	const char *name;
	__u8 default_action;
	__u16 ports[SL_MAX_PORTS];	/* config ports; none: 5060 only */
	struct rule_desc rules[3];
	struct frame_spec fs;
	const char *msg;
	__u32 verdict;
	struct sl_dp_counters cnt;
	int hit;			/* rule with a hit, -1: none */
};

#define D_PASS		SL_ACTION_PASS
#define D_DROP		SL_ACTION_DROP
#define D_REPLY		SL_ACTION_REPLY
#define SRC4(a, b)	((__u32)(198u << 24 | 18u << 16 | (a) << 8 | (b)))
#define UA_REQ(ua)	REQ("OPTIONS", "sip:bob@198.18.0.1", ua)
#define INV(u)		REQ("INVITE", u, "")

static const struct rule_case rule_cases[] = {
	/* method */
	{ "method OPTIONS, OPTIONS", D_PASS, {}, { { .action = D_DROP, .methods = { "OPTIONS" } } },
	  {}, OPTIONS_MSG, XDP_DROP, C_DROP, 0 },
	{ "method OPTIONS, INVITE", D_PASS, {}, { { .action = D_DROP, .methods = { "OPTIONS" } } },
	  {}, INVITE_MSG, XDP_PASS, C_PASS, -1 },
	{ "method options (lower case), OPTIONS", D_PASS, {},
	  { { .action = D_DROP, .methods = { "options" } } }, {}, OPTIONS_MSG, XDP_PASS, C_PASS,
	  -1 },
	{ "method OPTIONS, request 'options'", D_PASS, {},
	  { { .action = D_DROP, .methods = { "OPTIONS" } } }, {},
	  REQ("options", "sip:bob@198.18.0.1", ""), XDP_PASS, C_PASS, -1 },
	{ "method REGISTER, RE%47IST%45R", D_PASS, {},
	  { { .action = D_DROP, .methods = { "REGISTER" } } }, {},
	  REQ("RE%47IST%45R", "sip:198.18.0.1", ""), XDP_PASS, C_PASS, -1 },
	{ "method REGISTER, REGISTER", D_PASS, {},
	  { { .action = D_DROP, .methods = { "REGISTER" } } }, {},
	  REQ("REGISTER", "sip:198.18.0.1", ""), XDP_DROP, C_DROP, 0 },
	{ "method OPTION, OPTIONS", D_PASS, {}, { { .action = D_DROP, .methods = { "OPTION" } } },
	  {}, OPTIONS_MSG, XDP_PASS, C_PASS, -1 },
	{ "method OPTIONS, OPTIONSX", D_PASS, {},
	  { { .action = D_DROP, .methods = { "OPTIONS" } } }, {},
	  REQ("OPTIONSX", "sip:bob@198.18.0.1", ""), XDP_PASS, C_PASS, -1 },
	{ "method list, third name", D_PASS, {},
	  { { .action = D_DROP, .methods = { "INVITE", "SUBSCRIBE", "REGISTER" } } }, {},
	  REQ("REGISTER", "sip:198.18.0.1", ""), XDP_DROP, C_DROP, 0 },
	{ "method *, unknown method", D_PASS, {}, { { .action = D_DROP, .methods = { "*" } } }, {},
	  REQ("NEWMETHOD", "sip:bob@198.18.0.1", ""), XDP_DROP, C_DROP, 0 },
	{ "method of 32 bytes", D_PASS, {},
	  { { .action = D_DROP, .methods = { "ABCDEFGHIJKLMNOPQRSTUVWXYZ-01234" } } }, {},
	  REQ("ABCDEFGHIJKLMNOPQRSTUVWXYZ-01234", "sip:b@198.18.0.1", ""),
	  XDP_DROP, C_DROP, 0 },
	{ "method of 32 bytes, last byte differs", D_PASS, {},
	  { { .action = D_DROP, .methods = { "ABCDEFGHIJKLMNOPQRSTUVWXYZ-01234" } } }, {},
	  REQ("ABCDEFGHIJKLMNOPQRSTUVWXYZ-01235", "sip:b@198.18.0.1", ""),
	  XDP_PASS, C_PASS, -1 },
	{ "method of 33 bytes vs its 32-byte prefix", D_PASS, {},
	  { { .action = D_DROP, .methods = { "ABCDEFGHIJKLMNOPQRSTUVWXYZ-01234" } } }, {},
	  REQ("ABCDEFGHIJKLMNOPQRSTUVWXYZ-012345", "sip:b@198.18.0.1", ""),
	  XDP_PASS, C_PASS, -1 },
	/* src */
	{ "src 198.18.5.0/24, from 198.18.5.77", D_PASS, {},
	  { { .action = D_DROP, .src = { "198.18.5.0/24" } } },
	  { .src4 = SRC4(5, 77) }, OPTIONS_MSG, XDP_DROP, C_DROP, 0 },
	{ "src 198.18.5.0/24, from 198.18.6.77", D_PASS, {},
	  { { .action = D_DROP, .src = { "198.18.5.0/24" } } },
	  { .src4 = SRC4(6, 77) }, OPTIONS_MSG, XDP_PASS, C_PASS, -1 },
	{ "src 198.18.4.0/23, from 198.18.5.255", D_PASS, {},
	  { { .action = D_DROP, .src = { "198.18.4.0/23" } } },
	  { .src4 = SRC4(5, 255) }, OPTIONS_MSG, XDP_DROP, C_DROP, 0 },
	{ "src 198.18.4.0/23, from 198.18.6.0", D_PASS, {},
	  { { .action = D_DROP, .src = { "198.18.4.0/23" } } },
	  { .src4 = SRC4(6, 0) }, OPTIONS_MSG, XDP_PASS, C_PASS, -1 },
	{ "src 198.18.5.77/32 host", D_PASS, {},
	  { { .action = D_DROP, .src = { "198.18.5.77/32" } } },
	  { .src4 = SRC4(5, 77) }, OPTIONS_MSG, XDP_DROP, C_DROP, 0 },
	{ "src 198.18.5.0/24, from IPv6", D_PASS, {},
	  { { .action = D_DROP, .src = { "198.18.5.0/24" } } },
	  { .family = 6 }, OPTIONS_MSG, XDP_PASS, C_PASS, -1 },
	{ "src 0.0.0.0/0, from IPv4", D_PASS, {},
	  { { .action = D_DROP, .src = { "0.0.0.0/0" } } },
	  {}, OPTIONS_MSG, XDP_DROP, C_DROP, 0 },
	{ "src 0.0.0.0/0, from IPv6", D_PASS, {},
	  { { .action = D_DROP, .src = { "0.0.0.0/0" } } },
	  { .family = 6 }, OPTIONS_MSG, XDP_PASS, C_PASS, -1 },
	{ "src 2001:2::/32, from 2001:2::77", D_PASS, {},
	  { { .action = D_DROP, .src = { "2001:2::/32" } } },
	  { .family = 6, .src6 = "2001:2::77" }, OPTIONS_MSG, XDP_DROP,
	  C_DROP, 0 },
	{ "src 2001:3::/32, from 2001:2::77", D_PASS, {},
	  { { .action = D_DROP, .src = { "2001:3::/32" } } },
	  { .family = 6, .src6 = "2001:2::77" }, OPTIONS_MSG, XDP_PASS,
	  C_PASS, -1 },
	{ "src 2001:2::/32, from IPv4", D_PASS, {},
	  { { .action = D_DROP, .src = { "2001:2::/32" } } },
	  {}, OPTIONS_MSG, XDP_PASS, C_PASS, -1 },
	{ "src 2001:2:0:0:8000::/65, from 2001:2::8000:0:0:1", D_PASS, {},
	  { { .action = D_DROP, .src = { "2001:2:0:0:8000::/65" } } },
	  { .family = 6, .src6 = "2001:2::8000:0:0:1" }, OPTIONS_MSG,
	  XDP_DROP, C_DROP, 0 },
	{ "src 2001:2:0:0:8000::/65, from 2001:2::7fff:0:0:1", D_PASS, {},
	  { { .action = D_DROP, .src = { "2001:2:0:0:8000::/65" } } },
	  { .family = 6, .src6 = "2001:2::7fff:0:0:1" }, OPTIONS_MSG,
	  XDP_PASS, C_PASS, -1 },
	{ "src 2001:2::77/128", D_PASS, {},
	  { { .action = D_DROP, .src = { "2001:2::77/128" } } },
	  { .family = 6, .src6 = "2001:2::77" }, OPTIONS_MSG, XDP_DROP,
	  C_DROP, 0 },
	{ "src list, the third prefix", D_PASS, {},
	  { { .action = D_DROP, .src = { "2001:2::/32", "198.18.9.0/24",
			       "198.18.5.0/24" } } },
	  { .src4 = SRC4(5, 1) }, OPTIONS_MSG, XDP_DROP, C_DROP, 0 },
	/* port */
	{ "port 5070, request to 5070", D_PASS, { 5060, 5070 },
	  { { .action = D_DROP, .port = 5070 } }, { .dport = 5070 }, OPTIONS_MSG,
	  XDP_DROP, C_DROP, 0 },
	{ "port 5070, request to 5060", D_PASS, { 5060, 5070 },
	  { { .action = D_DROP, .port = 5070 } }, {}, OPTIONS_MSG, XDP_PASS, C_PASS,
	  -1 },
	/* ruri_user_prefix */
	{ "ruri +49, sip:+4930123@", D_PASS, {},
	  { { .action = D_DROP, .ruri = "+49" } }, {}, INV("sip:+4930123@198.18.0.1"),
	  XDP_DROP, C_DROP, 0 },
	{ "ruri +49, sip:+4430123@", D_PASS, {},
	  { { .action = D_DROP, .ruri = "+49" } }, {}, INV("sip:+4430123@198.18.0.1"),
	  XDP_PASS, C_PASS, -1 },
	{ "ruri +49, sip:example.com (no user)", D_PASS, {},
	  { { .action = D_DROP, .ruri = "+49" } }, {}, INV("sip:example.com"),
	  XDP_PASS, C_PASS, -1 },
	{ "ruri +49, host that starts with +49", D_PASS, {},
	  { { .action = D_DROP, .ruri = "+49" } }, {}, INV("sip:+49.example.com"),
	  XDP_PASS, C_PASS, -1 },
	{ "ruri +49, tel:+4930123", D_PASS, {},
	  { { .action = D_DROP, .ruri = "+49" } }, {}, INV("tel:+4930123"), XDP_DROP,
	  C_DROP, 0 },
	{ "ruri +49, tel:+4930123;phone-context=x", D_PASS, {},
	  { { .action = D_DROP, .ruri = "+49" } }, {},
	  INV("tel:+4930123;phone-context=x"), XDP_DROP, C_DROP, 0 },
	{ "ruri +49, tel:+4430123", D_PASS, {},
	  { { .action = D_DROP, .ruri = "+49" } }, {}, INV("tel:+4430123"), XDP_PASS,
	  C_PASS, -1 },
	{ "ruri +49, sips:+49301@", D_PASS, {},
	  { { .action = D_DROP, .ruri = "+49" } }, {}, INV("sips:+49301@198.18.0.1"),
	  XDP_DROP, C_DROP, 0 },
	{ "ruri +49, sip:+49@ (exactly the prefix)", D_PASS, {},
	  { { .action = D_DROP, .ruri = "+49" } }, {}, INV("sip:+49@198.18.0.1"),
	  XDP_DROP, C_DROP, 0 },
	{ "ruri +49, sip:+4@ (shorter user)", D_PASS, {},
	  { { .action = D_DROP, .ruri = "+49" } }, {}, INV("sip:+4@198.18.0.1"),
	  XDP_PASS, C_PASS, -1 },
	{ "ruri 0049 (case matters not, digits do), sip:0049301@", D_PASS, {},
	  { { .action = D_DROP, .ruri = "0049" } }, {}, INV("sip:0049301@198.18.0.1"),
	  XDP_DROP, C_DROP, 0 },
	{ "ruri of 17 bytes, user longer", D_PASS, {},
	  { { .action = D_DROP, .ruri = "+4930123456789012" } }, {},
	  INV("sip:+49301234567890123@198.18.0.1"), XDP_DROP, C_DROP, 0 },
	{ "ruri of 17 bytes, 17th byte differs", D_PASS, {},
	  { { .action = D_DROP, .ruri = "+4930123456789012" } }, {},
	  INV("sip:+4930123456789019@198.18.0.1"), XDP_PASS, C_PASS, -1 },
	/* user_agent */
	{ "UA friendly-scanner in Friendly-Scanner 1.0", D_PASS, {},
	  { { .action = D_DROP, .ua = "friendly-scanner" } }, {},
	  UA_REQ("User-Agent: Friendly-Scanner 1.0\n"), XDP_DROP, C_DROP, 0 },
	{ "UA at the end of the value, header name in lower case", D_PASS, {},
	  { { .action = D_DROP, .ua = "friendly-scanner" } }, {},
	  UA_REQ("user-agent: x/1 FRIENDLY-SCANNER\n"), XDP_DROP, C_DROP, 0 },
	{ "UA with whitespace before the colon", D_PASS, {},
	  { { .action = D_DROP, .ua = "friendly-scanner" } }, {},
	  UA_REQ("User-Agent : friendly-scanner\n"), XDP_DROP, C_DROP, 0 },
	{ "UA on a folded line", D_PASS, {},
	  { { .action = D_DROP, .ua = "friendly-scanner" } }, {},
	  UA_REQ("User-Agent: x/1\n friendly-scanner\n"), XDP_DROP, C_DROP,
	  0 },
	{ "UA configured in mixed case, header in upper case", D_PASS, {},
	  { { .action = D_DROP, .ua = "Friendly-Scanner" } }, {},
	  UA_REQ("User-Agent: FRIENDLY-SCANNER/2\n"), XDP_DROP, C_DROP, 0 },
	{ "UA sipvicious", D_PASS, {},
	  { { .action = D_DROP, .ua = "friendly-scanner" } }, {},
	  UA_REQ("User-Agent: sipvicious\n"), XDP_PASS, C_PASS, -1 },
	{ "UA one character short", D_PASS, {},
	  { { .action = D_DROP, .ua = "friendly-scanner" } }, {},
	  UA_REQ("User-Agent: friendly-scanne\n"), XDP_PASS, C_PASS, -1 },
	{ "no User-Agent", D_PASS, {},
	  { { .action = D_DROP, .ua = "friendly-scanner" } }, {}, OPTIONS_MSG,
	  XDP_PASS, C_PASS, -1 },
	{ "UA text in another header", D_PASS, {},
	  { { .action = D_DROP, .ua = "friendly-scanner" } }, {},
	  UA_REQ("X-User-Agent: friendly-scanner\nServer: friendly-scanner\n"),
	  XDP_PASS, C_PASS, -1 },
	{ "UA text under a compact-looking name (u:)", D_PASS, {},
	  { { .action = D_DROP, .ua = "friendly-scanner" } }, {},
	  UA_REQ("u: friendly-scanner\n"), XDP_PASS, C_PASS, -1 },
	{ "UA text in the body only", D_PASS, {},
	  { { .action = D_DROP, .ua = "friendly-scanner" } }, {},
	  "OPTIONS sip:bob@198.18.0.1 SIP/2.0\n" VIA_LOCAL FROM_LOCAL TO_LOCAL
	  CID_LOCAL "CSeq: 1 OPTIONS\nContent-Length: 31\n\n"
	  "User-Agent: friendly-scanner\n",
	  XDP_PASS, C_PASS, -1 },
	/* several keys: all must match */
	{ "INVITE + ruri +49: both", D_PASS, {},
	  { { .action = D_DROP, .methods = { "INVITE" }, .ruri = "+49" } }, {},
	  INV("sip:+4930@198.18.0.1"), XDP_DROP, C_DROP, 0 },
	{ "INVITE + ruri +49: OPTIONS +49", D_PASS, {},
	  { { .action = D_DROP, .methods = { "INVITE" }, .ruri = "+49" } }, {},
	  REQ("OPTIONS", "sip:+4930@198.18.0.1", ""), XDP_PASS, C_PASS, -1 },
	{ "INVITE + ruri +49: INVITE +44", D_PASS, {},
	  { { .action = D_DROP, .methods = { "INVITE" }, .ruri = "+49" } }, {},
	  INV("sip:+4430@198.18.0.1"), XDP_PASS, C_PASS, -1 },
	{ "all five keys match", D_PASS, { 5060, 5070 },
	  { { .action = D_REPLY, .methods = { "OPTIONS" }, { "198.18.5.0/24" }, 5070, "bob",
	      "scanner" } },
	  { .src4 = SRC4(5, 1), .dport = 5070 },
	  UA_REQ("User-Agent: Scanner\n"), XDP_PASS, C_REPLY, 0 },
	{ "all five keys but the UA match", D_PASS, { 5060, 5070 },
	  { { .action = D_REPLY, .methods = { "OPTIONS" }, { "198.18.5.0/24" }, 5070, "bob",
	      "scanner" } },
	  { .src4 = SRC4(5, 1), .dport = 5070 },
	  UA_REQ("User-Agent: Scan\n"), XDP_PASS, C_PASS, -1 },
	/* first match wins */
	{ "two matching rules: the first", D_PASS, {},
	  { { .action = D_DROP, .methods = { "OPTIONS" } }, { .action = D_REPLY, .methods = { "*" } } }, {},
	  OPTIONS_MSG, XDP_DROP, C_DROP, 0 },
	{ "two rules: the second", D_PASS, {},
	  { { .action = D_DROP, .methods = { "OPTIONS" } }, { .action = D_REPLY, .methods = { "*" } } }, {},
	  INVITE_MSG, XDP_PASS, C_REPLY, 1 },
	{ "three rules: the third", D_DROP, {},
	  { { .action = D_REPLY, .methods = { "OPTIONS" } }, { .action = D_REPLY, .ruri = "+49" },
	    { .action = D_PASS, .methods = { "INVITE" } } },
	  {}, INV("sip:+44@198.18.0.1"), XDP_PASS, C_PASS, 2 },
	/* default_action when nothing matches */
	{ "default pass", D_PASS, {}, { { .action = D_DROP, .methods = { "BYE" } } }, {},
	  INVITE_MSG, XDP_PASS, C_PASS, -1 },
	{ "default drop", D_DROP, {}, { { .action = D_PASS, .methods = { "BYE" } } }, {},
	  INVITE_MSG, XDP_DROP, C_DROP, -1 },
	{ "default reply", D_REPLY, {}, { { .action = D_DROP, .methods = { "BYE" } } }, {},
	  INVITE_MSG, XDP_PASS, C_REPLY, -1 },
	{ "default reply, no rules", D_REPLY, {}, {}, {}, INVITE_MSG,
	  XDP_PASS, C_REPLY, -1 },
	{ "rule pass in front of default drop", D_DROP, {},
	  { { .action = D_PASS, .methods = { "INVITE" } } }, {}, INVITE_MSG, XDP_PASS, C_PASS, 0 },
	/* served ports (n_ports = 0 in a zeroed bank: test_zeroed_config) */
	{ "ports 5070 only, request to 5060", D_REPLY, { 5070 }, {}, {},
	  OPTIONS_MSG, XDP_PASS, C_NOT_SIP, -1 },
	{ "ports 5070 only, request to 5070", D_REPLY, { 5070 }, {},
	  { .dport = 5070 }, OPTIONS_MSG, XDP_PASS, C_REPLY, -1 },
	{ "ports not given (5060): 5060", D_REPLY, {}, {}, {}, OPTIONS_MSG,
	  XDP_PASS, C_REPLY, -1 },
	{ "ports not given (5060): not 5061", D_REPLY, {}, {},
	  { .dport = 5061 }, OPTIONS_MSG, XDP_PASS, C_NOT_SIP, -1 },
	{ "eight ports, the eighth", D_REPLY,
	  { 5060, 5061, 5062, 5063, 5064, 5065, 5066, 5067 }, {},
	  { .dport = 5067 }, OPTIONS_MSG, XDP_PASS, C_REPLY, -1 },
	{ "eight ports, not a ninth", D_REPLY,
	  { 5060, 5061, 5062, 5063, 5064, 5065, 5066, 5067 }, {},
	  { .dport = 5068 }, OPTIONS_MSG, XDP_PASS, C_NOT_SIP, -1 },
};

/* The [rule] section of d, as a config file says it, at buf + *o. */
static void rule_text(char *buf, size_t cap, size_t *o, unsigned int n,
		      const struct rule_desc *d)
{
	int i;

#define ADD(...)							\
	do {								\
		int k_ = snprintf(buf + *o, cap - *o, __VA_ARGS__);	\
		if (k_ < 0 || (size_t)k_ >= cap - *o)			\
			fail_msg("rule text too long");			\
		*o += (size_t)k_;					\
	} while (0)
	ADD("[rule r%u]\naction = %s\n", n, sl_action_name(d->action));
	for (i = 0; i < 4 && d->methods[i]; i++)
		ADD("%s%s", i ? ", " : "method = ", d->methods[i]);
	if (i)
		ADD("\n");
	for (i = 0; i < 3 && d->src[i]; i++)
		ADD("%s%s", i ? ", " : "src = ", d->src[i]);
	if (i)
		ADD("\n");
	if (d->port)
		ADD("port = %u\n", d->port);
	if (d->ruri)
		ADD("ruri_user_prefix = %s\n", d->ruri);
	if (d->ua)
		ADD("user_agent = %s\n", d->ua);
#undef ADD
}

static bool desc_used(const struct rule_desc *d)
{
	return d->methods[0] || d->src[0] || d->port || d->ruri || d->ua ||
	       d->action;
}

static void apply_rule_case(const struct rule_case *c)
{
	char conf[2048];
	size_t o;
	unsigned int i;

	o = (size_t)snprintf(conf, sizeof(conf), FX_SL "default_action = %s\n",
			     sl_action_name(c->default_action));
	for (i = 0; i < SL_MAX_PORTS && c->ports[i]; i++)
		o += (size_t)snprintf(conf + o, sizeof(conf) - o, "%s%u",
				      i ? ", " : "ports = ", c->ports[i]);
	if (i)
		o += (size_t)snprintf(conf + o, sizeof(conf) - o, "\n");
	for (i = 0; i < 3 && desc_used(&c->rules[i]); i++)
		rule_text(conf, sizeof(conf), &o, i, &c->rules[i]);
	if (fx_config("%s", conf))
		fail_msg("%s: config: see above", c->name);
}

static void test_rules(void **state)
{
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(rule_cases); i++) {
		const struct rule_case *c = &rule_cases[i];
		size_t len;

		apply_rule_case(c);
		reset_or_fail();
		len = build(&c->fs, msg, text(c->msg));
		bad += check_run(c->name, len, c->verdict, &c->cnt,
				 c->hit < 0 ? SL_META_DEFAULT_RULE :
					      (__u32)c->hit) ||
		       check_hits(c->name, c->hit);
	}
	table_done("rules", bad, i);
}

/* Rule n of a full table of SL_MAX_RULES: the loop reaches the end.
 * A file names at most SL_METHOD_NAMES methods: the last rule matches
 * by its R-URI user. */
static void test_rules_last_of_64(void **state)
{
	static const struct sl_dp_counters want = C_REPLY;
	static char conf[SL_MAX_RULES * 64 + 128];
	size_t o;
	int i;

	(void)state;
	o = (size_t)snprintf(conf, sizeof(conf), FX_SL);
	for (i = 0; i < SL_MAX_RULES - 1; i++)
		o += (size_t)snprintf(conf + o, sizeof(conf) - o,
				      "[rule m%02d]\nmethod = M%02d\naction = reply\n",
				      i, i);
	o += (size_t)snprintf(conf + o, sizeof(conf) - o,
			      "[rule last]\nruri_user_prefix = last\naction = reply\n");
	assert_true(o < sizeof(conf));
	CONFIG("%s", conf);
	reset_or_fail();
	expect_run("M62", build(&(struct frame_spec){}, msg,
				text(REQ("M62", "sip:b@198.18.0.1", ""))),
		   XDP_PASS, &want, SL_MAX_RULES - 2);
	expect_hits("M62", SL_MAX_RULES - 2);
	reset_or_fail();
	expect_run("the last rule", build(&(struct frame_spec){}, msg,
					  text(REQ("M63", "sip:last@198.18.0.1", ""))),
		   XDP_PASS, &want, SL_MAX_RULES - 1);
	expect_hits("the last rule", SL_MAX_RULES - 1);
}

/*
 * Every list of a rule filled to its limit (SL_METHOD_NAMES methods,
 * SL_MAX_PREFIXES src prefixes, SL_MAX_PORTS ports, the [sl] ports as
 * well), and a request for each entry, the last one included: an entry
 * past some shorter bound would pass.  Written against the constants,
 * so it follows them when they change.
 */
static void test_rules_full_lists(void **state)
{
	static const struct sl_dp_counters drop = C_DROP, pass = C_PASS;
	static char conf[4096];
	char name[96], method[32], src6[64];
	unsigned int i;
	size_t o, plen;
	int bad = 0, rows = 0;

	(void)state;
	/* methods: M0 .. M62 on method lines of 8 (the key repeats), each
	 * one dropped, M63 (named by no rule) passed */
	o = (size_t)snprintf(conf, sizeof(conf), FX_SL "[rule methods]\naction = drop\n");
	for (i = 0; i < SL_METHOD_NAMES; i++)
		o += (size_t)snprintf(conf + o, sizeof(conf) - o, "%sM%u%s",
				      i % 8 ? "" : "method = ", i,
				      i % 8 == 7 || i + 1 == SL_METHOD_NAMES ? "\n" : ", ");
	assert_true(o < sizeof(conf));
	CONFIG("%s", conf);
	for (i = 0; i <= SL_METHOD_NAMES; i++, rows++) {
		snprintf(method, sizeof(method), "M%u", i);
		snprintf(name, sizeof(name), "%u methods, request %s", SL_METHOD_NAMES, method);
		reset_or_fail();
		/* REQ() takes literals: build the request here */
		plen = sip_fmt(msg, sizeof(msg), true,
			       "%s sip:bob@198.18.0.1 SIP/2.0\n" VIA_LOCAL FROM_LOCAL
			       TO_LOCAL CID_LOCAL "CSeq: 1 %s\nContent-Length: 0\n\n",
			       method, method);
		assert_true(plen > 0);
		bad += check_run(name, build(&(struct frame_spec){}, msg, plen),
				 i < SL_METHOD_NAMES ? XDP_DROP : XDP_PASS,
				 i < SL_METHOD_NAMES ? &drop : &pass, 0) ||
		       check_hits(name, i < SL_METHOD_NAMES ? 0 : -1);
	}

	/* src: 198.18.10.0/24 .. and the last one IPv6 */
	o = (size_t)snprintf(conf, sizeof(conf), FX_SL "[rule sources]\naction = drop\nsrc = ");
	for (i = 0; i + 1 < SL_MAX_PREFIXES; i++)
		o += (size_t)snprintf(conf + o, sizeof(conf) - o, "198.18.%u.0/24, ",
				      10 + i);
	o += (size_t)snprintf(conf + o, sizeof(conf) - o, "2001:2:0:ff::/64\n");
	assert_true(o < sizeof(conf));
	CONFIG("%s", conf);
	for (i = 0; i <= SL_MAX_PREFIXES; i++, rows++) {
		struct frame_spec fs = { .src4 = SRC4(10 + i, 5) };
		bool in = i < SL_MAX_PREFIXES;

		if (i + 1 == SL_MAX_PREFIXES) {
			fs.family = 6;
			fs.src6 = "2001:2:0:ff::5";
		} else if (i == SL_MAX_PREFIXES) {
			/* past the list: the IPv6 neighbour of the last */
			snprintf(src6, sizeof(src6), "2001:2:0:fe::5");
			fs.family = 6;
			fs.src6 = src6;
		}
		snprintf(name, sizeof(name), "%u prefixes, source %u%s",
			 SL_MAX_PREFIXES, i, in ? "" : " (none of them)");
		reset_or_fail();
		bad += check_run(name, build(&fs, msg, text(OPTIONS_MSG)),
				 in ? XDP_DROP : XDP_PASS, in ? &drop : &pass, 0) ||
		       check_hits(name, in ? 0 : -1);
	}

	/* ports: [sl] ports and the rule's port list both full */
	o = (size_t)snprintf(conf, sizeof(conf), FX_SL "ports = ");
	for (i = 0; i < SL_MAX_PORTS; i++)
		o += (size_t)snprintf(conf + o, sizeof(conf) - o, "%s%u",
				      i ? ", " : "", 5060 + i);
	o += (size_t)snprintf(conf + o, sizeof(conf) - o,
			      "\n[rule ports]\naction = drop\nport = ");
	for (i = 0; i < SL_MAX_PORTS; i++)
		o += (size_t)snprintf(conf + o, sizeof(conf) - o, "%s%u",
				      i ? ", " : "", 5060 + SL_MAX_PORTS - 1 - i);
	assert_true(o < sizeof(conf));
	CONFIG("%s\n", conf);
	for (i = 0; i <= SL_MAX_PORTS; i++, rows++) {
		struct frame_spec fs = { .dport = (__u16)(5060 + i) };
		bool in = i < SL_MAX_PORTS;
		static const struct sl_dp_counters not_sip = C_NOT_SIP;

		snprintf(name, sizeof(name), "%u ports, request to %u",
			 SL_MAX_PORTS, 5060 + i);
		reset_or_fail();
		bad += check_run(name, build(&fs, msg, text(OPTIONS_MSG)),
				 in ? XDP_DROP : XDP_PASS,
				 in ? &drop : &not_sip, 0) ||
		       check_hits(name, in ? 0 : -1);
	}
	table_done("full lists", bad, (size_t)rows);
}

/* Zeroed maps, as after `ip link set dev X xdp obj ...`: everything
 * passes and is counted. */
static void test_zeroed_config(void **state)
{
	static const struct sl_dp_counters req = C_PASS;
	static const struct sl_dp_counters ack = C_ACK_PASS();
	static const struct sl_dp_counters not_sip = C_NOT_SIP;
	static const struct sl_dp_counters resp = C_RESPONSE;
	char tag[TAG_BUF];
	size_t plen;

	(void)state;
	assert_int_equal(fx_zero_config(), 0);
	assert_int_equal(active_bank(), 0);

	reset_or_fail();
	expect_run("OPTIONS", build(&(struct frame_spec){}, msg,
				    text(OPTIONS_MSG)),
		   XDP_PASS, &req, 0);
	reset_or_fail();
	expect_run("OPTIONS over IPv6", build(&(struct frame_spec){
						.family = 6 }, msg,
					      text(OPTIONS_MSG)),
		   XDP_PASS, &req, 0);
	reset_or_fail();
	expect_run("OPTIONS to 5070", build(&(struct frame_spec){
						.dport = 5070 }, msg,
					    text(OPTIONS_MSG)),
		   XDP_PASS, &not_sip, 0);
	reset_or_fail();
	expect_run("response", build(&(struct frame_spec){}, msg,
				     text(RESPONSE_MSG)),
		   XDP_PASS, &resp, 0);
	/* an ACK with our tag and a live entry (window mask 0: slot 0) */
	reset_or_fail();
	make_tag(ack_case(ACK_LIVE), tag);
	plen = sip_fmt(msg, sizeof(msg), true, ACK_B, tag);
	assert_int_equal(fx_window_put(0, suffix_of(&ack_case(ACK_LIVE)->tag), 0,
				       fx_now_ns()), 0);
	expect_run("ACK", build(&(struct frame_spec){}, msg, plen), XDP_PASS,
		   &ack, 0);
	expect_hits("zeroed", -1);
}

/* Reload: the new bank is complete before the flip; the flip is what
 * makes it count. */
static void test_reload_flips_bank(void **state)
{
	static const struct sl_dp_counters drop = C_DROP;
	static const struct sl_dp_counters reply = C_REPLY;
	static struct sl_bank_image junk;
	static const char a[] = FX_SL "[rule o]\nmethod = OPTIONS\naction = drop\n";
	static const char b[] = FX_SL "default_action = reply\n"
				"[rule i]\nmethod = INVITE\naction = drop\n";
	struct sl_active act0, act1;
	__u32 zero = 0, bank_a, bank_b, other;
	size_t opt_len, inv_len;
	static __u8 opt_frame[FRAME_MAX], inv_frame[FRAME_MAX];

	(void)state;
	opt_len = build(&(struct frame_spec){}, msg, text(OPTIONS_MSG));
	memcpy(opt_frame, frame, opt_len);
	inv_len = build(&(struct frame_spec){}, msg, text(INVITE_MSG));
	memcpy(inv_frame, frame, inv_len);

	/* A: OPTIONS dropped, default pass */
	CONFIG("%s", a);
	bank_a = active_bank();
	assert_int_equal(bpf_map_lookup_elem(fx.maps.fd[SL_M_ACTIVE], &zero,
					     &act0), 0);

	/* junk in the idle bank changes nothing until a flip */
	other = bank_a ^ 1;
	assert_int_equal(fx_compile(&junk, FX_SL "default_action = drop\n"), 0);
	assert_int_equal(bpf_map_update_elem(fx.maps.fd[SL_M_CONFIG], &other,
					     &junk.cfg, BPF_ANY), 0);
	reset_or_fail();
	memcpy(frame, opt_frame, opt_len);
	expect_run("A: OPTIONS", opt_len, XDP_DROP, &drop, 0);
	expect_hits("A: OPTIONS", 0);
	reset_or_fail();
	memcpy(frame, inv_frame, inv_len);
	expect_run("A: INVITE (idle bank says drop)", inv_len, XDP_PASS,
		   &(struct sl_dp_counters)C_PASS, 0);

	/* B: INVITE dropped, default reply */
	CONFIG("%s", b);
	bank_b = active_bank();
	assert_int_equal(bank_b, bank_a ^ 1);
	assert_int_equal(bpf_map_lookup_elem(fx.maps.fd[SL_M_ACTIVE], &zero,
					     &act1), 0);
	assert_int_equal(act1.generation, act0.generation + 1);

	reset_or_fail();
	memcpy(frame, opt_frame, opt_len);
	expect_run("B: OPTIONS", opt_len, XDP_PASS, &reply,
		   SL_META_DEFAULT_RULE);
	assert_int_equal(res.meta.bank, bank_b);
	expect_hits("B: OPTIONS", -1);
	reset_or_fail();
	memcpy(frame, inv_frame, inv_len);
	expect_run("B: INVITE", inv_len, XDP_DROP, &drop, 0);
	expect_hits("B: INVITE", 0);

	/* and back to A: bank A was rewritten, B's rule is not there */
	CONFIG("%s", a);
	assert_int_equal(active_bank(), bank_a);
	reset_or_fail();
	expect_run("A again: INVITE", inv_len, XDP_PASS,
		   &(struct sl_dp_counters)C_PASS, 0);
	reset_or_fail();
	memcpy(frame, opt_frame, opt_len);
	expect_run("A again: OPTIONS", opt_len, XDP_DROP, &drop, 0);
	expect_hits("A again: OPTIONS", 0);
}

/* ------------------------------------------------------------------ */
/* 6. the scratch buffer: long payloads, leftovers of earlier packets */

/*
 * A request of exactly total bytes (CRLF): request line, CSeq, an X-Pad
 * header that fills up, Content-Length, then the tail headers (written
 * with "\n"), then the empty line.
 */
static size_t long_request(size_t total, const char *method, const char *tail)
{
	static char pad[FRAME_MAX];
	static const char fmt[] = "%s sip:bob@198.18.0.1 SIP/2.0\nCSeq: 1 %s\n"
				  "X-Pad: %s\nContent-Length: 0\n%s\n";
	size_t n;

	n = sip_fmt(msg, sizeof(msg), true, fmt, method, method, "", tail);
	if (!n || total <= n || total - n >= sizeof(pad))
		fail_msg("bad long request size %zu", total);
	memset(pad, 'p', total - n);
	pad[total - n] = '\0';
	n = sip_fmt(msg, sizeof(msg), true, fmt, method, method, pad, tail);
	if (n != total)
		fail_msg("long request is %zu bytes, want %zu", n, total);
	return n;
}

/* ------------------------------------------------------------------ */
/* rules that cannot be evaded: by CR/LF, the frame's shape, the window */

struct evasion_case {
	const char *name;
	const char *conf;		/* rules after FX_SL */
	struct frame_spec fs;
	size_t crlf;			/* CR LF pairs in front */
	size_t pad_before_ua;		/* X-Pad bytes before the User-Agent */
	size_t ruri_len;		/* bytes of R-URI user part, 0: "bob" */
	size_t carried;			/* first fragment: payload bytes in it */
	__u32 verdict;
	struct sl_dp_counters cnt;
	int hit;
};

#define DROP_REGISTER	"[rule r]\nmethod = REGISTER\naction = drop\n"
#define DROP_SRC	"[rule s]\nsrc = 198.18.0.99, 2001:2::99\naction = drop\n"
#define BLOCKED4	.src4 = SRC4(0, 99)
#define BLOCKED6	.family = 6, .src6 = "2001:2::99"
#define C_DROP_UNANS	{ C_REQ_BASE, .dropped_by_rule = 1, .unanswerable = 1 }

static const struct evasion_case evasion_cases[] = {
	/* CR/LF in front of the request line */
	{ "REGISTER after one CR/LF", DROP_REGISTER, {}, 1, 0, 0, 0,
	  XDP_DROP, C_DROP, 0 },
	{ "REGISTER after 1500 CR/LF (past the window)", DROP_REGISTER, {},
	  1500, 0, 0, 0, XDP_DROP, C_DROP, 0 },
	{ "OPTIONS after 1500 CR/LF: not the rule's", DROP_REGISTER, {},
	  1500, 0, 0, 0, XDP_PASS, C_PASS, -1 },
	/* a src drop rule, whatever the frame's shape */
	{ "first IPv4 fragment from a blocked source", DROP_SRC,
	  { BLOCKED4, .ip_frag = FRAME_IP_MF }, 0, 0, 0, 100, XDP_DROP,
	  C_DROP_UNANS, 0 },
	{ "first IPv6 fragment from a blocked source", DROP_SRC,
	  { BLOCKED6, .frag6 = true, .frag6_mf = true }, 0, 0, 0, 100,
	  XDP_DROP, C_DROP_UNANS, 0 },
	{ "three VLAN tags from a blocked source", DROP_SRC,
	  { BLOCKED4, .n_vlans = 3 }, 0, 0, 0, 0, XDP_DROP, C_DROP_UNANS, 0 },
	{ "eight VLAN tags from a blocked source", DROP_SRC,
	  { BLOCKED4, .n_vlans = 8 }, 0, 0, 0, 0, XDP_DROP, C_DROP_UNANS, 0 },
	{ "six IPv6 extension headers from a blocked source", DROP_SRC,
	  { BLOCKED6, .hbh = true, .n_dest6 = 5 }, 0, 0, 0, 0, XDP_DROP,
	  C_DROP_UNANS, 0 },
	{ "nine IPv6 extension headers from a blocked source: the source only",
	  DROP_SRC, { BLOCKED6, .hbh = true, .n_dest6 = 8 }, 0, 0, 0, 0,
	  XDP_DROP, { C_BASE, .dropped_unreadable = 1 }, 0 },
	{ "nine IPv6 extension headers, another source", DROP_SRC,
	  { .family = 6, .hbh = true, .n_dest6 = 8 }, 0, 0, 0, 0, XDP_PASS,
	  C_NOT_SIP, -1 },
	{ "nine IPv6 extension headers: a rule with a method cannot tell",
	  "[rule s]\nsrc = 2001:2::99\nmethod = REGISTER\naction = drop\n",
	  { BLOCKED6, .hbh = true, .n_dest6 = 8 }, 0, 0, 0, 0, XDP_PASS,
	  C_NOT_SIP, -1 },
	{ "nine VLAN tags: not read (no stack takes them either)", DROP_SRC,
	  { BLOCKED4, .n_vlans = 9 }, 0, 0, 0, 0, XDP_PASS, C_NOT_SIP, -1 },
	{ "a later fragment: passes (no datagram without the first)", DROP_SRC,
	  { BLOCKED4, .ip_frag = 185 }, 0, 0, 0, 0, XDP_PASS, C_NOT_SIP, -1 },
	/* a reply rule cannot answer what the responder cannot read */
	{ "first fragment, reply rule: passed", "[rule o]\nmethod = REGISTER\nreply = 403 Forbidden\n",
	  { .ip_frag = FRAME_IP_MF }, 0, 0, 0, 100, XDP_PASS,
	  { C_REQ_BASE, .passed_by_rule = 1, .unanswerable = 1 }, 0 },
	/* the window: what lies past byte 2048 */
	{ "User-Agent past the window, drop rule: taken",
	  "[rule ua]\nuser_agent = friendly-scanner\naction = drop\n", {}, 0,
	  2100, 0, 0, XDP_DROP,
	  { C_REQ_BASE, .dropped_by_rule = 1, .truncated = 1, .unseen = 1 }, 0 },
	{ "User-Agent past the window, pass rule: not taken",
	  "[rule ua]\nuser_agent = friendly-scanner\naction = pass\n"
	  "[rule rest]\nmethod = REGISTER\naction = drop\n", {}, 0, 2100, 0, 0,
	  XDP_DROP,
	  { C_REQ_BASE, .dropped_by_rule = 1, .truncated = 1, .unseen = 1 }, 1 },
	{ "User-Agent in a first fragment's headers: seen",
	  "[rule ua]\nuser_agent = friendly-scanner\naction = pass\n"
	  "[rule rest]\nmethod = REGISTER\naction = drop\n",
	  { .ip_frag = FRAME_IP_MF }, 0, 0, 0, 300, XDP_PASS,
	  { C_REQ_BASE, .passed_by_rule = 1, .unanswerable = 1 }, 0 },
	{ "a Request-URI past the window: the method still seen",
	  DROP_REGISTER, {}, 0, 0, 2100, 0, XDP_DROP,
	  { C_REQ_BASE, .dropped_by_rule = 1, .truncated = 1 }, 0 },
	{ "a first fragment of CR/LF only: a drop rule's method matches",
	  DROP_REGISTER, { .ip_frag = FRAME_IP_MF }, 700, 0, 0, 1400,
	  XDP_DROP, { C_REQ_BASE, .dropped_by_rule = 1, .unanswerable = 1,
		      .unseen = 1 }, 0 },
};

static void test_rules_evasion(void **state)
{
	static char pad[2200], user[2200];
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(evasion_cases); i++) {
		const struct evasion_case *c = &evasion_cases[i];
		struct frame_spec fs = c->fs;
		size_t n, k, len;

		CONFIG(FX_SL "%s", c->conf);
		reset_or_fail();
		memset(pad, 'p', c->pad_before_ua);
		pad[c->pad_before_ua] = '\0';
		memset(user, 'u', c->ruri_len);
		user[c->ruri_len] = '\0';
		for (k = 0; k < c->crlf; k++)
			memcpy(msg + 2 * k, "\r\n", 2);
		n = 2 * c->crlf;
		n += sip_fmt(msg + n, sizeof(msg) - n, true,
			     "REGISTER sip:%s@198.18.0.1 SIP/2.0\n" VIA_LOCAL
			     FROM_LOCAL TO_LOCAL CID_LOCAL "CSeq: 1 REGISTER\n"
			     "%s%s%sUser-Agent: friendly-scanner\n"
			     "Content-Length: 0\n\n",
			     c->ruri_len ? user : "bob",
			     c->pad_before_ua ? "X-Pad: " : "", pad,
			     c->pad_before_ua ? "\n" : "");
		if (strstr(c->name, "OPTIONS"))
			memcpy(strstr(msg, "REGISTER sip"), "OPTIONS  sip", 12);
		if (c->carried) {
			fs.udp_len = (__u16)(8 + n);	/* the whole datagram's */
			n = c->carried;
		}
		len = build(&fs, msg, n);
		bad += check_run(c->name, len, c->verdict, &c->cnt,
				 SL_META_DEFAULT_RULE) ||
		       check_hits(c->name, c->hit);
	}
	table_done("rules that cannot be evaded", bad, i);
}

/* The User-Agent automaton walks a long value in parts: a pattern at
 * every position of a 1200-byte value is found, across the parts'
 * boundaries included, and one byte short of it nowhere. */
static size_t ua_frame(const char *ua)
{
	return build(&(struct frame_spec){}, msg,
		     sip_fmt(msg, sizeof(msg), true,
			     "OPTIONS sip:bob@198.18.0.1 SIP/2.0\n" VIA_LOCAL
			     FROM_LOCAL TO_LOCAL CID_LOCAL
			     "CSeq: 1 OPTIONS\nUser-Agent: %s\n\n", ua));
}

static void test_ua_every_position(void **state)
{
	static const char pat[] = "friendly-scanner";
	static const struct sl_dp_counters drop = C_DROP, pass = C_PASS;
	static char ua[1201], name[64];
	size_t plen = sizeof(pat) - 1, o;
	int bad = 0, rows = 0;

	(void)state;
	CONFIG(FX_SL "[rule ua]\nuser_agent = %s\naction = drop\n", pat);
	for (o = 0; o + plen <= sizeof(ua) - 1; o++, rows++) {
		memset(ua, 'x', sizeof(ua) - 1);
		ua[sizeof(ua) - 1] = '\0';
		memcpy(ua + o, pat, plen);
		if (o % 2)	/* any case */
			ua[o] = 'F';
		snprintf(name, sizeof(name), "pattern at byte %zu", o);
		reset_or_fail();
		bad += check_run(name, ua_frame(ua), XDP_DROP, &drop, 0);
		/* the last byte missing: nowhere */
		ua[o + plen - 1] = 'x';
		reset_or_fail();
		bad += check_run(name, ua_frame(ua), XDP_PASS, &pass, 0);
	}
	table_done("User-Agent pattern at every position", bad, (size_t)rows);
}

/* A byte over 0x7f is read whole at every position of a walk: a value
 * of 0xc1 ('A' with the top bit set) does not match "a", a value with
 * "\xc1" in it matches "\xc1" (one walk for a short value, four for a
 * long one). */
static void test_ua_high_bytes(void **state)
{
	static const struct sl_dp_counters drop = C_DROP, pass = C_PASS;
	static const size_t lens[] = { 100, 1200 };
	static char ua[1201], name[64];
	int bad = 0, rows = 0;
	size_t i, o;

	(void)state;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		CONFIG(FX_SL "[rule ua]\nuser_agent = a\naction = drop\n");
		memset(ua, 0xc1, lens[i]);
		ua[lens[i]] = '\0';
		snprintf(name, sizeof(name), "%zu bytes of 0xc1, \"a\"", lens[i]);
		reset_or_fail();
		bad += check_run(name, ua_frame(ua), XDP_PASS, &pass, 0);
		rows++;
		CONFIG(FX_SL "[rule ua]\nuser_agent = \xc1\naction = drop\n");
		for (o = 0; o < 16; o++, rows++) {
			memset(ua, 'A', lens[i]);
			ua[lens[i] - 1 - o] = (char)0xc1;
			snprintf(name, sizeof(name),
				 "%zu bytes, 0xc1 at %zu from the end", lens[i], o);
			reset_or_fail();
			bad += check_run(name, ua_frame(ua), XDP_DROP, &drop, 0);
		}
	}
	table_done("User-Agent bytes over 0x7f", bad, (size_t)rows);
}

/* The walks stop at the end of the value: a pattern in the next header
 * is not seen, after a short value or a long one. */
static void test_ua_value_end(void **state)
{
	static const struct sl_dp_counters pass = C_PASS;
	static const size_t lens[] = { 1, 16, 255, 256, 300, 1200 };
	static char ua[1201], name[64];
	size_t i, plen, len;
	int bad = 0;

	(void)state;
	CONFIG(FX_SL "[rule ua]\nuser_agent = friendly-scanner\naction = drop\n");
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		memset(ua, 'x', lens[i]);
		ua[lens[i]] = '\0';
		snprintf(name, sizeof(name), "%zu-byte value, pattern after it",
			 lens[i]);
		plen = sip_fmt(msg, sizeof(msg), true,
			       "OPTIONS sip:bob@198.18.0.1 SIP/2.0\n" VIA_LOCAL
			       FROM_LOCAL TO_LOCAL CID_LOCAL
			       "CSeq: 1 OPTIONS\nUser-Agent: %s\n"
			       "X: friendly-scanner\n\n", ua);
		len = build(&(struct frame_spec){}, msg, plen);
		reset_or_fail();
		bad += check_run(name, len, XDP_PASS, &pass, 0);
	}
	table_done("User-Agent walks end with the value", bad, i);
}

static void test_long_payloads(void **state)
{
	static const struct sl_dp_counters trunc_reply = {
		C_REQ_BASE, .redirect_fallback = 1, .truncated = 1,
	};
	static const struct sl_dp_counters absorbed = C_ABSORBED;
	static const struct sl_dp_counters trunc_absorbed = {
		C_REQ_BASE, .acks_absorbed = 1, .truncated = 1,
	};
	static const struct sl_dp_counters trunc_ack = {
		C_REQ_BASE, .acks_passed = 1, .passed_by_rule = 1,
		.truncated = 1,
	};
	char tag[TAG_BUF], tail[512];
	__u32 suffix = suffix_of(&ack_case(ACK_LIVE)->tag);
	size_t plen;

	(void)state;
	CONFIG(ACK_CONFIG "default_action = reply\n");
	make_tag(ack_case(ACK_LIVE), tag);

	/* exactly the scratch size: not truncated */
	reset_or_fail();
	plen = long_request(SL_SCRATCH_LEN, "OPTIONS", "");
	expect_run("2048-byte OPTIONS", build(&(struct frame_spec){}, msg, plen),
		   XDP_PASS, &(struct sl_dp_counters)C_REPLY,
		   SL_META_DEFAULT_RULE);
	/* one byte more: the first 2048 are parsed, truncated counted */
	reset_or_fail();
	plen = long_request(SL_SCRATCH_LEN + 1, "OPTIONS", "");
	expect_run("2049-byte OPTIONS", build(&(struct frame_spec){}, msg, plen),
		   XDP_PASS, &trunc_reply, SL_META_DEFAULT_RULE);
	reset_or_fail();
	plen = long_request(3400, "OPTIONS", "");
	expect_run("3400-byte OPTIONS over IPv6",
		   build(&(struct frame_spec){ .family = 6 }, msg, plen),
		   XDP_PASS, &trunc_reply, SL_META_DEFAULT_RULE);

	/* a 1400-byte ACK with To last: absorbed */
	snprintf(tail, sizeof(tail),
		 "Via: SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n"
		 "Call-ID: inv-callid-0001@10.0.0.5\n"
		 "To: <sip:r486@127.0.0.1>;tag=%s\n", tag);
	reset_or_fail();
	assert_int_equal(fx_window_put(FX_WINDOW_MASK, suffix, 0,
				       fx_now_ns()), 0);
	plen = long_request(1400, "ACK", tail);
	expect_run("1400-byte ACK, To last",
		   build(&(struct frame_spec){}, msg, plen), XDP_DROP,
		   &absorbed, 0);
	/* To last in exactly 2048 bytes: all seen */
	reset_or_fail();
	assert_int_equal(fx_window_put(FX_WINDOW_MASK, suffix, 0,
				       fx_now_ns()), 0);
	plen = long_request(SL_SCRATCH_LEN, "ACK", tail);
	expect_run("2048-byte ACK, To last",
		   build(&(struct frame_spec){}, msg, plen), XDP_DROP,
		   &absorbed, 0);
	/* 2049 bytes: the final LF is cut off, the To header is whole */
	reset_or_fail();
	assert_int_equal(fx_window_put(FX_WINDOW_MASK, suffix, 0,
				       fx_now_ns()), 0);
	plen = long_request(SL_SCRATCH_LEN + 1, "ACK", tail);
	expect_run("2049-byte ACK, To last",
		   build(&(struct frame_spec){}, msg, plen), XDP_DROP,
		   &trunc_absorbed, 0);
	/* the To header beyond the scratch buffer: not seen, passes */
	reset_or_fail();
	assert_int_equal(fx_window_put(FX_WINDOW_MASK, suffix, 0,
				       fx_now_ns()), 0);
	plen = long_request(2600, "ACK", tail);
	expect_run("2600-byte ACK, To beyond 2048",
		   build(&(struct frame_spec){}, msg, plen), XDP_PASS,
		   &trunc_ack, 0);
}

/* Bytes of an earlier, longer packet stay in the per-CPU scratch
 * buffer; a shorter packet must not be parsed with them. */
static void test_scratch_leftovers(void **state)
{
	static const struct sl_dp_counters absorbed = C_ABSORBED;
	static const struct sl_dp_counters no_tag = C_ACK_PASS();
	static const struct sl_dp_counters part_tag =
		C_ACK_PASS(.acks_no_entry = 1);
	char tag[TAG_BUF];
	__u32 suffix = suffix_of(&ack_case(ACK_LIVE)->tag);
	size_t plen, cut, tag_at;
	const char *to;

	(void)state;
	CONFIG(ACK_CONFIG);
	make_tag(ack_case(ACK_LIVE), tag);
	plen = sip_fmt(msg, sizeof(msg), true,
		       ACK_LINE ACK_VIA_B ACK_CID_B ACK_TO, tag);
	assert_true(plen > 0);

	reset_or_fail();
	assert_int_equal(fx_window_put(FX_WINDOW_MASK, suffix, 0,
				       fx_now_ns()), 0);
	expect_run("ACK ending with To", build(&(struct frame_spec){}, msg, plen),
		   XDP_DROP, &absorbed, 0);

	/* the same datagram cut inside the tag (a shorter, foreign tag
	 * without an entry), then inside the To header before the tag */
	to = strstr(msg, "To: ");
	assert_non_null(to);
	tag_at = (size_t)(strstr(to, "tag=") + 4 - msg);
	for (cut = plen - 3; cut > (size_t)(to - msg); cut -= 7) {
		char name[64];

		reset_or_fail();
		assert_int_equal(fx_window_put(FX_WINDOW_MASK, suffix, 0,
					       fx_now_ns()), 0);
		snprintf(name, sizeof(name), "ACK cut to %zu bytes", cut);
		expect_run(name, build(&(struct frame_spec){}, msg, cut),
			   XDP_PASS, cut > tag_at ? &part_tag : &no_tag, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_not_sip, test_setup),
		cmocka_unit_test_setup(test_request_lines, test_setup),
		cmocka_unit_test_setup(test_l2l3_variants, test_setup),
		cmocka_unit_test_setup(test_totag_vectors, test_setup),
		cmocka_unit_test_setup(test_ack_absorption, test_setup),
		cmocka_unit_test_setup(test_ack_unsigned_config, test_setup),
		cmocka_unit_test_setup(test_ack_other_signature, test_setup),
		cmocka_unit_test_setup(test_ack_signature_not_token, test_setup),
		cmocka_unit_test_setup(test_ack_configured_seed, test_setup),
		cmocka_unit_test_setup(test_ack_piece_lengths, test_setup),
		cmocka_unit_test_setup(test_ack_window_per_reply, test_setup),
		cmocka_unit_test_setup(test_ack_then_rules, test_setup),
		cmocka_unit_test_setup(test_ack_window_configured, test_setup),
		cmocka_unit_test_setup(test_ack_window_bucket_ways, test_setup),
		cmocka_unit_test_setup(test_rules, test_setup),
		cmocka_unit_test_setup(test_rules_last_of_64, test_setup),
		cmocka_unit_test_setup(test_rules_full_lists, test_setup),
		cmocka_unit_test_setup(test_zeroed_config, test_setup),
		cmocka_unit_test_setup(test_reload_flips_bank, test_setup),
		cmocka_unit_test_setup(test_rules_evasion, test_setup),
		cmocka_unit_test_setup(test_ua_every_position, test_setup),
		cmocka_unit_test_setup(test_ua_high_bytes, test_setup),
		cmocka_unit_test_setup(test_ua_value_end, test_setup),
		cmocka_unit_test_setup(test_long_payloads, test_setup),
		cmocka_unit_test_setup(test_scratch_leftovers, test_setup),
	};

	return cmocka_run_group_tests_name("xdp", tests, fx_group_setup,
					   fx_group_teardown);
}
