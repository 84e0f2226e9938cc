// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The reference reading of a request for the rules: every step mirrors
 * a step of bpf/sip/ (named in each comment), quirks included, so that a
 * difference between the two is a bug in one of them.
 */
#include <string.h>

#include "sip/rule_view.h"

enum hdr { H_NONE, H_VIA, H_TO, H_CALLID, H_UA, H_VIA2, H_FROM, H_N };

struct scan {
	const __u8 *w;
	__u32 len;
	__u32 req_line_end;
	bool headers_ended;
	__u8 cur;
	__u8 seen;
	__u32 cur_vstart;
	struct sl_view_span hdr[H_N];
};

static bool is_ws(__u8 c)
{
	return c == ' ' || c == '\t';
}

static bool is_lws(__u8 c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_name_end(__u8 c)
{
	return c == ':' || c == ' ' || c == '\t';
}

/* Each byte or-ed with 0x20 equals lit (lower case): scan.h's compare. */
static bool or20_eq(const __u8 *p, const char *lit, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((p[i] | 0x20) != (__u8)lit[i])
			return false;
	return true;
}

/* First byte of [from, to) that is one of set (n bytes), or SL_VIEW_NONE:
 * find.h's find_run(). */
static __u32 find_any(const __u8 *w, __u32 from, __u32 to, const char *set,
		      size_t n)
{
	for (__u32 p = from; p < to; p++)
		if (memchr(set, w[p], n))
			return p;
	return SL_VIEW_NONE;
}

static __u32 find_byte(const __u8 *w, __u32 from, __u32 to, char c)
{
	return find_any(w, from, to, &c, 1);
}

/* scan.h classify_name() */
static __u8 classify(const struct scan *sc, __u32 s, __u32 *name_len)
{
	const __u8 *w = sc->w;
	__u32 avail;

	if (s >= sc->len)
		return H_NONE;
	avail = sc->len - s;
	switch (w[s] | 0x20) {
	case 'v':
		if (avail > 1 && is_name_end(w[s + 1])) {
			*name_len = 1;
			return H_VIA;
		}
		if (avail > 3 && or20_eq(w + s, "via", 3) && is_name_end(w[s + 3])) {
			*name_len = 3;
			return H_VIA;
		}
		break;
	case 't':
		if (avail > 1 && is_name_end(w[s + 1])) {
			*name_len = 1;
			return H_TO;
		}
		if (avail > 2 && or20_eq(w + s, "to", 2) && is_name_end(w[s + 2])) {
			*name_len = 2;
			return H_TO;
		}
		break;
	case 'f':
		if (avail > 1 && is_name_end(w[s + 1])) {
			*name_len = 1;
			return H_FROM;
		}
		if (avail > 4 && or20_eq(w + s, "from", 4) && is_name_end(w[s + 4])) {
			*name_len = 4;
			return H_FROM;
		}
		break;
	case 'i':
		if (avail > 1 && is_name_end(w[s + 1])) {
			*name_len = 1;
			return H_CALLID;
		}
		break;
	case 'c':
		if (avail > 7 && or20_eq(w + s, "call-id", 7) && is_name_end(w[s + 7])) {
			*name_len = 7;
			return H_CALLID;
		}
		break;
	case 'u':
		if (avail > 10 && or20_eq(w + s, "user-agent", 10) &&
		    is_name_end(w[s + 10])) {
			*name_len = 10;
			return H_UA;
		}
		break;
	}
	return H_NONE;
}

/* scan.h start_header() */
static void start_header(struct scan *sc, __u32 s)
{
	__u32 name_len = 0, p;
	__u8 type = classify(sc, s, &name_len);
	int i;

	sc->cur = H_NONE;
	if (type == H_VIA && (sc->seen & (1u << H_VIA)))
		type = H_VIA2;
	if (type == H_NONE || (sc->seen & (1u << type)))
		return;
	p = s + name_len;
	for (i = 0; i < 4; i++)
		if (p < sc->len && is_ws(sc->w[p]))
			p++;
	if (p >= sc->len || sc->w[p] != ':')
		return;
	p++;
	for (i = 0; i < 8; i++)
		if (p < sc->len && is_ws(sc->w[p]))
			p++;
	sc->cur = type;
	sc->cur_vstart = p;
}

/* scan.h skip_lws(): up to 64 bytes */
static __u32 skip_lws(const __u8 *w, __u32 from, __u32 to)
{
	__u32 p = from;

	while (p < to && p < from + 64 && is_lws(w[p]))
		p++;
	return p < to ? p : to;
}

/* scan.h finish_header() */
static void finish_header(struct scan *sc, __u32 end)
{
	__u8 t = sc->cur;

	if (t == H_NONE)
		return;
	sc->hdr[t].s = end < sc->cur_vstart ? end :
		       skip_lws(sc->w, sc->cur_vstart, end);
	sc->hdr[t].e = end;
	sc->seen |= 1u << t;
	sc->cur = H_NONE;
}

/* scan.h on_lf(): 1 to stop */
static int on_lf(struct scan *sc, __u32 p)
{
	__u32 end = p, s = p + 1;
	__u8 c;

	if (sc->req_line_end == SL_VIEW_NONE)
		sc->req_line_end = p;
	else if (end > 0 && sc->w[end - 1] == '\r')
		end--;
	if (s >= sc->len) {
		finish_header(sc, end);
		return 1;
	}
	c = sc->w[s];
	if (is_ws(c))
		return 0;
	finish_header(sc, end);
	if (c == '\r' || c == '\n') {
		sc->headers_ended = true;
		return 1;
	}
	start_header(sc, s);
	return 0;
}

/* scan.h sip_scan_run(), headers wanted */
static void scan(struct scan *sc, const __u8 *w, __u32 len)
{
	memset(sc, 0, sizeof(*sc));
	sc->w = w;
	sc->len = len;
	sc->req_line_end = SL_VIEW_NONE;
	for (int t = 0; t < H_N; t++)
		sc->hdr[t].s = sc->hdr[t].e = SL_VIEW_NONE;
	for (__u32 p = 0; p < len; p++)
		if (w[p] == '\n' && on_lf(sc, p))
			break;
	if (sc->cur != H_NONE)
		finish_header(sc, len);
}

/* The user part of the URI [us, ue) (request_line.h, uri.h): after the
 * scheme's ':' (one of the first 6 bytes) up to '@', or for tel: up to
 * ';'.  *hs: where the host starts (SL_VIEW_NONE: no host). */
static struct sl_view_span uri_user(const __u8 *w, __u32 us, __u32 ue,
				    __u32 *hs)
{
	struct sl_view_span u = { 0, SL_VIEW_NONE };
	__u32 colon = SL_VIEW_NONE, at, i;

	*hs = SL_VIEW_NONE;
	for (i = 0; i < 6; i++)
		if (colon == SL_VIEW_NONE && us + i < ue && w[us + i] == ':')
			colon = us + i;
	if (colon == SL_VIEW_NONE)
		return u;
	at = find_byte(w, colon + 1, ue, '@');
	u.s = colon + 1;
	if (at != SL_VIEW_NONE) {
		u.e = at;
		*hs = at + 1;
	} else if (colon - us == 3 && or20_eq(w + us, "tel", 3)) {
		__u32 semi = find_byte(w, colon + 1, ue, ';');

		u.e = semi == SL_VIEW_NONE ? ue : semi;
	} else {
		*hs = colon + 1;
	}
	return u;
}

/* request_line.h parse_request_line() */
static int request_line(struct sl_rule_view *v, __u32 end)
{
	const __u8 *w = v->w;
	__u32 msp, vsp = SL_VIEW_NONE, rs, re, hs;
	int i;

	if (end > 0 && w[end - 1] == '\r')
		end--;
	for (i = 0; i < 8; i++)
		if (end > 0 && is_ws(w[end - 1]))
			end--;
	msp = find_byte(w, 0, end, ' ');
	if (msp == SL_VIEW_NONE || msp == 0)
		return -1;
	v->method_len = msp;
	for (i = 1; i <= 16; i++)
		if (vsp == SL_VIEW_NONE && end >= (__u32)i + msp &&
		    w[end - i] == ' ')
			vsp = end - i;
	if (vsp == SL_VIEW_NONE || vsp <= msp || end - vsp < 5)
		return -1;
	if (!or20_eq(w + vsp + 1, "sip", 3) || w[vsp + 4] != '/')
		return -1;
	rs = msp + 1;
	re = vsp;
	for (i = 0; i < 4; i++) {
		if (rs < re && w[rs] == ' ')
			rs++;
		if (re > rs && w[re - 1] == ' ')
			re--;
	}
	if (rs >= re)
		return -1;
	v->ruri_user = uri_user(w, rs, re, &hs);
	return 0;
}

/* uri.h: the user and host parts of a From / To value [s, e).  Returns
 * false when the URI reaches the value's end without its terminator
 * ('>', or for an addr-spec ';' ',' LWS): a cut value may go on. */
static bool uri_parts(const __u8 *w, struct sl_view_span val,
		      struct sl_view_span *user, struct sl_view_span *host)
{
	__u32 s = val.s, e = val.e, q, us, ue, hs, he;
	bool whole = true;

	user->s = host->s = 0;
	user->e = host->e = SL_VIEW_NONE;
	if (e == SL_VIEW_NONE || e <= s)
		return true;
	q = find_any(w, s, e, "<\"", 2);
	if (q != SL_VIEW_NONE && w[q] == '"') {
		/* a quoted display name: the closing quote, then '<' */
		bool esc = false;
		__u32 p;

		for (p = q + 1; p < e; p++) {
			if (esc)
				esc = false;
			else if (w[p] == '\\')
				esc = true;
			else if (w[p] == '"')
				break;
		}
		if (p >= e)
			return false;
		q = find_byte(w, p + 1, e, '<');
		if (q == SL_VIEW_NONE)
			return false;
	}
	if (q != SL_VIEW_NONE) {
		us = q + 1;
		ue = find_byte(w, us, e, '>');
		if (ue == SL_VIEW_NONE)
			return false;
	} else {
		us = s;
		ue = find_any(w, s, e, ";, \t\r\n", 6);
		if (ue == SL_VIEW_NONE) {
			ue = e;
			whole = false;
		}
	}
	*user = uri_user(w, us, ue, &hs);
	if (hs == SL_VIEW_NONE)
		return whole;
	if (hs < ue && w[hs] == '[') {
		he = find_byte(w, hs, ue, ']');
		he = he == SL_VIEW_NONE ? ue : he + 1;
	} else {
		he = find_any(w, hs, ue, ":;?>", 4);
		if (he == SL_VIEW_NONE)
			he = ue;
	}
	host->s = hs;
	host->e = he;
	return whole;
}

/* A header value that runs to the end of a partial window may go on. */
static bool cut(const struct sl_rule_view *v, struct sl_view_span h)
{
	return v->partial && h.e != SL_VIEW_NONE && h.e >= v->wlen;
}

int sl_rule_view_read(struct sl_rule_view *v, const __u8 *payload, size_t len,
		      bool more, __u8 family, const __u8 src[16], __u16 dport)
{
	struct sl_view_span to_host;
	struct scan sc;
	__u32 skip = 0;
	bool from_whole, to_whole;

	memset(v, 0, sizeof(*v));
	v->family = family;
	memcpy(v->src, src, sizeof(v->src));
	v->dport = dport;
	v->ruri_user.e = v->ua.e = v->from.e = v->to.e = SL_VIEW_NONE;
	v->from_user.e = v->from_host.e = v->to_user.e = SL_VIEW_NONE;

	/* crlf.h */
	while (skip < len && (payload[skip] == '\r' || payload[skip] == '\n'))
		skip++;
	if (skip >= len) {
		/* sl_xdp.bpf.c: keep-alives, or a first fragment whose
		 * request line is in a later one */
		if (!more)
			return -1;
		v->skipped = skip;
		v->w = payload + skip;
		v->partial = true;
		v->request = true;
		v->unseen = SL_UNSEEN_ALL;
		return 0;
	}
	v->skipped = skip;
	v->w = payload + skip;
	v->wlen = len - skip > SL_SCRATCH_LEN ? SL_SCRATCH_LEN : (__u32)(len - skip);
	v->partial = more || len - skip > SL_SCRATCH_LEN;
	/* sl_xdp.bpf.c: a response never meets the rules */
	if (v->wlen >= 4 && !memcmp(v->w, "SIP/", 4))
		return -1;
	v->is_ack = v->wlen >= 4 && !memcmp(v->w, "ACK ", 4);

	scan(&sc, v->w, v->wlen);
	if (sc.req_line_end == SL_VIEW_NONE) {
		/* request_line.h: a partial window without an LF still
		 * names the method */
		__u32 msp = find_byte(v->w, 0, v->wlen, ' ');

		if (!v->partial)
			return -1;
		v->request = true;
		v->unseen = SL_UNSEEN_ALL;
		if (msp == SL_VIEW_NONE || msp == 0)
			return 0;	/* not even the method */
		v->method_len = msp;
		v->unseen &= ~SL_UNSEEN_METHOD;
		return 0;
	}
	if (request_line(v, sc.req_line_end))
		return -1;
	v->request = true;
	v->headers_ended = sc.headers_ended;
	v->ua = sc.hdr[H_UA];
	v->from = sc.hdr[H_FROM];
	v->to = sc.hdr[H_TO];
	from_whole = uri_parts(v->w, v->from, &v->from_user, &v->from_host);
	to_whole = uri_parts(v->w, v->to, &v->to_user, &to_host);
	/* on a partial message, a header not in the window is unseen
	 * unless the headers ended there, and so is a value cut by the
	 * window's end (for From / To: unless the URI ended before) */
	if (v->partial) {
		if (v->ua.e == SL_VIEW_NONE ? !v->headers_ended : cut(v, v->ua))
			v->unseen |= SL_UNSEEN_UA;
		if (v->from.e == SL_VIEW_NONE ? !v->headers_ended :
		    cut(v, v->from) && !from_whole)
			v->unseen |= SL_UNSEEN_FROM;
		if (v->to.e == SL_VIEW_NONE ? !v->headers_ended :
		    cut(v, v->to) && !to_whole)
			v->unseen |= SL_UNSEEN_TO;
	}
	return 0;
}
