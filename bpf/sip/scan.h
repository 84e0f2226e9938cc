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

/* Byte i (0..7) of the word w. */
#define WB(w, i)	((__u8)((w) >> (8 * (i))))

/* Which header starts at s, whose first word is w0; sets *name_len.
 * Only ours matter.  The byte after a name of up to 7 bytes is read
 * from w0, not loaded again. */
static __always_inline __u8 classify_name(const __u8 *buf, struct sip_scan *sc,
					  __u32 s, __u64 w0, __u32 *name_len)
{
	__u64 l0;
	__u32 avail;

	if (s >= sc->len)
		return HDR_NONE;
	avail = sc->len - s;
	/* Or-ing 0x20 into every byte lower-cases the letters; the only
	 * other byte it can confuse is CR with '-', and a CR inside a
	 * header name makes the line garbage either way.  The byte after
	 * the name is checked exactly. */
	l0 = w0 | 0x2020202020202020ULL;

	switch (l0 & 0xff) {
	case 'v':
		if (avail > 1 && is_name_end(WB(w0, 1))) {
			*name_len = 1;
			return HDR_VIA;
		}
		if (avail > 3 && (l0 & 0xffffff) == W3('v', 'i', 'a') &&
		    is_name_end(WB(w0, 3))) {
			*name_len = 3;
			return HDR_VIA;
		}
		break;
	case 't':
		if (avail > 1 && is_name_end(WB(w0, 1))) {
			*name_len = 1;
			return HDR_TO;
		}
		if (avail > 2 && (l0 & 0xffff) == W2('t', 'o') &&
		    is_name_end(WB(w0, 2))) {
			*name_len = 2;
			return HDR_TO;
		}
		break;
	case 'f':
		if (avail > 1 && is_name_end(WB(w0, 1))) {
			*name_len = 1;
			return HDR_FROM;
		}
		if (avail > 4 && (l0 & 0xffffffffULL) == W4('f', 'r', 'o', 'm') &&
		    is_name_end(WB(w0, 4))) {
			*name_len = 4;
			return HDR_FROM;
		}
		break;
	case 'i':
		if (avail > 1 && is_name_end(WB(w0, 1))) {
			*name_len = 1;
			return HDR_CALLID;
		}
		break;
	case 'c':
		if (avail > 7 &&
		    (l0 & 0xffffffffffffffULL) ==
			    W7('c', 'a', 'l', 'l', '-', 'i', 'd') &&
		    is_name_end(WB(w0, 7))) {
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

/* How many bytes from p on, up to max and not past len, are SP or HT,
 * a word at a time. */
static __always_inline __u32 ws_run(const __u8 *buf, __u32 p, __u32 len,
				    __u32 max)
{
	__u64 w = sw(buf, p);
	__u64 other = ~(zero_bytes(w ^ (ONES64 * ' ')) |
			zero_bytes(w ^ (ONES64 * '\t'))) & HIGHS64;
	__u32 n = other ? lowest_flag_byte(other) : 8;

	if (p >= len)
		return 0;
	if (n > max)
		n = max;
	return n < len - p ? n : len - p;
}

/*
 * Header name at s: find the value start after up to 4 SP/HT, ':' and up
 * to 8 SP/HT.  classify_name()'s ways out are made one unknown value
 * (opaque()) and the whitespace is counted a word at a time, so that the
 * verifier follows few paths through it.
 */
static __always_inline void start_header(struct sl_scratch *x, __u32 s,
					 __u64 w0)
{
	struct sip_scan *sc = &x->scan;
	const __u8 *buf = x->buf;
	__u32 name_len = 0, p, v;
	__u8 type = classify_name(buf, sc, s, w0, &name_len);
	__u64 w;

	v = opaque(x, type | name_len << 8);
	type = v & 0xff;
	name_len = (v >> 8) & 0xff;
	sc->cur = HDR_NONE;
	if (type == HDR_VIA && (sc->seen & (1u << HDR_VIA)))
		type = HDR_VIA2;
	if (type == HDR_VIA2 && (sc->seen & (1u << HDR_VIA2)))
		type = HDR_VIA3;
	/* a header no one asked for is not collected (a request's scan;
	 * reply forwarding wants every one) */
	if (type == HDR_NONE || type >= HDR_TYPES ||
	    (sc->seen & (1u << type)) || !(sc->want & HDR_BIT(type)))
		return;
	p = s + name_len;
	w = sw(buf, p);
	/* the common "Name: value" (or "Name:value") from one word: what
	 * the two ws_run() below find there, in fewer instructions */
	if (p + 2 < sc->len && (w & 0xff) == ':' &&
	    (!is_ws((w >> 8) & 0xff) || !is_ws((w >> 16) & 0xff))) {
		p += is_ws((w >> 8) & 0xff) ? 2 : 1;
	} else {
		p += ws_run(buf, p, sc->len, 4);
		if (p >= sc->len || sb(buf, p) != ':')
			return;		/* not a header line: ignored */
		p++;
		p += ws_run(buf, p, sc->len, 8);
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
	s = sc->cur_vstart;
	/* a value that starts right away (start_header() skipped its SP):
	 * what skip_lws() finds, from one byte */
	if (s >= end || is_lws(sb(buf, s)))
		s = end < s ? end : skip_lws(buf, s, end);
	sc->seen |= 1u << t;
	sc->hdr[t & (HDR_SLOTS - 1)].s = s;
	sc->hdr[t & (HDR_SLOTS - 1)].e = end;
	sc->cur = HDR_NONE;
}

/* Letters (bit c - 'a') that start a header name start_header() may
 * collect, for the headers in want: a line that starts with any other
 * byte is not looked at. */
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

/* An LF at p (< len).  Returns 1 to stop the scan. */
static __always_inline int on_lf(struct sl_scratch *x, __u32 p)
{
	struct sip_scan *sc = &x->scan;
	const __u8 *buf = x->buf;
	__u32 s = p + 1, end = p, idx;
	__u64 w0;
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
		finish_header(buf, sc, end);
		return 1;
	}
	/* the line's first word: its first byte tells what it is, the
	 * rest its name (classify_name()) */
	w0 = sw(buf, s);
	c = w0 & 0xff;
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
	/* cur is HDR_NONE here, as start_header() would leave it for a
	 * name it does not classify */
	idx = (__u32)(c | 0x20) - 'a';
	if (idx < 26 && (sc->start_letters >> idx) & 1)
		start_header(x, s, w0);
	return 0;
}

#define SCAN_BLOCK_WORDS	8	/* words tested at once for an LF (4: the
				 * 1400-byte ACK's scan ~20 ns slower) */
#define SCAN_SEARCH_BLOCKS	2	/* blocks searched per turn */
#define SCAN_SEARCH_BYTES	(SCAN_SEARCH_BLOCKS * SCAN_BLOCK_WORDS * 8)
#define SCAN_INLINE_TURNS	16	/* turns before bpf_loop takes over */

#define SCAN_MORE	0x40000000u	/* next_lf(): no LF yet, go on */

/* The first LF in the SCAN_SEARCH_BYTES of the copy from pos: its
 * position, or POS_NONE when there is none before len (the scan is
 * over), or SCAN_MORE | pos + SCAN_SEARCH_BYTES when the search goes on
 * there. */
static __always_inline __u32 next_lf(const __u8 *buf, __u32 pos, __u32 len,
				     const int blocks)
{
	int k, j;

#pragma unroll
	for (k = 0; k < blocks; k++) {
		__u64 all = ~0ULL;
		const __u8 *blk;

		if (pos >= len)
			return POS_NONE;
		/* a byte that is LF in any word of the block is zero in
		 * the and of them all: one test for the block (more zero
		 * bytes can show, never fewer).  pos < len <= SL_SCRATCH_LEN
		 * here, so one mask serves the block (the pad keeps its
		 * last word in the map value; bytes past len are not
		 * used): two instructions a word fewer than sw()'s mask */
		blk = buf + (pos & SCRATCH_MASK);
#pragma unroll
		for (j = 0; j < SCAN_BLOCK_WORDS; j++)
			all &= *(const __u64 *)(blk + 8 * j) ^ (ONES64 * '\n');
		if (has_zero_byte(all)) {
#pragma unroll
			for (j = 0; j < SCAN_BLOCK_WORDS; j++) {
				/* loaded again (volatile: not kept from
				 * above): eight words in registers would
				 * spill, and the stack is near its limit */
				__u64 m = zero_bytes(*(const volatile __u64 *)(blk + 8 * j) ^
						     (ONES64 * '\n'));
				__u32 p;

				if (m) {
					p = pos + 8 * j + lowest_flag_byte(m);
					return p < len ? p : POS_NONE;
				}
			}
		}
		pos += 8 * SCAN_BLOCK_WORDS;
	}
	return SCAN_MORE | pos;
}

/* One turn: the next LF handled, or SCAN_SEARCH_BYTES without one passed.
 * Where to search from lives in the map value (sc->pos), so that every
 * turn looks the same to the verifier; next_lf()'s many ways out are
 * made one unknown value (opaque()) before the line is handled.
 * Returns 1 to stop the scan. */
static __always_inline int scan_turn(struct sl_scratch *x)
{
	struct sip_scan *sc = &x->scan;
	__u32 p;

	/* the scan's state is read from the map value each turn: values
	 * the compiler carried over in registers from the last turn would
	 * differ, to the verifier, from turn to turn */
	asm volatile("" ::: "memory");
	p = opaque(x, next_lf(x->buf, sc->pos, sc->len, SCAN_SEARCH_BLOCKS));

	if (p == POS_NONE)
		return 1;
	if (p & SCAN_MORE) {
		sc->pos = p & ~SCAN_MORE;
		return 0;
	}
	if (on_lf(x, p))
		return 1;
	sc->pos = p + 1;
	return 0;
}

static long scan_turn_cb(__u32 idx, void *data)
{
	return scan_turn(((struct loop_ctx *)data)->scr);
}

/*
 * Scan from the start of the payload: the request line always, the
 * headers until those in want are found.  A header still open at the
 * end of the data is closed there.  A turn per line (scan_turn()): the
 * first SCAN_INLINE_TURNS in a plain loop, the rest, if any, in a
 * bpf_loop (a step costs a call and a return, ~10 ns each on a kernel
 * whose returns go through a thunk; a common message needs none).  The
 * verifier walks a turn a few times only, not once per turn: its state
 * is in the map value.  A global function: verified once, whatever
 * calls it.
 */
/* A scan's result before any line: nothing found yet. */
static __always_inline void scan_begin(struct sip_scan *sc)
{
	sc->req_line_end = POS_NONE;
	sc->cur = HDR_NONE;
	sc->seen = 0;
	sc->headers_ended = 0;
}

__noinline int sl_scan_run(struct sl_scratch *x)
{
	struct loop_ctx lc = { .scr = x };
	struct sip_scan *sc;
	int k;

	if (!x)
		return 0;
	sc = &x->scan;
	scan_begin(sc);
	sc->start_letters = scan_start_letters(sc->want);
	sc->pos = 0;
	for (k = 0; k < SCAN_INLINE_TURNS; k++) {
		if (scan_turn(x))
			goto done;
	}
	/* a turn per LF or per SCAN_SEARCH_BYTES: always enough */
	bpf_loop(SL_SCRATCH_LEN + SL_SCRATCH_LEN / SCAN_SEARCH_BYTES,
		 scan_turn_cb, &lc, 0);
done:
	if (sc->cur != HDR_NONE)
		finish_header(x->buf, sc, sc->len);
	return 0;
}

/* The scan; a scan of the request line only (want 0: a request no rule
 * reads the headers of) whose LF is in the first block is done here,
 * without the call (~11 ns on a kernel whose returns go through a
 * thunk): what sl_scan_run() leaves after such a line. */
static __always_inline void sip_scan_run(struct sl_scratch *x)
{
	struct sip_scan *sc = &x->scan;
	__u32 p;

	if (!sc->want) {
		p = next_lf(x->buf, 0, sc->len, 1);
		if (!(p & SCAN_MORE) || p == POS_NONE) {
			scan_begin(sc);
			sc->req_line_end = p;
			return;
		}
	}
	sl_scan_run(x);
}

#endif /* SL_SIP_SCAN_H */
