// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * SIP parser unit tests: every RFC 4475 / RFC 3261 corpus message, then
 * the details the responder depends on (compact names, folding, Via
 * params, IPv6 hosts, rport forms, LF-only line ends, limits), then
 * robustness (every prefix of every corpus message, seeded mutations).
 *
 * The corpus is found through $SL_CORPUS_DIR, else ../shared/corpus from
 * the current directory (the repo root under `make test`) or from
 * $SL_ROOT, else by walking up from the test binary.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sip/sip_msg.h"

/* ---- corpus ---------------------------------------------------------- */

#include "corpus_files.h"

/* ---- helpers --------------------------------------------------------- */

static struct sip_msg M;	/* 3 KB: not on the cmocka stack */

static void parse_lit(const char *s)
{
	assert_int_equal(sip_msg_parse(&M, s, strlen(s)), 0);
}

static void assert_span(struct sip_span sp, const char *want)
{
	assert_true(sip_span_present(sp));
	assert_int_equal(sp.len, strlen(want));
	assert_memory_equal(M.buf + sp.off, want, sp.len);
}

static void assert_absent(struct sip_span sp)
{
	assert_false(sip_span_present(sp));
}

/* The n-th header's name and value. */
static void assert_hdr(int i, const char *name, const char *body)
{
	const struct sip_hdr *h = &M.hdrs[i];

	assert_true(i < M.n_hdrs);
	assert_int_equal(h->name_len, strlen(name));
	assert_memory_equal(M.buf + h->name, name, h->name_len);
	assert_int_equal(h->body_end - h->body, strlen(body));
	assert_memory_equal(M.buf + h->body, body, h->body_end - h->body);
}

/* Offsets of every stored header lie inside the message, in order. */
static void check_invariants(const struct sip_msg *m)
{
	__u32 prev = m->start_end;
	int i;

	assert_true(m->n_hdrs <= SIP_MAX_HEADERS);
	assert_true(m->body <= m->len);
	for (i = 0; i < m->n_hdrs; i++) {
		const struct sip_hdr *h = &m->hdrs[i];

		assert_true(h->name >= prev);
		assert_true(h->name + h->name_len <= h->body);
		assert_true(h->body <= h->body_end);
		assert_true(h->body_end <= h->end);
		assert_true(h->end <= m->len);
		assert_true(h->type < SIP_HDR_TYPES);
		/* the word-compare fast path agrees with the reference */
		assert_int_equal(h->type, sip_hdr_type_of(m->buf + h->name, h->name_len));
		prev = h->end;
	}
	if (m->via.usable) {
		assert_true(m->via.host.off + m->via.host.len <= m->len);
		assert_true(m->via.value_end <= m->len);
	}
}

#define CRLF "\r\n"
#define HDRS_OK \
	"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1" CRLF \
	"From: <sip:a@example.com>;tag=1" CRLF \
	"To: <sip:b@example.com>" CRLF \
	"Call-ID: c1@example.com" CRLF \
	"CSeq: 1 OPTIONS" CRLF

/* ---- the corpus ------------------------------------------------------ */

struct corpus_case {
	const char *sub, *file;
	bool response;
	__u32 errors;		/* exact enum sip_error set */
};

#define R4(f, r, e) { "rfc4475", f, r, e }
#define R3(f, r, e) { "rfc3261", f, r, e }

/* What the parser reports for each message; the reply each one gets is
 * in test_sl_engine.c. */
static const struct corpus_case cases[] = {
	R4("badaspec.dat", false, 0),		/* spaces in <> tolerated */
	R4("badbranch.dat", false, 0),
	R4("baddate.dat", false, 0),
	R4("baddn.dat", false, SIP_E_NO_EOH),	/* file lacks the empty line */
	R4("badinv01.dat", false, SIP_E_VIA),	/* ";;,;,," */
	R4("badvers.dat", false, SIP_E_VERSION),
	R4("bcast.dat", true, 0),
	R4("bext01.dat", false, 0),
	R4("bigcode.dat", true, 0),
	R4("clerr.dat", false, SIP_E_CLEN_MISMATCH),
	R4("cparam01.dat", false, 0),
	R4("cparam02.dat", false, 0),
	R4("dblreq.dat", false, 0),		/* trailing octets ignored */
	R4("esc01.dat", false, 0),
	R4("esc02.dat", false, 0),
	R4("escnull.dat", false, 0),
	R4("escruri.dat", false, 0),		/* escaped headers in URI tolerated */
	R4("insuf.dat", false, 0),		/* missing headers are the engine's call */
	R4("intmeth.dat", false, 0),
	R4("inv2543.dat", false, 0),
	R4("invut.dat", false, 0),
	R4("longreq.dat", false, 0),
	R4("ltgtruri.dat", false, SIP_E_RURI),
	R4("lwsdisp.dat", false, 0),
	R4("lwsruri.dat", false, SIP_E_RURI),
	R4("lwsstart.dat", false, 0),		/* extra SP tolerated */
	R4("mcl01.dat", false, SIP_E_CLEN_MULTI),
	R4("mismatch01.dat", false, SIP_E_CSEQ_METHOD),
	R4("mismatch02.dat", false, SIP_E_CSEQ_METHOD),
	R4("mpart01.dat", false, 0),
	R4("multi01.dat", false, SIP_E_DUP_FROM | SIP_E_DUP_TO |
				  SIP_E_DUP_CALLID | SIP_E_DUP_CSEQ),
	R4("ncl.dat", false, SIP_E_CLEN),
	R4("noreason.dat", true, 0),
	R4("novelsc.dat", false, 0),
	R4("quotbal.dat", false, SIP_E_TO_QUOTE),
	R4("regaut01.dat", false, 0),
	R4("regbadct.dat", false, 0),
	R4("regescrt.dat", false, 0),
	R4("scalar02.dat", false, SIP_E_CSEQ_NUM),
	R4("scalarlg.dat", true, SIP_E_CSEQ_NUM),
	R4("sdp01.dat", false, 0),
	R4("semiuri.dat", false, 0),
	R4("test.dat", false, SIP_E_START_LINE | SIP_E_HDR_LINE),
	R4("transports.dat", false, 0),
	R4("trws.dat", false, 0),		/* trailing SP tolerated */
	R4("unkscm.dat", false, 0),
	R4("unksm2.dat", false, 0),
	R4("unreason.dat", true, 0),
	R4("wsinv.dat", false, 0),
	R4("zeromf.dat", false, 0),
	R3("rfc3261_s11.1_OPTIONS.sip", false, 0),
	R3("rfc3261_s24.1_F1_REGISTER.sip", false, 0),
	R3("rfc3261_s24.1_F2_resp200.sip", true, 0),
	/* "(Alice's SDP not shown)" is shorter than Content-Length 142 */
	R3("rfc3261_s24.2_F1_INVITE.sip", false, SIP_E_CLEN_MISMATCH),
	R3("rfc3261_s24.2_F2_resp100.sip", true, 0),
	R3("rfc3261_s24.2_F3_INVITE.sip", false, SIP_E_CLEN_MISMATCH),
	R3("rfc3261_s24.2_F4_resp100.sip", true, 0),
	R3("rfc3261_s24.2_F5_INVITE.sip", false, SIP_E_CLEN_MISMATCH),
	R3("rfc3261_s24.2_F6_resp180.sip", true, 0),
	R3("rfc3261_s24.2_F7_resp180.sip", true, 0),
	R3("rfc3261_s24.2_F8_resp180.sip", true, 0),
	R3("rfc3261_s24.2_F9_resp200.sip", true, SIP_E_CLEN_MISMATCH),
	R3("rfc3261_s24.2_F10_resp200.sip", true, SIP_E_CLEN_MISMATCH),
	R3("rfc3261_s24.2_F11_resp200.sip", true, SIP_E_CLEN_MISMATCH),
	R3("rfc3261_s24.2_F12_ACK.sip", false, 0),
	R3("rfc3261_s24.2_F13_BYE.sip", false, 0),
	R3("rfc3261_s24.2_F14_resp200.sip", true, 0),
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static bool in_table(const char *sub, const char *file)
{
	size_t i;

	for (i = 0; i < N_CASES; i++)
		if (!strcmp(cases[i].sub, sub) && !strcmp(cases[i].file, file))
			return true;
	return false;
}

/* The table covers the whole corpus: a new file must get a row. */
static void test_corpus_table_complete(void **state)
{
	static const char *subs[] = { "rfc4475", "rfc3261" };
	char p[PATH_MAX + 16];
	struct dirent *d;
	DIR *dir;
	size_t i, n = 0, n4475 = 0;

	(void)state;
	for (i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/%s", corpus, subs[i]);
		dir = opendir(p);
		assert_non_null(dir);
		while ((d = readdir(dir))) {
			size_t l = strlen(d->d_name);

			if ((l > 4 && !strcmp(d->d_name + l - 4, ".dat")) ||
			    (l > 4 && !strcmp(d->d_name + l - 4, ".sip"))) {
				if (!in_table(subs[i], d->d_name))
					fail_msg("%s/%s has no row", subs[i], d->d_name);
				n++;
				n4475 += i == 0;
			}
		}
		closedir(dir);
	}
	assert_int_equal(n4475, 50);
	assert_int_equal(n, N_CASES);
}

static void test_corpus_parse(void **state)
{
	size_t i, len;
	char *buf;

	(void)state;
	for (i = 0; i < N_CASES; i++) {
		buf = load(cases[i].sub, cases[i].file, &len);
		assert_non_null(buf);
		assert_int_equal(sip_msg_parse(&M, buf, len), 0);
		if (M.is_response != cases[i].response || M.errors != cases[i].errors)
			fail_msg("%s: response %d errors %#x, want %d %#x",
				 cases[i].file, M.is_response, M.errors,
				 cases[i].response, cases[i].errors);
		check_invariants(&M);
		free(buf);
	}
}

/* RFC 4475 3.1.1.1: folding everywhere, LWS around ':' '/' '=' ';'. */
static void test_wsinv(void **state)
{
	size_t len;
	char *buf = load("rfc4475", "wsinv.dat", &len);

	(void)state;
	assert_non_null(buf);
	assert_int_equal(sip_msg_parse(&M, buf, len), 0);
	assert_int_equal(M.errors, 0);
	assert_span(M.method, "INVITE");
	assert_span(M.uri, "sip:vivekg@chair-dnrc.example.com;unknownparam");
	assert_span(M.version, "SIP/2.0");

	/* "TO :" + fold; the value starts after the fold */
	assert_int_equal(M.hdrs[0].type, SIP_HDR_TO);
	assert_hdr(0, "TO", "sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n");
	assert_true(M.to.has_tag);
	assert_span(M.to.tag, "1918181833n");
	assert_span(M.to.uri, "sip:vivekg@chair-dnrc.example.com");
	assert_hdr(1, "from", "\"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8");
	assert_span(M.from.tag, "98asjd8");
	assert_span(M.from.uri, "sip:jdrosen@example.com");
	assert_span(M.callid, "wsinv.ndaksdj@192.0.2.1");
	assert_hdr(4, "Content-Length", "150");
	assert_true(M.clen.present);
	assert_int_equal(M.clen.value, 150);
	assert_true(M.cseq.num_ok);
	assert_int_equal(M.cseq.num, 9);
	assert_span(M.cseq.method, "INVITE");
	assert_int_equal(M.hdrs[5].type, SIP_HDR_CSEQ);

	/* top Via: "Via  : SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw" */
	assert_int_equal(M.via.hdr, 6);
	assert_hdr(6, "Via", "SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw");
	assert_true(M.via.usable);
	assert_false(M.via.malformed);
	assert_span(M.via.proto, "SIP  /   2.0\r\n /UDP");
	assert_span(M.via.transport, "UDP");
	assert_span(M.via.host, "192.0.2.2");
	assert_absent(M.via.port);
	assert_span(M.via.branch, "390skdjuw");
	assert_span(M.via.branch_param, ";branch=390skdjuw");
	assert_false(M.via.has_rport);
	assert_int_equal(M.via.value_end, M.hdrs[6].body_end);

	/* "s :" empty Subject, compact */
	assert_int_equal(M.hdrs[7].type, SIP_HDR_SUBJECT);
	assert_hdr(7, "s", "");
	assert_hdr(8, "NewFangledHeader", "newfangled value\r\n continued newfangled value");
	assert_int_equal(M.count[SIP_HDR_VIA], 2);
	/* "v:" with two values; "m:" compact Contact */
	assert_int_equal(M.hdrs[12].type, SIP_HDR_VIA);
	assert_int_equal(M.hdrs[13].type, SIP_HDR_CONTACT);
	assert_int_equal(M.n_hdrs, 14);
	assert_true(M.eoh);
	assert_int_equal(len - M.body, 150);
	free(buf);
}

static void test_intmeth_nul_and_escapes(void **state)
{
	size_t len;
	char *buf = load("rfc4475", "intmeth.dat", &len);

	(void)state;
	assert_non_null(buf);
	assert_int_equal(sip_msg_parse(&M, buf, len), 0);
	assert_int_equal(M.errors, 0);
	assert_span(M.method, "!interesting-Method0123456789_*+`.%indeed'~");
	assert_span(M.cseq.method, "!interesting-Method0123456789_*+`.%indeed'~");
	/* quoted display name with escaped BEL, NUL, DEL */
	assert_false(M.to.unterminated_quote);
	assert_false(M.to.has_tag);
	assert_span(M.to.uri, "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com");
	assert_span(M.from.tag, "_token~1'+`*%!-.");
	assert_span(M.via.branch, "z9hG4bK-.!%66*_+`'~");
	assert_span(M.callid, "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
	free(buf);
}

static void test_longreq_vias(void **state)
{
	size_t len, i, vias = 0;
	char *buf = load("rfc4475", "longreq.dat", &len);

	(void)state;
	assert_non_null(buf);
	assert_int_equal(sip_msg_parse(&M, buf, len), 0);
	for (i = 0; i < M.n_hdrs; i++)
		vias += M.hdrs[i].type == SIP_HDR_VIA;
	/* Via v V ViA VIa VIA via viA vIa vIA "V :" "v  :" "Via  :" ... */
	assert_int_equal(vias, 34);
	assert_int_equal(M.count[SIP_HDR_VIA], 34);
	assert_span(M.via.host, "sip33.example.com");
	assert_absent(M.via.branch);
	/* the To has none; From's tag is 155 characters */
	assert_false(M.to.has_tag);
	assert_false(M.to.malformed);
	assert_true(M.from.has_tag);
	assert_int_equal(M.from.tag.len, 155);
	assert_memory_equal(M.buf + M.from.tag.off, "1298298298", 10);
	assert_int_equal(M.clen.value, 150);
	free(buf);
}

static void test_dblreq_trailing_octets(void **state)
{
	size_t len;
	char *buf = load("rfc4475", "dblreq.dat", &len);

	(void)state;
	assert_non_null(buf);
	assert_int_equal(sip_msg_parse(&M, buf, len), 0);
	assert_span(M.method, "REGISTER");
	assert_int_equal(M.clen.value, 0);
	/* the INVITE after the empty line is body, not headers */
	assert_int_equal(M.count[SIP_HDR_CALLID], 1);
	assert_span(M.callid, "dblreq.0ha0isndaksdj99sdfafnl3lk233412");
	assert_int_equal(M.hdrs[M.n_hdrs - 1].type, SIP_HDR_CONTENT_LENGTH);
	assert_memory_equal(buf + M.body, "\r\nINVITE", 8);
	free(buf);
}

/* ---- header names ---------------------------------------------------- */

static void test_hdr_type_of(void **state)
{
	static const struct { const char *n; enum sip_hdr_type t; } tab[] = {
		{ "v", SIP_HDR_VIA }, { "V", SIP_HDR_VIA }, { "Via", SIP_HDR_VIA },
		{ "vIA", SIP_HDR_VIA }, { "f", SIP_HDR_FROM }, { "FROM", SIP_HDR_FROM },
		{ "t", SIP_HDR_TO }, { "tO", SIP_HDR_TO }, { "i", SIP_HDR_CALLID },
		{ "Call-ID", SIP_HDR_CALLID }, { "call-id", SIP_HDR_CALLID },
		{ "CSeq", SIP_HDR_CSEQ }, { "cseq", SIP_HDR_CSEQ },
		{ "m", SIP_HDR_CONTACT }, { "Contact", SIP_HDR_CONTACT },
		{ "l", SIP_HDR_CONTENT_LENGTH }, { "L", SIP_HDR_CONTENT_LENGTH },
		{ "Content-Length", SIP_HDR_CONTENT_LENGTH },
		{ "c", SIP_HDR_CONTENT_TYPE }, { "Content-Type", SIP_HDR_CONTENT_TYPE },
		{ "k", SIP_HDR_SUPPORTED }, { "Supported", SIP_HDR_SUPPORTED },
		{ "s", SIP_HDR_SUBJECT }, { "Subject", SIP_HDR_SUBJECT },
		{ "e", SIP_HDR_CONTENT_ENCODING },
		{ "Content-Encoding", SIP_HDR_CONTENT_ENCODING },
		{ "o", SIP_HDR_EVENT }, { "Event", SIP_HDR_EVENT },
		{ "u", SIP_HDR_ALLOW_EVENTS }, { "Allow-Events", SIP_HDR_ALLOW_EVENTS },
		{ "r", SIP_HDR_REFER_TO }, { "Refer-To", SIP_HDR_REFER_TO },
		{ "b", SIP_HDR_REFERRED_BY }, { "Referred-By", SIP_HDR_REFERRED_BY },
		{ "x", SIP_HDR_SESSION_EXPIRES },
		{ "Session-Expires", SIP_HDR_SESSION_EXPIRES },
		{ "Record-Route", SIP_HDR_RECORD_ROUTE },
		{ "RECORD-ROUTE", SIP_HDR_RECORD_ROUTE }, { "Route", SIP_HDR_ROUTE },
		{ "Max-Forwards", SIP_HDR_MAX_FORWARDS }, { "MaX-fOrWaRdS", SIP_HDR_MAX_FORWARDS },
		{ "User-Agent", SIP_HDR_USER_AGENT },
		/* not these */
		{ "Vias", SIP_HDR_OTHER }, { "Vi", SIP_HDR_OTHER }, { "q", SIP_HDR_OTHER },
		{ "C%6Fntact", SIP_HDR_OTHER }, { "Call-IDs", SIP_HDR_OTHER },
		{ "Call_ID", SIP_HDR_OTHER }, { "Record-Routes", SIP_HDR_OTHER },
		{ "Call\rID", SIP_HDR_OTHER },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (sip_hdr_type_of(tab[i].n, strlen(tab[i].n)) != tab[i].t)
			fail_msg("'%s' is not type %d", tab[i].n, tab[i].t);
	/* the length counts, not a NUL */
	assert_int_equal(sip_hdr_type_of("To\0", 3), SIP_HDR_OTHER);
	assert_int_equal(sip_hdr_type_of("Tox", 2), SIP_HDR_TO);
	assert_int_equal(sip_hdr_type_of(NULL, 0), SIP_HDR_OTHER);
	assert_int_equal(sip_hdr_type_of("v", 0), SIP_HDR_OTHER);
}

/* Every long name, any case, through the parser's fast path. */
static void test_long_names_parsed(void **state)
{
	static const struct { const char *n; enum sip_hdr_type t; } tab[] = {
		{ "tO", SIP_HDR_TO }, { "VIA", SIP_HDR_VIA }, { "fRoM", SIP_HDR_FROM },
		{ "CSEQ", SIP_HDR_CSEQ }, { "Route", SIP_HDR_ROUTE }, { "EVENT", SIP_HDR_EVENT },
		{ "call-ID", SIP_HDR_CALLID }, { "CONTACT", SIP_HDR_CONTACT },
		{ "Subject", SIP_HDR_SUBJECT }, { "Refer-TO", SIP_HDR_REFER_TO },
		{ "SUPPORTED", SIP_HDR_SUPPORTED }, { "User-AGENT", SIP_HDR_USER_AGENT },
		{ "REFERRED-by", SIP_HDR_REFERRED_BY }, { "RECORD-route", SIP_HDR_RECORD_ROUTE },
		{ "Max-Forwards", SIP_HDR_MAX_FORWARDS }, { "content-TYPE", SIP_HDR_CONTENT_TYPE },
		{ "Allow-Events", SIP_HDR_ALLOW_EVENTS },
		{ "CONTENT-length", SIP_HDR_CONTENT_LENGTH },
		{ "Session-Expires", SIP_HDR_SESSION_EXPIRES },
		{ "Content-Encoding", SIP_HDR_CONTENT_ENCODING },
		/* near misses of the same length */
		{ "Tp", SIP_HDR_OTHER }, { "Vib", SIP_HDR_OTHER }, { "Call-IE", SIP_HDR_OTHER },
		{ "Record-Routf", SIP_HDR_OTHER }, { "Content-Lengti", SIP_HDR_OTHER },
		{ "Content-Encodinh", SIP_HDR_OTHER }, { "X-Long-Name-Here-17", SIP_HDR_OTHER },
		{ "Call-ID1", SIP_HDR_OTHER }, { "To-", SIP_HDR_OTHER },
	};
	char buf[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		snprintf(buf, sizeof(buf), "OPTIONS sip:b@x SIP/2.0\r\n%s:1\r\n"
			 "X-Padding: so that 16 bytes follow every name\r\n\r\n",
			 tab[i].n);
		parse_lit(buf);
		if (M.hdrs[0].type != tab[i].t)
			fail_msg("'%s' parsed as type %d", tab[i].n, M.hdrs[0].type);
	}
}

static void test_compact_forms(void **state)
{
	(void)state;
	parse_lit("INVITE sip:b@example.com SIP/2.0" CRLF
		  "v: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-c" CRLF
		  "f: <sip:a@example.com>;tag=1" CRLF
		  "t: <sip:b@example.com>" CRLF
		  "i: compact@x" CRLF
		  "CSeq: 1 INVITE" CRLF
		  "m: <sip:a@192.0.2.1>" CRLF
		  "k: timer" CRLF
		  "s: hi" CRLF
		  "e: gzip" CRLF
		  "o: foo" CRLF
		  "u: bar" CRLF
		  "r: <sip:c@example.com>" CRLF
		  "b: <sip:d@example.com>" CRLF
		  "x: 90" CRLF
		  "c: application/sdp" CRLF
		  "l: 4" CRLF
		  CRLF "abcd");
	assert_int_equal(M.errors, 0);
	assert_int_equal(M.n_hdrs, 16);
	assert_int_equal(M.hdrs[0].type, SIP_HDR_VIA);
	assert_int_equal(M.hdrs[1].type, SIP_HDR_FROM);
	assert_int_equal(M.hdrs[2].type, SIP_HDR_TO);
	assert_int_equal(M.hdrs[3].type, SIP_HDR_CALLID);
	assert_int_equal(M.hdrs[5].type, SIP_HDR_CONTACT);
	assert_int_equal(M.hdrs[6].type, SIP_HDR_SUPPORTED);
	assert_int_equal(M.hdrs[7].type, SIP_HDR_SUBJECT);
	assert_int_equal(M.hdrs[8].type, SIP_HDR_CONTENT_ENCODING);
	assert_int_equal(M.hdrs[9].type, SIP_HDR_EVENT);
	assert_int_equal(M.hdrs[10].type, SIP_HDR_ALLOW_EVENTS);
	assert_int_equal(M.hdrs[11].type, SIP_HDR_REFER_TO);
	assert_int_equal(M.hdrs[12].type, SIP_HDR_REFERRED_BY);
	assert_int_equal(M.hdrs[13].type, SIP_HDR_SESSION_EXPIRES);
	assert_int_equal(M.hdrs[14].type, SIP_HDR_CONTENT_TYPE);
	assert_int_equal(M.hdrs[15].type, SIP_HDR_CONTENT_LENGTH);
	assert_hdr(0, "v", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-c");
	assert_span(M.callid, "compact@x");
	assert_int_equal(M.clen.value, 4);
	assert_string_equal(M.buf + M.body, "abcd");
}

/* Optional SP/HT before the colon, none after it, folds before the value. */
static void test_colon_whitespace(void **state)
{
	(void)state;
	parse_lit("OPTIONS sip:b@example.com SIP/2.0" CRLF
		  "Via \t : SIP/2.0/UDP h;branch=z9hG4bK-w" CRLF
		  "From:<sip:a@example.com>;tag=1" CRLF
		  "To:" CRLF "\t <sip:b@example.com>" CRLF
		  "Call-ID :\tcid" CRLF
		  "CSeq  :  1 OPTIONS  " CRLF
		  "Content-Length:0" CRLF CRLF);
	assert_int_equal(M.errors, 0);
	assert_hdr(0, "Via", "SIP/2.0/UDP h;branch=z9hG4bK-w");
	assert_hdr(1, "From", "<sip:a@example.com>;tag=1");
	assert_hdr(2, "To", "<sip:b@example.com>");
	assert_hdr(3, "Call-ID", "cid");
	/* trailing SP/HT stay in the value (Kamailio's trim_r) */
	assert_hdr(4, "CSeq", "1 OPTIONS  ");
	assert_span(M.cseq.method, "OPTIONS");
	assert_int_equal(M.clen.value, 0);
}

static void test_folding_and_ends(void **state)
{
	const char *s = "OPTIONS sip:b@example.com SIP/2.0" CRLF
			HDRS_OK
			"Accept: application/sdp," CRLF
			"        multipart/mixed" CRLF
			"X-Tab:\ta" CRLF "\tb" CRLF
			"Content-Length: 0" CRLF CRLF;

	(void)state;
	parse_lit(s);
	assert_int_equal(M.errors, 0);
	assert_hdr(5, "Accept", "application/sdp,\r\n        multipart/mixed");
	assert_hdr(6, "X-Tab", "a\r\n\tb");
	/* end is after the LF of the last folded line */
	assert_int_equal(M.buf[M.hdrs[5].end - 1], '\n');
	assert_memory_equal(M.buf + M.hdrs[5].end, "X-Tab", 5);
	assert_int_equal(M.body, strlen(s));
	assert_true(M.eoh);
}

static void test_lf_only(void **state)
{
	const char *s = "INVITE sip:b@example.com SIP/2.0\n"
			"Via: SIP/2.0/UDP 192.0.2.1:5062\n ;rport;branch=z9hG4bK-lf\n"
			"From: <sip:a@example.com>;tag=1\n"
			"To: <sip:b@example.com>\n"
			"Call-ID: lf@x\n"
			"CSeq: 5 INVITE\n"
			"Content-Length: 3\n"
			"\n"
			"x\r\n";

	(void)state;
	parse_lit(s);
	assert_int_equal(M.errors, 0);
	assert_span(M.version, "SIP/2.0");
	assert_int_equal(M.n_hdrs, 6);
	assert_hdr(0, "Via", "SIP/2.0/UDP 192.0.2.1:5062\n ;rport;branch=z9hG4bK-lf");
	assert_span(M.via.port, "5062");
	assert_span(M.via.rport_param, ";rport");
	assert_span(M.via.branch, "z9hG4bK-lf");
	assert_span(M.callid, "lf@x");
	assert_int_equal(M.clen.value, 3);
	assert_string_equal(M.buf + M.body, "x\r\n");
	/* mixed: CRLF start line, LF headers */
	parse_lit("OPTIONS sip:b@example.com SIP/2.0\r\n"
		  "Via: SIP/2.0/UDP h;branch=z9hG4bK-m\n"
		  "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\n"
		  "Call-ID: m\nCSeq: 1 OPTIONS\n\n");
	assert_int_equal(M.errors, 0);
	assert_hdr(2, "To", "<sip:b@x>");
	assert_true(M.eoh);
}

/* Leading CRLFs are skipped; no start line at all is -1. */
static void test_not_sip(void **state)
{
	(void)state;
	assert_int_equal(sip_msg_parse(&M, "", 0), -1);
	assert_int_equal(sip_msg_parse(&M, NULL, 10), -1);
	assert_int_equal(sip_msg_parse(&M, "\r\n\r\n", 4), -1);
	assert_int_equal(sip_msg_parse(NULL, "x", 1), -1);
	parse_lit("\r\n\r\nOPTIONS sip:b@x SIP/2.0\r\n" HDRS_OK "\r\n");
	assert_int_equal(M.start, 4);
	assert_span(M.method, "OPTIONS");
	assert_int_equal(M.errors, 0);
}

/* ---- start line ------------------------------------------------------ */

static void test_start_line(void **state)
{
	static const struct { const char *line; __u32 err; bool resp; } tab[] = {
		{ "OPTIONS sip:b@x SIP/2.0", 0, false },
		{ "OPTIONS  sip:b@x  SIP/2.0", 0, false },	/* lwsstart */
		{ "OPTIONS sip:b@x SIP/2.0  ", 0, false },	/* trws */
		{ "OPTIONS sip:b@x sip/2.0", 0, false },	/* "SIP" any case */
		{ "OPTIONS sip:b@x SIP/7.0", SIP_E_VERSION, false },
		{ "OPTIONS sip:b@x SIP/2.00", SIP_E_VERSION, false },
		{ "OPTIONS sip:b@x SIP/2", SIP_E_START_LINE, false },
		{ "OPTIONS sip:b@x HTTP/1.1", SIP_E_START_LINE, false },
		{ "OPTIONS sip:b@x", SIP_E_START_LINE, false },	/* test.dat */
		{ "OPTIONS", SIP_E_START_LINE, false },
		{ " OPTIONS sip:b@x SIP/2.0", SIP_E_START_LINE, false },
		{ "OPT(IONS sip:b@x SIP/2.0", SIP_E_START_LINE, false },
		{ "INVITE <sip:b@x> SIP/2.0", SIP_E_RURI, false },
		{ "INVITE sip:b@x; lr SIP/2.0", SIP_E_RURI, false },
		{ "INVITE b@x SIP/2.0", SIP_E_RURI, false },	/* no scheme */
		{ "INVITE 1sip:b@x SIP/2.0", SIP_E_RURI, false },
		{ "INVITE sip:b@x\x7f SIP/2.0", SIP_E_RURI, false },
		{ "OPTIONS soap.beep://192.0.2.103:3002 SIP/2.0", 0, false },
		{ "SIP/2.0 200 OK", 0, true },
		{ "sip/2.0 100 ", 0, true },
		{ "SIP/2.0 4294967301 big", 0, true },
	};
	char buf[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		snprintf(buf, sizeof(buf), "%s\r\n" HDRS_OK "\r\n", tab[i].line);
		assert_int_equal(sip_msg_parse(&M, buf, strlen(buf)), 0);
		if ((M.errors & ~SIP_E_CSEQ_METHOD) != tab[i].err ||
		    M.is_response != tab[i].resp)
			fail_msg("'%s': errors %#x response %d", tab[i].line,
				 M.errors, M.is_response);
	}
	snprintf(buf, sizeof(buf), "SIP/2.0 486 Busy\r\n" HDRS_OK "\r\n");
	parse_lit(buf);
	assert_int_equal(M.status, 486);
	assert_absent(M.method);
	parse_lit("INVITE sip:b@x; lr SIP/2.0\r\n" HDRS_OK "\r\n");
	assert_span(M.uri, "sip:b@x; lr");
	assert_span(M.version, "SIP/2.0");
	parse_lit("INVITE  sip:b@x \t SIP/2.0 \r\n" HDRS_OK "\r\n");
	assert_span(M.method, "INVITE");
	assert_span(M.uri, "sip:b@x");
	assert_span(M.version, "SIP/2.0");
}

/* ---- Via ------------------------------------------------------------- */

static void parse_via_lit(const char *via)
{
	static char buf[2048];

	snprintf(buf, sizeof(buf), "OPTIONS sip:b@x SIP/2.0\r\nVia: %s\r\n"
		 "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: c\r\n"
		 "CSeq: 1 OPTIONS\r\n\r\n", via);
	parse_lit(buf);
}

/* The exact spans Kamailio's parse_via gives rport (spec 1.5). */
static void test_via_rport_forms(void **state)
{
	static const struct {
		const char *via, *param, *value, *branch;
	} tab[] = {
		{ "SIP/2.0/UDP h:5062;rport;branch=z9hG4bK-1", ";rport", NULL, "z9hG4bK-1" },
		{ "SIP/2.0/UDP h;branch=z9hG4bK-1;rport=1234", ";rport=1234", "1234", "z9hG4bK-1" },
		{ "SIP/2.0/UDP h;branch=z9hG4bK-1;rport", ";rport", NULL, "z9hG4bK-1" },
		/* value-less: runs on over LWS to the next ';' */
		{ "SIP/2.0/UDP h ;rport ; branch=x", ";rport ", NULL, "x" },
		{ "SIP/2.0/UDP h; rport;branch=x", "; rport", NULL, "x" },
		/* with a value: ends right after it */
		{ "SIP/2.0/UDP h;rport=5 ;branch=x", ";rport=5", "5", "x" },
		{ "SIP/2.0/UDP h;rport = 5;branch=x", ";rport = 5", "5", "x" },
		/* "rport=" alone is value-less, LWS included */
		{ "SIP/2.0/UDP h;rport= ;branch=x", ";rport= ", "", "x" },
		{ "SIP/2.0/UDP h;RPORT;Branch=x", ";RPORT", NULL, "x" },
		/* a fold after a value-less rport belongs to it */
		{ "SIP/2.0/UDP h;rport\r\n ;branch=x", ";rport\r\n ", NULL, "x" },
		{ "SIP/2.0/UDP h;branch=x;rport , SIP/2.0/UDP g", ";rport ", NULL, "x" },
		/* rport in the second value is not the top Via's */
		{ "SIP/2.0/UDP h;branch=x, SIP/2.0/UDP g;rport", NULL, NULL, "x" },
		{ "SIP/2.0/UDP h;rports;branch=x", NULL, NULL, "x" },
		/* the last branch counts, as in Kamailio and the XDP check */
		{ "SIP/2.0/UDP h;branch=one;branch=two", NULL, NULL, "two" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		parse_via_lit(tab[i].via);
		assert_true(M.via.usable);
		assert_false(M.via.malformed);
		assert_int_equal(M.via.has_rport, tab[i].param != NULL);
		if (tab[i].param) {
			assert_span(M.via.rport_param, tab[i].param);
			if (tab[i].value)
				assert_span(M.via.rport_value, tab[i].value);
			else
				assert_absent(M.via.rport_value);
		}
		assert_span(M.via.branch, tab[i].branch);
	}
}

static void test_via_received_and_value_end(void **state)
{
	(void)state;
	parse_via_lit("SIP/2.0/UDP 1.2.3.4:5060;received=9.9.9.9;rport;branch=b;received=8.8.8.8");
	assert_int_equal(M.via.n_received, 2);
	assert_span(M.via.received_param[0], ";received=9.9.9.9");
	assert_span(M.via.received_param[1], ";received=8.8.8.8");
	assert_span(M.via.branch_param, ";branch=b");
	assert_int_equal(M.via.value_end, M.hdrs[0].body_end);

	/* value_end: before the ',' and the LWS in front of it */
	parse_via_lit("SIP/2.0/UDP 10.8.8.8:5060  ,\r\n SIP/2.0/UDP 10.9.9.9;branch=x");
	assert_true(M.via.usable);
	assert_absent(M.via.branch);
	assert_int_equal(M.via.value_end - M.hdrs[0].body,
			 strlen("SIP/2.0/UDP 10.8.8.8:5060"));
	/* trailing SP of a single value stays inside it (Kamailio) */
	parse_via_lit("SIP/2.0/UDP 10.8.8.8  ");
	assert_int_equal(M.via.value_end, M.hdrs[0].body_end);
	assert_span(M.via.host, "10.8.8.8");

	/* RFC 4475 wsinv's second Via header: two values */
	parse_via_lit("SIP  / 2.0  / TCP     spindle.example.com   ;\r\n"
		      "  branch  =   z9hG4bK9ikj8  ,\r\n"
		      " SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n"
		      " z9hG4bK30239");
	assert_true(M.via.usable);
	assert_false(M.via.malformed);
	assert_span(M.via.transport, "TCP");
	assert_span(M.via.host, "spindle.example.com");
	assert_span(M.via.branch, "z9hG4bK9ikj8");
	assert_span(M.via.branch_param, ";\r\n  branch  =   z9hG4bK9ikj8");
	assert_memory_equal(M.buf + M.via.value_end, "  ,", 3);
}

/* The continuation shapes of a top Via (issue 15.2): a fold before the
 * first param, between params, inside a line of several values, tab and
 * LF-only folds.  Param spans start at their ';' (the fold in front is
 * not theirs), the value ends before the ',' and the LWS in front of it. */
static void test_via_folds(void **state)
{
	(void)state;
	parse_via_lit("SIP/2.0/TLS client.example.com:5061;branch=z9hG4bKnashds7\r\n"
		      " ;received=192.0.2.201");
	assert_false(M.via.malformed);
	assert_span(M.via.branch, "z9hG4bKnashds7");
	assert_span(M.via.received_param[0], ";received=192.0.2.201");
	assert_int_equal(M.via.value_end, M.hdrs[0].body_end);

	parse_via_lit("SIP/2.0/UDP h:5062\r\n ;received=1.2.3.4\r\n\t;branch=x\n ;rport");
	assert_false(M.via.malformed);
	assert_span(M.via.port, "5062");
	assert_span(M.via.received_param[0], ";received=1.2.3.4");
	assert_span(M.via.branch_param, ";branch=x");
	assert_span(M.via.rport_param, ";rport");
	assert_int_equal(M.via.value_end, M.hdrs[0].body_end);

	/* a value-less param runs on over the fold after it */
	parse_via_lit("SIP/2.0/UDP h;rport\r\n ;received\r\n\t;branch=x");
	assert_span(M.via.rport_param, ";rport\r\n ");
	assert_span(M.via.received_param[0], ";received\r\n\t");

	/* several values on one folded line: only the first is parsed */
	parse_via_lit("SIP/2.0/UDP a;branch=1\r\n ;received=1.1.1.1\r\n , SIP/2.0/UDP b"
		      ";branch=2;received=2.2.2.2");
	assert_int_equal(M.n_hdrs, 5);
	assert_int_equal(M.via.n_received, 1);
	assert_span(M.via.received_param[0], ";received=1.1.1.1");
	assert_memory_equal(M.buf + M.via.value_end, "\r\n , SIP", 8);
	parse_via_lit("SIP/2.0/UDP a\r\n ;branch=1,\r\n\tSIP/2.0/UDP b;branch=2");
	assert_span(M.via.branch, "1");
	assert_memory_equal(M.buf + M.via.value_end, ",\r\n\tSIP", 7);
}

/* Folded lines the reply drops or copies whole: one field each, from the
 * name to after the LF of the last continuation line. */
static void test_folded_fields(void **state)
{
	(void)state;
	parse_lit("OPTIONS sip:x SIP/2.0\r\n" HDRS_OK
		  "Contact: <sip:a@1.2.3.4>;expires=60,\r\n <sip:b@1.2.3.5>\r\n\t;q=0.5\r\n"
		  "v: SIP/2.0/UDP c;branch=z9hG4bK-2,\n SIP/2.0/UDP d\n"
		  "Content-Length: 0\r\n\r\n");
	assert_int_equal(M.errors, 0);
	assert_int_equal(M.n_hdrs, 8);
	assert_hdr(5, "Contact", "<sip:a@1.2.3.4>;expires=60,\r\n <sip:b@1.2.3.5>\r\n\t;q=0.5");
	assert_memory_equal(M.buf + M.hdrs[5].end, "v: ", 3);
	assert_int_equal(M.hdrs[6].type, SIP_HDR_VIA);
	assert_hdr(6, "v", "SIP/2.0/UDP c;branch=z9hG4bK-2,\n SIP/2.0/UDP d");
	assert_int_equal(M.count[SIP_HDR_VIA], 2);
	assert_int_equal(M.count[SIP_HDR_CONTACT], 1);
}

static void test_via_ipv6_and_ports(void **state)
{
	(void)state;
	parse_via_lit("SIP/2.0/UDP [2001:db8::1]:5070;branch=z9hG4bK-6");
	assert_true(M.via.usable);
	assert_span(M.via.host, "[2001:db8::1]");
	assert_span(M.via.port, "5070");
	assert_int_equal(M.via.port_num, 5070);
	parse_via_lit("SIP/2.0/UDP [::1];rport");
	assert_span(M.via.host, "[::1]");
	assert_absent(M.via.port);
	assert_int_equal(M.via.port_num, 0);
	assert_true(M.via.has_rport);
	parse_via_lit("SIP/2.0/TCP [::ffff:192.0.2.1] : 5060 ;branch=z");
	assert_span(M.via.host, "[::ffff:192.0.2.1]");
	assert_span(M.via.port, "5060");
	assert_span(M.via.branch, "z");

	/* not usable: no way to answer */
	parse_via_lit("SIP/2.0/UDP [::1;branch=z");
	assert_false(M.via.usable);
	parse_via_lit("SIP/2.0/UDP h:0065535;branch=z");
	assert_false(M.via.usable);
	parse_via_lit("SIP/2.0/UDP h:;branch=z");
	assert_false(M.via.usable);
	parse_via_lit("SIP/2.0/UDP");
	assert_false(M.via.usable);
	parse_via_lit("SIP/2.0 h");
	assert_false(M.via.usable);
	parse_via_lit("");
	assert_false(M.via.usable);
	parse_via_lit("SIP/2.0/UDPh");
	assert_false(M.via.usable);
	/* usable, the rest garbled: 400 material */
	parse_via_lit("SIP/2.0/UDP 192.0.2.15;;,;,,");
	assert_true(M.via.usable);
	assert_true(M.via.malformed);
	assert_true(M.errors & SIP_E_VIA);
	assert_memory_equal(M.buf + M.via.value_end, ",;,,", 4);
	parse_via_lit("SIP/2.0/UDP h:5060 (comment)");
	assert_true(M.via.malformed);
	parse_via_lit("SIP/2.0/UDP h;branch=a b");
	assert_true(M.via.malformed);
	parse_via_lit("SIP/2.0/UDP h;x=\"unterminated");
	assert_true(M.via.malformed);
	parse_via_lit("SIP/2.0/UDP h;x=\"a;b,c\";branch=q");
	assert_false(M.via.malformed);
	assert_span(M.via.branch, "q");
	parse_via_lit("SIP/2.0/UDP h:65535;branch=z");
	assert_int_equal(M.via.port_num, 65535);
	assert_int_equal(M.errors, 0);
}

/* Kamailio's str2s() (src/core/ut.h): at most 5 digits, leading zeros
 * counted; 65536..99999 wrap with no error (the Via parses, no reply
 * goes there). */
static void test_via_port_digits(void **state)
{
	static const struct {
		const char *via;
		bool usable, wraps;
		__u32 num;
	} tab[] = {
		{ "SIP/2.0/UDP h:05060;branch=z", true, false, 5060 },
		{ "SIP/2.0/UDP h:005060;branch=z", false, false, 0 },
		{ "SIP/2.0/UDP h:00000;branch=z", true, false, 0 },
		{ "SIP/2.0/UDP h:000000;branch=z", false, false, 0 },
		{ "SIP/2.0/UDP h:65535;branch=z", true, false, 65535 },
		{ "SIP/2.0/UDP h:65536;branch=z", true, true, 0 },
		{ "SIP/2.0/UDP h:99999;branch=z", true, true, 34463 },
		{ "SIP/2.0/UDP h:100000;branch=z", false, false, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		parse_via_lit(tab[i].via);
		assert_int_equal(M.via.usable, tab[i].usable);
		if (!tab[i].usable)
			continue;
		assert_int_equal(M.via.port_wraps, tab[i].wraps);
		assert_int_equal(M.via.port_num, tab[i].num);
		assert_false(M.via.malformed);
		assert_span(M.via.branch, "z");
	}
}

/* The sent-protocols Kamailio's parse_via() takes (the ACK filter's
 * model): "SIP/2.0/" and a transport its F_PROTO state starts; any tokens
 * parse (a request gets 505 for another version). */
static void test_via_proto_kamailio(void **state)
{
	static const struct {
		const char *via;
		bool ok;
	} tab[] = {
		{ "SIP/2.0/UDP h;branch=z", true },
		{ "sip/2.0/udp h;branch=z", true },
		{ "SIP / 2.0 /\tXYZ h;branch=z", true },
		{ "SIP/7.0/UDP h;branch=z", false },
		{ "SIP/2.00/UDP h;branch=z", false },
		{ "SIPS/2.0/UDP h;branch=z", false },
		{ "SXP/2.0/UDP h;branch=z", false },
		{ "SIP/2.0/UDP h;branch=z, SIP/2.0/TCP b", true },
		{ "SIP/2.0/UDP h;branch=z, , SIP / 2.0 / TCP b", true },
		{ "SIP/2.0/UDP h;branch=z, SIP/2.1/TCP b", false },
		{ "SIP/2.0/DTLS h;branch=z", false },
		{ "SIP/2.0/plain h;branch=z", false },
		{ "SIP/2.0/2UDP h;branch=z", false },
		{ "SIP/2.0/x-udp h;branch=z", true },
		{ "SIP/2.0/UDP h;branch=z, SIP/2.0/ldp b", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		parse_via_lit(tab[i].via);
		assert_true(M.via.usable);
		assert_false(M.via.malformed);
		assert_int_equal(M.via.proto_kamailio, tab[i].ok);
	}
}

/* Params Kamailio's parse_via_param() wants a value for (branch,
 * received, maddr, ttl, i), an empty value before ',', and the values
 * after the first one. */
static void test_via_param_values(void **state)
{
	static const struct {
		const char *via;
		bool malformed;
		const char *branch;	/* NULL: no check */
	} tab[] = {
		{ "SIP/2.0/UDP h;branch=z;x", false, "z" },
		{ "SIP/2.0/UDP h;branch", true, NULL },
		{ "SIP/2.0/UDP h;branch;x", true, NULL },
		{ "SIP/2.0/UDP h;branch, SIP/2.0/UDP g", true, NULL },
		{ "SIP/2.0/UDP h;branch=a;branch ;x", false, "" },
		{ "SIP/2.0/UDP h;branch ", true, NULL },
		{ "SIP/2.0/UDP h;branch ,SIP/2.0/UDP g", true, NULL },
		{ "SIP/2.0/UDP h;branch=a;branch=;x", false, "" },
		{ "SIP/2.0/UDP h;branch=a;branch= ;x", false, "" },
		{ "SIP/2.0/UDP h;branch=", true, NULL },
		{ "SIP/2.0/UDP h;branch=,SIP/2.0/UDP g", true, NULL },
		{ "SIP/2.0/UDP h;branch=z;x=,SIP/2.0/UDP g", true, NULL },
		{ "SIP/2.0/UDP h;branch=z;x=", false, "z" },
		{ "SIP/2.0/UDP h;branch=z;x", false, "z" },
		{ "SIP/2.0/UDP h;branch=z;x,SIP/2.0/UDP g", false, "z" },
		{ "SIP/2.0/UDP h;branch=z;rport", false, "z" },
		{ "SIP/2.0/UDP h;rport;branch=z", false, "z" },
		{ "SIP/2.0/UDP h;rport=,SIP/2.0/UDP g", true, NULL },
		{ "SIP/2.0/UDP h;received;branch=z", true, NULL },
		{ "SIP/2.0/UDP h;branch=z;received", true, NULL },
		{ "SIP/2.0/UDP h;branch=z;received ;x", false, "z" },
		{ "SIP/2.0/UDP h;MADDR;branch=z", true, NULL },
		{ "SIP/2.0/UDP h;branch=z;ttl", true, NULL },
		{ "SIP/2.0/UDP h;branch=z;i", true, NULL },
		{ "SIP/2.0/UDP h;branch=z;i=", true, NULL },
		{ "SIP/2.0/UDP h;branch=z;id", false, "z" },
		{ "SIP/2.0/UDP h;branch=z;ttl=1;maddr=m;i=7", false, "z" },
		{ "SIP/2.0/UDP h;branch=z;x ,SIP/2.0/UDP g", true, NULL },
		{ "SIP/2.0/UDP h;branch=z;rport ,SIP/2.0/UDP g", false, "z" },
		{ "SIP/2.0/UDP h;branch=z;hidden ,SIP/2.0/UDP g", false, "z" },
		{ "SIP/2.0/UDP h;branch=z;Alias\r\n ,SIP/2.0/UDP g", false, "z" },
		/* parse_via() reads every value of the first Via line and
		 * fails the message on any one; the first one's spans stay */
		{ "SIP/2.0/UDP a;branch=z, SIP/2.0/UDP b;x", false, "z" },
		{ "SIP/2.0/UDP a;branch=z, SIP/2.0/UDP b;;x", true, "z" },
		{ "SIP/2.0/UDP a;branch=z, SIP/2.0/UDP b;=x", true, "z" },
		{ "SIP/2.0/UDP a;branch=z, SIP/2.0/UDP b, SIP/2.0/UDP c;x;", true, "z" },
		{ "SIP/2.0/UDP a;branch=z, SIP/2.0/UDP b, SIP/2.0/UDP c", false, "z" },
		{ "SIP/2.0/UDP a;branch=z,", true, "z" },
		{ "SIP/2.0/UDP a;branch=z, ", true, "z" },
		{ "SIP/2.0/UDP a;branch=z,, SIP/2.0/UDP b", false, "z" },
		{ "SIP/2.0/UDP a;branch=z,\r\n SIP/2.0/UDP b;rport", false, "z" },
		{ "SIP/2.0/UDP a;branch=z, SIP/2.0/UDP", true, "z" },
		{ "SIP/2.0/UDP a;branch=z, SIP/2.0/UDP b:005060", true, "z" },
		{ "SIP/2.0/UDP a;branch=z, SIP/2.0/UDP b:65536", false, "z" },
		{ "SIP/2.0/UDP a;branch=z, SIP/2.0/UDP b;branch", true, "z" },
		{ "SIP/2.0/UDP a;branch=z, SIP/2.0/UDP b;x=\"a,b\";branch=y", false, "z" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		parse_via_lit(tab[i].via);
		assert_true(M.via.usable);
		if (M.via.malformed != tab[i].malformed)
			fail_msg("%s: malformed %d", tab[i].via, M.via.malformed);
		if (tab[i].branch)
			assert_span(M.via.branch, tab[i].branch);
	}
}

/* ---- To / From / CSeq / Content-Length -------------------------------- */

static void parse_to_lit(const char *to)
{
	static char buf[2048];

	snprintf(buf, sizeof(buf), "OPTIONS sip:b@x SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP h;branch=z9hG4bK-t\r\nFrom: <sip:a@x>;tag=1\r\n"
		 "To: %s\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n", to);
	parse_lit(buf);
}

static void test_to_forms(void **state)
{
	static const struct {
		const char *to, *uri, *tag;	/* tag: NULL no tag param */
		bool bad, quote;
	} tab[] = {
		{ "<sip:b@x>", "sip:b@x", NULL, false, false },
		{ "\"Bob\" <sip:b@x>;tag=abc", "sip:b@x", "abc", false, false },
		/* the last tag wins, as in Kamailio (add_param()) */
		{ "Bob<sip:b@x>;foo=bar;tag=t1;tag=t2", "sip:b@x", "t2", false, false },
		{ "<sip:b@x>;tag=t1;tag", "sip:b@x", "", false, false },
		{ "<sip:b@x>;tag=;tag=t2", "sip:b@x", "t2", false, false },
		{ "sip:b@x;tag=3xfe-9921883-z9f", "sip:b@x", "3xfe-9921883-z9f", false, false },
		{ "sip:b@x ; tag = spaced ", "sip:b@x", "spaced", false, false },
		{ "<sip:b@x>;tag=", "sip:b@x", "", false, false },
		{ "<sip:b@x>;tag", "sip:b@x", "", false, false },
		{ "<sip:b@x>;TAG=Up", "sip:b@x", "Up", false, false },
		{ "<sip:b@x;tag=inuri>", "sip:b@x;tag=inuri", NULL, false, false },
		{ "\"a\\\"b;tag=no\" <sip:b@x>", "sip:b@x", NULL, false, false },
		{ "Watson, Thomas <sip:t@x>", "sip:t@x", NULL, false, false },
		{ "\"Watson, Thomas\" < sip:t@x >", " sip:t@x ", NULL, false, false },
		{ "<sip:b@x>;p=\"q;tag=no\";tag=yes", "sip:b@x", "yes", false, false },
		{ "\"Mr. J. User <sip:j.user@example.com>", NULL, NULL, false, true },
		{ "<sip:b@x>;p=\"open", "sip:b@x", NULL, false, true },
		{ "\"esc at end\\\"", NULL, NULL, false, true },
		{ "<sip:b@x", NULL, NULL, true, false },
		{ "<sip:b@x> junk", "sip:b@x", NULL, true, false },
		{ "<sip:b@x>, <sip:c@x>", "sip:b@x", NULL, true, false },
		{ "\"quoted\" ;tag=x", NULL, NULL, true, false },
		/* an empty parameter name fails the header, as in Kamailio */
		{ "<sip:b@x>;;tag=x", "sip:b@x", NULL, true, false },
		{ "<sip:b@x>; ;tag=x", "sip:b@x", NULL, true, false },
		{ "<sip:b@x>;=v;tag=x", "sip:b@x", NULL, true, false },
		{ "<sip:b@x>;tag=x;", "sip:b@x", "x", true, false },
		{ "sip:b@x;tag=x;;", "sip:b@x", "x", true, false },
		{ "", NULL, NULL, true, false },
		/* Kamailio's parse_to_param(): a ',' is part of a tag's
		 * value (skipped before it), an error anywhere else */
		{ "<sip:b@x>;tag=abc,x", "sip:b@x", "abc,x", false, false },
		{ "<sip:b@x>;tag= ,,abc", "sip:b@x", "abc", false, false },
		{ "<sip:b@x>;tag=abc,", "sip:b@x", "abc,", false, false },
		{ "<sip:b@x>;x=1,2;tag=a", "sip:b@x", NULL, true, false },
		{ "<sip:b@x>;tag=a ,x", "sip:b@x", "a", true, false },
		{ "<sip:b@x>;lr,tag=a", "sip:b@x", NULL, true, false },
		{ "<sip:b@x>;x=\"1,2\";tag=a", "sip:b@x", "a", false, false },
		/* '\\' anywhere in the params, a quoted value too */
		{ "<sip:b@x>;tag=a\\b", "sip:b@x", NULL, true, false },
		{ "<sip:b@x>;x=\"a\\\"b\";tag=a", "sip:b@x", NULL, true, false },
		/* '"': a quoted value is what is inside; elsewhere an error */
		{ "<sip:b@x>;tag=\"q,v;w\"", "sip:b@x", "q,v;w", false, false },
		{ "<sip:b@x>;tag=\"\"", "sip:b@x", "", false, false },
		{ "<sip:b@x>;tag=a\"b\"", "sip:b@x", NULL, true, false },
		{ "<sip:b@x>;ta\"g\"=a", "sip:b@x", NULL, true, false },
		{ "<sip:b@x>;x=\"a\"b;tag=a", "sip:b@x", NULL, true, false },
		{ "<sip:b@x>;x=\"a\r\n b\";tag=a", "sip:b@x", NULL, true, false },
		/* '=' in a value, junk after a value or a name's LWS */
		{ "<sip:b@x>;tag=a=b", "sip:b@x", NULL, true, false },
		{ "<sip:b@x>;tag==a", "sip:b@x", NULL, true, false },
		{ "<sip:b@x>;tag=a x", "sip:b@x", "a", true, false },
		{ "<sip:b@x>;lr x;tag=a", "sip:b@x", NULL, true, false },
		{ "<sip:b@x>;x =1;tag=a", "sip:b@x", "a", false, false },
		{ "<sip:b@x>;tag=a\r\n ;lr", "sip:b@x", "a", false, false },
		/* a bare CR ends Kamailio's To (then its next header) */
		{ "<sip:b@x>;tag=a\rx", "sip:b@x", "a", false, false },
		{ "<sip:b@x>;tag\rx", "sip:b@x", "", false, false },
		{ "<sip:b@x>;tag=a\r,x", "sip:b@x", "a", true, false },
		{ "<sip:b@x>;tag=a;\rx", "sip:b@x", "a", true, false },
		/* a name is any byte Kamailio does not stop at */
		{ "<sip:b@x>;a@b[c]=1;tag=t", "sip:b@x", "t", false, false },
		/* parse_addr_spec() */
		{ "Bob sip:b@x;tag=t", NULL, NULL, true, false },
		{ "\"B\" sip:b@x", NULL, NULL, true, false },
		{ "B\"o\" <sip:b@x>", NULL, NULL, true, false },
		{ "B\\ob <sip:b@x>", NULL, NULL, true, false },
		{ "B>b <sip:b@x>", NULL, NULL, true, false },
		{ "<sip:b\\@x>", NULL, NULL, true, false },
		{ "<sip:b<@x>", NULL, NULL, true, false },
		{ "<sip:a b@x>", NULL, NULL, true, false },
		{ "<>", NULL, NULL, true, false },
		{ "<;x>", NULL, NULL, true, false },
		{ "\"B\" x <sip:b@x>", NULL, NULL, true, false },
		{ "\"B\r\n o\" <sip:b@x>", NULL, NULL, true, false },
		{ "Bob  Smith <sip:b@x>;tag=t", "sip:b@x", "t", false, false },
		{ "sip:b@x ;tag=t", "sip:b@x", "t", false, false },
		{ "<sip:b@x;lr>;tag=t", "sip:b@x;lr", "t", false, false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		parse_to_lit(tab[i].to);
		if (M.to.malformed != tab[i].bad ||
		    M.to.unterminated_quote != tab[i].quote ||
		    M.to.has_tag != (tab[i].tag != NULL))
			fail_msg("To '%s': malformed %d quote %d tag %d", tab[i].to,
				 M.to.malformed, M.to.unterminated_quote, M.to.has_tag);
		if (tab[i].uri)
			assert_span(M.to.uri, tab[i].uri);
		if (tab[i].tag)
			assert_span(M.to.tag, tab[i].tag);
		assert_int_equal(M.to.body_end, M.hdrs[2].body_end);
		assert_int_equal(!!(M.errors & SIP_E_TO_QUOTE), tab[i].quote);
		assert_int_equal(!!(M.errors & SIP_E_TO), tab[i].bad);
	}
}

static void test_cseq_forms(void **state)
{
	static const struct {
		const char *cseq;
		__u32 err;
		__u32 num;
	} tab[] = {
		{ "1 OPTIONS", 0, 1 },
		{ "0009\r\n  OPTIONS", 0, 9 },
		{ "4294967295 OPTIONS", 0, 4294967295u },
		{ "4294967296 OPTIONS", SIP_E_CSEQ_NUM, 0 },
		{ "36893488147419103232 OPTIONS", SIP_E_CSEQ_NUM, 0 },
		{ "-1 OPTIONS", SIP_E_CSEQ_NUM, 0 },
		{ "12a OPTIONS", SIP_E_CSEQ_NUM, 0 },
		{ "OPTIONS", SIP_E_CSEQ_NUM | SIP_E_CSEQ, 0 },
		{ "1", SIP_E_CSEQ, 1 },
		{ "1 OPTIONS x", SIP_E_CSEQ, 1 },
		{ "1 INVITE", SIP_E_CSEQ_METHOD, 1 },
		{ "1 options", SIP_E_CSEQ_METHOD, 1 },	/* methods are case-sensitive */
		{ "", SIP_E_CSEQ_NUM | SIP_E_CSEQ, 0 },
	};
	char buf[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		snprintf(buf, sizeof(buf), "OPTIONS sip:b@x SIP/2.0\r\n"
			 "Via: SIP/2.0/UDP h;branch=z9hG4bK-c\r\nFrom: <sip:a@x>;tag=1\r\n"
			 "To: <sip:b@x>\r\nCall-ID: c\r\nCSeq: %s\r\n\r\n", tab[i].cseq);
		parse_lit(buf);
		if (M.errors != tab[i].err || M.cseq.num != tab[i].num)
			fail_msg("CSeq '%s': errors %#x num %u", tab[i].cseq,
				 M.errors, M.cseq.num);
	}
}

static void test_content_length(void **state)
{
	static const struct {
		const char *hdrs, *body;
		__u32 err;
		__u64 value;
	} tab[] = {
		{ "Content-Length: 4\r\n", "abcd", 0, 4 },
		{ "l: 2\r\n", "abcd", 0, 2 },			/* extra octets ignored */
		{ "Content-Length: 0004\r\n", "abcd", 0, 4 },
		{ "", "abcd", 0, 0 },				/* UDP: the rest */
		{ "Content-Length: 5\r\n", "abcd", SIP_E_CLEN_MISMATCH, 5 },
		{ "Content-Length: 99999999999999999999\r\n", "", SIP_E_CLEN_MISMATCH, 1ULL << 40 },
		{ "Content-Length: -999\r\n", "abcd", SIP_E_CLEN, 0 },
		{ "Content-Length: \r\n", "", SIP_E_CLEN, 0 },
		{ "Content-Length: 1 2\r\n", "ab", SIP_E_CLEN, 0 },
		{ "Content-Length: 0x4\r\n", "abcd", SIP_E_CLEN, 0 },
		{ "Content-Length: 13\r\nl: 5\r\n", "abcde", SIP_E_CLEN_MULTI, 13 },
		{ "Content-Length: 4\r\nl: 4\r\n", "abcd", 0, 4 },	/* same value twice */
		{ "Content-Length: 3, 3\r\n", "abc", SIP_E_CLEN, 0 },
	};
	char buf[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		snprintf(buf, sizeof(buf), "OPTIONS sip:b@x SIP/2.0\r\n" HDRS_OK
			 "%s\r\n%s", tab[i].hdrs, tab[i].body);
		parse_lit(buf);
		if (M.errors != tab[i].err || M.clen.value != tab[i].value)
			fail_msg("CL '%s': errors %#x value %llu", tab[i].hdrs,
				 M.errors, (unsigned long long)M.clen.value);
		assert_int_equal(M.clen.present, tab[i].hdrs[0] != 0);
	}
	/* no empty line: no mismatch check, NO_EOH instead */
	parse_lit("OPTIONS sip:b@x SIP/2.0\r\n" HDRS_OK "l: 5\r\n");
	assert_int_equal(M.errors, SIP_E_NO_EOH);
	assert_false(M.eoh);
	assert_int_equal(M.body, M.len);
}

static void test_singletons_and_errors(void **state)
{
	(void)state;
	parse_lit("OPTIONS sip:b@x SIP/2.0\r\n" HDRS_OK "Call-ID: other\r\n"
		  "t: <sip:c@x>\r\nUser-Agent:  friendly-scanner \r\n\r\n");
	assert_int_equal(M.errors, SIP_E_DUP_CALLID | SIP_E_DUP_TO);
	/* the first one is the one used */
	assert_span(M.callid, "c1@example.com");
	assert_span(M.to.uri, "sip:b@example.com");
	assert_span(M.user_agent, "friendly-scanner ");
	assert_int_equal(M.count[SIP_HDR_TO], 2);

	parse_lit("OPTIONS sip:b@x SIP/2.0\r\n" HDRS_OK "Bad line\r\n"
		  ": empty name\r\n\r\n");
	assert_int_equal(M.errors, SIP_E_HDR_LINE);
	assert_int_equal(M.n_hdrs, 5);

	parse_lit("OPTIONS sip:b@x SIP/2.0\r\n"
		  "Via: SIP/2.0/UDP h;branch=z9hG4bK-1\r\n"
		  "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID:\r\n"
		  "CSeq: 1 OPTIONS\r\n\r\n");
	assert_int_equal(M.errors, SIP_E_CALLID);
	assert_span(M.callid, "");

	/* a continuation line right after the start line */
	parse_lit("OPTIONS sip:b@x SIP/2.0\r\n folded\r\n" HDRS_OK "\r\n");
	assert_int_equal(M.errors, SIP_E_HDR_LINE);

	/* no LF at all after the start line */
	parse_lit("OPTIONS sip:b@x SIP/2.0");
	assert_int_equal(M.errors, SIP_E_NO_EOH);
	assert_int_equal(M.n_hdrs, 0);
	/* last header cut without LF */
	parse_lit("OPTIONS sip:b@x SIP/2.0\r\n" HDRS_OK "X: y");
	assert_int_equal(M.errors, SIP_E_NO_EOH);
	assert_hdr(5, "X", "y");
	parse_lit("OPTIONS sip:b@x SIP/2.0\r\n" HDRS_OK "\r");
	assert_int_equal(M.errors, SIP_E_NO_EOH);
}

static void test_header_limit(void **state)
{
	static char buf[16384];
	size_t n;
	int i, extra;

	(void)state;
	for (extra = 0; extra <= 1; extra++) {
		n = (size_t)snprintf(buf, sizeof(buf), "OPTIONS sip:b@x SIP/2.0\r\n" HDRS_OK);
		for (i = 0; i < SIP_MAX_HEADERS - 5 + extra; i++)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "X-%d: %d\r\n", i, i);
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\r\n");
		assert_int_equal(sip_msg_parse(&M, buf, n), 0);
		assert_int_equal(M.n_hdrs, SIP_MAX_HEADERS);
		assert_int_equal(M.errors, extra ? SIP_E_TOO_MANY_HDRS : 0);
		assert_true(M.eoh);
		assert_int_equal(M.body, n);
	}
	assert_int_equal(sip_msg_parse(&M, buf, SIP_MAX_MSG_LEN + 1), -1);
}

/* ---- robustness ------------------------------------------------------ */

/* Every prefix of every corpus message (run under ASan/UBSan to mean
 * anything more than "no crash"). */
static void parse_prefix(const char *msg, size_t len, void *arg)
{
	(void)arg;
	if (sip_msg_parse(&M, msg, len) == 0)
		check_invariants(&M);
}

static void test_corpus_prefixes(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N_CASES; i++)
		assert_int_equal(corpus_for_each_prefix(cases[i].sub, cases[i].file,
							parse_prefix, NULL), 0);
}

static __u32 rng = 0x12345678;

static __u32 next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static void test_corpus_mutations(void **state)
{
	static const char alphabet[] = "\r\n \t;:,=\"<>[]\\/0Vv";
	size_t i, len, k, rounds;
	char *buf, *copy;

	(void)state;
	for (i = 0; i < N_CASES; i++) {
		buf = load(cases[i].sub, cases[i].file, &len);
		assert_non_null(buf);
		copy = malloc(len);
		assert_non_null(copy);
		for (rounds = 0; rounds < 300; rounds++) {
			memcpy(copy, buf, len);
			for (k = 0; k < 1 + next_rand() % 8; k++) {
				size_t at = next_rand() % len;

				copy[at] = next_rand() & 1 ? (char)next_rand() :
					   alphabet[next_rand() % (sizeof(alphabet) - 1)];
			}
			if (sip_msg_parse(&M, copy, len) == 0)
				check_invariants(&M);
		}
		free(copy);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_table_complete),
		cmocka_unit_test(test_corpus_parse),
		cmocka_unit_test(test_wsinv),
		cmocka_unit_test(test_intmeth_nul_and_escapes),
		cmocka_unit_test(test_longreq_vias),
		cmocka_unit_test(test_dblreq_trailing_octets),
		cmocka_unit_test(test_hdr_type_of),
		cmocka_unit_test(test_long_names_parsed),
		cmocka_unit_test(test_compact_forms),
		cmocka_unit_test(test_colon_whitespace),
		cmocka_unit_test(test_folding_and_ends),
		cmocka_unit_test(test_lf_only),
		cmocka_unit_test(test_not_sip),
		cmocka_unit_test(test_start_line),
		cmocka_unit_test(test_via_rport_forms),
		cmocka_unit_test(test_via_received_and_value_end),
		cmocka_unit_test(test_via_folds),
		cmocka_unit_test(test_folded_fields),
		cmocka_unit_test(test_via_ipv6_and_ports),
		cmocka_unit_test(test_via_port_digits),
		cmocka_unit_test(test_via_param_values),
		cmocka_unit_test(test_via_proto_kamailio),
		cmocka_unit_test(test_to_forms),
		cmocka_unit_test(test_cseq_forms),
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_singletons_and_errors),
		cmocka_unit_test(test_header_limit),
		cmocka_unit_test(test_corpus_prefixes),
		cmocka_unit_test(test_corpus_mutations),
	};

	return cmocka_run_group_tests(tests, setup_corpus, NULL);
}
