// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target: sl_engine_answer() with the input as the request.
 *
 * Each input is answered under a few fixed reply specs and sources (an
 * IPv4 and an IPv6 peer, with and without extra headers and a Server
 * line, codes below 180, 180..299 and final) into heap buffers of
 * exactly out_cap bytes, so ASan catches a single byte written past
 * out_cap.  Checked (sl_engine.h):
 *  - the call succeeds or says -ENOSPC; -ENOSPC with room for the
 *    documented bound means the reply would break the bound, and with
 *    more room the engine must then drop it (SL_DROP_OVERSIZE);
 *  - reply length <= request + SL_REPLY_SLACK + extra_len + server_len;
 *  - a reply only for a request (not a response) whose method is not
 *    ACK, computed here from the bytes, not by the parser: the method is
 *    the token before the first SP, HT, CR or LF (Kamailio's
 *    parse_first_line ends it there too);
 *  - the reply starts with "SIP/2.0 " (any case: the version is echoed
 *    as received, as Kamailio does), then the 3-digit res.code, SP, the
 *    reason; it ends with "Content-Length: 0" CRLF CRLF, the extra
 *    headers and the Server line are lines of their own (a copied field
 *    must not run into them), and it parses back as a response with that
 *    code, one Content-Length and a complete header section;
 *  - the to-tag suffix equals the reference sl_totag_suffix() over the
 *    request's top Via and Call-ID, and an added tag is in the reply;
 *  - a well-formed top Via is well-formed in the reply too, with the
 *    request's host, port and branch, rport (if the request had one) the
 *    source port, and (with at most SIP_VIA_MAX_RECEIVED old ones) exactly
 *    one received, the source address, when one was added (the byte edits
 *    on the top Via are driven by parser offsets), and no continuation
 *    line of the reply's top Via holds only blanks unless the request's
 *    did (an old received is dropped with the fold in front of it);
 *  - deterministic: the same bytes again give the same reply, into a
 *    buffer of exactly res.len bytes; one byte less is -ENOSPC.
 */
#define _GNU_SOURCE	/* memmem */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sip/sl_engine.h"
#include "sip/ip_text.h"
#include "sip/sip_msg.h"
#include "sip/totag.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_sl_engine: %s:%d: check failed: %s\n", \
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

#define SIG	"df673b98c9e0bd9172cfc0d849035098"
#define EXTRA	"Retry-After: 30\r\nX-Fuzz: yes\r\n"
#define SERVER	"Server: sl-xdp fuzz"
#define TAIL	"Content-Length: 0\r\n\r\n"
/* SL_REASON_MAX (127) bytes */
#define LONG_REASON	"Trying very hard to find a reason phrase long enough " \
			"to matter for the amplification bound: 127 bytes at " \
			"most, that is it here!"
_Static_assert(sizeof(LONG_REASON) - 1 == SL_REASON_MAX, "127-byte reason");

struct variant {
	struct sl_reply_spec spec;
	bool with_server;
	struct sl_peer src;
};

static const struct variant variants[] = {
	{	/* a final reply with a reason and extra headers, IPv4 */
		.spec = { .code = 486, .reason = "Busy Here",
			  .reason_len = 9, .extra_hdrs = EXTRA,
			  .extra_len = sizeof(EXTRA) - 1 },
		.with_server = true,
		.src = { .family = 4, .addr = { 198, 18, 0, 2 }, .port = 5062 },
	},
	{	/* 200 with the standard phrase (reason NULL), IPv6, no Server */
		.spec = { .code = 200 },
		.src = { .family = 6,
			 .addr = { 0x20, 0x01, 0x00, 0x02, 0, 0, 0, 0,
				   0, 0, 0, 0, 0, 0, 0, 0x02 },
			 .port = 65535 },
	},
	{	/* a provisional reply without a to-tag, a long reason */
		.spec = { .code = 100, .reason = LONG_REASON,
			  .reason_len = sizeof(LONG_REASON) - 1 },
		.with_server = true,
		.src = { .family = 6,
			 .addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
			 .port = 1 },
	},
	{	/* 302 with a Contact, IPv4 that looks like a Via host */
		.spec = { .code = 302, .reason = "Moved Temporarily",
			  .reason_len = 17,
			  .extra_hdrs = "Contact: <sip:alt@198.18.0.9>\r\n",
			  .extra_len = 31 },
		.src = { .family = 4, .addr = { 127, 0, 0, 1 }, .port = 5060 },
	},
};

static struct sl_engine_cfg cfg;
static struct sip_msg req_msg, reply_msg;

static bool is_lws_byte(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * What the request is, straight from the bytes: after keep-alive CR/LF,
 * a start line beginning "SIP/" (any case) is a response; else the
 * method is the token up to SP, HT, CR, LF or the end, after any
 * leading SP/HT.
 */
static void classify(const char *b, size_t n, bool *response, bool *ack)
{
	size_t p = 0, s;

	*response = false;
	*ack = false;
	while (p < n && (b[p] == '\r' || b[p] == '\n'))
		p++;
	if (n - p >= 4 && !strncasecmp(b + p, "SIP/", 4)) {
		*response = true;
		return;
	}
	while (p < n && (b[p] == ' ' || b[p] == '\t'))
		p++;
	s = p;
	while (p < n && !is_lws_byte(b[p]))
		p++;
	*ack = p - s == 3 && !memcmp(b + s, "ACK", 3);
}

static bool has_bare_lf(const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] == '\n' && (i == 0 || b[i - 1] != '\r'))
			return true;
	return false;
}

/* s (ending in CRLF) starts a line of the reply */
static bool find_line(const char *out, size_t n, const char *s, size_t len)
{
	const char *p = out, *end = out + n, *q;

	while (p < end && (q = memmem(p, (size_t)(end - p), s, len))) {
		if (q > out && q[-1] == '\n')
			return true;
		p = q + 1;
	}
	return false;
}

static bool same_span(const struct sip_msg *a, struct sip_span sa,
		      const struct sip_msg *b, struct sip_span sb)
{
	if (sip_span_present(sa) != sip_span_present(sb) || sa.len != sb.len)
		return false;
	return !sa.len || !memcmp(a->buf + sa.off, b->buf + sb.off, sa.len);
}

/* req_msg and reply_msg parsed: the top Via edits did what they should. */
static void check_top_via(const struct variant *v)
{
	const struct sip_via *q = &req_msg.via, *r = &reply_msg.via;
	char ip[SL_IP_TEXT_MAX], port[8];
	size_t ip_len, port_len;
	struct sl_str val;

	/* what follows junk in a Via is not parsed, and the edits can join
	 * the junk to what comes before it */
	if (q->malformed)
		return;
	CHECK(r->usable && !r->malformed);
	CHECK(same_span(&req_msg, q->host, &reply_msg, r->host));
	CHECK(same_span(&req_msg, q->port, &reply_msg, r->port));
	CHECK(same_span(&req_msg, q->branch, &reply_msg, r->branch));
	CHECK(r->has_rport == q->has_rport);
	if (q->has_rport) {
		port_len = (size_t)snprintf(port, sizeof(port), "%u", v->src.port);
		val = sip_str(&reply_msg, r->rport_value);
		CHECK(val.len == port_len && !memcmp(val.s, port, port_len));
	}
	if (q->n_received > SIP_VIA_MAX_RECEIVED)
		return;		/* the ones after the 4th are kept */
	if (!q->has_rport && !q->n_received && r->n_received == 0)
		return;		/* host is the source: nothing added */
	CHECK(r->n_received == 1);
	ip_len = sl_ip_text(&v->src, ip);
	val = sip_str(&reply_msg, r->received_param[0]);
	CHECK(val.len == 10 + ip_len && !memcmp(val.s, ";received=", 10) &&
	      !memcmp(val.s + 10, ip, ip_len));
}

/* [s, e) holds a continuation line of SP/HT only (LF, SP/HT..., then a
 * line end or e). */
static bool has_empty_fold(const char *b, size_t s, size_t e)
{
	size_t i, j;

	for (i = s; i + 1 < e; i++) {
		if (b[i] != '\n' || (b[i + 1] != ' ' && b[i + 1] != '\t'))
			continue;
		for (j = i + 1; j < e && (b[j] == ' ' || b[j] == '\t'); j++)
			;
		if (j == e || b[j] == '\r' || b[j] == '\n')
			return true;
	}
	return false;
}

/* Dropping an old received param leaves no empty continuation line in
 * the top Via that the request's did not have (issue 15.2). */
static void check_no_empty_fold(void)
{
	const struct sip_hdr *q = &req_msg.hdrs[req_msg.via.hdr];
	const struct sip_hdr *r = &reply_msg.hdrs[reply_msg.via.hdr];

	CHECK(reply_msg.via.hdr != SIP_NO_HDR);
	if (has_empty_fold(req_msg.buf, q->name, q->body_end))
		return;
	CHECK(!has_empty_fold(reply_msg.buf, r->name, r->body_end));
}

static int answer(const struct variant *v, const char *req, size_t len,
		  char **out, size_t cap, struct sl_result *res)
{
	*out = malloc(cap ? cap : 1);
	CHECK(*out);
	return sl_engine_answer(&cfg, &v->spec, req, len, &v->src,
				cap ? *out : NULL, cap, res);
}

static void check_reply(const struct variant *v, const char *req, size_t len,
			const char *out, const struct sl_result *res)
{
	char code3[4], tag[SL_TOTAG_LEN];
	const char *reason;
	size_t reason_len, n = res->len;
	__u32 suffix;

	CHECK(res->why == SL_DROP_NONE);
	CHECK(res->code >= 100 && res->code <= 999);
	CHECK(n >= 8 + 4 + 2 + sizeof(TAIL) - 1);
	/* status line */
	CHECK(!strncasecmp(out, "SIP/2.0 ", 8));
	snprintf(code3, sizeof(code3), "%03u", res->code);
	CHECK(!memcmp(out + 8, code3, 3) && out[11] == ' ');
	reason = res->reason;
	reason_len = res->reason_len;
	CHECK(reason_len <= SL_REASON_MAX && (reason || !reason_len));
	CHECK(n >= 12 + reason_len + 2);
	CHECK(!reason_len || !memcmp(out + 12, reason, reason_len));
	CHECK(!memcmp(out + 12 + reason_len, "\r\n", 2));
	if (res->is_error_reply)
		CHECK(res->code == 400 || res->code == 505);
	else
		CHECK(res->code == v->spec.code);
	/* the end; the responder's own lines are lines of their own (a
	 * copied field must not run into them) */
	CHECK(!memcmp(out + n - (sizeof(TAIL) - 1), TAIL, sizeof(TAIL) - 1));
	CHECK(out[n - sizeof(TAIL)] == '\n');
	if (v->spec.extra_len)
		CHECK(find_line(out, n, v->spec.extra_hdrs, v->spec.extra_len));
	if (cfg.server_len)
		CHECK(find_line(out, n, SERVER "\r\n", sizeof(SERVER) + 1));

	/* parses back as a whole response */
	CHECK(sip_msg_parse(&reply_msg, out, n) == 0);
	CHECK(reply_msg.is_response);
	CHECK(reply_msg.status == res->code);
	CHECK(reply_msg.eoh && reply_msg.body == n);
	CHECK(reply_msg.count[SIP_HDR_CONTENT_LENGTH] == 1);

	/* the to-tag suffix: the reference implementation agrees */
	CHECK(sip_msg_parse(&req_msg, req, len) == 0);
	suffix = sl_totag_suffix(sip_str(&req_msg, req_msg.via.host),
				 sip_str(&req_msg, req_msg.via.port),
				 sip_str(&req_msg, req_msg.via.branch),
				 sip_str(&req_msg, req_msg.callid));
	CHECK(res->window_suffix == suffix);
	check_no_empty_fold();
	check_top_via(v);
	if (res->added_tag) {
		CHECK(res->code >= 180);
		sl_totag_build(cfg.signature, suffix, tag);
		CHECK(memmem(out, n, tag, SL_TOTAG_LEN));
	}
	if (res->record_window) {
		CHECK(res->code >= 200);
		CHECK(sip_method_is(&req_msg, "INVITE", 6));
	}
}

static void run_variant(const struct variant *v, const char *req, size_t len)
{
	struct sl_result res, res2;
	size_t bound, big = 4 * len + 8192;
	bool response, ack;
	char *out, *out2;
	int rc, rc2;

	if (!v->with_server)
		cfg.server_len = 0;
	else
		cfg.server_len = sizeof(SERVER) - 1;
	bound = len + SL_REPLY_SLACK + v->spec.extra_len + cfg.server_len;

	rc = answer(v, req, len, &out, bound, &res);
	CHECK(rc == 0 || rc == -ENOSPC);
	classify(req, len, &response, &ack);

	if (rc == -ENOSPC) {
		/* only a reply over the bound does not fit the bound */
		free(out);
		rc = answer(v, req, len, &out, big, &res);
		CHECK(rc == 0);
		CHECK(res.outcome == SL_OUT_DROP_UNANSWERABLE);
		CHECK(res.why == SL_DROP_OVERSIZE);
	}
	CHECK(res.outcome == SL_OUT_REPLY || res.len == 0);
	if (res.why == SL_DROP_OVERSIZE)
		/* sl_engine.h: only LF-only line ends grow a reply past
		 * the bound */
		CHECK(has_bare_lf(req, len));

	if (res.outcome != SL_OUT_REPLY) {
		CHECK(res.why != SL_DROP_NONE);
		if (res.outcome == SL_OUT_DROP_NOT_REQUEST)
			CHECK(res.why == SL_DROP_RESPONSE || res.why == SL_DROP_ACK);
		free(out);
		return;
	}

	CHECK(!response);
	CHECK(!ack);
	CHECK(res.len <= bound);
	check_reply(v, req, len, out, &res);

	/* exactly res.len bytes: the same reply; one byte less: ENOSPC */
	rc2 = answer(v, req, len, &out2, res.len, &res2);
	CHECK(rc2 == 0 && res2.outcome == SL_OUT_REPLY);
	CHECK(res2.len == res.len && !memcmp(out, out2, res.len));
	CHECK(res2.code == res.code && res2.window_suffix == res.window_suffix &&
	      res2.window_key_tag == res.window_key_tag &&
	      res2.record_window == res.record_window &&
	      res2.dst_port == res.dst_port);
	free(out2);
	rc2 = answer(v, req, len, &out2, res.len - 1, &res2);
	CHECK(rc2 == -ENOSPC);
	CHECK(res2.outcome == SL_OUT_DROP_UNANSWERABLE);
	free(out2);
	free(out);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	memcpy(cfg.signature, SIG, SL_SIG_LEN);
	cfg.server_hdr = SERVER;
	cfg.server_len = sizeof(SERVER) - 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i;

	if (size > SIP_MAX_MSG_LEN)
		return -1;	/* not a datagram: keep it out of the corpus */
	for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		run_variant(&variants[i], (const char *)data, size);
	return 0;
}
