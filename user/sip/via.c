// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The first value of the top Via (spec 1.4, 1.5):
 *   sent-protocol LWS host [ ":" port ] *( ";" param ) [ "," ... ]
 * in the detail the to-tag, the destination port and the rport/received
 * edits of a reply need.  Param spans follow Kamailio's parse_via (see
 * struct sip_via).
 */
#include <string.h>
#include <strings.h>
#include "sip/sip_msg.h"
#include "sip/sip_lex.h"
#include "sip/sip_parts.h"

/* First ',' outside quotes at or after p, or e; then back over LWS. */
static __u32 via_value_end(const char *b, __u32 p, __u32 e, __u32 floor)
{
	__u32 q;

	while (p < e && b[p] != ',') {
		if (b[p] == '"') {
			q = quoted_end(b, p, e);
			if (q == SIP_NONE)
				return e;
			p = q;
		}
		p++;
	}
	if (p >= e)
		return e;
	return trim_end(b, floor, p, C_LWS);
}

/* The params a reply reads or edits; semi is the ';' before the name. */
static void via_param(struct sip_via *v, const char *b, __u32 semi,
		      const struct sip_param *pr)
{
	struct sip_span whole = mkspan(semi, pr->end - semi);

	if (param_is(b, pr, "branch", 6)) {
		/* the last one wins, as in Kamailio's parse_via (the
		 * to-tag CRC and the XDP ACK check take the same) */
		v->branch = sip_span_present(pr->value) ? pr->value :
			    mkspan(pr->end, 0);
		v->branch_param = whole;
	} else if (param_is(b, pr, "rport", 5)) {
		if (!v->has_rport) {
			v->has_rport = true;
			v->rport_value = pr->value;
			v->rport_param = whole;
		}
	} else if (param_is(b, pr, "received", 8)) {
		if (v->n_received < SIP_VIA_MAX_RECEIVED)
			v->received_param[v->n_received] = whole;
		if (v->n_received < 255)
			v->n_received++;
	}
}

/*
 * Where a value is missing, Kamailio's parse_via_param()
 * (src/core/parser/parse_via.c) fails the Via: for branch, received,
 * maddr, ttl and i with no value before ',', the end, or a ';' right
 * after the name (its FIN_BRANCH... states; "name LWS ;" is a null
 * value); for any other name but rport, hidden and alias with LWS and
 * then ',' (L_VALUE); for any name with '=' and nothing before ','
 * (F_VALUE); for those five with '=' and nothing before the end
 * (end_via).  pr->end is past the LWS after the param.
 */
static bool via_value_missing(const char *b, const struct sip_param *pr,
			      __u32 e)
{
	bool wants = param_is(b, pr, "branch", 6) ||
		     param_is(b, pr, "received", 8) ||
		     param_is(b, pr, "maddr", 5) ||
		     param_is(b, pr, "ttl", 3) || param_is(b, pr, "i", 1);
	char next = pr->end < e ? b[pr->end] : 0;

	if (wants && !sip_span_present(pr->value))
		return next != ';' || pr->end == pr->name_end;
	/* L_VALUE then ',': any other name but rport, hidden and alias
	 * (LWS ends FIN_HIDDEN, FIN_ALIAS) */
	if (!sip_span_present(pr->value))
		return next == ',' && pr->end > pr->name_end &&
		       !param_is(b, pr, "rport", 5) &&
		       !param_is(b, pr, "hidden", 6) &&
		       !param_is(b, pr, "alias", 5);
	if (pr->value.len)
		return false;
	return next == ',' || (wants && !next);
}

/* Whether the sent-protocol from ps to the transport at t is one
 * Kamailio's parse_via() takes: "SIP" (any case) "/" "2.0" "/" (the
 * grammar allows any tokens, and a request with another version gets 505
 * here, while Kamailio drops it), LWS only around the slashes (which
 * via_proto() has checked), and a transport that does not start with a
 * byte its F_PROTO state fails: '2', '.', '0', C, D, I, L, P in any case
 * ('/' is no token byte). */
static bool via_proto_kamailio(const char *b, __u32 ps, __u32 t)
{
	char w[8];
	__u32 n = 0, p;

	for (p = ps; p < t; p++) {
		if (b[p] == ' ' || b[p] == '\t' || b[p] == '\r' || b[p] == '\n')
			continue;
		if (n == sizeof(w))
			return false;
		w[n++] = b[p];
	}
	return n == sizeof(w) && !strncasecmp(w, "SIP/", 4) &&
	       !memcmp(w + 4, "2.0/", 4) && !strchr("20.cdilpCDILP", b[t]);
}

/* sent-protocol: name LWS? "/" LWS? version LWS? "/" LWS? transport;
 * returns where it ends, 0 if it does not parse. */
static __u32 via_proto(struct sip_via *v, const char *b, __u32 p, __u32 e)
{
	__u32 ps, t = 0;
	int i;

	p = skip_lws(b, p, e);
	ps = p;
	p = scan_token(b, p, e);
	if (p == ps)
		return 0;
	for (i = 0; i < 2; i++) {
		p = skip_lws(b, p, e);
		if (p >= e || b[p] != '/')
			return 0;
		p = skip_lws(b, p + 1, e);
		t = p;
		p = scan_token(b, p, e);
		if (p == t)
			return 0;
	}
	v->proto = mkspan(ps, p - ps);
	v->transport = mkspan(t, p - t);
	v->proto_kamailio = via_proto_kamailio(b, ps, t);
	return p;
}

/* LWS, host as written (IPv6 with its brackets), [ ":" port ]; returns
 * where it ends, 0 if it does not parse. */
static __u32 via_sent_by(struct sip_via *v, const char *b, __u32 p, __u32 e)
{
	__u32 t, port = 0;

	if (p >= e || !is_lws(b[p]))
		return 0;
	p = skip_lws(b, p, e);
	if (p >= e)
		return 0;
	t = p;
	if (b[p] == '[') {
		while (p < e && b[p] != ']' && !is_lws(b[p]) && b[p] != ';' &&
		       b[p] != ',')
			p++;
		if (p >= e || b[p] != ']')
			return 0;
		p++;
	} else {
		while (p < e && !is_cls(b[p], C_HSTOP))
			p++;
	}
	if (p == t)
		return 0;
	v->host = mkspan(t, p - t);

	p = skip_lws(b, p, e);
	if (p < e && b[p] == ':') {
		p = skip_lws(b, p + 1, e);
		t = p;
		while (p < e && is_digit(b[p]) && p - t < 6) {
			port = port * 10 + (__u32)(b[p] - '0');
			p++;
		}
		/* Kamailio's str2s() (src/core/ut.h) fails a 6th digit,
		 * leading zeros included, and wraps 65536..99999 with no
		 * error: such a Via parses (the to-tag takes the text), but
		 * no reply can go there (port_wraps) */
		if (p == t || p - t > 5)
			return 0;
		v->port_wraps = port > 65535;
		v->port = mkspan(t, p - t);
		v->port_num = port & 0xffff;
		p = skip_lws(b, p, e);
	}
	return p;
}

/*
 * One value from p: sent-protocol, sent-by, params.  Returns where it
 * ends (its ',', or e), or where its params stop parsing (then
 * v->malformed); v->usable as in sip_parse_via().
 */
static __u32 via_value(struct sip_via *v, const char *b, __u32 p, __u32 e)
{
	struct sip_param pr;
	__u32 semi;

	p = via_proto(v, b, p, e);
	if (!p)
		return e;
	p = via_sent_by(v, b, p, e);
	if (!p)
		return e;
	v->usable = true;

	while (p < e && b[p] != ',') {
		if (b[p] != ';')
			goto bad;	/* junk, a comment */
		semi = p;
		/* no name (";;", ";,", ";" at the end), or a quoted value
		 * that does not end */
		if (!param_parse(b, p, e, &pr) || pr.name_end == pr.name) {
			p = pr.name_end;
			goto bad;
		}
		if (via_value_missing(b, &pr, e)) {
			p = pr.end;
			goto bad;
		}
		via_param(v, b, semi, &pr);
		p = skip_lws(b, pr.end, e);
		if (p < e && b[p] != ';' && b[p] != ',')
			goto bad;
	}
	return p;
bad:
	v->malformed = true;
	return p;
}

/*
 * Kamailio's parse_via() reads every value of the first Via header line
 * (a ',' leads to parse_again; commas and LWS between values are eaten,
 * F_VIA) and fails the message on any one: so does v here.  p is the ','
 * after the first value.  Linear in the line's length.
 */
static void via_later_values(struct sip_via *v, const char *b, __u32 p,
			     __u32 e)
{
	struct sip_via w;

	while (p < e) {
		while (p < e && (b[p] == ',' || is_lws(b[p])))
			p++;
		memset(&w, 0, sizeof(w));
		p = via_value(&w, b, p, e);
		if (!w.usable || w.malformed) {
			v->malformed = true;	/* a ',' at the end too */
			return;
		}
		v->proto_kamailio &= w.proto_kamailio;
	}
}

/*
 * LWS (folds included) is allowed around '/', ':', ';', '='.
 * usable: protocol, host and port (if any) parse; what comes after the
 * host, and the values after the first one, only set malformed.
 */
void sip_parse_via(struct sip_msg *m, const struct sip_hdr *h)
{
	const char *b = m->buf;
	struct sip_via *v = &m->via;
	__u32 p, e = h->body_end;

	v->value_end = e;
	p = via_value(v, b, h->body, e);
	if (!v->usable)
		return;
	v->value_end = via_value_end(b, p, e, h->body);
	if (!v->malformed && p < e)
		via_later_values(v, b, p, e);
}
