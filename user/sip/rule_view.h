/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A request as the rule table sees it, read exactly as the XDP program
 * reads it (bpf/sip/: crlf.h, scan.h, request_line.h, uri.h): this is the
 * reference the differential fuzz (tests/bpf/test_xdp_fuzz.c) holds the
 * data plane to, and what the responder evaluates the rules on for a
 * frame that came without XDP metadata.  Plain C, no I/O.
 *
 * What is read:
 *  - leading CR and LF bytes are skipped (RFC 3261 7.5), all of them;
 *  - the window: the next SL_SCRATCH_LEN bytes at most.  The message is
 *    "partial" when more follows (a longer payload, or a first IP
 *    fragment: more is set);
 *  - the request line (up to the first LF): the method (up to the first
 *    SP), the version token "SIP/" (any case) among the last 16 bytes,
 *    the Request-URI between them (up to 4 extra SP trimmed) and its
 *    user part: after the scheme's ':' (within the first 6 bytes) up to
 *    '@', or for tel: up to ';' or the end.  Trailing CR, SP and HT are
 *    trimmed first.  A partial window without an LF still gives the
 *    method (up to its SP); everything after it is unseen.  A partial
 *    message with not even that (a first fragment of CR/LF, a method
 *    longer than the window) is a request of which nothing is seen;
 *  - the first User-Agent, From (f) and To (t) header: names in any
 *    case, up to 4 SP/HT before the colon, up to 8 after it, then up to
 *    64 bytes of LWS; the value runs to the end of its last line (folded
 *    lines included);
 *  - the URI of From / To: after the first '<' (after a quoted display
 *    name, with backslash escapes) up to '>', else the value up to the
 *    first ';' ',' SP HT CR LF; its user part as for the Request-URI,
 *    its host after the '@' (or the ':' without one) up to ':' ';' '?'
 *    '>' (a '[...]' IPv6 reference whole).
 * A part is "unseen" when the window ends before it does on a partial
 * message: the rules then treat it as matching for drop and reply rules,
 * and as not matching for pass rules (rule_match.h).
 */
#ifndef SL_SIP_RULE_VIEW_H
#define SL_SIP_RULE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "sl_xdp_shared.h"

#define SL_VIEW_NONE	0xffffffffu	/* span end of an absent part */

/* [s, e) of the window; e == SL_VIEW_NONE: absent. */
struct sl_view_span {
	__u32 s;
	__u32 e;
};

/* Parts the window does not show in full. */
enum sl_view_unseen {
	SL_UNSEEN_RURI	= 1u << 0,	/* the request line runs past the window */
	SL_UNSEEN_UA	= 1u << 1,
	SL_UNSEEN_FROM	= 1u << 2,
	SL_UNSEEN_TO	= 1u << 3,
	SL_UNSEEN_METHOD = 1u << 4,	/* not even a method in the window */
};
#define SL_UNSEEN_ALL	(SL_UNSEEN_RURI | SL_UNSEEN_UA | SL_UNSEEN_FROM | \
			 SL_UNSEEN_TO | SL_UNSEEN_METHOD)

struct sl_rule_view {
	/* the frame */
	__u8 family;			/* 4 or 6 */
	__u8 src[16];			/* v4 in the first 4 bytes */
	__u16 dport;
	/* the window: the message after its leading CR/LF */
	const __u8 *w;
	__u32 wlen;
	__u32 skipped;			/* leading CR/LF bytes */
	bool partial;			/* more of the message follows */
	bool request;			/* a request line (or a cut one) */
	bool is_ack;			/* it starts with "ACK " */
	bool headers_ended;		/* the empty line is in the window */
	__u8 unseen;			/* enum sl_view_unseen bits */
	__u32 method_len;		/* the method is w[0, method_len) */
	struct sl_view_span ruri_user;
	struct sl_view_span ua;		/* the User-Agent value */
	struct sl_view_span from, to;	/* header values */
	struct sl_view_span from_user, from_host, to_user;
	/* not of the frame: the backend's state (when = backend-up|down) */
	bool backend_down;
};

/*
 * Reads payload[0, len) (the UDP payload of the frame; more: the
 * datagram goes on past it, a first fragment) into v, with the frame's
 * addresses.  Returns 0 when it is a request the rules meet, -1 when it
 * is not (only CR/LF, a response, no request line): the data plane then
 * counts a parse failure or a response and passes it.
 */
int sl_rule_view_read(struct sl_rule_view *v, const __u8 *payload, size_t len,
		      bool more, __u8 family, const __u8 src[16], __u16 dport);

#endif /* SL_SIP_RULE_VIEW_H */
