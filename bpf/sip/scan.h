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

/*
 * The header being collected ended at end (its last line's CR or LF).
 * Its value runs from cur_vstart; the leading LWS of a folded value is
 * skipped once the scan is over (scan_fix_starts), not here: this runs
 * in the word loop, which the verifier walks once per word.
 */
static __always_inline void finish_header(struct sip_scan *sc, __u32 end)
{
	__u8 t = sc->cur;

	if (t == HDR_NONE || t >= HDR_TYPES)
		return;
	sc->seen |= 1u << t;
	sc->hdr[t & (HDR_SLOTS - 1)].s = sc->cur_vstart;
	sc->hdr[t & (HDR_SLOTS - 1)].e = end;
	sc->cur = HDR_NONE;
}

/* Letters (bit c - 'a') that start a header name start_header() may
 * collect, for the headers in want: any other line is skipped without
 * a call. */
static __always_inline __u32 scan_start_letters(__u8 want)
{
	__u32 l = 0;

	if (want & (HDR_BIT(HDR_VIA) | HDR_BIT(HDR_VIA2) | HDR_BIT(HDR_VIA3)))
		l |= 1u << ('v' - 'a');
	if (want & HDR_BIT(HDR_TO))
		l |= 1u << ('t' - 'a');
	if (want & HDR_BIT(HDR_CALLID))
		l |= 1u << ('i' - 'a') | 1u << ('c' - 'a');
	if (want & HDR_BIT(HDR_UA))
		l |= 1u << ('u' - 'a');
	if (want & HDR_BIT(HDR_FROM))
		l |= 1u << ('f' - 'a');
	return l;
}

/* A header name at s (start_header): a global function, verified once
 * and called only for a line whose first letter may start a header
 * wanted, so that the word loop stays small for the verifier. */
__noinline int sl_scan_start(struct sl_scratch *x, __u32 s)
{
	if (!x)
		return 0;
	start_header(x->buf, &x->scan, s);
	return 0;
}

/* An LF at p (< len).  Returns 1 to stop the scan. */
static __always_inline int on_lf(struct sl_scratch *x, __u32 p)
{
	struct sip_scan *sc = &x->scan;
	const __u8 *buf = x->buf;
	__u32 s = p + 1, end = p, idx;
	__u8 c;

	if (sc->req_line_end == POS_NONE) {
		sc->req_line_end = p;
		if (!sc->want)
			return 1;
	} else if (sc->cur != HDR_NONE) {
		/* the request line is never collected: its end stays p */
		if (end > 0 && sb(buf, end - 1) == '\r')
			end--;
	}
	if (s >= sc->len) {
		finish_header(sc, end);
		return 1;
	}
	c = sb(buf, s);
	if (is_ws(c))
		return 0;	/* folded: the header goes on */
	finish_header(sc, end);
	/* every header wanted is known: the rest is not read */
	if ((sc->seen & sc->want) == sc->want)
		return 1;
	if (c == '\r' || c == '\n') {
		sc->headers_ended = 1;
		return 1;
	}
	/* cur is HDR_NONE here, as start_header() would leave it for a
	 * name it does not classify */
	idx = (__u32)(c | 0x20) - 'a';
	if (idx < 26 && (sc->start_letters >> idx) & 1)
		sl_scan_start(x, s);
	return 0;
}

/* The LFs flagged in m, the word at off, lowest first.  Returns 1 to
 * stop the scan. */
static __always_inline int on_word_lfs(struct sl_scratch *x, __u32 off,
				       __u64 m)
{
	int j;

#pragma unroll
	for (j = 0; j < 8; j++) {
		__u32 p = off + lowest_flag_byte(m);

		if (p >= x->scan.len || on_lf(x, p))
			return 1;
		m &= m - 1;
		if (!m)
			break;
	}
	return 0;
}

/* A word with more than one LF (short lines, the empty line): its LFs
 * after the first, out of the word loop. */
__noinline int sl_scan_lfs(struct sl_scratch *x, __u32 off, __u64 m)
{
	if (!x || !m)
		return 0;
	return on_word_lfs(x, off, m);
}

#define SCAN_BLOCK_WORDS	4	/* words per turn of the word loop */

/* The LFs of a block of words (w: each xor-ed with LF) at off, in
 * order.  Returns 1 to stop the scan. */
static __always_inline int scan_block(struct sl_scratch *x, __u32 off,
				      __u32 len, const __u64 *w)
{
	int j;

#pragma unroll
	for (j = 0; j < SCAN_BLOCK_WORDS; j++) {
		__u32 o = off + 8 * j, p;
		__u64 m;

		if (o >= len)
			return 1;
		m = zero_bytes(w[j]);
		if (!m)
			continue;
		p = o + lowest_flag_byte(m);
		if (p >= len || on_lf(x, p))
			return 1;
		m &= m - 1;
		if (m && sl_scan_lfs(x, o, m))
			return 1;
	}
	return 0;
}

/* After the scan: a header still open ends with the data, and each
 * value found starts after its leading LWS.  A global function: not
 * verified again for each way out of the word loop. */
__noinline int sl_scan_end(struct sl_scratch *x)
{
	struct sip_scan *sc;
	int t;

	if (!x)
		return 0;
	sc = &x->scan;
	if (sc->cur != HDR_NONE)
		finish_header(sc, sc->len);
	for (t = HDR_NONE + 1; t < HDR_TYPES; t++) {
		struct span *h = &sc->hdr[t & (HDR_SLOTS - 1)];
		__u32 s, e;

		if (!(sc->seen & (1u << t)))
			continue;
		s = h->s;
		e = h->e;
		h->s = e < s ? e : skip_lws(x->buf, s, e);
	}
	return 0;
}

/* Scan from the start of the payload: the request line always, the
 * headers until those in want are found.  A header still open at the
 * end of the data is closed there.  A plain bounded loop, a word per
 * turn (a bpf_loop step costs a call and a return, ~10 ns each on a
 * kernel whose returns go through a thunk); the line handling it does
 * in line is small, and a call is made only for a header name wanted
 * (sl_scan_start) or a word with several LFs (sl_scan_lfs).  A global
 * function: verified once, whatever calls it. */
__noinline int sl_scan_run(struct sl_scratch *x)
{
	struct sip_scan *sc;
	__u32 off = 0, len;
	int k;

	if (!x)
		return 0;
	sc = &x->scan;
	sc->req_line_end = POS_NONE;
	sc->cur = HDR_NONE;
	sc->seen = 0;
	sc->headers_ended = 0;
	sc->start_letters = scan_start_letters(sc->want);
	len = sc->len;
	for (k = 0; k < SCRATCH_WORDS / SCAN_BLOCK_WORDS; k++) {
		__u64 w[SCAN_BLOCK_WORDS], all = ~0ULL;
		int j;

		if (off >= len)
			break;
		/* a byte that is LF in any word of the block is zero in
		 * the and of them all: one test for the block (more zero
		 * bytes can show, never fewer) */
#pragma unroll
		for (j = 0; j < SCAN_BLOCK_WORDS; j++) {
			w[j] = sw(x->buf, off + 8 * j) ^ (ONES64 * '\n');
			all &= w[j];
		}
		if (has_zero_byte(all) && scan_block(x, off, len, w))
			break;
		off += 8 * SCAN_BLOCK_WORDS;
	}
	sl_scan_end(x);
	return 0;
}

static __always_inline void sip_scan_run(struct sl_scratch *x)
{
	sl_scan_run(x);
}

#endif /* SL_SIP_SCAN_H */
