// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * To / From:  ( name-addr / addr-spec ) *( ";" param )
 * Two readers: sip_parse_to() reads the To as Kamailio's parse_to() does,
 * state for state (the ACK filter's model, and what a reply's tag
 * depends on); sip_parse_nameaddr() reads the From, which Kamailio
 * 5.6.3's core does not parse and a reply only echoes, so its display
 * name is not checked beyond its quotes (RFC 4475 baddn: unquoted
 * commas).
 */
#include "sip/sip_msg.h"
#include "sip/sip_lex.h"
#include "sip/sip_parts.h"

/* The header params from p on; only tag matters to a reply. */
static void nameaddr_params(const char *b, __u32 p, __u32 e,
			    struct sip_nameaddr *na)
{
	struct sip_param pr;

	while (p < e && b[p] == ';') {
		if (!param_parse(b, p, e, &pr)) {
			na->unterminated_quote = true;
			return;
		}
		/* ";;", ";=x", a ';' at the end: Kamailio's parse_to_param()
		 * fails the header (as via.c does a Via) */
		if (pr.name_end == pr.name) {
			na->malformed = true;
			return;
		}
		/* the last tag wins, as in Kamailio (add_param() in
		 * parse_addr_spec.c) */
		if (param_is(b, &pr, "tag", 3)) {
			na->has_tag = true;
			na->tag = sip_span_present(pr.value) ? pr.value :
				  mkspan(pr.end, 0);
		}
		p = skip_lws(b, pr.end, e);
	}
	if (p < e)
		na->malformed = true;	/* ',' (a second value) or junk */
}

/*
 * The To as Kamailio's parse_to() reads it: parse_addr_spec() and
 * parse_to_param() (src/core/parser/parse_addr_spec.c, allow_comma_sep
 * 0), state for state, so that a To it fails is malformed here (and the
 * XDP program passes such an ACK: sl_filter_ACK() does not filter it),
 * and the tag is the bytes Kamailio's tag_value holds.  Left as they
 * were: NUL (Kamailio ends the header there) is an ordinary byte, and
 * CR/LF inside the value are a fold (the header's lines are joined
 * before).
 */
enum to_addr_state {
	TA_START,		/* START_TO */
	TA_QUOTED,		/* DISPLAY_QUOTED */
	TA_QUOTED_END,		/* E_DISPLAY_QUOTED */
	TA_TOKEN,		/* URI_OR_TOKEN: addr-spec or display name */
	TA_TOKEN_SP,		/* MAYBE_URI_END */
	TA_DISPLAY,		/* DISPLAY_TOKEN */
	TA_DISPLAY_SP,		/* DISPLAY_TOKEN_SP */
	TA_URI_START,		/* S_URI_ENCLOSED */
	TA_URI,			/* URI_ENCLOSED */
	TA_URI_SP,		/* E_URI_ENCLOSED */
	TA_END,			/* END: after '>' */
	TA_BAD,
};

enum to_param_state {
	TP_NAME_START,		/* S_PARA_NAME */
	TP_NAME,		/* PARA_NAME, TAG1..3 */
	TP_EQUAL,		/* S_EQUAL: LWS after the name */
	TP_VALUE_START,		/* S_PARA_VALUE */
	TP_TOKEN,		/* PARA_VALUE_TOKEN */
	TP_QUOTED,		/* PARA_VALUE_QUOTED */
	TP_VALUE_END,		/* E_PARA_VALUE */
	TP_CR,			/* F_CR, F_LF: a fold, or the end */
	TP_END,			/* the header ended at a CR/LF */
	TP_BAD,
};

/* add_param(): a parameter called tag (any case: TAG1..TAG3) sets the
 * tag, the last one winning; without a value it is empty. */
static void to_add_param(const char *b, __u32 name, __u32 name_end,
			 struct sip_span value, struct sip_nameaddr *na)
{
	if (name_end - name == 3 && ci_eq(b + name, "tag", 3)) {
		na->has_tag = true;
		na->tag = value;
	}
}

/* parse_to_param() from the ';' at p. */
static void to_params(const char *b, __u32 p, __u32 e,
		      struct sip_nameaddr *na)
{
	enum to_param_state st = TP_NAME_START, fold_to = TP_NAME_START;
	__u32 name = p + 1, name_end = p + 1, v = 0;
	bool tag = false;
	char c;

	for (p++; p < e && st != TP_BAD && st != TP_END; p++) {
		c = b[p];
		if (c == '\\') {		/* l. 227-248: always an error */
			st = TP_BAD;
		} else if (st == TP_CR && (c == '\r' || c == '\n')) {
			continue;
		} else if (st == TP_CR) {
			/* SP/HT: a fold; else the header ended at the CR/LF
			 * (what Kamailio makes of the rest of the line is
			 * left as it was: the To ends), but ',' fails it, as
			 * does a ';' before the CR/LF (S_PARA_NAME) */
			if (c == ' ' || c == '\t')
				st = fold_to;
			else if (c == ',' || fold_to == TP_NAME_START)
				st = TP_BAD;
			else
				st = TP_END;
		} else if ((c == '\r' || c == '\n') && st != TP_QUOTED) {
			if (st == TP_NAME)
				name_end = p;
			else if (st == TP_TOKEN)
				to_add_param(b, name, name_end, mkspan(v, p - v),
					     na);
			fold_to = st == TP_NAME ? TP_EQUAL :
				  st == TP_TOKEN ? TP_VALUE_END : st;
			st = TP_CR;
		} else if (is_lws(c)) {
			if (st == TP_NAME) {
				name_end = p;
				st = TP_EQUAL;
			} else if (st == TP_TOKEN) {
				to_add_param(b, name, name_end, mkspan(v, p - v),
					     na);
				st = TP_VALUE_END;
			} else if (st == TP_QUOTED && (c == '\r' || c == '\n')) {
				st = TP_BAD;
			}
		} else if (c == '"') {
			if (st == TP_VALUE_START) {
				v = p + 1;
				st = TP_QUOTED;
			} else if (st == TP_QUOTED) {
				to_add_param(b, name, name_end, mkspan(v, p - v),
					     na);
				st = TP_VALUE_END;
			} else {
				st = TP_BAD;
			}
		} else if (st == TP_QUOTED) {
			continue;
		} else if (c == ';') {
			if (st == TP_NAME_START) {
				st = TP_BAD;
				break;
			}
			if (st == TP_NAME)
				name_end = p;
			if (st == TP_NAME || st == TP_EQUAL)
				to_add_param(b, name, name_end, mkspan(p, 0), na);
			else if (st == TP_VALUE_START || st == TP_TOKEN)
				to_add_param(b, name, name_end,
					     mkspan(st == TP_TOKEN ? v : p,
						    st == TP_TOKEN ? p - v : 0),
					     na);
			st = TP_NAME_START;
		} else if (c == '=') {
			if (st == TP_NAME) {
				name_end = p;
				tag = name_end - name == 3 &&
				      ci_eq(b + name, "tag", 3);
				st = TP_VALUE_START;
			} else if (st == TP_EQUAL) {
				tag = name_end - name == 3 &&
				      ci_eq(b + name, "tag", 3);
				st = TP_VALUE_START;
			} else {
				st = TP_BAD;
			}
		} else if (c == ',') {
			/* l. 493-498: part of a tag's value, or skipped
			 * before it */
			if (!tag || (st != TP_VALUE_START && st != TP_TOKEN))
				st = TP_BAD;
		} else if (st == TP_NAME_START) {
			name = p;
			st = TP_NAME;
		} else if (st == TP_VALUE_START) {
			v = p;
			st = TP_TOKEN;
		} else if (st != TP_NAME && st != TP_TOKEN) {
			st = TP_BAD;	/* after the name's LWS, after a value */
		}
	}
	if (st == TP_CR || st == TP_END)	/* what the CR/LF ended */
		st = fold_to == TP_NAME_START ? TP_BAD : fold_to;
	switch (st) {
	case TP_NAME:
		name_end = e;
		/* fall through */
	case TP_EQUAL:
		to_add_param(b, name, name_end, mkspan(e, 0), na);
		break;
	case TP_VALUE_START:
		to_add_param(b, name, name_end, mkspan(e, 0), na);
		break;
	case TP_TOKEN:
		to_add_param(b, name, name_end, mkspan(v, e - v), na);
		break;
	case TP_VALUE_END:
		break;
	case TP_QUOTED:
		na->unterminated_quote = true;
		break;
	default:
		na->malformed = true;	/* ';' at the end, or an error */
	}
}

void sip_parse_nameaddr(struct sip_msg *m, const struct sip_hdr *h,
			struct sip_nameaddr *na)
{
	const char *b = m->buf;
	__u32 p, e = h->body_end, t, q;
	bool quoted = false;

	na->body_end = e;
	p = skip_lws(b, h->body, e);
	if (p >= e) {
		na->malformed = true;
		return;
	}
	t = p;
	for (;;) {
		if (p >= e) {
			if (quoted) {
				na->malformed = true;	/* "name" without <uri> */
				return;
			}
			na->uri = mkspan(t, trim_end(b, t, e, C_LWS) - t);
			return;
		}
		if (b[p] == '"') {
			q = quoted_end(b, p, e);
			if (q == SIP_NONE) {
				na->unterminated_quote = true;
				return;
			}
			quoted = true;
			p = q + 1;
			continue;
		}
		if (b[p] == '<')
			break;
		if (b[p] == ';') {
			if (quoted) {
				na->malformed = true;
				return;
			}
			/* addr-spec: params after it belong to the header */
			na->uri = mkspan(t, trim_end(b, t, p, C_LWS) - t);
			nameaddr_params(b, p, e, na);
			return;
		}
		p++;
	}

	/* <uri> */
	t = ++p;
	p = find_byte(b, p, e, '>');
	if (p >= e) {
		na->malformed = true;
		return;
	}
	na->uri = mkspan(t, p - t);
	nameaddr_params(b, skip_lws(b, p + 1, e), e, na);
}

/* One byte c, at p, of the To before its parameters (parse_addr_spec());
 * *t: where the addr-spec or the URI starts, *ue: where it ends (the URI
 * is all between '<' and '>', LWS too, as before). */
static enum to_addr_state to_addr_byte(enum to_addr_state st, char c, __u32 p,
				       __u32 *t, __u32 *ue)
{
	if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
		bool fold = c == '\r' || c == '\n';

		switch (st) {
		case TA_TOKEN:
			*ue = p;
			return TA_TOKEN_SP;
		case TA_DISPLAY:
			return TA_DISPLAY_SP;
		case TA_URI:
			return fold ? TA_BAD : TA_URI_SP;
		case TA_QUOTED:
		case TA_URI_START:
		case TA_URI_SP:
			return fold ? TA_BAD : st;
		default:
			return st;
		}
	}
	switch (c) {
	case '\\':
		return TA_BAD;	/* the quoted name's escape: to_addr() */
	case '<':
		if (st == TA_QUOTED)
			return st;
		*t = p + 1;
		if (st == TA_START || st == TA_QUOTED_END ||
		    st == TA_TOKEN || st == TA_DISPLAY ||
		    st == TA_TOKEN_SP || st == TA_DISPLAY_SP)
			return TA_URI_START;
		return TA_BAD;
	case '>':
		if (st == TA_QUOTED)
			return st;
		*ue = p;
		return st == TA_URI || st == TA_URI_SP ? TA_END : TA_BAD;
	case '"':
		if (st == TA_START)
			return TA_QUOTED;
		return st == TA_QUOTED ? TA_QUOTED_END : TA_BAD;
	case ';':	/* after an addr-spec or '>': sip_parse_to() */
		return st == TA_QUOTED || st == TA_URI ? st : TA_BAD;
	}
	switch (st) {
	case TA_START:
		*t = p;
		return TA_TOKEN;
	case TA_URI_START:
		return c == ';' ? TA_BAD : TA_URI;
	case TA_TOKEN_SP:
	case TA_DISPLAY_SP:
		return TA_DISPLAY;
	case TA_QUOTED:
	case TA_DISPLAY:
	case TA_URI:
	case TA_TOKEN:
		return st;
	default:
		return TA_BAD;
	}
}

void sip_parse_to(struct sip_msg *m, const struct sip_hdr *h,
		  struct sip_nameaddr *na)
{
	enum to_addr_state st = TA_START;
	const char *b = m->buf;
	__u32 p, e = h->body_end, t = 0, ue = 0;

	na->body_end = e;
	for (p = skip_lws(b, h->body, e); p < e; p++) {
		if (st == TA_QUOTED && b[p] == '\\') {
			p++;	/* escapes the next byte */
			continue;
		}
		if (b[p] == ';' && (st == TA_TOKEN || st == TA_TOKEN_SP ||
				    st == TA_END)) {
			if (st == TA_TOKEN)
				ue = p;
			na->uri = mkspan(t, ue - t);
			to_params(b, p, e, na);
			return;
		}
		st = to_addr_byte(st, b[p], p, &t, &ue);
		if (st == TA_END)	/* kept for a malformed To too */
			na->uri = mkspan(t, ue - t);
		if (st == TA_BAD) {
			na->malformed = true;
			return;
		}
	}
	if (st == TA_TOKEN)
		ue = e;
	if (st == TA_TOKEN || st == TA_TOKEN_SP || st == TA_END)
		na->uri = mkspan(t, ue - t);
	else if (st == TA_QUOTED)
		na->unterminated_quote = true;
	else
		na->malformed = true;
}
