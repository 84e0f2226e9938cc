// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The start line of a SIP message: a request line (METHOD SP Request-URI
 * SP SIP-Version), or a status line ("SIP/" ...), which only sets
 * is_response and the status code.
 */
#include <string.h>

#include "sip/sip_msg.h"
#include "sip/sip_lex.h"
#include "sip/sip_parts.h"

/* Any byte <= 0x20 or DEL in [p, e)? */
static inline bool has_ctl(const char *b, __u32 p, __u32 e)
{
#ifdef __SSE2__
	const __m128i sp = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f);
	__m128i v;

	for (; p + 16 <= e; p += 16) {
		v = _mm_loadu_si128((const __m128i *)(b + p));
		if (_mm_movemask_epi8(_mm_or_si128(
			    _mm_cmpeq_epi8(_mm_min_epu8(v, sp), v),
			    _mm_cmpeq_epi8(v, del))))
			return true;
	}
#endif
	for (; p < e; p++)
		if ((unsigned char)b[p] <= ' ' || b[p] == 0x7f)
			return true;
	return false;
}

/* "SIP/" 1*DIGIT "." 1*DIGIT, "SIP" in any case (ABNF literals are
 * case-insensitive). */
static bool version_form(const char *v, __u32 len)
{
	__u32 i = 4, d;

	if (len < 7 || !ci_eq(v, "sip/", 4))
		return false;
	for (d = i; i < len && is_digit(v[i]); i++)
		;
	if (i == d || i >= len || v[i] != '.')
		return false;
	for (d = ++i; i < len && is_digit(v[i]); i++)
		;
	return i > d && i == len;
}

/* scheme ":" with scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
static bool uri_ok(const char *u, __u32 len)
{
	__u32 i;

	if (!len || u[0] == '<' || u[len - 1] == '>' || has_ctl(u, 0, len))
		return false;
	if (lower(u[0]) < 'a' || lower(u[0]) > 'z')
		return false;
	for (i = 1; i < len; i++) {
		char c = lower(u[i]);

		if (c == ':')
			return true;
		if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '+' ||
		      c == '-' || c == '.'))
			return false;
	}
	return false;
}

/*
 * [s, e) is the start line without its line end.  Liberal about extra SP
 * between the elements and SP/HT after the version (RFC 4475 3.1.2.9 and
 * 3.1.2.10 allow either answer); strict about anything that changes the
 * meaning: a fourth token (LWS inside the Request-URI), <>, no version.
 */
void sip_parse_start_line(struct sip_msg *m, __u32 s, __u32 e)
{
	const char *b = m->buf;
	__u32 p, ts, n = 0, t0s = 0, t0e = 0, t1s = 0, prev_e = 0, last_s = 0,
	      last_e = 0, i;

	if (e - s >= 4 && ci_eq(b + s, "sip/", 4)) {
		m->is_response = true;
		p = s;
		while (p < e && !is_ws(b[p]))
			p++;
		p = skip_ws(b, p, e);
		ts = p;
		while (p < e && is_digit(b[p]))
			p++;
		if (p - ts == 3 && (p == e || is_ws(b[p])))
			m->status = (__u16)((b[ts] - '0') * 100 +
					    (b[ts + 1] - '0') * 10 + b[ts + 2] - '0');
		return;
	}

	if (is_ws(b[s]))
		m->errors |= SIP_E_START_LINE;
	e = trim_end(b, s, e, C_WS);	/* trailing SP/HT (RFC 4475 trws) */
	for (p = skip_ws(b, s, e); p < e; p = skip_ws(b, p, e)) {
		/* elements are separated by SP (one, or more: lwsstart);
		 * an HT inside one makes it invalid below */
		ts = p;
		p = find_byte(b, p, e, ' ');
		if (n == 0) {
			t0s = ts;
			t0e = p;
		} else if (n == 1) {
			t1s = ts;
		}
		prev_e = last_e;
		last_s = ts;
		last_e = p;
		n++;
	}
	if (!n) {
		m->errors |= SIP_E_START_LINE;
		return;
	}
	m->method = mkspan(t0s, t0e - t0s);
	for (i = t0s; i < t0e; i++)
		if (!is_token(b[i])) {
			m->errors |= SIP_E_START_LINE;
			break;
		}
	if (n < 3) {
		/* no SIP-Version: nothing to echo in a status line */
		m->errors |= SIP_E_START_LINE;
		if (n == 2)
			m->uri = mkspan(t1s, last_e - t1s);
		return;
	}
	m->uri = mkspan(t1s, prev_e - t1s);
	m->version = mkspan(last_s, last_e - last_s);
	if (n > 3 || !uri_ok(b + t1s, prev_e - t1s))
		m->errors |= SIP_E_RURI;
	if (!version_form(b + last_s, last_e - last_s))
		m->errors |= SIP_E_START_LINE;
	else if (last_e - last_s != 7 || memcmp(b + last_s + 4, "2.0", 3))
		m->errors |= SIP_E_VERSION;
}
