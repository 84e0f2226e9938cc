/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Configuration file (DESIGN.md section 5) -> struct sl_settings.
 * Plain C; the only I/O is reading the file.
 *
 * File syntax.  The file is read with Debian 12's libinih 55 (built with
 * INI_RUNTIME_OPTIONS and the upstream defaults: inline comments on,
 * multi-line values on, 200-byte line buffer on the stack, no lineno in
 * the handler).  What that means for users, and what this parser adds:
 *
 *  - Comments: a line whose first non-blank character is ';' or '#'.
 *    An inline comment is ';' preceded by a space or tab:
 *        ports = 5060 ; the SIP port       -> "5060"
 *        header = X-Note: a;b              -> "X-Note: a;b" (no blank)
 *        default_reason = Busy #1          -> "Busy #1" ('#' only at
 *                                             the start of a line)
 *    So a value can never contain " ;".  Values are not quoted: quote
 *    characters are part of the value.
 *  - "key = value" or "key: value": the first '=' or ':' on the line
 *    ends the key.  Key and value are trimmed of blanks.
 *  - A line is at most SL_CONFIG_MAX_LINE (197) characters without its
 *    line ending (inih's 200-byte buffer less CR, LF and NUL).  inih
 *    would silently split a longer line in two; this parser rejects it.
 *    So "header = " takes at most a 188-character header line and
 *    "server_header = " at most 181.
 *  - inih would treat an indented line after a key as a continuation of
 *    that key's value (Python configparser style).  That is switched off
 *    here, without touching libinih's process-wide settings: leading
 *    blanks are stripped from every line before inih sees it, so
 *    indentation is only cosmetic and every line stands on its own.
 *  - [section] lines are parsed here, not by inih (its section buffer
 *    silently truncates at 49 characters and it has no new-section
 *    callback in this build), so an empty [rule NAME] still counts and
 *    text after the closing ']' other than a ';' comment is an error.
 *  - LF or CRLF line endings; a UTF-8 BOM at the start is skipped.
 *    Control characters other than tab (CR inside a line, NUL, ...) are
 *    rejected anywhere, so no value can inject a line into a reply.
 *  - Everything is case-sensitive: section names, keys, action words,
 *    method names.
 *
 * addresses (in [sl]): up to SL_MAX_ADDRESSES unicast IPv4/IPv6 addresses
 * (no port, no prefix; not 0.0.0.0/::, loopback, multicast, broadcast,
 * link-local or IPv4-mapped; each once), for which requests are answered
 * like for the interface's own (a VIP that lives on a loopback device or
 * another host of a cluster).  Empty: none.
 *
 * Match semantics stored for the data plane:
 *  - method: every distinct method name of the file's rules gets a
 *    number in file order (method_names[], dp.n_method_names, at most
 *    SL_METHOD_NAMES); a rule's method_mask has bit i set when method i
 *    matches, bit SL_METHOD_OTHER for methods no rule names.
 *    "method = A, B" sets A's and B's bits, "method = !A, B" every bit
 *    but those, "method = *" all 64.  The key may repeat: its lines make
 *    one list ('!' only at the start of the first).  The compile step
 *    places the names in dp.methods[] for the data plane's lookup.
 *  - from_user, from_domain, to_user: struct sl_match_str with prefix = 1
 *    when written with a trailing '*' (not stored); from_domain lower
 *    case.  ruri_user_prefix always has prefix = 1.  rules_need says
 *    which headers the data plane must read (User-Agent, From, To).
 *  - src: addr is stored already masked; a prefix with host bits set is
 *    an error, not silently masked.
 *  - A rule's port must be one of [sl] ports (it could never match
 *    otherwise).
 *  - header: Via, From, To, Call-ID, CSeq, Content-Length and their
 *    compact forms are refused (the responder writes those itself).
 *
 * Reply forwarding (Kamailio's sl_forward_reply), in s->dp.fwd:
 *
 *      [forward]
 *      via = 198.18.0.1:5060, [2001:2::1]:5060   ; our sent-by(s)
 *      [rewrite hide-480]
 *      code = 480              ; or a list "480, 486 487", or a class "4xx"
 *      reply = 404 Not Found
 *
 *  - [forward] at most once; via is required: a comma-separated list of
 *    up to SL_FWD_VIAS sent-by addresses (a dual-stack proxy has one per
 *    family), each IPv4[:port], [IPv6][:port] or a bare IPv6 address,
 *    port 5060 when not given.  IP literals only: the data plane compares
 *    the top Via's sent-by with them as addresses, so a host name is an
 *    error, and so is an IPv4-mapped IPv6 address or a repeated entry.
 *    Stored as enabled = 1, n_vias, vias[] (family 4/6, addr in network
 *    order with v4 in the first 4 bytes, port in host order).  Without
 *    [forward], fwd stays zero (off).
 *  - peers (required): up to SL_FWD_PEERS source prefixes (as a rule's
 *    src), the upstreams whose responses may be forwarded; a response
 *    from any other source passes to the stack.  Stored pre-masked in
 *    fwd.peers, n_peers.
 *  - allow_redirect = yes | no (default no): next hops out of another
 *    interface than the one the response came in on (bpf_redirect).
 *  - rate_limit = N[/s] (default SL_FWD_RATE_DEFAULT, 0 = unlimited) and
 *    burst = N (default SL_FWD_BURST_DEFAULT): forwarded responses per
 *    destination address (IPv6: /64); over it, dropped.  In
 *    fwd_rate_limit and fwd_burst; the image holds the GCRA terms.
 *  - [rewrite NAME], up to SL_MAX_REWRITES, names unique among the
 *    rewrites (the same characters as rule names), kept in
 *    rewrite_names[] for stats.  Rewrites are tried in file order; the
 *    first whose code matches wins.  A [rewrite] needs a [forward]
 *    section (anywhere in the file).  Both keys are required:
 *    code: up to SL_REWRITE_CODES codes 100..699, separated by commas
 *    and/or blanks (codes[], n_codes, class_digit = 0), or one class
 *    "Nxx", N 1..6 (class_digit = N, n_codes = 0);
 *    reply = CODE [REASON]: new_code holds the 3 ASCII digits, the
 *    reason is 1..SL_FWD_REASON_MAX printable ASCII bytes (reason_len,
 *    zero padded); without a reason the RFC 3261 one (sl_std_reason()).
 *    Every code (or the class) must be of the reply code's class (first
 *    digit), as sl_forward_reply cannot change the class: otherwise an
 *    error, at the line of whichever of code/reply comes second.
 *
 * Automatic bans (pike + an ipban table, include/sl_block.h), in
 * s->dp.ban:
 *
 *      [ban]
 *      rate = 100/s            ; datagrams per source (IPv6: /64)
 *      burst = 200             ; at once
 *      time = 300s             ; how long the ban lasts (ms, s, m, h, d)
 *      trusted = 198.18.0.0/24, 2001:2::/64   ; never banned or limited
 *
 *  - [ban] at most once; its presence sets ban.enabled (sources are
 *    counted for `sl-ctl top` even with rate = 0).
 *  - rate = N[/s] (default SL_BAN_RATE_DEFAULT, 0 = no bans) and
 *    burst = N (default SL_BAN_BURST_DEFAULT), in ban_rate/ban_burst;
 *    the image holds the GCRA terms.
 *  - time: 1 s .. 30 days (default SL_BAN_TIME_DEFAULT_NS).
 *  - trusted: up to SL_BAN_TRUSTED prefixes (as a rule's src),
 *    pre-masked: never banned, nor limited by [sl] rate_limit.
 *
 * The health gate, in s->backend, and the rules' `when`:
 *
 *      [backend]
 *      probe = udp:127.0.0.1:5060   ; required: udp:IPv4:PORT or udp:[IPv6]:PORT
 *      interval = 1s                ; 100ms .. 60s
 *      down_after = 3               ; missed answers in a row: down (1..100)
 *      up_after = 2                 ; answers in a row: up again (1..100)
 *      [rule ...]
 *      when = backend-up            ; or backend-down
 *
 *  - A rule's `when` sets its bit in dp.when_up or dp.when_down; it needs
 *    a [backend] section (an error at the `when` line otherwise).
 */
#ifndef SL_CONFIG_H
#define SL_CONFIG_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include "sl_xdp_shared.h"

#define SL_CONFIG_MAX_LINE	197		/* see above */
#define SL_CONFIG_MAX_FILE	(1u << 20)	/* bytes; sanity bound */
#define SL_WINDOW_SLOTS_MIN	1024u
#define SL_WINDOW_SLOTS_MAX	16777216u
#define SL_ACK_WINDOW_MAX_NS	60000000000ULL
/* Reflection safety by default: a normal peer (keep-alives, a PBX's
 * calls) never reaches 50 answers a second from one address, a spoofed
 * flood aimed at a victim does; rate_limit = 0 switches it off. */
#define SL_RATE_LIMIT_DEFAULT	50u		/* replies/s per source */
#define SL_BURST_DEFAULT	100u
/* Reply forwarding: a destination (a UAC, a downstream proxy) that gets
 * 2000 responses a second is a trunk of some 400 calls a second; one
 * that gets more from a spoofed peer is a victim. */
#define SL_FWD_RATE_DEFAULT	2000u		/* forwards/s per destination */
/* Bans: a scanner sends 100-150 requests a second; a busy PBX that is
 * not trusted should stay below 100/s with a 2 s burst. */
#define SL_BAN_RATE_DEFAULT	100u		/* datagrams/s per source */
#define SL_BAN_BURST_DEFAULT	200u
#define SL_BAN_TIME_DEFAULT_NS	300000000000ULL	/* 5 min, as ipban */
#define SL_BAN_TIME_MIN_NS	1000000000ULL
#define SL_BAN_TIME_MAX_NS	(30ULL * 86400000000000ULL)
/* The health gate: a probe a second, down after 3 missed, up after 2. */
#define SL_BACKEND_INTERVAL_DEFAULT_NS	1000000000ULL
#define SL_BACKEND_INTERVAL_MIN_NS	100000000ULL	/* 100 ms */
#define SL_BACKEND_INTERVAL_MAX_NS	60000000000ULL
#define SL_BACKEND_DOWN_AFTER_DEFAULT	3u
#define SL_BACKEND_UP_AFTER_DEFAULT	2u
#define SL_BACKEND_AFTER_MAX		100u
#define SL_FWD_BURST_DEFAULT	4000u

/* Limits of the responder's [sl] keys (keys_responder.c). */
#define SL_RING_SIZE_MIN	64u
#define SL_RING_SIZE_MAX	65536u
#define SL_UMEM_FRAMES_MIN	8u
#define SL_SPIN_US_MAX		10000u
#define SL_MAX_CPU_LIST		SL_MAX_SOCKETS	/* entries of cpus = */
#define SL_CPU_ID_MAX		1023u		/* CPU_SETSIZE - 1 */

/*
 * How the responder runs its sockets and threads ([sl] keys; the data
 * plane only needs sockets_per_queue, kept in dp.xsk_per_queue).  Zero
 * means the default for each.
 *
 *   sockets_per_queue = N   1..SL_MAX_SOCKETS_PER_QUEUE, default 1:
 *                           N AF_XDP sockets and threads per RX queue,
 *                           sharing its UMEM; XDP picks one by a hash of
 *                           the Call-ID.  queues x N <= SL_MAX_SOCKETS
 *                           (checked at attach, where the queues are
 *                           known).
 *   cpus = auto | none | LIST   LIST: CPU numbers and ranges ("2-9,12"),
 *                           at most SL_MAX_CPU_LIST, each at most
 *                           SL_CPU_ID_MAX, none twice; thread i (socket
 *                           queue * N + k) runs on the i-th CPU of the
 *                           list, round robin.  auto (default): each
 *                           queue's thread on the CPU of that queue's
 *                           interrupt where /proc/interrupts names it and
 *                           N = 1, else not pinned.  none: not pinned.
 *   spin_us = US            0..SL_SPIN_US_MAX, default 0: an idle thread
 *                           looks for requests this long before it
 *                           sleeps in poll().
 *   busy_poll = on | off    default off: SO_PREFER_BUSY_POLL, SO_BUSY_POLL,
 *                           SO_BUSY_POLL_BUDGET on every socket, and the
 *                           idle loop polls the device (for NICs in
 *                           zero-copy mode; see README).
 *   ring_size = N           entries of each AF_XDP ring, a power of two
 *                           SL_RING_SIZE_MIN..SL_RING_SIZE_MAX, default 2048.
 *   umem_frames = N         4 KiB frames of a queue's UMEM, a power of two
 *                           from SL_UMEM_FRAMES_MIN to 4 x ring_size,
 *                           default 2 x ring_size.
 * The environment variables SL_XDP_RING_SIZE and SL_XDP_UMEM_FRAMES,
 * when set, override ring_size and umem_frames (tests, systemd drop-ins).
 */
enum sl_cpus_mode { SL_CPUS_AUTO = 0, SL_CPUS_NONE, SL_CPUS_LIST };

struct sl_responder_settings {
	__u32 ring_size;
	__u32 umem_frames;
	__u32 spin_us;
	bool busy_poll;
	__u8 cpus_mode;		/* enum sl_cpus_mode */
	__u16 n_cpus;		/* SL_CPUS_LIST: entries of cpus[] */
	__u16 cpus[SL_MAX_CPU_LIST];
};

/* [hep]: HEP3 copies to Homer (sl-ctl(8), user/run/hep_mirror.c). */
#define SL_HEP_DEFAULT_PORT	9060
struct sl_hep_settings {
	bool enabled;		/* a [hep] section exists (then dest is required) */
	int family;		/* AF_INET or AF_INET6 */
	__u8 addr[16];		/* network order */
	__u16 port;		/* host order */
	char dest[64];		/* as written, for messages */
	__u32 capture_id;	/* default 1, as Kamailio's hep_capture_id */
	char auth_key[65];	/* "" = no auth key chunk */
	__u32 sample;		/* 0..SL_HEP_SAMPLE_ALL hundredths of a percent */
};

/* [backend]: the health gate's probe (include/sl_backend.h). */
struct sl_backend_settings {
	bool probe_set;
	int family;             /* AF_INET or AF_INET6 */
	__u8 addr[16];          /* network order */
	__u16 port;
	char probe[80];         /* as written */
	__u64 interval_ns;      /* default SL_BACKEND_INTERVAL_DEFAULT_NS */
	__u32 down_after;       /* missed answers in a row: down */
	__u32 up_after;         /* answers in a row: up again */
};

struct sl_rule_reply {          /* userspace-only part of a rule, same index as dp rule */
	char name[64];
	unsigned line;          /* line of the [rule NAME] section header */
	__u16 code;
	char reason[128];
	char headers[1024];     /* each extra header line + "\r\n", concatenated, in file order */
	size_t headers_len;
};

struct sl_rewrite_name {        /* userspace-only part of a rewrite, same index as dp.fwd.rewrites */
	char name[64];
	unsigned line;          /* line of the [rewrite NAME] section header */
};

struct sl_settings {
	struct sl_config dp;    /* ports, n_ports, default_action, ack_window_ns, n_rules, rules_need, n_method_names, window_mask, fwd; signature/has_signature and methods[] left zero (sl_image_compile fills them) */
	struct sl_rule rules[SL_MAX_RULES];
	struct sl_method_slot method_names[SL_METHOD_NAMES]; /* method number i: [i], id = i */
	struct sl_rule_reply replies[SL_MAX_RULES];
	struct sl_rewrite_name rewrite_names[SL_MAX_REWRITES];
	__u16 default_code;     /* 500 */
	char default_reason[128]; /* "Internal Server Error" */
	char server_header[256];  /* whole line without CRLF, default "Server: sl-xdp"; "" = none */
	char tag_seed[128];     /* default "KAMAILIO-stateless" */
	char tag_addr_ip[64];   /* IP text as written, IPv6 without brackets */
	char tag_addr_port[8];  /* decimal text; if tag_addr had no port: the first configured port */
	bool tag_addr_set;      /* false: caller uses the interface's first IPv4 address + first port */
	__u32 rate_limit;       /* replies/s per source (IPv6: per /64), default SL_RATE_LIMIT_DEFAULT, 0 = unlimited */
	__u32 burst;            /* default SL_BURST_DEFAULT; 0 counts as 1 */
	__u32 window_slots;     /* reply-window store size, power of two, default SL_WINDOW_SLOTS_DEFAULT */
	char metrics_listen[64]; /* [metrics] listen = ADDR:PORT as written, "" = off */
	struct sl_responder_settings resp;
	struct sl_addr_list addresses; /* [sl] addresses: more local addresses (VIPs), default none */
	__u32 fwd_rate_limit;   /* [forward] rate_limit: forwards/s per destination (IPv6: /64), default SL_FWD_RATE_DEFAULT, 0 = unlimited */
	__u32 fwd_burst;        /* [forward] burst, default SL_FWD_BURST_DEFAULT */
	struct sl_hep_settings hep;
	__u32 ban_rate;         /* [ban] rate: datagrams/s per source (IPv6: /64), default SL_BAN_RATE_DEFAULT, 0 = no bans */
	__u32 ban_burst;        /* [ban] burst, default SL_BAN_BURST_DEFAULT */
	struct sl_backend_settings backend; /* [backend]; probe_set false = none */
};

/* Defaults of DESIGN.md section 5: port 5060, no rules, default_action
 * pass, 2 s ack_window, 500 Internal Server Error, "Server: sl-xdp",
 * rate_limit 50/s with a burst of 100 per source. */
void sl_settings_defaults(struct sl_settings *s);

/*
 * Both loaders start from sl_settings_defaults().  The first error is
 * reported and parsing stops.  On error *s is zeroed (window_slots == 0
 * marks it): the caller must not apply it.  err may be NULL.
 */
/* 0 on success; -1 with err = "FILE:LINE: what is wrong" (or "FILE: cannot open: strerror") */
int sl_settings_load_file(const char *path, struct sl_settings *s, char *err, size_t errlen);
/* Same for text in memory; name stands for FILE in messages. */
int sl_settings_load_string(const char *text, const char *name, struct sl_settings *s, char *err, size_t errlen);

const char *sl_action_name(__u8 action);   /* "pass" "drop" "reply" */

/* A whole number of ms, s (or no unit), m, h or d: "300s", "5m", "500ms";
 * false if text is not one or overflows. */
bool sl_parse_duration(const char *text, __u64 *ns);

/* The number the rules of s gave method name (case-sensitive), or
 * SL_METHOD_OTHER when no rule names it. */
unsigned sl_method_number(const struct sl_settings *s, const char *name);

/* Does method name match rule r of s? */
static inline bool sl_rule_takes_method(const struct sl_settings *s,
					const struct sl_rule *r,
					const char *name)
{
	return !(r->keys & SL_KEY_METHOD) ||
	       ((r->method_mask >> sl_method_number(s, name)) & 1);
}

#endif /* SL_CONFIG_H */
