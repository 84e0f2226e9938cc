/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The user and host parts of a SIP URI: of the Request-URI
 * (request_line.h) and of the URI in From and To (the from_user,
 * from_domain and to_user keys).  user/sip/rule_view.c reads them the
 * same way (the differential fuzz holds both to it):
 *  - user: after the scheme's ':' (one of the URI's first 6 bytes) up
 *    to '@'; without '@', for tel: up to ';' or the end, else none;
 *  - host: after the '@' (or the scheme's ':' without one) up to ':'
 *    ';' '?' '>', or a '[...]' IPv6 reference whole;
 *  - the URI of a From / To value: after the first '<' (after a quoted
 *    display name with backslash escapes, when the value has one) up to
 *    '>', else the value up to ';' ',' SP HT CR LF.
 */
#ifndef SL_SIP_URI_H
#define SL_SIP_URI_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "net/payload.h"
#include "sip/scratch.h"
#include "sip/find.h"

/* The user part of the URI [us, ue) into *user (e == POS_NONE: none);
 * *hs: where its host starts, POS_NONE if it has none. */
static __always_inline void uri_user(struct sl_scratch *x, __u32 us, __u32 ue,
				     struct span *user, __u32 *hs)
{
	const __u8 *buf = x->buf;
	__u32 colon = POS_NONE, at;
	int i;

	user->s = 0;
	user->e = POS_NONE;
	*hs = POS_NONE;
#pragma unroll
	for (i = 0; i < 6; i++) {
		if (colon == POS_NONE && us + i < ue && sb(buf, us + i) == ':')
			colon = us + i;
	}
	colon = opaque(x, colon);
	if (colon == POS_NONE)
		return;
	at = find_byte(x, colon + 1, ue, '@');
	user->s = colon + 1;
	if (at != POS_NONE) {
		user->e = at;
		*hs = at + 1;
	} else if (colon - us == 3 &&
		   ((sw(buf, us) | 0x202020) & 0xffffff) == W3('t', 'e', 'l')) {
		__u32 semi = find_byte(x, colon + 1, ue, ';');

		user->e = semi == POS_NONE ? ue : semi;
	} else {
		*hs = colon + 1;
	}
}

/* The closing quote of a quoted string opened before q->pos: a byte at a
 * time, BYTES_PER_STEP per step, a backslash escaping the next byte. */
static long quote_cb(__u32 idx, void *data)
{
	struct sl_scratch *x = ((struct loop_ctx *)data)->scr;
	struct quote_scan *q = &x->qs;
	__u32 pos = q->pos, end = q->end;
	__u8 esc = q->escaped;
	__u64 w;
	int k;

	if (pos >= end)
		return 1;
	w = sw(x->buf, pos);
#pragma unroll
	for (k = 0; k < BYTES_PER_STEP; k++) {
		__u8 c = (w >> (8 * k)) & 0xff;

		if (pos + k >= end)
			return 1;
		if (esc) {
			esc = 0;
		} else if (c == '\\') {
			esc = 1;
		} else if (c == '"') {
			q->found = pos + k;
			return 1;
		}
	}
	q->pos = pos + BYTES_PER_STEP;
	q->escaped = esc;
	return 0;
}

/*
 * The user (and host) part of the URI in the From or To header (which:
 * HDR_FROM, HDR_TO) into x->ri.  Returns 1 when the URI ends inside the
 * header value, 0 when it reaches the value's end without its
 * terminator: on a message cut by the window it may go on (unseen).
 */
static __always_inline int uri_parts(struct sl_scratch *x, __u32 which)
{
	struct loop_ctx lc = { .scr = x };
	struct span val, user;
	__u32 q, us, ue, hs, he;
	int whole = 1;

	val = x->scan.hdr[which & (HDR_SLOTS - 1)];
	if (which == HDR_FROM) {
		x->ri.from_user.e = POS_NONE;
		x->ri.from_host.e = POS_NONE;
	} else {
		x->ri.to_user.e = POS_NONE;
	}
	if (!(x->scan.seen & (1u << (which & 7))) || val.e <= val.s ||
	    val.e > SL_SCRATCH_LEN)
		return 1;
	q = find_any(x, val.s, val.e, '<', '"', 0, 0);
	if (q != POS_NONE && sb(x->buf, q) == '"') {
		x->qs.pos = q + 1;
		x->qs.end = val.e;
		x->qs.found = POS_NONE;
		x->qs.escaped = 0;
		bpf_loop(SL_SCRATCH_LEN / BYTES_PER_STEP + 1, quote_cb, &lc, 0);
		q = x->qs.found;
		if (q == POS_NONE)
			return 0;
		q = find_byte(x, q + 1, val.e, '<');
		if (q == POS_NONE)
			return 0;
	}
	q = opaque(x, q);
	if (q != POS_NONE) {
		us = q + 1;
		ue = find_byte(x, us, val.e, '>');
		if (ue == POS_NONE)
			return 0;
	} else {
		us = val.s;
		ue = find_token_end(x, us, val.e);
		if (ue == POS_NONE) {
			ue = val.e;
			whole = 0;
		}
	}
	us = opaque(x, us);
	ue = opaque(x, ue);
	uri_user(x, us, ue, &user, &hs);
	if (which == HDR_FROM) {
		x->ri.from_user = user;
		hs = opaque(x, hs);
		if (hs != POS_NONE) {
			if (hs < ue && sb(x->buf, hs) == '[') {
				he = find_byte(x, hs, ue, ']');
				he = he == POS_NONE ? ue : he + 1;
			} else {
				he = find_any(x, hs, ue, ':', ';', '?', '>');
				if (he == POS_NONE)
					he = ue;
			}
			x->ri.from_host.s = hs;
			x->ri.from_host.e = he;
		}
	} else {
		x->ri.to_user = user;
	}
	return whole;
}

#endif /* SL_SIP_URI_H */
