/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * State of the SIP parsers.  It lives in the per-CPU scratch map value,
 * next to the payload copy, not on the stack: the verifier does not track
 * map memory by value, so every bpf_loop step starts from the same
 * verifier state and the loop bodies are verified a few times only
 * (per-byte state machines on the stack multiply verifier states).
 */
#ifndef SL_PARSE_STATE_H
#define SL_PARSE_STATE_H

#define POS_NONE	0xffffffffu

enum hdr_type {
	HDR_NONE = 0,
	HDR_VIA,
	HDR_TO,
	HDR_CALLID,
	HDR_UA,
	HDR_TYPES,
};
#define HDR_SLOTS	8	/* power of two: indexes are masked */


struct span {
	__u32 s;
	__u32 e;
};

struct sip_scan {
	__u32 len;
	__u32 req_line_end;	/* index of the request line's LF */
	__u8 want_headers;
	__u8 headers_ended;	/* saw the empty line */
	__u8 cur;		/* header being collected */
	__u8 seen;		/* bit per enum hdr_type */
	__u32 cur_vstart;
	__u32 word_off;		/* next word to load */
	__u64 pending;		/* LF flags of the last word not yet handled */
	__u32 pending_off;	/* offset of that word */
	struct span hdr[HDR_SLOTS];	/* first of each type, value only */
};

#define FIND_MAX_BYTES	8

struct find_byte {
	__u32 from;
	__u32 to;
	__u32 found;
	__u32 n;		/* patterns in use */
	__u64 pattern[FIND_MAX_BYTES];	/* each byte value in every lane */
};

enum via_state {
	VS_PROTO,		/* "SIP / 2.0 / UDP": until the 2nd '/' */
	VS_TRANSPORT_WS,
	VS_TRANSPORT,
	VS_HOST_WS,
	VS_HOST,
	VS_HOST6,
	VS_AFTER_HOST,
	VS_PORT_WS,
	VS_PORT,
	VS_AFTER_PORT,
	VS_PARAM_WS,
	VS_PNAME,
	VS_AFTER_PNAME,
	VS_PVAL_WS,
	VS_PVAL,
	VS_PQUOTE,
	VS_AFTER_PVAL,
	VS_DONE,
	VS_BAD,
};

struct via_parse {
	__u32 s;
	__u32 e;
	__u8 state;
	__u8 slashes;
	__u8 is_branch;
	__u8 escaped;
	__u32 mark;		/* start of the token being read */
	struct span host;
	struct span port;	/* s == e: no port */
	struct span branch;	/* s == e: no branch */
};

enum to_state {
	TS_START,
	TS_NAME,		/* display name token or addr-spec */
	TS_QUOTE,
	TS_URI,			/* inside < > */
	TS_AFTER_URI,
	TS_PARAM_WS,
	TS_PNAME,
	TS_AFTER_PNAME,
	TS_PVAL_WS,
	TS_PVAL,
	TS_PQUOTE,
	TS_AFTER_PVAL,
	TS_DONE,
	TS_BAD,
};

struct to_parse {
	__u32 s;
	__u32 e;
	__u8 state;
	__u8 is_tag;
	__u8 escaped;
	__u8 quote_ret;		/* state to return to after a quote */
	__u32 mark;
	struct span tag;	/* s == e: no tag (or an empty one) */
	__u8 tag_seen;
};

struct crc_run {
	__u32 s;
	__u32 e;
	__u16 state;
};

struct ua_search {
	__u32 s;
	__u32 last;		/* last start position that still fits */
	__u8 found;
};

/* Per-CPU copy of the SIP payload, parsed there with masked indexes. */
struct sl_scratch {
	__u8 buf[SL_SCRATCH_LEN + SL_SCRATCH_PAD];
	struct sip_scan scan;
	struct find_byte fb;
	struct via_parse via;
	struct to_parse to;
	struct crc_run crc;
	struct ua_search ua;
	__u32 opaque;		/* see opaque() */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sl_scratch);
} sl_scratch SEC(".maps");

/* bpf_loop context: only the scratch pointer.  Parser state lives in the
 * map value, which the verifier does not track by value, so every loop
 * step looks the same to it and verification stays small. */
struct loop_ctx {
	struct sl_scratch *scr;
	const struct sl_rule *rule;
};

#endif /* SL_PARSE_STATE_H */
