/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * SIP message parser for the stateless responder.
 *
 * Works on the datagram in place: every result is a byte range (offset,
 * length) of the caller's buffer, nothing is copied or allocated and
 * nothing is written to the buffer.  Plain C, no I/O, so the unit tests
 * and fuzzers call it directly.
 *
 * What it understands (RFC 3261 section 7 / 25, with the liberal parts
 * of RFC 4475 in mind):
 *  - the start line: a request (METHOD SP Request-URI SP SIP-Version) or
 *    a status line ("SIP/" ...), which only sets is_response;
 *  - every header field with its name as written, long and compact forms
 *    (v f t i m l c k s e o u r b x), case-insensitive, optional SP/HT
 *    before the colon, folded lines (LF or CRLF followed by SP/HT
 *    continue the header), LF-only line ends;
 *  - the first value of the first Via, To, From, Call-ID, CSeq,
 *    Content-Length and User-Agent, in the detail a reply needs.
 *
 * Problems are collected as SIP_E_* bits rather than stopping the parse,
 * so the caller can still answer a broken request with a 400 that names
 * the problem (spec section 4 / DESIGN section 4).
 *
 * Offsets are __u32: a message is at most SIP_MAX_MSG_LEN bytes.
 */
#ifndef SL_SIP_MSG_H
#define SL_SIP_MSG_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#include "sip/totag.h"	/* struct sl_str */

#define SIP_MAX_HEADERS		128	/* fields stored; more: SIP_E_TOO_MANY_HDRS */
#define SIP_MAX_MSG_LEN		65535	/* largest datagram parsed */
#define SIP_VIA_MAX_RECEIVED	4	/* received params of the top Via we track */
#define SIP_NONE		0xffffffffu	/* offset of an absent span */
#define SIP_NO_HDR		0xff		/* sip_msg.first[]: no such header */

/* Bytes [off, off + len) of the message.  off == SIP_NONE: absent, which is
 * not the same as present and empty (len == 0). */
struct sip_span {
	__u32 off;
	__u32 len;
};

enum sip_hdr_type {
	SIP_HDR_OTHER = 0,
	SIP_HDR_VIA,			/* v */
	SIP_HDR_FROM,			/* f */
	SIP_HDR_TO,			/* t */
	SIP_HDR_CALLID,			/* i */
	SIP_HDR_CSEQ,
	SIP_HDR_RECORD_ROUTE,
	SIP_HDR_ROUTE,
	SIP_HDR_CONTENT_LENGTH,		/* l */
	SIP_HDR_CONTENT_TYPE,		/* c */
	SIP_HDR_CONTACT,		/* m */
	SIP_HDR_MAX_FORWARDS,
	SIP_HDR_USER_AGENT,
	SIP_HDR_SUPPORTED,		/* k */
	SIP_HDR_SUBJECT,		/* s */
	SIP_HDR_CONTENT_ENCODING,	/* e */
	SIP_HDR_EVENT,			/* o */
	SIP_HDR_ALLOW_EVENTS,		/* u */
	SIP_HDR_REFER_TO,		/* r */
	SIP_HDR_REFERRED_BY,		/* b */
	SIP_HDR_SESSION_EXPIRES,	/* x */
	SIP_HDR_TYPES
};

/*
 * Problems found; the parse goes on after each one.  The responder turns
 * them into 400/505 replies (reasons.c has the reason texts).
 */
enum sip_error {
	SIP_E_START_LINE	= 1u << 0,	/* not METHOD SP URI SP SIP/x.y */
	SIP_E_RURI		= 1u << 1,	/* <...>, LWS inside, no scheme */
	SIP_E_VERSION		= 1u << 2,	/* SIP/x.y but not SIP/2.0 */
	SIP_E_HDR_LINE		= 1u << 3,	/* a line with no "name:" */
	SIP_E_TOO_MANY_HDRS	= 1u << 4,	/* > SIP_MAX_HEADERS fields */
	SIP_E_NO_EOH		= 1u << 5,	/* no empty line ends the headers */
	SIP_E_DUP_FROM		= 1u << 6,
	SIP_E_DUP_TO		= 1u << 7,
	SIP_E_DUP_CALLID	= 1u << 8,
	SIP_E_DUP_CSEQ		= 1u << 9,
	SIP_E_VIA		= 1u << 10,	/* top Via garbled after its host */
	SIP_E_FROM_QUOTE	= 1u << 11,	/* unterminated quoted string */
	SIP_E_FROM		= 1u << 12,	/* unclosed <, junk after > */
	SIP_E_TO_QUOTE		= 1u << 13,
	SIP_E_TO		= 1u << 14,
	SIP_E_CALLID		= 1u << 15,	/* empty Call-ID */
	SIP_E_CSEQ_NUM		= 1u << 16,	/* not 1*DIGIT or > 2^32-1 */
	SIP_E_CSEQ		= 1u << 17,	/* no method, junk after it */
	SIP_E_CSEQ_METHOD	= 1u << 18,	/* differs from the request method */
	SIP_E_CLEN		= 1u << 19,	/* negative, empty, not a number */
	SIP_E_CLEN_MULTI	= 1u << 20,	/* several, with different values */
	SIP_E_CLEN_MISMATCH	= 1u << 21,	/* larger than the body received */
};

struct sip_hdr {
	__u32 name;		/* offset of the name as written */
	__u32 body;		/* value: after ':' and the LWS that follows */
	__u32 body_end;		/* end of the value; trailing CR/LF/NUL stripped,
				 * trailing SP/HT kept (Kamailio's trim_r) */
	__u32 end;		/* after the LF ending the field (folds included) */
	__u16 name_len;
	__u8 type;		/* enum sip_hdr_type */
	__u8 pad;
};

/*
 * The first value of the first Via header.  Param spans follow Kamailio's
 * parse_via (spec 1.5): they start at the ';' before the name; a param with
 * a value ends right after the value, a param without one (";rport",
 * ";rport ") runs on to the next ';' or ',' or the end of the header
 * value, so it swallows the whitespace that follows it.
 */
struct sip_via {
	__u8 hdr;		/* index in hdrs[], SIP_NO_HDR: no Via */
	bool usable;		/* sent-protocol, host and a port Kamailio takes */
	bool malformed;		/* something after the host does not parse */
	bool has_rport;
	bool port_wraps;	/* 65536..99999: Kamailio wraps it (str2s()),
				 * the Via parses, no reply can go there */
	bool proto_kamailio;	/* a sent-protocol Kamailio's parse_via()
				 * takes ("SIP/2.0/", a transport it starts:
				 * via_proto_kamailio()), in every value of
				 * the line: the ACK filter's model */
	__u8 n_received;	/* received params seen (first SIP_VIA_MAX_RECEIVED kept) */
	struct sip_span proto;	/* sent-protocol as written: "SIP/2.0/UDP", may hold LWS */
	struct sip_span transport;
	struct sip_span host;	/* as written; IPv6 with its brackets */
	struct sip_span port;	/* digits; absent: off == SIP_NONE */
	__u32 port_num;		/* 0 when absent; mod 65536 */
	struct sip_span branch;	/* value of the first branch param */
	struct sip_span branch_param;	/* ";branch=..." of that param */
	struct sip_span rport_value;	/* digits (or whatever) after "rport=" */
	struct sip_span rport_param;	/* ";rport[=N]" (+ trailing LWS if no value) */
	struct sip_span received_param[SIP_VIA_MAX_RECEIVED];
	__u32 value_end;	/* end of the first Via value (before ',' or the
				 * end of the header value) */
};

/* To / From: what a reply needs. */
struct sip_nameaddr {
	__u8 hdr;		/* index in hdrs[], SIP_NO_HDR: none */
	bool malformed;		/* unclosed <, junk after > or after params */
	bool unterminated_quote;
	bool has_tag;		/* a tag param exists (value may be empty) */
	struct sip_span uri;	/* inside <>, or the addr-spec */
	struct sip_span tag;	/* value of the first tag param */
	__u32 body_end;		/* where ";tag=..." goes: end of the value */
};

struct sip_cseq {
	__u8 hdr;
	bool num_ok;		/* 1*DIGIT, <= 2^32-1 */
	bool malformed;		/* no method, or junk after it */
	__u32 num;
	struct sip_span method;
};

struct sip_clen {
	bool present;
	bool malformed;		/* some value is not 1*DIGIT */
	bool multiple;		/* several Content-Length with different values */
	__u64 value;		/* of the first one; saturates at 2^40 */
};

struct sip_msg {
	const char *buf;
	__u32 len;
	__u32 errors;		/* enum sip_error bits */
	bool is_response;
	bool eoh;		/* the empty line was found */
	__u16 status;		/* responses: 3-digit code, 0 if not 3 digits */
	__u32 start;		/* offset of the start line (leading CR/LF skipped) */
	__u32 start_end;	/* after the start line's LF */
	struct sip_span method;
	struct sip_span uri;	/* with > 3 tokens: everything between method and version */
	struct sip_span version;	/* absent when the line has < 3 tokens */
	__u32 body;		/* after the empty line; len when there is none */
	__u16 n_hdrs;
	__u8 first[SIP_HDR_TYPES];	/* index of the first field of a type */
	__u8 count[SIP_HDR_TYPES];	/* fields of a type (saturates at 255) */
	struct sip_via via;
	struct sip_nameaddr from;
	struct sip_nameaddr to;
	struct sip_span callid;	/* Call-ID value as the to-tag CRC takes it (spec 1.4) */
	struct sip_cseq cseq;
	struct sip_clen clen;
	struct sip_span user_agent;
	struct sip_hdr hdrs[SIP_MAX_HEADERS];	/* keep last: not cleared per parse */
};

/*
 * Parse len bytes at buf into m.  Returns -1 if there is no start line at
 * all (empty, only CR/LF, longer than SIP_MAX_MSG_LEN), else 0; m->errors
 * then says what is wrong, if anything.  m keeps pointing into buf.
 */
int sip_msg_parse(struct sip_msg *m, const char *buf, size_t len);

/* Type of a header name (case-insensitive, long or compact form). */
enum sip_hdr_type sip_hdr_type_of(const char *name, size_t len);

static inline bool sip_span_present(struct sip_span sp)
{
	return sp.off != SIP_NONE;
}

/* The span as a pointer + length; {NULL, 0} when absent. */
static inline struct sl_str sip_str(const struct sip_msg *m, struct sip_span sp)
{
	struct sl_str r = { NULL, 0 };

	if (sp.off != SIP_NONE) {
		r.s = m->buf + sp.off;
		r.len = sp.len;
	}
	return r;
}

/* Is the request's method exactly lit (case-sensitive, RFC 3261 7.1)? */
static inline bool sip_method_is(const struct sip_msg *m, const char *lit,
				 size_t lit_len)
{
	size_t i;

	if (m->is_response || m->method.off == SIP_NONE ||
	    m->method.len != lit_len)
		return false;
	for (i = 0; i < lit_len; i++)
		if (m->buf[m->method.off + i] != lit[i])
			return false;
	return true;
}

#endif /* SL_SIP_MSG_H */
