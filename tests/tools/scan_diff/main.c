// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * scan_diff: the XDP header scan (bpf/sip/scan.h) and request line
 * parser (bpf/sip/request_line.h) of two trees, compiled as plain C, on
 * the same random and header-shaped payloads (every length up to the
 * scratch buffer's, random bytes past the length as an earlier packet
 * leaves them, random want sets, partial or not): every output a reader
 * uses (req_line_end, headers_ended, cur, seen, via_line_s, the spans of
 * the headers seen; the request line's verdict, and its method, cut and
 * Request-URI when it parsed) must be the same.  Exit 1 and the first
 * differences shown otherwise.  Run by scan_diff.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "result.h"

#define BUF_BYTES	(2048 + 64)	/* SL_SCRATCH_LEN and more than its pad */
#define MAX_LEN		2048

static __u64 rs = 88172645463325252ULL;

static __u64 rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

#define PICK(a) a[rnd() % (sizeof(a) / sizeof(a[0]))]

static const char *const tokens[] = {
	"Via", "v", "VIA", "via ", "Via\t", "To", "t", "TO ", "From", "f",
	"Call-ID", "i", "call-id", "User-Agent", "user-agent  ", "u", "X",
	"CSeq", "c", "Contact", "Content-Length", "l", " ", "\t", "\r\n",
	"\n", "\r", ":", ": ", " : ", "  ", "value",
	"SIP/2.0/UDP 1.2.3.4;branch=z9", "<sip:a@b>;tag=x",
	"ACK sip:x@y SIP/2.0", "INVITE sip:x SIP/2.0", "\r\n ", "\r\n\t",
	"\r\n\r\n", "abc", "V", "T", "I", "F", "U", "C",
};
static const char *const names[] = {
	"Via", "v", "VIA", "vIa", "To", "t", "T", "From", "f", "F", "Call-ID",
	"i", "CALL-ID", "I", "User-Agent", "user-agent", "u", "CSeq",
	"Contact", "c", "Max-Forwards", "X-Pad", "Vi", "Tox", "Fro", "Call-I",
	"User-Agen", "", "Via\r", "Vias",
};
static const char *const seps[] = {
	":", ": ", " : ", "\t:\t", "    :        ", "     :", ":         ",
	" ", "", ":\r\n ", ": \r\n\t \r\n ",
};
static const char *const values[] = {
	"SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-1",
	"<sip:a@b>;tag=abc", "x@y", "", " ", "a\r\n b", "a\n\tb",
	"pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp",
};
static const char *const ends[] = {
	"\r\n", "\r\n", "\r\n", "\n", "\r\n ", "\r\n\t", "\r", "\n\n",
	"\r\n\r\n",
};

static void put(__u8 *buf, __u32 *n, __u32 max, const char *t)
{
	size_t l = strlen(t);

	if (*n + l > max)
		l = max - *n;
	memcpy(buf + *n, t, l);
	*n += l;
}

static const char *const methods[] = {
	"ACK", "INVITE", "OPTIONS", "REGISTER", "A", "", "ack", "BYE\t",
	"SUBSCRIBEandsomethingmuchlongerthan32bytes", "X ", "INFO:",
};
static const char *const uri_seps[] = { " ", " ", "  ", "     ", "\t", "" };
static const char *const uris[] = {
	"sip:r486@127.0.0.1:5070", "sip:x@y", "", " ", "sip:a b",
	"sip:bob@198.18.0.1;transport=udp?x=y SIP/2.0 SIP/2.0",
	"sips:a@bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
};
static const char *const versions[] = {
	" SIP/2.0", " SIP/2.0", " sip/2.0", " SIP/2.0 ", " SIP/2.0\t \t",
	" SIP/", " SIPX2.0", "  SIP/2.0", "SIP/2.0", " SIP/2.0        ",
	" SIP/2.0          ", " S", " SIP/2.0 x", " SIP/2.0123456789ab",
	"\tSIP/2.0", " SIP/2.", "",
};
static const char *const line_ends[] = { "\r\n", "\r\n", "\n", "\r\r\n", "" };

/* A request line of the shapes parse_request_line() tells apart. */
static void gen_request_line(__u8 *buf, __u32 *n, __u32 max)
{
	put(buf, n, max, PICK(methods));
	put(buf, n, max, PICK(uri_seps));
	put(buf, n, max, PICK(uris));
	put(buf, n, max, PICK(uri_seps));
	put(buf, n, max, PICK(versions));
	put(buf, n, max, PICK(line_ends));
}

/* Header lines of the shapes the scan tells apart. */
static __u32 gen_lines(__u8 *buf)
{
	__u32 n = 0, max = rnd() % (MAX_LEN + 1);

	switch (rnd() % 4) {
	case 0:
		put(buf, &n, max, PICK(tokens));
		break;
	case 1:
		gen_request_line(buf, &n, max);
		break;
	default:
		put(buf, &n, max, "ACK sip:x@y SIP/2.0\r\n");
	}
	while (n < max) {
		put(buf, &n, max, PICK(names));
		put(buf, &n, max, PICK(seps));
		put(buf, &n, max, PICK(values));
		put(buf, &n, max, PICK(ends));
		if (rnd() % 64 == 0 && n < max)
			buf[n++] = rnd();
	}
	return rnd() % 8 ? n : rnd() % (n + 1);
}

/* Tokens and bytes in any order. */
static __u32 gen_tokens(__u8 *buf)
{
	__u32 n = 0, max = rnd() % (MAX_LEN + 1);

	while (n < max) {
		if (rnd() % 16 == 0)
			buf[n++] = rnd();
		else
			put(buf, &n, max, PICK(tokens));
	}
	return n;
}

int main(int argc, char **argv)
{
	static const __u8 wants[] = {
		0, 0xff, (1 << 1) | (1 << 2) | (1 << 3), 1 << 4,
		(1 << 7) | (1 << 2), 1 << 3, 0x7e, 1 << 5,
	};
	long runs = argc > 1 ? atol(argv[1]) : 200000, i, diffs = 0;
	static __u8 buf[BUF_BYTES];

	if (argc > 2)
		rs = strtoull(argv[2], NULL, 0) | 1;
	for (i = 0; i < runs; i++) {
		__u8 want = rnd() & 1 ? PICK(wants) : (__u8)rnd();
		struct scan_result a, b;
		__u32 len, t, garbage[21], partial = rnd() & 1;
		int bad;

		for (t = 0; t < BUF_BYTES; t++)
			buf[t] = rnd() % 3 ? (__u8)"\n\r :vVtT"[rnd() % 8] : (__u8)rnd();
		len = rnd() % 4 ? gen_lines(buf) : gen_tokens(buf);
		for (t = 0; t < 21; t++)
			garbage[t] = rnd();
		run_base(buf, BUF_BYTES, len, want, partial, garbage, &a);
		run_work(buf, BUF_BYTES, len, want, partial, garbage, &b);
		bad = a.req_line_end != b.req_line_end ||
		      a.headers_ended != b.headers_ended || a.cur != b.cur ||
		      a.seen != b.seen || a.via_line_s != b.via_line_s;
		for (t = 0; t < 8; t++)
			if (a.seen & (1u << t))
				bad |= a.s[t] != b.s[t] || a.e[t] != b.e[t];
		/* the request line's pieces are read only when it parsed */
		bad |= a.rl_ret != b.rl_ret;
		if (!a.rl_ret && !b.rl_ret)
			bad |= a.line_cut != b.line_cut ||
			       a.method_len != b.method_len ||
			       a.ruri_s != b.ruri_s || a.ruri_e != b.ruri_e ||
			       memcmp(a.method, b.method, sizeof(a.method));
		if (!bad || diffs++ >= 5)
			continue;
		printf("run %ld: len %u want %#x: req_line_end %u/%u headers_ended %u/%u cur %u/%u seen %#x/%#x via_line_s %u/%u\n",
		       i, len, want, a.req_line_end, b.req_line_end,
		       a.headers_ended, b.headers_ended, a.cur, b.cur, a.seen,
		       b.seen, a.via_line_s, b.via_line_s);
		printf("  request line (partial %u): ret %d/%d line_cut %u/%u method_len %u/%u ruri %u-%u / %u-%u\n",
		       partial, a.rl_ret, b.rl_ret, a.line_cut, b.line_cut,
		       a.method_len, b.method_len, a.ruri_s, a.ruri_e,
		       b.ruri_s, b.ruri_e);
		for (t = 0; t < 8; t++)
			printf("  hdr[%u] %u-%u / %u-%u\n", t, a.s[t], a.e[t],
			       b.s[t], b.e[t]);
		printf("  payload: \"");
		for (t = 0; t < len; t++)
			printf(buf[t] >= 32 && buf[t] < 127 && buf[t] != '"' &&
				       buf[t] != '\\' ? "%c" : "\\x%02x", buf[t]);
		printf("\"\n");
	}
	printf("scan_diff: %ld payloads, %ld with a different scan or request line\n", runs, diffs);
	return diffs != 0;
}
