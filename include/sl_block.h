/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The live blocklist and automatic bans (issue 16).
 *
 * Blocklist: two LPM tries, sl_block4 and sl_block6 (SL_BLOCK_MAX
 * entries each, allocated as used), read by the XDP program for every
 * datagram to a served port addressed to this host: the longest prefix
 * holding the source, unexpired, drops it (dp:blocked) and counts a hit
 * in its entry.  sl-ctl block writes them; bans ([ban], below) are
 * written by the XDP program itself; the responder removes expired
 * entries (user/run/block_sweep.c).  An expired entry stops matching at
 * once, but shadows a shorter prefix holding the same source until the
 * sweep removes it (within a second or two).
 *
 * Comments of entries (`--comment`) live in a third map, sl_block_note,
 * a hash by prefix that the XDP program never reads, so an entry
 * without one costs nothing more.  All three are pinned: they survive
 * `reload` and a restart of the responder, `detach` removes them.
 */
#ifndef SL_BLOCK_H
#define SL_BLOCK_H

#define SL_BLOCK_MAX		(1u << 20)	/* entries per family */
#define SL_BLOCK_NOTES_MAX	65536		/* entries with a comment */
#define SL_BLOCK_NOTE_LEN	64		/* bytes, NUL included */

/* LPM trie keys: prefixlen, then the address in network order. */
struct sl_block_key4 {
	__u32 prefixlen;
	__u8 addr[4];
};
struct sl_block_key6 {
	__u32 prefixlen;
	__u8 addr[16];
};

enum sl_block_reason {
	SL_BLOCK_MANUAL = 0,		/* sl-ctl block add */
	SL_BLOCK_IMPORT = 1,		/* sl-ctl block import */
	SL_BLOCK_BAN = 2,		/* [ban]: the XDP program */
};

/* Times are CLOCK_MONOTONIC ns, as bpf_ktime_get_ns() gives them. */
struct sl_block_entry {
	__u64 expires_ns;		/* 0 = never */
	__u64 added_ns;
	__u64 hits;			/* datagrams dropped by it (atomic add) */
	__u32 reason;			/* enum sl_block_reason */
	__u32 pad;
};

/* Key of sl_block_note: both families, v4 in the first 4 bytes. */
struct sl_block_note_key {
	__u8 family;			/* 4 or 6 */
	__u8 plen;
	__u8 pad[2];
	__u8 addr[16];
};
struct sl_block_note {
	char text[SL_BLOCK_NOTE_LEN];	/* NUL-terminated */
};

/*
 * The blocklist's pre-filter (mmap-able array sl_block_bits of __u64
 * words), so that a miss rarely walks a trie (a walk of a trie of a
 * million random /32s costs some 70 ns): a bit per IPv4 /24 that an
 * entry covers or lies in, and a bit per IPv6 /48 (hashed) that an
 * entry of /48 or longer lies in; an IPv6 entry shorter than /48 sets
 * the word SL_BLOCK_V6_SHORT, which sends every IPv6 source to the trie.
 * A clear bit is a miss; a set one only means "look in the trie".  Bits
 * are set (atomic OR) before the entry is written, by sl-ctl and by
 * bans, and cleared only by `sl-ctl block flush`: an entry removed
 * leaves a bit that costs a lookup, never a wrong verdict.
 */
#define SL_BLOCK_WORDS4		(1u << 18)	/* 2^24 /24s, 64 a word */
#define SL_BLOCK_BITS6		(1u << 21)	/* hashed /48s */
#define SL_BLOCK_V6_SHORT	(SL_BLOCK_WORDS4 + SL_BLOCK_BITS6 / 64)
#define SL_BLOCK_WORDS		(SL_BLOCK_V6_SHORT + 1)

/* Bit of an IPv6 /48 among SL_BLOCK_BITS6; first8: the address's first
 * 8 bytes as loaded from memory (little-endian on both sides). */
static inline __u32 sl_block_bit6(__u64 first8)
{
	__u64 h = (first8 & 0x0000ffffffffffffULL) * 0x9e3779b97f4a7c15ULL;

	return (__u32)(h >> (64 - 21));
}

/*
 * Per-source state of [ban] and `sl-ctl top` (LRU hash sl_src, key
 * struct sl_rate_key: IPv4 the address, IPv6 its /64), kept while a
 * [ban] section is configured: the ban's GCRA arrival time, and the
 * datagrams of the current and of the previous minute window.
 */
#define SL_TOP_WINDOW_NS	60000000000ULL
struct sl_src_state {
	__u64 tat;			/* GCRA theoretical arrival time */
	__u64 win_start_ns;		/* the current window started */
	__u64 win_count;		/* datagrams in it */
	__u64 prev_count;		/* in the window before, if adjacent */
};

#endif /* SL_BLOCK_H */
