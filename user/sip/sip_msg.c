// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * SIP message parser working on the datagram in place (see sip_msg.h):
 * the framing (start line, header fields, folds, the empty line), the
 * header table, and the cross checks.  The parts have files of their own
 * (sip_parts.h); the byte-level helpers are in sip_lex.h.
 *
 * Every index is checked against the end of the range it walks before the
 * byte is read: the start line against its line end, a header value
 * against body_end, the header scan against the datagram length.
 */
#include <stddef.h>
#include <string.h>

#include "sip/sip_msg.h"
#include "sip/sip_lex.h"
#include "sip/sip_parts.h"

#define CLEN_MAX	(1ULL << 40)	/* saturation of Content-Length values */

/* ---- header names ----------------------------------------------------- */

/* Byte i of a literal (0 past its end) at its place in a word loaded
 * from memory, so the table holds each name as the fast path sees it. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WSHIFT(i)	(8 * ((i) % 8))
#else
#define WSHIFT(i)	(8 * (7 - (i) % 8))
#endif
#define WBYTE(s, i)	((__u64)(unsigned char)(sizeof(s) - 1 > (i) ? (s)[i] : 0) \
			 << WSHIFT(i))
#define WORD(s, o)	(WBYTE(s, o) | WBYTE(s, o + 1) | WBYTE(s, o + 2) | \
			 WBYTE(s, o + 3) | WBYTE(s, o + 4) | WBYTE(s, o + 5) | \
			 WBYTE(s, o + 6) | WBYTE(s, o + 7))

/* The names: type, long form (lower case, at most 16 bytes), compact
 * form (0: none).  X(type, long, compact, arg) for each. */
#define HDR_NAMES(X, arg) \
	X(SIP_HDR_VIA,			"via",			'v', arg) \
	X(SIP_HDR_FROM,			"from",			'f', arg) \
	X(SIP_HDR_TO,			"to",			't', arg) \
	X(SIP_HDR_CALLID,		"call-id",		'i', arg) \
	X(SIP_HDR_CSEQ,			"cseq",			0, arg) \
	X(SIP_HDR_CONTACT,		"contact",		'm', arg) \
	X(SIP_HDR_MAX_FORWARDS,		"max-forwards",		0, arg) \
	X(SIP_HDR_CONTENT_LENGTH,	"content-length",	'l', arg) \
	X(SIP_HDR_USER_AGENT,		"user-agent",		0, arg) \
	X(SIP_HDR_CONTENT_TYPE,		"content-type",		'c', arg) \
	X(SIP_HDR_RECORD_ROUTE,		"record-route",		0, arg) \
	X(SIP_HDR_ROUTE,		"route",		0, arg) \
	X(SIP_HDR_SUPPORTED,		"supported",		'k', arg) \
	X(SIP_HDR_SUBJECT,		"subject",		's', arg) \
	X(SIP_HDR_CONTENT_ENCODING,	"content-encoding",	'e', arg) \
	X(SIP_HDR_EVENT,		"event",		'o', arg) \
	X(SIP_HDR_ALLOW_EVENTS,		"allow-events",		'u', arg) \
	X(SIP_HDR_REFER_TO,		"refer-to",		'r', arg) \
	X(SIP_HDR_REFERRED_BY,		"referred-by",		'b', arg) \
	X(SIP_HDR_SESSION_EXPIRES,	"session-expires",	'x', arg)

/* Each name's place in the table. */
#define AS_INDEX(type, lit, compact, arg)	AT_##type,
enum { HDR_NAMES(AS_INDEX, 0) N_NAMES };

struct hdr_name {
	__u64 w0, w1;		/* the name's bytes 0..7 and 8..15 */
	__u8 type;		/* enum sip_hdr_type */
	char compact;
};

#define AS_NAME(type, lit, compact, arg) \
	{ WORD(lit, 0), WORD(lit, 8), type, compact },
static const struct hdr_name hdr_names[N_NAMES] = { HDR_NAMES(AS_NAME, 0) };

/* Which names have len bytes (a bit per place): the candidates of a
 * name are known from its length, without a search. */
#define IF_LEN(type, lit, compact, len) \
	| (sizeof(lit) - 1 == (len) ? 1u << AT_##type : 0u)
#define OF_LEN(len)	(0u HDR_NAMES(IF_LEN, len))
static const __u32 names_of_len[17] = {
	OF_LEN(0), OF_LEN(1), OF_LEN(2), OF_LEN(3), OF_LEN(4), OF_LEN(5),
	OF_LEN(6), OF_LEN(7), OF_LEN(8), OF_LEN(9), OF_LEN(10), OF_LEN(11),
	OF_LEN(12), OF_LEN(13), OF_LEN(14), OF_LEN(15), OF_LEN(16),
};
_Static_assert(N_NAMES <= 32, "a bit per name in names_of_len");

/* Up to 8 bytes at p as a word, in memory order (any endianness). */
static inline __u64 word_at(const char *p)
{
	__u64 w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/* The first n (0..8) bytes of a word loaded by word_at(). */
static inline __u64 head_mask(size_t n)
{
	if (n >= 8)
		return ~0ULL;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (1ULL << (8 * n)) - 1;
#else
	return n ? ~0ULL << (8 * (8 - n)) : 0;
#endif
}

/* The name of len (2..16) bytes, lower case, as two words. */
static inline enum sip_hdr_type by_words(size_t len, __u64 w0, __u64 w1)
{
	__u32 cand;
	int i;

	for (cand = names_of_len[len]; cand; cand &= cand - 1) {
		i = __builtin_ctz(cand);
		if (hdr_names[i].w0 == w0 && hdr_names[i].w1 == w1)
			return hdr_names[i].type;
	}
	return SIP_HDR_OTHER;
}

static enum sip_hdr_type compact_type(char c)
{
	size_t i;

	c = lower(c);
	for (i = 0; i < N_NAMES; i++)
		if (hdr_names[i].compact && hdr_names[i].compact == c)
			return hdr_names[i].type;
	return SIP_HDR_OTHER;
}

enum sip_hdr_type sip_hdr_type_of(const char *n, size_t len)
{
	char lo[16];
	size_t i;

	if (!n || !len || len > sizeof(lo))
		return SIP_HDR_OTHER;
	if (len == 1)
		return compact_type(n[0]);
	/* lower-case copy, then the words the table holds */
	memset(lo, 0, sizeof(lo));
	for (i = 0; i < len; i++)
		lo[i] = lower(n[i]);
	return by_words(len, word_at(lo), word_at(lo + 8));
}

/*
 * sip_hdr_type_of() for a name of token characters with 16 readable
 * bytes at n.  OR-ing 0x20 into each byte lower-cases a token character,
 * and maps no other token character onto a lower-case letter or '-'
 * (only control bytes would), so one masked word compare per 8 name
 * bytes decides.
 */
static inline enum sip_hdr_type hdr_type_fast(const char *n, size_t len)
{
	const __u64 lo = 0x2020202020202020ULL;
	__u64 w0, w1 = 0;

	if (len == 1)
		return compact_type(n[0]);
	if (len > 16)
		return SIP_HDR_OTHER;
	w0 = (word_at(n) | lo) & head_mask(len < 8 ? len : 8);
	if (len > 8)
		w1 = (word_at(n + 8) | lo) & head_mask(len - 8);
	return by_words(len, w0, w1);
}

/*
 * Header name fast path: with 16 readable bytes at p, if the name is
 * letters and '-' only and the ':' follows it directly (the usual
 * "Name:"), return the name length; 0 means "take the general path".
 */
static inline __u32 simple_name(const char *b, __u32 p, __u32 e)
{
#ifdef __SSE2__
	__m128i v, lo, t, ok;
	unsigned int colon, good;
	__u32 n;

	if (p + 16 > e)
		return 0;
	v = _mm_loadu_si128((const __m128i *)(b + p));
	colon = (unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(':')));
	if (!colon)
		return 0;
	n = (__u32)__builtin_ctz(colon);
	/* letters: (c | 0x20) - 'a' <= 25 unsigned */
	lo = _mm_or_si128(v, _mm_set1_epi8(0x20));
	t = _mm_sub_epi8(lo, _mm_set1_epi8('a'));
	ok = _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(25)), t);
	ok = _mm_or_si128(ok, _mm_cmpeq_epi8(v, _mm_set1_epi8('-')));
	good = (unsigned int)_mm_movemask_epi8(ok);
	if (!n || (good & ((1u << n) - 1)) != (1u << n) - 1)
		return 0;
	return n;
#else
	(void)b; (void)p; (void)e;
	return 0;
#endif
}

/* ---- CSeq and Content-Length ------------------------------------------ */

/* CSeq: 1*DIGIT LWS Method */
static void parse_cseq(struct sip_msg *m, const struct sip_hdr *h)
{
	const char *b = m->buf;
	struct sip_cseq *c = &m->cseq;
	__u32 p, e = h->body_end, t;
	__u64 num = 0;
	bool ok = true;

	p = skip_lws(b, h->body, e);
	t = p;
	while (p < e && is_digit(b[p])) {
		if (num <= 0xffffffffULL)
			num = num * 10 + (__u64)(b[p] - '0');
		p++;
	}
	if (p == t || num > 0xffffffffULL)
		ok = false;
	if (p < e && !is_lws(b[p])) {
		ok = false;		/* "12a", "-5" */
		while (p < e && !is_lws(b[p]))
			p++;
	}
	c->num_ok = ok;
	c->num = ok ? (__u32)num : 0;

	p = skip_lws(b, p, e);
	t = p;
	p = scan_token(b, p, e);
	if (p == t) {
		c->malformed = true;
		return;
	}
	c->method = mkspan(t, p - t);
	if (skip_lws(b, p, e) < e)
		c->malformed = true;
}

/* Content-Length: 1*DIGIT; returns false if it is not that. */
static bool parse_clen(const char *b, const struct sip_hdr *h, __u64 *out)
{
	__u32 p, e = h->body_end, t;
	__u64 v = 0;

	p = skip_lws(b, h->body, e);
	t = p;
	while (p < e && is_digit(b[p])) {
		v = v * 10 + (__u64)(b[p] - '0');
		if (v > CLEN_MAX)
			v = CLEN_MAX;
		p++;
	}
	if (p == t || skip_lws(b, p, e) < e)
		return false;
	*out = v;
	return true;
}

/* ---- the header section ---------------------------------------------- */

/* One field: [ls, le) from its first byte to after its last LF. */
static void header_line(struct sip_msg *m, __u32 ls, __u32 le)
{
	const char *b = m->buf;
	struct sip_hdr *h;
	__u32 p = ls, ne, be;
	__u8 type;

	ne = simple_name(b, ls, m->len);
	if (ne && ls + ne < le) {
		ne += ls;
		p = ne;
	} else {
		p = scan_token(b, ls, le);
		ne = p;
		p = skip_ws(b, p, le);
	}
	if (ne == ls || p >= le || b[p] != ':') {
		m->errors |= SIP_E_HDR_LINE;	/* skipped */
		return;
	}
	if (m->n_hdrs >= SIP_MAX_HEADERS) {
		m->errors |= SIP_E_TOO_MANY_HDRS;
		return;
	}
	p = skip_lws(b, p + 1, le);
	be = le;
	if (be - ls >= 3 && b[be - 1] == '\n' && b[be - 2] == '\r' &&
	    b[be - 3] != '\r' && b[be - 3] != '\n' && b[be - 3] != '\0')
		be -= 2;	/* the usual CRLF */
	else
		while (be > ls && (b[be - 1] == '\n' || b[be - 1] == '\r' ||
				   b[be - 1] == '\0'))
			be--;
	if (p > be)
		p = be;		/* empty value */

	/* names are followed by at least ':' and the line end, so 16 bytes
	 * are there unless the datagram ends within them */
	type = (__u8)(ls + 16 <= m->len && ne - ls <= 16 ?
		      hdr_type_fast(b + ls, ne - ls) :
		      sip_hdr_type_of(b + ls, ne - ls));
	h = &m->hdrs[m->n_hdrs];
	h->name = ls;
	h->name_len = (__u16)(ne - ls);
	h->body = p;
	h->body_end = be;
	h->end = le;
	h->type = type;
	h->pad = 0;
	if (m->first[type] == SIP_NO_HDR)
		m->first[type] = (__u8)m->n_hdrs;
	if (m->count[type] < 255)
		m->count[type]++;
	m->n_hdrs++;
}

static void msg_init(struct sip_msg *m, const char *buf, size_t len)
{
	int i;

	memset(m, 0, offsetof(struct sip_msg, hdrs));
	m->buf = buf;
	m->len = (__u32)len;
	m->body = (__u32)len;
	m->method = no_span;
	m->uri = no_span;
	m->version = no_span;
	memset(m->first, SIP_NO_HDR, sizeof(m->first));

	m->via.hdr = SIP_NO_HDR;
	m->via.proto = no_span;
	m->via.transport = no_span;
	m->via.host = no_span;
	m->via.port = no_span;
	m->via.branch = no_span;
	m->via.branch_param = no_span;
	m->via.rport_value = no_span;
	m->via.rport_param = no_span;
	for (i = 0; i < SIP_VIA_MAX_RECEIVED; i++)
		m->via.received_param[i] = no_span;
	m->from.hdr = SIP_NO_HDR;
	m->from.uri = no_span;
	m->from.tag = no_span;
	m->to.hdr = SIP_NO_HDR;
	m->to.uri = no_span;
	m->to.tag = no_span;
	m->callid = no_span;
	m->cseq.hdr = SIP_NO_HDR;
	m->cseq.method = no_span;
	m->user_agent = no_span;
}

/* After the scan: the headers a reply needs, and the cross checks. */
static void msg_finish(struct sip_msg *m)
{
	const struct sip_hdr *h;
	__u64 v;
	int i;
	bool first_cl = true;

	if (m->first[SIP_HDR_VIA] != SIP_NO_HDR) {
		m->via.hdr = m->first[SIP_HDR_VIA];
		sip_parse_via(m, &m->hdrs[m->via.hdr]);
		if (m->via.usable && m->via.malformed)
			m->errors |= SIP_E_VIA;
	}
	if (m->first[SIP_HDR_FROM] != SIP_NO_HDR) {
		m->from.hdr = m->first[SIP_HDR_FROM];
		sip_parse_nameaddr(m, &m->hdrs[m->from.hdr], &m->from);
		if (m->from.unterminated_quote)
			m->errors |= SIP_E_FROM_QUOTE;
		else if (m->from.malformed)
			m->errors |= SIP_E_FROM;
	}
	if (m->first[SIP_HDR_TO] != SIP_NO_HDR) {
		m->to.hdr = m->first[SIP_HDR_TO];
		sip_parse_to(m, &m->hdrs[m->to.hdr], &m->to);
		if (m->to.unterminated_quote)
			m->errors |= SIP_E_TO_QUOTE;
		else if (m->to.malformed)
			m->errors |= SIP_E_TO;
	}
	if (m->first[SIP_HDR_CALLID] != SIP_NO_HDR) {
		h = &m->hdrs[m->first[SIP_HDR_CALLID]];
		m->callid = mkspan(h->body, h->body_end - h->body);
		if (!m->callid.len)
			m->errors |= SIP_E_CALLID;
	}
	if (m->first[SIP_HDR_CSEQ] != SIP_NO_HDR) {
		m->cseq.hdr = m->first[SIP_HDR_CSEQ];
		parse_cseq(m, &m->hdrs[m->cseq.hdr]);
		if (!m->cseq.num_ok)
			m->errors |= SIP_E_CSEQ_NUM;
		if (m->cseq.malformed)
			m->errors |= SIP_E_CSEQ;
		else if (!m->is_response && sip_span_present(m->method) &&
			 (m->cseq.method.len != m->method.len ||
			  memcmp(m->buf + m->cseq.method.off,
				 m->buf + m->method.off, m->method.len)))
			m->errors |= SIP_E_CSEQ_METHOD;
	}
	if (m->first[SIP_HDR_USER_AGENT] != SIP_NO_HDR) {
		h = &m->hdrs[m->first[SIP_HDR_USER_AGENT]];
		m->user_agent = mkspan(h->body, h->body_end - h->body);
	}
	if (m->count[SIP_HDR_CONTENT_LENGTH]) {
		m->clen.present = true;
		for (i = m->first[SIP_HDR_CONTENT_LENGTH]; i < m->n_hdrs; i++) {
			h = &m->hdrs[i];
			if (h->type != SIP_HDR_CONTENT_LENGTH)
				continue;
			if (!parse_clen(m->buf, h, &v)) {
				m->clen.malformed = true;
			} else if (first_cl) {
				m->clen.value = v;
				first_cl = false;
			} else if (v != m->clen.value) {
				m->clen.multiple = true;
			}
		}
		if (m->clen.malformed)
			m->errors |= SIP_E_CLEN;
		else if (m->clen.multiple)
			m->errors |= SIP_E_CLEN_MULTI;
		else if (m->eoh && m->clen.value > (__u64)(m->len - m->body))
			m->errors |= SIP_E_CLEN_MISMATCH;
	}
	if (m->count[SIP_HDR_FROM] > 1)
		m->errors |= SIP_E_DUP_FROM;
	if (m->count[SIP_HDR_TO] > 1)
		m->errors |= SIP_E_DUP_TO;
	if (m->count[SIP_HDR_CALLID] > 1)
		m->errors |= SIP_E_DUP_CALLID;
	if (m->count[SIP_HDR_CSEQ] > 1)
		m->errors |= SIP_E_DUP_CSEQ;
}

int sip_msg_parse(struct sip_msg *m, const char *buf, size_t len)
{
	const char *lf;
	__u32 p, le, q, end;

	if (!m)
		return -1;
	msg_init(m, buf, buf ? len : 0);
	if (!buf || !len || len > SIP_MAX_MSG_LEN)
		return -1;

	/* keep-alive CRLFs in front of the start line (RFC 3261 7.5) */
	for (p = 0; p < len && (buf[p] == '\r' || buf[p] == '\n'); p++)
		;
	if (p == len)
		return -1;
	m->start = p;
	lf = memchr(buf + p, '\n', len - p);
	le = lf ? (__u32)(lf - buf) : (__u32)len;
	m->start_end = lf ? le + 1 : (__u32)len;
	q = le;
	if (q > p && buf[q - 1] == '\r')
		q--;
	sip_parse_start_line(m, p, q);

	for (p = m->start_end;;) {
		if (p >= len) {
			m->errors |= SIP_E_NO_EOH;
			break;
		}
		if (buf[p] == '\n' || (buf[p] == '\r' && p + 1 < len &&
				       buf[p + 1] == '\n')) {
			m->eoh = true;
			m->body = p + (buf[p] == '\r' ? 2 : 1);
			break;
		}
		if (buf[p] == '\r' && p + 1 == len) {
			m->errors |= SIP_E_NO_EOH;	/* cut in the empty line */
			break;
		}
		/* the field runs on while an LF is followed by SP/HT */
		for (q = p;;) {
			end = find_byte(buf, q, (__u32)len, '\n');
			if (end >= len)
				break;
			end++;
			if (end < len && is_ws(buf[end])) {
				q = end;
				continue;
			}
			break;
		}
		header_line(m, p, end);
		p = end;
	}
	msg_finish(m);
	return 0;
}
