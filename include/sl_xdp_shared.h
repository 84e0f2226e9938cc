/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Everything the XDP program and userspace share: map value layouts,
 * limits and constants.  Included by bpf/sl_xdp.bpf.c (after vmlinux.h)
 * and by userspace (after <linux/types.h>), so only __u8.. types here.
 */
#ifndef SL_XDP_SHARED_H
#define SL_XDP_SHARED_H

/* Limits.  Power-of-two sizes keep index masking cheap in BPF. */
#define SL_MAX_PORTS		8
#define SL_MAX_RULES		64	/* per bank */
#define SL_RULE_BANKS		2	/* double buffer for atomic reload */
#define SL_METHOD_MAX_LEN	32	/* bytes of a method name, 4 words */
#define SL_MAX_PREFIXES		8	/* src prefixes per rule */
#define SL_MATCH_STR_MAX	32	/* bytes of a string a rule matches */
#define SL_SIG_LEN		32	/* hex MD5 part of the to-tag */
#define SL_SUFFIX_LEN		8	/* hex CRC part of the to-tag */
#define SL_TOTAG_LEN		41	/* SIG '.' SUFFIX */
#define SL_MAX_QUEUES		64	/* RX queues served */
#define SL_MAX_SOCKETS_PER_QUEUE 16	/* sockets_per_queue */
#define SL_MAX_SOCKETS		256	/* sl_xsks entries: queues x sockets */

/* A UMEM frame, and the largest frame the kernel copies into one: the
 * frame less XDP_PACKET_HEADROOM (256 bytes; the UMEM has no headroom of
 * its own).  A larger request is passed to the stack by the XDP program
 * instead of being dropped by the redirect. */
#define SL_XSK_FRAME_SIZE	4096
#define SL_XSK_RX_MAX		(SL_XSK_FRAME_SIZE - 256)

/* The SIP payload is copied into a per-CPU scratch buffer and parsed
 * there; bytes beyond SL_SCRATCH_LEN are not looked at. */
#define SL_SCRATCH_LEN		2048
#define SL_SCRATCH_PAD		64	/* slack so word loads never cross */

/* Reply-window store: an mmap-able array map of buckets of
 * SL_WINDOW_WAYS entries, bucket = hash(key) & mask (sl_window_slot). */
#define SL_WINDOW_SLOTS_DEFAULT	(1u << 20)

#define SL_DEFAULT_PORT		5060
#define SL_DEFAULT_ACK_WINDOW_NS 2000000000ULL

/* Pin directory: /sys/fs/bpf/sl-xdp/<ifname>/<map name>. */
#define SL_PIN_BASE		"/sys/fs/bpf/sl-xdp"

enum sl_action {
	SL_ACTION_PASS = 0,	/* zero: an unconfigured program passes */
	SL_ACTION_DROP = 1,
	SL_ACTION_REPLY = 2,
};

/* Which match keys a rule has; all given keys must match. */
enum sl_rule_key {
	SL_KEY_METHOD		= 1u << 0,
	SL_KEY_SRC		= 1u << 1,
	SL_KEY_PORT		= 1u << 2,
	SL_KEY_RURI_USER	= 1u << 3,
	SL_KEY_USER_AGENT	= 1u << 4,
	SL_KEY_FROM_USER	= 1u << 5,
	SL_KEY_FROM_DOMAIN	= 1u << 6,
	SL_KEY_TO_USER		= 1u << 7,
};

/*
 * Methods.  Every method name the rules of a bank use gets a number,
 * 0..SL_METHOD_NAMES - 1, in the order the file first names it; every
 * other method is SL_METHOD_OTHER.  A request's method is looked up once
 * per packet (sl_method_hash() into the bank's table of
 * SL_METHOD_SLOTS, at most SL_METHOD_PROBES slots compared), and each
 * rule is one bit test of its method_mask: bit i set = method i matches
 * ("method = *" sets all 64 bits, "method = !A, B" all but A's and B's).
 */
#define SL_METHOD_NAMES		63	/* distinct names per bank */
#define SL_METHOD_OTHER		63	/* any method no rule names */
#define SL_METHOD_SLOTS		128	/* power of two, > 2 x SL_METHOD_NAMES */
#define SL_METHOD_PROBES	4	/* slots compared per lookup */

/* A method name as the data plane compares it: zero-padded words. */
struct sl_method_slot {
	__u8 len;			/* 1..SL_METHOD_MAX_LEN; 0 = empty */
	__u8 id;			/* 0..SL_METHOD_NAMES - 1 */
	__u8 pad[6];
	__u64 name[SL_METHOD_MAX_LEN / 8];
} __attribute__((aligned(8)));

/* Slot of the name's first probe: the same function on both sides
 * (user/conf places the names, bpf/sip/method.h finds them). */
static inline __u32 sl_method_hash(const __u64 name[SL_METHOD_MAX_LEN / 8],
				   __u32 len, __u32 seed)
{
	__u64 h = (__u64)seed << 32 | len;
	int i;

	for (i = 0; i < SL_METHOD_MAX_LEN / 8; i++) {
		h = (h ^ name[i]) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	h *= 0xbf58476d1ce4e5b9ULL;
	return (__u32)(h >> 32) & (SL_METHOD_SLOTS - 1);
}

struct sl_prefix {
	__u8 family;			/* 4 or 6 */
	__u8 plen;
	__u8 pad[6];
	__u8 addr[16];			/* v4 in the first 4 bytes */
	__u8 mask[16];			/* precomputed from plen */
} __attribute__((aligned(8)));

/* A string a rule compares a part of the request with.  ruri_user_prefix
 * is always a prefix; from_user, from_domain and to_user are a prefix
 * when written with a trailing '*', else the whole part; user_agent is
 * a substring (the automaton, struct sl_ua_dfa, matches it in XDP).
 * Case-insensitive ones (user_agent, from_domain) are stored lower
 * case. */
struct sl_match_str {
	__u8 len;			/* 0 = unused */
	__u8 prefix;			/* 1: a prefix of the part; 0: all of it */
	__u8 pad[6];
	__u8 bytes[SL_MATCH_STR_MAX];	/* zero padded */
} __attribute__((aligned(8)));

/* One rule as the XDP program evaluates it.  Reply text (code, reason,
 * extra headers) lives only in userspace, indexed by the same number. */
struct sl_rule {
	__u32 keys;			/* enum sl_rule_key bits */
	__u8 action;			/* enum sl_action */
	__u8 n_prefixes;
	__u8 n_ports;
	__u8 pad;
	__u64 method_mask;		/* bit per method number, see above */
	__u16 reply_code;		/* informational for the data plane */
	__u16 ports[SL_MAX_PORTS];
	__u16 pad2[3];
	struct sl_prefix prefixes[SL_MAX_PREFIXES];
	struct sl_match_str ruri_user_prefix;
	struct sl_match_str user_agent;	/* the automaton's pattern for it */
	struct sl_match_str from_user;
	struct sl_match_str from_domain;
	struct sl_match_str to_user;
};

/* What the rules of a bank need parsed beyond the request line
 * (sl_config.rules_need). */
enum sl_rules_need {
	SL_NEED_USER_AGENT	= 1u << 0,
	SL_NEED_FROM		= 1u << 1,
	SL_NEED_TO		= 1u << 2,
	SL_NEED_RURI_USER	= 1u << 3,	/* no header: the request line */
	SL_NEED_METHOD		= 1u << 4,	/* ditto */
};
#define SL_NEED_HEADERS	(SL_NEED_USER_AGENT | SL_NEED_FROM | SL_NEED_TO)

/*
 * The User-Agent patterns of a bank as one automaton (Aho-Corasick,
 * compiled by user/conf into map sl_ua_dfa, one entry per bank): the
 * XDP program walks the User-Agent value once, a table step per byte,
 * and ORs the out mask of each state it enters that has one; bit r of
 * the result says that rule r's pattern occurs.  The cost is one step
 * per byte of the value, whatever the number of rules.
 *
 * A state's row has an entry for each byte value (upper and lower case
 * letters alike): the byte offset of the next state's row, and in the
 * bits above SL_UA_OUT_SHIFT the index in out[] of that state's out mask
 * (0: none).  A step is an AND, two ADDs and a load.  Rows: the states
 * with an edge of their own; a state without one (a pattern's last
 * byte, nothing longer) uses the row of its failure state, which it
 * equals.  So 64 patterns of 32 bytes fit (2049 states, at least one
 * of them without an edge).  Out masks: one per pattern at most (the
 * longest pattern that ends a state's string decides its mask).
 */
#define SL_UA_ROWS		2048	/* >= SL_MAX_RULES * SL_MATCH_STR_MAX */
#define SL_UA_ROW_SHIFT		10	/* a row: 256 entries of 4 bytes */
#define SL_UA_ROW_MASK		((SL_UA_ROWS - 1) << SL_UA_ROW_SHIFT)
#define SL_UA_OUT_SHIFT		21	/* above the row offset */
#define SL_UA_OUTS		128	/* > SL_MAX_RULES */
struct sl_ua_dfa {
	__u32 n_states;			/* 0: no user_agent rule */
	__u32 pad;
	__u64 out[SL_UA_OUTS];		/* [0] = 0 */
	__u32 next[SL_UA_ROWS * 256];	/* [row << 8 | byte] */
};

/*
 * Stateless reply forwarding (Kamailio's sl_forward_reply).  A response to
 * a served port whose top Via sent-by is one of fwd.vias loses that
 * Via and goes to the second Via's received/rport, else its sent-by host
 * (an IP literal) and port (5060 by default).  The first rewrite whose
 * codes (or class) match the status code replaces code and reason.
 */
#define SL_MAX_REWRITES		16	/* per bank */
#define SL_REWRITE_CODES	8	/* codes listed in one rewrite */
#define SL_FWD_REASON_MAX	64	/* bytes of a rewritten reason */

struct sl_fwd_rewrite {
	__u16 codes[SL_REWRITE_CODES];	/* exact codes, 0 = unused */
	__u8 n_codes;
	__u8 class_digit;		/* 1..6 for "4xx"; 0 = codes only */
	__u8 reason_len;		/* 1..SL_FWD_REASON_MAX */
	__u8 pad;
	__u8 new_code[4];		/* 3 ASCII digits, then 0 */
	__u8 reason[SL_FWD_REASON_MAX];	/* not terminated, zero padded */
} __attribute__((aligned(8)));

/* One of our sent-by addresses (a dual-stack proxy has one per family). */
struct sl_fwd_via {
	__u8 family;			/* 4 or 6 */
	__u8 pad;
	__u16 port;			/* host order; 5060 if via has none */
	__u8 pad2[4];
	__u8 addr[16];			/* network order, v4 in the first 4 */
} __attribute__((aligned(8)));	/* BPF compares addr 8 bytes at a time */
#define SL_FWD_VIAS		4

#define SL_FWD_PEERS		16	/* prefixes in [forward] peers */

/*
 * Who may use us as a relay, and how much: a response is forwarded only
 * when its source is in peers (the upstreams the proxy sends requests
 * to), its destination is not this host, one of our sent-by addresses or
 * the response's own sender (no loop, no ping-pong), its next hop is out
 * of the interface it came in on (unless allow_redirect), and its
 * destination (IPv6: /64) is within the per-destination rate (GCRA, as
 * sl_config's rate_limit; 0 = off).
 */
struct sl_fwd_config {
	__u8 enabled;			/* a [forward] section exists */
	__u8 n_vias;			/* 1..SL_FWD_VIAS */
	__u8 n_rewrites;
	__u8 n_peers;			/* 1..SL_FWD_PEERS */
	__u8 allow_redirect;		/* next hops out of other interfaces */
	__u8 pad[3];
	__u64 rate_interval_ns;		/* per destination; 0 = no limit */
	__u64 rate_burst_ns;
	struct sl_fwd_via vias[SL_FWD_VIAS];
	struct sl_fwd_rewrite rewrites[SL_MAX_REWRITES];
	struct sl_prefix peers[SL_FWD_PEERS];	/* pre-masked */
};

/*
 * Automatic bans ([ban], include/sl_block.h): every datagram to a
 * served port addressed to this host counts against its source's (IPv6:
 * its /64's) GCRA terms; a source over them is put in the blocklist for
 * time_ns.  Sources in trusted[] are never banned nor rate-limited
 * (rate_limit of [sl] included).  enabled: a [ban] section exists (the
 * sources are then counted for `sl-ctl top`, even with rate = 0).
 */
#define SL_BAN_TRUSTED		16	/* prefixes in [ban] trusted */
struct sl_ban_config {
	__u8 enabled;
	__u8 n_trusted;
	__u8 pad[6];
	__u64 interval_ns;		/* 1 s / rate; 0 = no bans */
	__u64 burst_ns;			/* (burst - 1) * interval_ns */
	__u64 time_ns;			/* how long a ban lasts */
	struct sl_prefix trusted[SL_BAN_TRUSTED];	/* pre-masked */
};

/* Settings of one bank.  A zeroed config (program loaded by iproute2,
 * nothing configured) serves port 5060, absorbs nothing, passes all. */
struct sl_config {
	__u64 ack_window_ns;
	__u32 window_mask;		/* reply-window slots - 1 */
	__u8 sig_token;			/* no byte of signature ends a token
					 * value (user/conf sets it; 0: the
					 * XDP program reads every To-tag
					 * with the To parser) */
	__u8 pad0[3];
	__u16 ports[SL_MAX_PORTS];
	__u8 n_ports;			/* 0 = SL_DEFAULT_PORT only */
	__u8 default_action;		/* enum sl_action */
	__u8 has_signature;		/* ACK absorption armed */
	__u8 n_rules;
	__u8 rules_need;		/* enum sl_rules_need bits */
	__u8 n_method_names;		/* in methods[], 0..SL_METHOD_NAMES */
	__u8 xsk_per_queue;		/* sockets_per_queue; 0 = 1: the XDP
					 * program picks sl_xsks entry
					 * queue * n + hash(Call-ID) % n */
	__u8 local_only;		/* answer, absorb, forward only frames to
					 * this host (map sl_local); sl-ctl sets
					 * it, a zeroed config checks nothing */
	__u32 method_seed;		/* of sl_method_hash() for methods[] */
	__u32 hep_sample;		/* [hep] sample of the XDP program's
					 * reports (sl_hep_report.h), in
					 * hundredths of a percent; 0 = off */
	__u8 signature[SL_SIG_LEN];	/* lower-case hex MD5 part; 8-aligned */
	/* Per-source reply rate limit (GCRA): a request a rule would answer
	 * is dropped when its source's (IPv6: its /64's) theoretical arrival
	 * time is more than rate_burst_ns ahead.  rate_interval_ns = 1 s / rate_limit; 0 = off;
	 * rate_burst_ns = (burst - 1) * rate_interval_ns. */
	__u64 rate_interval_ns;
	__u64 rate_burst_ns;
	struct sl_fwd_config fwd;	/* reply forwarding; zero = off */
	struct sl_ban_config ban;	/* automatic bans; zero = off */
	/* the method names of the rules, placed by sl_method_hash(seed) */
	struct sl_method_slot methods[SL_METHOD_SLOTS];
	/* What the rule loop takes once per packet (compiled by user/conf),
	 * bit r for rule r: method_rules[m], the rules that method m
	 * passes (every rule without a method key); method_free and
	 * ua_free, the rules without a method or user_agent key; strict,
	 * the rules that drop or reply.
	 * The loop then visits only the rules both the method and the
	 * User-Agent let through. */
	__u64 method_rules[SL_METHOD_OTHER + 1];
	__u64 method_free;
	__u64 ua_free;
	__u64 strict;
	/* rules with when = backend-up / backend-down (include/sl_backend.h) */
	__u64 when_up;
	__u64 when_down;
};

/* Key of a per-address rate-limit state (LRU hashes sl_rate, by
 * source, and sl_fwd_rate, by forwarding destination): IPv4 the
 * address, IPv6 its /64 (the rest zero). */
struct sl_rate_key {
	__u8 family;
	__u8 pad[3];
	__u32 addr[4];			/* v4 in addr[0] */
};

#define SL_RATE_SOURCES	65536		/* sources tracked; LRU beyond */

/* The rule and rewrite names of one bank (map sl_names, one entry per
 * bank), written with the bank, so that `sl-ctl stats` names the hits
 * after the configuration that produced them.  NUL-terminated, "" for
 * an unused index.  The XDP program never reads them. */
#define SL_NAME_MAX		64
struct sl_bank_names {
	char rules[SL_MAX_RULES][SL_NAME_MAX];
	char rewrites[SL_MAX_REWRITES][SL_NAME_MAX];
};

/* Map sl_active holds the bank (0/1) in use; sl-ctl fills the other
 * bank's config and rules, then flips it with one map update.  layout:
 * a hash of the map layouts (BTF) of whoever configured the maps (0:
 * nobody yet, e.g. a program iproute2 loaded): an sl-ctl whose layout
 * differs refuses them instead of reading them with its own structs. */
struct sl_active {
	__u32 bank;
	__u32 generation;
	__u32 layout;
	__u32 pad;
};


/*
 * Reply-window entry, written by the responder for each final reply to an
 * INVITE (no system call: the map is mmap-ed), read by XDP for each ACK.
 * key_suffix: CRC-A << 16 | CRC-B, the to-tag suffix as numbers.
 * key_tag: 0 for our own to-tag; for a request that already carried a
 * To-tag (re-INVITE): SL_WINDOW_FOREIGN_TAG | CRC-16/X-25 of that tag.
 * sent_ns: CLOCK_MONOTONIC (= bpf_ktime_get_ns) of the reply; 0 = empty.
 */
struct sl_window_entry {
	__u64 sent_ns;
	__u32 key_suffix;
	__u32 key_tag;
};
#define SL_WINDOW_FOREIGN_TAG	0x80000000u

/*
 * The store is set-associative: a key hashes to a bucket of
 * SL_WINDOW_WAYS consecutive entries (one 64-byte cache line), XDP looks
 * at all of them, and a new entry replaces the same key or else the
 * oldest entry of its bucket (empty ones first).  With one entry per
 * slot, every reply hashed onto the slot of a reply whose ACK was still
 * on its way lost that ACK (acks_no_entry ~ replies in flight / slots).
 */
#define SL_WINDOW_WAYS		4

/* First slot of a window key's bucket; the same function on both sides. */
static inline __u32 sl_window_slot(__u32 key_suffix, __u32 key_tag, __u32 mask)
{
	__u32 h = key_suffix ^ (key_tag * 0x9e3779b1u);

	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	return h & mask & ~(SL_WINDOW_WAYS - 1);
}

/* The way of bucket b (SL_WINDOW_WAYS entries) that a new entry for the
 * key takes: the key's own, else the oldest (sent_ns 0 = empty = oldest). */
static inline unsigned int sl_window_way(const struct sl_window_entry *b,
					 __u32 key_suffix, __u32 key_tag)
{
	unsigned int i, way = 0;
	__u64 oldest = ~0ULL;

	for (i = 0; i < SL_WINDOW_WAYS; i++) {
		__u64 t = __atomic_load_n(&b[i].sent_ns, __ATOMIC_RELAXED);

		if (t && __atomic_load_n(&b[i].key_suffix, __ATOMIC_RELAXED) == key_suffix &&
		    __atomic_load_n(&b[i].key_tag, __ATOMIC_RELAXED) == key_tag)
			return i;
		if (t < oldest) {
			oldest = t;
			way = i;
		}
	}
	return way;
}

#include "sl_counters.h"
#include "sl_edge.h"
#include "sl_block.h"
#include "sl_backend.h"
#include "sl_hep_report.h"

/* Metadata in front of a redirected frame (bpf_xdp_adjust_meta): tells
 * the responder which rule matched. */
struct sl_xdp_meta {
	__u32 magic;			/* SL_META_MAGIC */
	__u16 rule;			/* index in the active bank */
	__u8 bank;
	__u8 flags;
};
#define SL_META_MAGIC	0x534c5844u	/* "SLXD" */
#define SL_META_DEFAULT_RULE 0xffff	/* default_action = reply */

#endif /* SL_XDP_SHARED_H */
