// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * To / From:  ( name-addr / addr-spec ) *( ";" param )
 * The display name is not checked beyond its quotes (Kamailio accepts
 * unquoted commas, RFC 4475 baddn): the reply only echoes it.
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
