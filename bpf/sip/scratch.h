/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The per-CPU scratch value (map sl_scratch, maps.h): the copy of the SIP
 * payload and the state of every loop that reads it.  The state lives in
 * the map value, not on the stack: the verifier does not track map memory
 * by value, so every bpf_loop step starts from the same verifier state and
 * the loop bodies are verified a few times only (per-byte state machines
 * on the stack multiply verifier states).  The steps above the parsers
 * (User-Agent search, reply forwarding) keep their state in
 * the same value, so one lookup serves the whole packet: their types are
 * declared here too.
 */
#ifndef SL_SIP_SCRATCH_H
#define SL_SIP_SCRATCH_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sl_xdp_shared.h"
#include "net/packet.h"

#define POS_NONE	0xffffffffu

enum hdr_type {
	HDR_NONE = 0,
	HDR_VIA,
	HDR_TO,
	HDR_CALLID,
	HDR_UA,
	HDR_VIA2,		/* the second Via header line (reply forwarding) */
	HDR_VIA3,		/* the third (reply forwarding's loop check) */
	HDR_FROM,
	HDR_TYPES,
};
#define HDR_SLOTS	8	/* power of two: indexes are masked */
#define HDR_BIT(t)	(1u << (t))
#define SCAN_ALL	0xff	/* HDR_NONE's bit is never seen */


struct span {
	__u32 s;
	__u32 e;
};

static __always_inline int span_present(struct span r)
{
	return r.e > r.s;
}

struct sip_scan {
	__u32 len;
	__u32 req_line_end;	/* index of the request line's LF */
	__u8 want;		/* HDR_BIT()s: the scan stops once all of
				 * these are seen (0: the request line only;
				 * SCAN_ALL: the whole header) */
	__u8 headers_ended;	/* saw the empty line */
	__u8 cur;		/* header being collected */
	__u8 seen;		/* bit per enum hdr_type */
	__u32 cur_vstart;
	__u32 via_line_s;	/* where the first Via header's name starts */
	__u32 start_letters;	/* scan_start_letters(want) */
	__u32 pos;		/* where the search for the next LF goes on */
	struct span hdr[HDR_SLOTS];	/* first of each type, value only */
};

#define FIND_MAX_BYTES	8

struct find_byte {
	__u32 n;		/* patterns in use */
	__u64 pattern[FIND_MAX_BYTES];	/* each byte value in every lane */
};

/* A header value read a byte at a time (sip/params.h drives the loop for
 * sip/via.h and sip/to.h): the state (the header's own enum, then enum
 * param_state), the start of the token being read, the quoted-string
 * escape, and what the parameter being read is to the header (0: one it
 * does not keep). */
struct value_parse {
	__u32 s;		/* the value: [s, e) */
	__u32 e;
	__u32 mark;		/* start of the token being read */
	__u32 end;		/* the ',' (To: or junk) that ended it */
	__u8 state;
	__u8 param;
	__u8 escaped;
};

struct via_parse {
	struct value_parse parse;	/* param: enum via_param; end: the
					 * comma before the next value, or
					 * POS_NONE */
	__u8 later;		/* not the first value of the line */
	__u8 proto_n;		/* bytes of "SIP/2.0/" read (via_byte()) */
	__u64 proto_w;		/* and those bytes, the first in the top */
	struct span transport;	/* filled by the state machine only */
	struct span host;
	struct span port;	/* s == e: no port */
	struct span branch;	/* s == e: no branch */
	struct span received;	/* the state machine only; s == e: none */
	struct span rport;	/* the state machine only; s == e: no value */
};

/* An IP literal being read (reply forwarding), a byte per step. */
struct ip_parse {
	__u32 s;
	__u32 e;
	__u32 cur;		/* value of the group/octet being read */
	__u8 digits;		/* in cur */
	__u8 parts;		/* groups/octets done */
	__u8 dcolon;		/* parts before "::"; 0xff = none */
	__u8 colons;		/* ':' run length just read */
	__u8 bad;
	__u8 v6;
	__u8 pad[2];
	__u16 groups[8];	/* IPv6 groups, or IPv4 octets in [0..3] */
	__u8 addr[16];		/* the result, network order */
};

/* Reply forwarding: the new front of the message, built before the
 * packet is touched (see reply_forward.h). */
#define FWD_HDR_MAX	64	/* Ethernet + IPv6 + UDP = 62 */
#define FWD_LINE_MAX	128	/* rewritten status line */
#define FWD_PSEUDO_MAX	40	/* IPv6 pseudo header */

/* Reply forwarding: what is decided before the frame is touched. */
struct fwd_plan {
	__u32 cut_s;		/* removed payload bytes [cut_s, cut_e) */
	__u32 cut_e;
	__u32 keep_s;		/* payload bytes [keep_s, cut_s) are kept */
	__u32 line_len;		/* rewritten status line in fwd.line; 0 = none */
	__u32 rewrite;		/* index of the rewrite, POS_NONE = none */
	__u32 hdr_len;		/* new Ethernet + IP + UDP */
	__u32 payload_len;	/* new UDP payload */
	__u8 family;
	__u8 dst[16];
	__u16 dport;
};

struct fwd_out {
	__u16 code;		/* status code being matched */
	__u32 rewrite;		/* first matching rewrite, POS_NONE = none */
	__u8 hdr[FWD_HDR_MAX];
	__u8 line[FWD_LINE_MAX];
	__u8 pseudo[FWD_PSEUDO_MAX];
	struct fwd_plan plan;
	struct bpf_fib_lookup fib;
};

struct to_parse {
	struct value_parse parse;	/* param: 1 for "tag" */
	struct span tag;	/* s == e: no tag (or an empty one) */
};

/* The user_agent automaton walking the User-Agent value (ua_automaton.h),
 * in UA_WALKS parts at once: [pos, end) of each, and the table entry of
 * the state each has reached. */
#define UA_WALKS	4
#define UA_WIDE_MAX	64	/* the longest step without byte tests */
struct ua_run {
	__u32 pos[UA_WALKS];
	__u32 end[UA_WALKS];
	__u32 entry[UA_WALKS];
	__u32 careful;		/* 8-byte steps to take before a wide one */
	__u64 hits;		/* bit r: rule r's pattern occurs */
	__u64 cp[UA_WALKS * UA_WIDE_MAX / 8];	/* a wide step's bytes */
};

/* A quoted string being read a byte at a time (uri.h). */
struct quote_scan {
	__u32 pos;
	__u32 end;
	__u32 found;		/* the closing quote, POS_NONE: none yet */
	__u8 escaped;
};

/* Parts of a request the window does not show in full: the rules take
 * them as matching when they drop or reply, not when they pass. */
enum unseen {
	UNSEEN_RURI	= 1u << 0,	/* the request line runs past the window */
	UNSEEN_UA	= 1u << 1,
	UNSEEN_FROM	= 1u << 2,
	UNSEEN_TO	= 1u << 3,
	UNSEEN_METHOD	= 1u << 4,	/* not even a method in the window */
};
#define UNSEEN_ALL	(UNSEEN_RURI | UNSEEN_UA | UNSEEN_FROM | UNSEEN_TO)

/*
 * The request as the rules see it (rules.h): the request line's pieces
 * (request_line.h), the addresses (the entry), the parts the rules need
 * beyond the request line (method.h, ua_automaton.h, uri.h), and the
 * rule loop's state.  In the map value, like the parsers' state.
 */
struct req_info {
	__u32 method_len;
	__u64 method[SL_METHOD_MAX_LEN / 8];	/* zero padded */
	struct span ruri;	/* the Request-URI; e == POS_NONE: none */
	struct span ruri_user;	/* e == POS_NONE: none */
	__u8 line_cut;		/* the request line runs past the window;
				 * 2: its method too */
	__u8 family;		/* 4 or 6 */
	__u8 unseen;		/* enum unseen bits */
	__u8 src_only;		/* only src keys can be decided */
	__u16 dport;
	__u32 method_id;	/* SL_METHOD_OTHER: no rule names it */
	__u64 src[2];		/* source address, v4 in the first 4 bytes */
	__u64 ua_hits;		/* bit r: rule r's user_agent occurs */
	struct span from_user;	/* e == POS_NONE: none */
	struct span from_host;
	struct span to_user;
	/* rule loop */
	__u64 cand;		/* rules still to try, bit per rule */
	__u32 rule_base;
	__u32 matched;		/* rule index, POS_NONE: none */
	__u8 matched_action;	/* that rule's action */
};

/* The last frame this CPU found to be for this host (local_dst.h): its
 * destination MAC and IP, the bank, and the sl_local_gen value the
 * lookups were made under. */
struct local_memo {
	__u64 gen;
	__u64 dst[2];
	__u32 mac_hi;		/* MAC bytes 0..3 */
	__u16 mac_lo;		/* bytes 4..5 */
	__u8 family;
	__u8 bank;
	__u8 valid;
};

/* Per-CPU copy of the SIP payload, parsed there with masked indexes. */
struct sl_scratch {
	__u8 buf[SL_SCRATCH_LEN + SL_SCRATCH_PAD];
	struct sip_scan scan;
	struct find_byte fb;
	struct via_parse via;
	struct to_parse to;
	struct ua_run ua;
	struct quote_scan qs;
	struct req_info ri;
	struct ip_parse ip;
	struct fwd_out fwd;
	struct pkt pkt;		/* the frame's addresses and offsets */
	struct local_memo local;
	__u32 opaque;		/* see opaque() */
	/* csum_scratch() (reply_forward.h) reads start anywhere in buf and
	 * are, as far as the verifier knows, up to 2 * CSUM_CHUNK - 4 bytes
	 * long (a mask, not the clamp to CSUM_CHUNK the code applies first):
	 * the value must extend that far past buf whatever fields follow */
	__u8 csum_slack[512];
};

/* bpf_loop context: the scratch pointer, and the automaton or forwarding
 * configuration a callback reads.  Parser state lives in the map value,
 * which the verifier does not track by value, so every loop step looks the
 * same to it and verification stays small. */
struct loop_ctx {
	struct sl_scratch *scr;
	const struct sl_ua_dfa *dfa;
	const struct sl_fwd_config *fwd;
};

#define BYTES_PER_STEP	8	/* bytes a parser handles per bpf_loop step */

/*
 * A value the verifier no longer knows: after an unrolled search each exit
 * leaves a differently-ranged register, and every one of them would be
 * verified through the rest of the program.  A round trip through map
 * memory turns them into one unknown scalar, so the paths merge.
 */
#define opaque(x, v)	({ *(volatile __u32 *)&(x)->opaque = (v); \
			   *(volatile __u32 *)&(x)->opaque; })

#endif /* SL_SIP_SCRATCH_H */
