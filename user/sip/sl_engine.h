/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Stateless reply engine: one request in, one Kamailio-compatible reply
 * (or a reason not to send one) out.  Plain C, no I/O, no allocation;
 * the request is parsed in place (sip_msg.h), every decision below is
 * taken in one step (reply_decide.h, a struct the tests assert on), and
 * the reply is written from request + decision into the caller's buffer
 * in another (reply_write.h).  sl_engine_answer() runs both.
 *
 * Reply layout (spec 1.2 - 1.6, DESIGN section 4):
 *
 *   <SIP-Version as received> SP <code> SP <reason> CRLF
 *   every Via header field (the top one edited, see below)   \
 *   From, To (+ ;tag=<41-char tag>), Call-ID, CSeq            | request order,
 *   Record-Route, only for 180..299                          /  names as written
 *   extra_hdrs (verbatim: "Name: value\r\n" lines)
 *   <server_hdr> CRLF                       (if server_len > 0)
 *   Content-Length: 0 CRLF
 *   CRLF
 *
 * Decisions (each one also explained where it is implemented):
 *  - Line ends as Kamailio writes them: the status line, Via lines (value
 *    end + CRLF), Server, Content-Length and the blank line end in CRLF;
 *    From, To, Call-ID, CSeq and Record-Route are copied whole with their
 *    own line end, so an LF-only request gets LF on those lines.
 *  - To-tag: added when code >= 180 and the first To has no tag param or
 *    an empty one ("tag=" gets a second tag param, as Kamailio does).  The
 *    tag goes right after the To value, before the line end.  A To header
 *    whose value does not parse (unterminated quote, unclosed <) is echoed
 *    unchanged: a tag appended there would land inside the quote / URI.
 *  - Top Via (Kamailio >= 5.8.5 placement): ";rport" / ";rport=N" (with the
 *    LWS Kamailio counts as part of a value-less param) is replaced by
 *    ";rport=<source port>"; ";received=<source ip>" is added when the Via
 *    has received or rport or its host text is not the source address
 *    text, right after the new rport, else right after the branch param,
 *    else at the end of the first Via value.  Old received params are
 *    removed (Kamailio keeps them and so sends two), each with the line
 *    fold in front of it, so that no empty continuation line is left;
 *    every other fold stays.  IPv6 is written by inet_ntop, without
 *    brackets.
 *  - Only the first From, To, Call-ID and CSeq are copied.  A request with
 *    more than one of them is answered 400, and a reply with two To
 *    headers would itself be malformed.
 *  - A request we cannot reply to at all: not SIP, a response, an ACK (no
 *    reply, ever), or no usable top Via (sent-protocol + host + 16-bit
 *    port) / From / To / Call-ID / CSeq -> no reply.
 *  - A request with all of those but broken otherwise gets 400 with a
 *    reason naming the first problem (sl_error_reason(), reasons.h) or
 *    505 for a SIP-Version other than 2.0; such replies are
 *    is_error_reply and their status line says SIP/2.0.
 *
 * Amplification bound: a reply is never longer than
 *     req_len + SL_REPLY_SLACK + extra_len + server_len
 * What can grow, for a reason of r <= SL_REASON_MAX bytes: the status line
 * over the shortest request line "M a: SIP/2.0" LF (r + 1), the to-tag
 * (";tag=" + 41 = 46), ";received=" + at most 39 characters of IPv6 (49),
 * ";rport" becoming ";rport=65535" (6), "Content-Length: 0" CRLF (19),
 * the Server line's CRLF (2), the final CRLF against at least an LF in
 * the request (1): r + 124 <= 251.  Everything else is copied or
 * dropped.  An LF-only request also gains one CR per copied line, so the
 * engine checks the bound on every reply and drops (SL_DROP_OVERSIZE)
 * rather than exceed it; only absurd requests (e.g. > 100 LF-only Via
 * lines) meet that.
 */
#ifndef SL_ENGINE_H
#define SL_ENGINE_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#include "sl_xdp_shared.h"

#define SL_REPLY_SLACK	256	/* see the amplification bound above */
#define SL_REASON_MAX	127	/* longest reason phrase (Kamailio MAX_REASON_LEN - 1) */

/* Request source; family 4: addr[0..3]; port in host order. */
struct sl_peer {
	__u8 family;
	__u8 addr[16];
	__u16 port;
};

/* extra_hdrs: "Name: v\r\n" lines, copied verbatim. */
struct sl_reply_spec {
	__u16 code;		/* 100..999 */
	const char *reason;	/* NULL/empty: RFC 3261 phrase of the code, if any */
	size_t reason_len;	/* <= SL_REASON_MAX */
	const char *extra_hdrs;
	size_t extra_len;
};

/* server_len 0: no Server header; server_hdr is the whole line without CRLF. */
struct sl_engine_cfg {
	char signature[SL_SIG_LEN];
	const char *server_hdr;
	size_t server_len;
};

enum sl_outcome {
	SL_OUT_REPLY,
	SL_OUT_DROP_UNANSWERABLE,
	SL_OUT_DROP_NOT_REQUEST,
};

/* Why nothing was sent (sl_result.why). */
enum sl_drop_why {
	SL_DROP_NONE = 0,
	SL_DROP_NOT_SIP,	/* no start line */
	SL_DROP_RESPONSE,	/* SL_OUT_DROP_NOT_REQUEST */
	SL_DROP_ACK,		/* SL_OUT_DROP_NOT_REQUEST */
	SL_DROP_NO_VIA,		/* none, or no sent-protocol / host / sane port */
	SL_DROP_NO_FROM,
	SL_DROP_NO_TO,
	SL_DROP_NO_CALLID,
	SL_DROP_NO_CSEQ,
	SL_DROP_OVERSIZE,	/* reply would break the amplification bound */
};

struct sl_result {
	enum sl_outcome outcome;
	__u16 code;		/* code actually sent (400/505 for error replies) */
	bool is_error_reply;	/* counts in sent_err_replies */
	__u16 dst_port;		/* host order: source port if top Via has rport,
				 * else Via port, else 5060 */
	bool record_window;	/* a final reply (>= 200) to an INVITE: caller
				 * records a reply-window entry */
	__u32 window_suffix;	/* CRC-A << 16 | CRC-B of the request's top Via + Call-ID */
	__u32 window_key_tag;	/* 0 if we added our tag; SL_WINDOW_FOREIGN_TAG |
				 * sl_crc16_x25(existing tag) if the request had a
				 * non-empty To-tag (re-INVITE) */
	size_t len;		/* reply bytes written to out */
	/* additions */
	enum sl_drop_why why;	/* SL_DROP_NONE for a reply */
	__u32 errors;		/* enum sip_error bits found in the request */
	const char *reason;	/* reason phrase sent (static or spec's) */
	size_t reason_len;
	bool added_tag;		/* our to-tag is in the reply */
	__u32 callid_off;	/* the request's Call-ID value (HEP's correlation */
	__u32 callid_len;	/* id); callid_len 0: none */
};

/*
 * Answer one request.  Returns 0 with *res filled (outcome says whether
 * out holds a reply of res->len bytes), or a negative errno with
 * res->outcome = SL_OUT_DROP_UNANSWERABLE:
 *   -EINVAL  bad arguments (NULL pointers, code outside 100..999, reason
 *            longer than SL_REASON_MAX, family not 4/6);
 *   -ENOSPC  out_cap too small (out holds garbage).
 * Deterministic: the same request from the same source gives the same
 * bytes (retransmissions are answered identically).
 */
int sl_engine_answer(const struct sl_engine_cfg *cfg,
		     const struct sl_reply_spec *spec,
		     const char *req, size_t req_len,
		     const struct sl_peer *src,
		     char *out, size_t out_cap,
		     struct sl_result *res);

#endif /* SL_ENGINE_H */
