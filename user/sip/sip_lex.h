/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Byte-level helpers of the SIP parser (sip_msg.c and the files of its
 * parts): character classes, scanners and the ";name=value" parameter
 * grammar.  Private to user/sip; not part of the parser's API.
 *
 * Every scanner takes the end e of the range it walks and never reads
 * b[e].  Inside a header value a CR or LF can only be part of a fold (the
 * line scanner only continues a field when the LF is followed by SP/HT),
 * so the value scanners treat CR and LF as whitespace.
 */
#ifndef SL_SIP_LEX_H
#define SL_SIP_LEX_H

#include <stdbool.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "sip/sip_msg.h"

/* Character classes, one table lookup per byte in the scanning loops. */
enum {
	C_TOKEN	= 1 << 0,	/* RFC 3261 token: alphanum -.!%*_+`'~ */
	C_WS	= 1 << 1,	/* SP HT */
	C_LWS	= 1 << 2,	/* SP HT CR LF (CR/LF inside a value: a fold) */
	C_DIGIT	= 1 << 3,
	C_PSTOP	= 1 << 4,	/* ends a param value: LWS ; , " */
	C_HSTOP	= 1 << 5,	/* ends a Via host: LWS : ; , ( " [ ] */
};

#define C_SPACE	(C_WS | C_LWS | C_PSTOP | C_HSTOP)

static const unsigned char sip_cc[256] = {
	['0' ... '9'] = C_TOKEN | C_DIGIT,
	['A' ... 'Z'] = C_TOKEN, ['a' ... 'z'] = C_TOKEN,
	['-'] = C_TOKEN, ['.'] = C_TOKEN, ['!'] = C_TOKEN, ['%'] = C_TOKEN,
	['*'] = C_TOKEN, ['_'] = C_TOKEN, ['+'] = C_TOKEN, ['`'] = C_TOKEN,
	['\''] = C_TOKEN, ['~'] = C_TOKEN,
	[' '] = C_SPACE, ['\t'] = C_SPACE,
	['\r'] = C_LWS | C_PSTOP | C_HSTOP, ['\n'] = C_LWS | C_PSTOP | C_HSTOP,
	[';'] = C_PSTOP | C_HSTOP, [','] = C_PSTOP | C_HSTOP,
	['"'] = C_PSTOP | C_HSTOP,
	[':'] = C_HSTOP, ['('] = C_HSTOP, ['['] = C_HSTOP, [']'] = C_HSTOP,
};

static inline bool is_cls(char c, unsigned cls)
{
	return sip_cc[(unsigned char)c] & cls;
}

static inline bool is_token(char c)
{
	return is_cls(c, C_TOKEN);
}

static inline bool is_ws(char c)
{
	return is_cls(c, C_WS);
}

/* Whitespace inside a header value: SP/HT and the CR/LF of a fold. */
static inline bool is_lws(char c)
{
	return is_cls(c, C_LWS);
}

static inline bool is_digit(char c)
{
	return is_cls(c, C_DIGIT);
}

/* A header param value (token or anything a sloppy peer puts there),
 * up to the next delimiter. */
static inline bool is_pval(char c)
{
	return !is_cls(c, C_PSTOP);
}

static inline char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* Case-insensitive compare with a lower-case literal. */
static inline bool ci_eq(const char *a, const char *lit, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lower(a[i]) != lit[i])
			return false;
	return true;
}

static inline struct sip_span mkspan(__u32 off, __u32 len)
{
	struct sip_span sp = { off, len };

	return sp;
}

static const struct sip_span no_span = { SIP_NONE, 0 };

/*
 * First ch in [p, e), or e.  Inline 16 bytes at a time where SSE2 is
 * there: header lines are short, and a memchr() call per line costs more
 * than the scan.  Loads never pass e.
 */
static inline __u32 find_byte(const char *b, __u32 p, __u32 e, char ch)
{
	const char *q;

#ifdef __SSE2__
	const __m128i pat = _mm_set1_epi8(ch);
	unsigned int mask;

	for (; p + 16 <= e; p += 16) {
		mask = (unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(b + p)), pat));
		if (mask)
			return p + (__u32)__builtin_ctz(mask);
	}
#endif
	q = p < e ? memchr(b + p, ch, e - p) : NULL;
	return q ? (__u32)(q - b) : e;
}

static inline __u32 skip_lws(const char *b, __u32 p, __u32 e)
{
	while (p < e && is_lws(b[p]))
		p++;
	return p;
}

static inline __u32 skip_ws(const char *b, __u32 p, __u32 e)
{
	while (p < e && is_ws(b[p]))
		p++;
	return p;
}

/* Back from e over bytes of class cls, not below lo: the end of what
 * comes before trailing whitespace. */
static inline __u32 trim_end(const char *b, __u32 lo, __u32 e, unsigned cls)
{
	while (e > lo && is_cls(b[e - 1], cls))
		e--;
	return e;
}

static inline __u32 scan_token(const char *b, __u32 p, __u32 e)
{
	while (p < e && is_token(b[p]))
		p++;
	return p;
}

/* p is at an opening '"': index of the closing one, SIP_NONE if the
 * string runs off the end.  A backslash escapes any next byte. */
static inline __u32 quoted_end(const char *b, __u32 p, __u32 e)
{
	for (p++; p < e; p++) {
		if (b[p] == '\\') {
			if (++p >= e)
				break;
		} else if (b[p] == '"') {
			return p;
		}
	}
	return SIP_NONE;
}

/*
 * One header parameter, Kamailio's parse_via / parse_to view of it:
 *   ";" LWS name LWS [ "=" LWS ( quoted-string / value ) ]
 * A param with a value ends right after the value; one without runs on
 * over the LWS after its name, up to the next delimiter.
 */
struct sip_param {
	__u32 name;		/* first byte of the name */
	__u32 name_end;		/* == name: no name (";;", ";=x") */
	struct sip_span value;	/* absent: no '='; "name=" alone: empty */
	__u32 end;		/* see above */
};

/*
 * b[p] is the ';' of a param in [p, e).  Returns false if its value is a
 * quoted string that does not end before e (then only name and name_end
 * are set).
 */
static inline bool param_parse(const char *b, __u32 p, __u32 e,
			       struct sip_param *pr)
{
	__u32 q, t;

	pr->name = skip_lws(b, p + 1, e);
	pr->name_end = scan_token(b, pr->name, e);
	q = skip_lws(b, pr->name_end, e);
	pr->value = no_span;
	if (q < e && b[q] == '=') {
		q = skip_lws(b, q + 1, e);
		if (q < e && b[q] == '"') {
			t = quoted_end(b, q, e);
			if (t == SIP_NONE)
				return false;
			pr->value = mkspan(q, t + 1 - q);
			q = t + 1;
		} else {
			t = q;
			while (q < e && is_pval(b[q]))
				q++;
			pr->value = mkspan(t, q - t);
		}
	}
	pr->end = q;
	return true;
}

/* The param's name is lit (lower case, n bytes), in any case. */
static inline bool param_is(const char *b, const struct sip_param *pr,
			    const char *lit, __u32 n)
{
	return pr->name_end - pr->name == n && ci_eq(b + pr->name, lit, n);
}

#endif /* SL_SIP_LEX_H */
