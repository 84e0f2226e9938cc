// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Microbenchmark (not a test): nanoseconds per reply for parse + compose
 * (sl_engine_answer) and for the parse alone, on an OPTIONS ping and a
 * ~1 KB INVITE with SDP, IPv4 and IPv6 sources.  Median of RUNS runs of
 * ITERS replies each.  Target: < 500 ns per reply.
 *
 *   make bench-engine      (build/tests/bench_engine [iters])
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sip/sl_engine.h"
#include "sip/sip_msg.h"

#define RUNS	7
#define ITERS	1000000

static const char options[] =
	"OPTIONS sip:ping@198.18.0.1:5060 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 198.18.0.2:5060;branch=z9hG4bK-524287-1---77ba2a0e1a7c12b1;rport\r\n"
	"Max-Forwards: 70\r\n"
	"Contact: <sip:monitor@198.18.0.2:5060>\r\n"
	"To: <sip:ping@198.18.0.1:5060>\r\n"
	"From: <sip:monitor@198.18.0.2:5060>;tag=4b2e9a1f\r\n"
	"Call-ID: 6f1c4e2d9a8b7c6d5e4f3a2b1c0d9e8f@198.18.0.2\r\n"
	"CSeq: 1 OPTIONS\r\n"
	"User-Agent: sipp/3.6\r\n"
	"Content-Length: 0\r\n\r\n";

static const char invite[] =
	"INVITE sip:+4930123456789@198.18.0.1:5060;user=phone SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 198.18.0.2:5060;branch=z9hG4bK-d8754z-1f2e3d4c5b6a7988-1---d8754z-;rport\r\n"
	"Via: SIP/2.0/UDP 10.20.30.40:5060;branch=z9hG4bK-upstream-0001;received=192.0.2.7\r\n"
	"Record-Route: <sip:198.18.0.2;lr;ftag=as5f3a2b1c>\r\n"
	"Max-Forwards: 69\r\n"
	"Contact: <sip:+4930987654321@198.18.0.2:5060;transport=udp>\r\n"
	"To: <sip:+4930123456789@198.18.0.1;user=phone>\r\n"
	"From: \"Caller Name\" <sip:+4930987654321@198.18.0.2;user=phone>;tag=as5f3a2b1c\r\n"
	"Call-ID: 3c2b1a09f8e7d6c5b4a3928170f6e5d4@198.18.0.2:5060\r\n"
	"CSeq: 102 INVITE\r\n"
	"User-Agent: Asterisk PBX 18.10.0\r\n"
	"Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, SUBSCRIBE, NOTIFY, INFO, PUBLISH, MESSAGE\r\n"
	"Supported: replaces, timer\r\n"
	"Session-Expires: 1800\r\n"
	"Min-SE: 90\r\n"
	"P-Asserted-Identity: <sip:+4930987654321@198.18.0.2>\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 329\r\n"
	"\r\n"
	"v=0\r\n"
	"o=root 1907323925 1907323925 IN IP4 198.18.0.2\r\n"
	"s=Asterisk PBX 18.10.0\r\n"
	"c=IN IP4 198.18.0.2\r\n"
	"t=0 0\r\n"
	"m=audio 17654 RTP/AVP 8 0 3 101\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:3 GSM/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=fmtp:101 0-16\r\n"
	"a=ptime:20\r\n"
	"a=maxptime:150\r\n"
	"a=sendrecv\r\n"
	"a=rtcp:17655\r\n"
	"a=ssrc:1234567890 cname:abcdefgh\r\n";

static const struct sl_peer src4 = { 4, { 198, 18, 0, 2 }, 5060 };
static const struct sl_peer src6 = {
	6, { 0x20, 0x01, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02 }, 5060 };

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static volatile size_t sink;

/* Median ns per call of RUNS runs. */
static double bench(const char *req, size_t len, const struct sl_peer *src,
		    __u16 code, const char *reason, bool parse_only, long iters,
		    size_t *reply_len)
{
	static struct sip_msg m;
	static char out[4096];
	struct sl_engine_cfg cfg;
	/* as the responder passes a rule's reply: reason given */
	struct sl_reply_spec spec = { code, reason, strlen(reason), NULL, 0 };
	struct sl_result res;
	double t[RUNS], t0;
	long i;
	int r;

	memcpy(cfg.signature, "df673b98c9e0bd9172cfc0d849035098", SL_SIG_LEN);
	cfg.server_hdr = "Server: sl-xdp";
	cfg.server_len = strlen(cfg.server_hdr);

	if (sl_engine_answer(&cfg, &spec, req, len, src, out, sizeof(out), &res) ||
	    res.outcome != SL_OUT_REPLY) {
		fprintf(stderr, "bench request not answered\n");
		exit(1);
	}
	*reply_len = res.len;
	for (r = 0; r < RUNS; r++) {
		t0 = now_ns();
		for (i = 0; i < iters; i++) {
			if (parse_only) {
				sip_msg_parse(&m, req, len);
				sink += m.n_hdrs;
			} else {
				sl_engine_answer(&cfg, &spec, req, len, src, out,
						 sizeof(out), &res);
				sink += res.len;
			}
		}
		t[r] = (now_ns() - t0) / (double)iters;
	}
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	return t[RUNS / 2];
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name, *req;
		size_t len;
		const struct sl_peer *src;
		__u16 code;
		const char *reason;
	} cases[] = {
		{ "OPTIONS  200 (v4)", options, sizeof(options) - 1, &src4, 200, "OK" },
		{ "OPTIONS  200 (v6)", options, sizeof(options) - 1, &src6, 200, "OK" },
		{ "INVITE   404 (v4)", invite, sizeof(invite) - 1, &src4, 404, "Not Found" },
		{ "INVITE   180 (v4)", invite, sizeof(invite) - 1, &src4, 180, "Ringing" },
		{ "INVITE   404 (v6)", invite, sizeof(invite) - 1, &src6, 404, "Not Found" },
	};
	long iters = argc > 1 ? atol(argv[1]) : ITERS;
	size_t i, rlen;
	double full, parse;

	if (iters <= 0)
		iters = ITERS;
	printf("median of %d runs x %ld replies\n", RUNS, iters);
	printf("%-18s %8s %8s %12s %12s\n", "case", "req B", "reply B",
	       "answer ns", "parse ns");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		full = bench(cases[i].req, cases[i].len, cases[i].src,
			     cases[i].code, cases[i].reason, false, iters, &rlen);
		parse = bench(cases[i].req, cases[i].len, cases[i].src,
			      cases[i].code, cases[i].reason, true, iters, &rlen);
		printf("%-18s %8zu %8zu %12.1f %12.1f\n", cases[i].name,
		       cases[i].len, rlen, full, parse);
	}
	return sink == 0;	/* keeps the loops; never 0 */
}
