/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The decision step of the reply engine: every Kamailio-compatibility
 * choice about one request, as a plain struct the tests assert on.  What
 * it decides, and why, is listed in sl_engine.h; reply_write.h turns a
 * decision into bytes.  Offsets are into the request buffer.  Plain C, no
 * I/O, no allocation.
 */
#ifndef SL_SIP_REPLY_DECIDE_H
#define SL_SIP_REPLY_DECIDE_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#include "sl_xdp_shared.h"
#include "sip/ip_text.h"
#include "sip/sip_msg.h"
#include "sip/sl_engine.h"

/*
 * The top Via's edits (spec 1.5, Kamailio >= 5.8.5 placement): new params
 * written at `at`, in place of the `replaced` request bytes there (the
 * old rport param, if any), and old received params dropped, each with
 * the line fold in front of it (so that no empty continuation line is
 * left).  The spans do not overlap.
 */
struct sl_via_edits {
	bool rport;		/* ";rport=<rport_value>" */
	bool received;		/* ";received=<ip>", after the rport */
	__u16 rport_value;	/* the source port */
	__u8 ip_len;
	char ip[SL_IP_TEXT_MAX];	/* the source address, sl_ip_text() */
	__u32 at;		/* the old rport param, else the end of the
				 * branch param, else the end of the first value */
	__u32 replaced;
	__u8 n_removed;
	struct sip_span removed[SIP_VIA_MAX_RECEIVED];	/* old received params
							 * (+ fold before) */
};

struct sl_decision {
	enum sl_outcome outcome;	/* SL_OUT_REPLY: the rest says what */
	enum sl_drop_why why;		/* SL_DROP_NONE for a reply */
	__u32 errors;			/* enum sip_error bits of the request */

	/* status line */
	__u16 code;
	bool is_error_reply;		/* 400/505 for a broken request */
	bool version_sip20;		/* "SIP/2.0" instead of the request's
					 * version (none, or one we do not speak) */
	const char *reason;		/* static text, or the spec's */
	size_t reason_len;

	/* To: ";tag=<tag>" at tag_at (the end of the To value) */
	bool add_tag;
	__u32 tag_at;
	char tag[SL_TOTAG_LEN];

	struct sl_via_edits via;
	bool copy_record_route;		/* 180..299 */
	__u16 dst_port;			/* host order */

	/* reply window: a final reply to an INVITE (sl_result has the
	 * meaning of each field) */
	__u32 window_suffix;
	bool record_window;
	__u32 window_key_tag;
};

/*
 * Parse req into *m (the writing step reads it) and decide the reply to
 * it for spec, from src.  The arguments are those sl_engine_answer()
 * checked (non-NULL, code 100..999, reason <= SL_REASON_MAX, family 4/6).
 */
void sl_reply_decide(const struct sl_engine_cfg *cfg,
		     const struct sl_reply_spec *spec,
		     const char *req, size_t req_len,
		     const struct sl_peer *src,
		     struct sip_msg *m, struct sl_decision *d);

#endif /* SL_SIP_REPLY_DECIDE_H */
