/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Finding lines and the few headers the data plane needs (top Via, To,
 * Call-ID, User-Agent, From).  Line ends are found a word at a time; at each
 * line start the header name is compared case-insensitively in long and
 * compact form, with optional whitespace before the colon.  A line that
 * starts with SP/HT continues the previous header (folding); LF-only line
 * ends are accepted.
 */
#ifndef SL_SIP_SCAN_H
#define SL_SIP_SCAN_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "net/payload.h"
#include "sip/scratch.h"
#include "sip/lex.h"

#define SCAN_WORDS_PER_STEP	16

static __always_inline int is_name_end(__u8 c)
{
	return c == ':' || c == ' ' || c == '\t';
}

/* Which header starts at s; sets *name_len.  Only ours matter. */
static __always_inline __u8 classify_name(const __u8 *buf, struct sip_scan *sc,
					  __u32 s, __u32 *name_len)
{
	__u64 w0, l0;
	__u32 avail;

	if (s >= sc->len)
		return HDR_NONE;
	avail = sc->len - s;
	w0 = sw(buf, s);
	/* Or-ing 0x20 into every byte lower-cases the letters; the only
	 * other byte it can confuse is CR with '-', and a CR inside a
	 * header name makes the line garbage either way.  The byte after
	 * the name is checked exactly. */
	l0 = w0 | 0x2020202020202020ULL;

	switch (l0 & 0xff) {
	case 'v':
		if (avail > 1 && is_name_end(sb(buf, s + 1))) {
			*name_len = 1;
			return HDR_VIA;
		}
		if (avail > 3 && (l0 & 0xffffff) == W3('v', 'i', 'a') &&
		    is_name_end(sb(buf, s + 3))) {
			*name_len = 3;
			return HDR_VIA;
		}
		break;
	case 't':
		if (avail > 1 && is_name_end(sb(buf, s + 1))) {
			*name_len = 1;
			return HDR_TO;
		}
		if (avail > 2 && (l0 & 0xffff) == W2('t', 'o') &&
		    is_name_end(sb(buf, s + 2))) {
			*name_len = 2;
			return HDR_TO;
		}
		break;
	case 'f':
		if (avail > 1 && is_name_end(sb(buf, s + 1))) {
			*name_len = 1;
			return HDR_FROM;
		}
		if (avail > 4 && (l0 & 0xffffffffULL) == W4('f', 'r', 'o', 'm') &&
		    is_name_end(sb(buf, s + 4))) {
			*name_len = 4;
			return HDR_FROM;
		}
		break;
	case 'i':
		if (avail > 1 && is_name_end(sb(buf, s + 1))) {
			*name_len = 1;
			return HDR_CALLID;
		}
		break;
	case 'c':
		if (avail > 7 &&
		    (l0 & 0xffffffffffffffULL) ==
			    W7('c', 'a', 'l', 'l', '-', 'i', 'd') &&
		    is_name_end(sb(buf, s + 7))) {
			*name_len = 7;
			return HDR_CALLID;
		}
		break;
	case 'u':
		if (avail > 10 &&
		    l0 == W8('u', 's', 'e', 'r', '-', 'a', 'g', 'e') &&
		    ((sw(buf, s + 8) | 0x2020) & 0xffff) == W2('n', 't') &&
		    is_name_end(sb(buf, s + 10))) {
			*name_len = 10;
			return HDR_UA;
		}
		break;
	}
	return HDR_NONE;
}

/* Header name at s: find the value start after optional WS, ':' and WS. */
static __always_inline void start_header(const __u8 *buf, struct sip_scan *sc,
					 __u32 s)
{
	__u32 name_len = 0, p;
	__u8 type = classify_name(buf, sc, s, &name_len);
	int i;

	sc->cur = HDR_NONE;
	if (type == HDR_VIA && (sc->seen & (1u << HDR_VIA)))
		type = HDR_VIA2;
	if (type == HDR_VIA2 && (sc->seen & (1u << HDR_VIA2)))
		type = HDR_VIA3;
	/* a header no one asked for is not collected (a request's scan;
	 * reply forwarding wants every one) */
	if (type == HDR_NONE || (sc->seen & (1u << type)) ||
	    !(sc->want & HDR_BIT(type)))
		return;
	p = s + name_len;
#pragma unroll
	for (i = 0; i < 4; i++) {
		if (p < sc->len && is_ws(sb(buf, p)))
			p++;
	}
	if (p >= sc->len || sb(buf, p) != ':')
		return;		/* not a header line: ignored */
	p++;
#pragma unroll
	for (i = 0; i < 8; i++) {
		if (p < sc->len && is_ws(sb(buf, p)))
			p++;
	}
	sc->cur = type;
	sc->cur_vstart = p;
	if (type == HDR_VIA)
		sc->via_line_s = s;
}

#define LWS_SKIP_WORDS	8	/* leading LWS of a value: up to 64 bytes */

/* First byte in [from, to) that is not SP, HT, CR or LF (to if none
 * within LWS_SKIP_WORDS words): a value may start on a folded line. */
static __always_inline __u32 skip_lws(const __u8 *buf, __u32 from, __u32 to)
{
	__u32 off = from;
	int k;

#pragma unroll
	for (k = 0; k < LWS_SKIP_WORDS; k++) {
		__u64 w, lws, other;

		if (off >= to)
			return to;
		w = sw(buf, off);
		lws = zero_bytes(w ^ (ONES64 * ' ')) | zero_bytes(w ^ (ONES64 * '\t')) |
		      zero_bytes(w ^ (ONES64 * '\r')) | zero_bytes(w ^ (ONES64 * '\n'));
		other = ~lws & HIGHS64;
		if (other) {
			off += lowest_flag_byte(other);
			return off < to ? off : to;
		}
		off += 8;
	}
	return off < to ? off : to;
}

/* The header being collected ended at end (its last line's CR or LF). */
static __always_inline void finish_header(const __u8 *buf, struct sip_scan *sc,
					  __u32 end)
{
	__u8 t = sc->cur;
	__u32 s;

	if (t == HDR_NONE || t >= HDR_TYPES)
		return;
	s = end < sc->cur_vstart ? end : skip_lws(buf, sc->cur_vstart, end);
	sc->seen |= 1u << t;
	sc->hdr[t & (HDR_SLOTS - 1)].s = s;
	sc->hdr[t & (HDR_SLOTS - 1)].e = end;
	sc->cur = HDR_NONE;
}

/* An LF at p.  Returns 1 to stop the scan. */
static __always_inline int on_lf(const __u8 *buf, struct sip_scan *sc, __u32 p)
{
	__u32 end = p, s = p + 1;
	__u8 c;

	if (sc->req_line_end == POS_NONE) {
		sc->req_line_end = p;
		if (!sc->want)
			return 1;
	} else {
		if (end > 0 && sb(buf, end - 1) == '\r')
			end--;
	}
	if (s >= sc->len) {
		finish_header(buf, sc, end);
		return 1;
	}
	c = sb(buf, s);
	if (is_ws(c))
		return 0;	/* folded: the header goes on */
	finish_header(buf, sc, end);
	/* every header wanted is known: the rest is not read */
	if ((sc->seen & sc->want) == sc->want)
		return 1;
	if (c == '\r' || c == '\n') {
		sc->headers_ended = 1;
		return 1;
	}
	start_header(buf, sc, s);
	return 0;
}

static long scan_word_cb(__u32 idx, void *data)
{
	struct sl_scratch *x = ((struct loop_ctx *)data)->scr;
	struct sip_scan *sc = &x->scan;
	const __u8 *buf = x->buf;
	__u64 m = sc->pending;
	__u32 p;

	/* one word or one LF per step keeps the step small for the
	 * verifier; a word with several LFs takes several steps (two
	 * lines per step: +250 k instructions processed, ~10 ns less) */
	if (!m) {
		__u32 off = sc->word_off;
		int k;

		/* up to SCAN_WORDS_PER_STEP words without a line end */
#pragma unroll
		for (k = 0; k < SCAN_WORDS_PER_STEP; k++) {
			if (off >= sc->len)
				return 1;
			m = zero_bytes(sw(buf, off) ^ (ONES64 * '\n'));
			if (m)
				break;
			off += 8;
		}
		if (!m) {
			sc->word_off = off;	/* the next unread word */
			return 0;
		}
		sc->word_off = off + 8;
		sc->pending_off = off;
	}
	p = sc->pending_off + lowest_flag_byte(m);
	sc->pending = m & (m - 1);
	if (p >= sc->len)
		return 1;
	return on_lf(buf, sc, p);
}

/* Scan from the start of the payload: the request line always, the
 * headers until those in want are found.  A header still open at the
 * end of the data is closed there.  A global function: the callback is
 * verified for it alone, not for each caller (150 k instructions
 * processed less), at the price of a call. */
__noinline int sl_scan_run(struct sl_scratch *x)
{
	struct loop_ctx lc = { .scr = x };
	struct sip_scan *sc;

	if (!x)
		return 0;
	sc = &x->scan;
	sc->req_line_end = POS_NONE;
	sc->cur = HDR_NONE;
	sc->seen = 0;
	sc->headers_ended = 0;
	sc->word_off = 0;
	sc->pending = 0;
	/* a step per word plus a step per line end */
	bpf_loop(SCRATCH_WORDS + SL_SCRATCH_LEN, scan_word_cb, &lc, 0);
	if (sc->cur != HDR_NONE)
		finish_header(x->buf, sc, sc->len);
	return 0;
}

static __always_inline void sip_scan_run(struct sl_scratch *x)
{
	sl_scan_run(x);
}

#endif /* SL_SIP_SCAN_H */
