/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the configuration reader (reader.c) and the key tables
 * (keys_sl.c, keys_rule.c, keys_forward.c) share: the parse state, the
 * shape of a key table, and the value parsers of values.c.  Internal to
 * user/conf/.
 */
#ifndef SL_CONF_PARSE_H
#define SL_CONF_PARSE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "conf/config.h"

enum sect {
	SECT_NONE,
	SECT_SL,
	SECT_RULE,
	SECT_FORWARD,
	SECT_REWRITE,
	SECT_METRICS,
	SECT_HEP,
	SECT_BAN,
	SECT_BACKEND,
	SECT_N,
};

enum sl_key_idx {
	K_PORTS,
	K_DEFAULT_CODE,
	K_DEFAULT_REASON,
	K_SERVER_HEADER,
	K_TAG_SEED,
	K_TAG_ADDR,
	K_ACK_WINDOW,
	K_DEFAULT_ACTION,
	K_RATE_LIMIT,
	K_BURST,
	K_WINDOW_SLOTS,
	K_SOCKETS_PER_QUEUE,
	K_CPUS,
	K_SPIN_US,
	K_BUSY_POLL,
	K_RING_SIZE,
	K_UMEM_FRAMES,
	K_ADDRESSES,
	K_SL_N,
};

enum rule_key_idx {
	R_METHOD,
	R_SRC,
	R_PORT,
	R_RURI_USER,
	R_USER_AGENT,
	R_FROM_USER,
	R_FROM_DOMAIN,
	R_TO_USER,
	R_REPLY,
	R_HEADER,
	R_ACTION,
	R_WHEN,
	R_N,
};

enum fwd_key_idx {
	F_VIA,
	F_PEERS,
	F_ALLOW_REDIRECT,
	F_RATE_LIMIT,
	F_BURST,
	F_N,
};

enum hep_key_idx {
	H_DEST,
	H_CAPTURE_ID,
	H_AUTH_KEY,
	H_SAMPLE,
	H_N,
};

enum metrics_key_idx {
	M_LISTEN,
	M_N,
};

enum ban_key_idx {
	B_RATE,
	B_BURST,
	B_TIME,
	B_TRUSTED,
	B_N,
};

enum backend_key_idx {
	BE_PROBE,
	BE_INTERVAL,
	BE_DOWN_AFTER,
	BE_UP_AFTER,
	BE_N,
};

enum rewrite_key_idx {
	W_CODE,
	W_REPLY,
	W_N,
};

struct parse_ctx {
	struct sl_settings *s;
	const char *name;		/* file name for messages */
	const char *text;
	size_t len;
	size_t pos;
	unsigned lineno;		/* line inih is working on */
	char *err;
	size_t errlen;
	bool failed;
	enum sect sect;
	int rule;			/* index of the current [rule] */
	int rewrite;			/* index of the current [rewrite] */
	unsigned sect_line[SECT_N];	/* line of a section a file has once
					 * ([sl], [forward], [metrics], [hep],
					 * [ban], [backend]), 0 = not seen */
	bool tag_addr_has_port;
	/* Line where each key was first given, 0 = not given. */
	unsigned sl_seen[K_SL_N];
	unsigned rule_seen[SL_MAX_RULES][R_N];
	unsigned fwd_seen[F_N];
	unsigned metrics_seen[M_N];
	unsigned hep_seen[H_N];
	unsigned ban_seen[B_N];
	unsigned backend_seen[BE_N];
	unsigned rewrite_seen[SL_MAX_REWRITES][W_N];
	/* method lines of each rule so far (keys_rule.c) */
	__u64 method_bits[SL_MAX_RULES];	/* bit per method number */
	__u8 method_form[SL_MAX_RULES];		/* enum method_form */
};

enum method_form {
	METHOD_NONE,
	METHOD_LIST,		/* method = A, B */
	METHOD_NOT,		/* method = !A, B */
	METHOD_ANY,		/* method = * */
};

struct key_def {
	const char *name;
	int (*parse)(struct parse_ctx *c, const char *key, const char *val);
	bool may_be_empty;
};

/* The responder's [sl] keys (keys_responder.c), in conf_sl_keys. */
int conf_sl_sockets_per_queue(struct parse_ctx *c, const char *key,
			      const char *val);
int conf_sl_cpus(struct parse_ctx *c, const char *key, const char *val);
int conf_sl_spin_us(struct parse_ctx *c, const char *key, const char *val);
int conf_sl_busy_poll(struct parse_ctx *c, const char *key, const char *val);
int conf_sl_ring_size(struct parse_ctx *c, const char *key, const char *val);
int conf_sl_umem_frames(struct parse_ctx *c, const char *key,
			const char *val);
/* What needs two of them (umem_frames against ring_size), at the end. */
int conf_sl_responder_finish(struct parse_ctx *c);

/* The key tables, indexed by the enums above. */
extern const struct key_def conf_sl_keys[K_SL_N];
extern const struct key_def conf_rule_keys[R_N];
extern const struct key_def conf_fwd_keys[F_N];
extern const struct key_def conf_rewrite_keys[W_N];
extern const struct key_def conf_metrics_keys[M_N];
extern const struct key_def conf_hep_keys[H_N];
extern const struct key_def conf_ban_keys[B_N];
extern const struct key_def conf_backend_keys[BE_N];

/* ---- errors: "FILE:LINE: what", the first one only ---- */
__attribute__((format(printf, 3, 0)))
int conf_vfail_at(struct parse_ctx *c, unsigned line, const char *fmt,
		  va_list ap);
__attribute__((format(printf, 3, 4)))
int conf_fail_at(struct parse_ctx *c, unsigned line, const char *fmt, ...);
/* at the line being parsed */
__attribute__((format(printf, 2, 3)))
int conf_fail(struct parse_ctx *c, const char *fmt, ...);

/* ---- lexical helpers (ASCII only: no locale surprises) ---- */
bool conf_is_blank(char ch);
bool conf_is_digit(char ch);
bool conf_is_alnum(char ch);
bool conf_is_token_char(char ch);	/* RFC 3261 token */
char conf_ascii_lower(char ch);
bool conf_ascii_ieq(const char *a, size_t alen, const char *b);

/* ---- values ---- */
/* Decimal digits only (no sign, no blanks), value <= max. */
bool conf_parse_num(const char *p, size_t len, unsigned long long max,
		    unsigned long long *out);
/* Next comma-separated item of *p, trimmed; false when done. */
bool conf_next_item(const char **p, const char **item, size_t *len);
/* Copy a whole value; too long is an error, never a silent cut. */
int conf_copy_value(struct parse_ctx *c, const char *key, char *dst,
		    size_t size, const char *val);
/* "100".."699", exactly three digits. */
bool conf_parse_code(const char *p, size_t len, __u16 *code);
int conf_parse_action(struct parse_ctx *c, const char *key, const char *val,
		      __u8 *action);
int conf_parse_port_list(struct parse_ctx *c, const char *key,
			 const char *val, __u16 *ports, __u8 *n_ports);
/* "Name: value" that the responder does not write itself. */
int conf_check_header(struct parse_ctx *c, const char *key, const char *val);

struct conf_addr_port {
	int family;			/* AF_INET or AF_INET6 */
	unsigned char bin[16];		/* network order */
	char ip[64];			/* as written, IPv6 without brackets */
	__u16 port;			/* 0 = none given */
};
/* IPv4[:port], [IPv6][:port] or a bare IPv6 address (tag_addr, via).
 * name_hint: a host name gets its own message (via must be a literal). */
int conf_parse_addr_port(struct parse_ctx *c, const char *key,
			 const char *val, bool name_hint,
			 struct conf_addr_port *ap);
/* "a/len" or a bare address (a host prefix); host bits set: an error. */
int conf_parse_prefix(struct parse_ctx *c, const char *key, const char *it,
		      size_t len, struct sl_prefix *pfx);
/* A comma list of 1..max prefixes, none twice, into out[0..*n). */
int conf_parse_prefix_list(struct parse_ctx *c, const char *key,
			   const char *val, struct sl_prefix *out,
			   unsigned int max, __u8 *n);
/* "N" or "N/s", N up to 2^32 - 1 (rate_limit keys). */
int conf_parse_rate(struct parse_ctx *c, const char *key, const char *val,
		    __u32 *out);
/* A number 0..2^32 - 1 (burst keys). */
int conf_parse_u32(struct parse_ctx *c, const char *key, const char *val,
		   __u32 *out);
/* sl_parse_duration() within min..max ns (range: the same in words). */
int conf_parse_duration(struct parse_ctx *c, const char *key, const char *val,
			__u64 min, __u64 max, const char *range, __u64 *out);
/* yes or no. */
int conf_parse_bool(struct parse_ctx *c, const char *key, const char *val,
		    __u8 *out);
int conf_set_match_str(struct parse_ctx *c, const char *key,
		       const char *val, struct sl_match_str *m, bool lower);
/* "CODE [REASON]" of a reply key (rules and rewrites).  *reason points
 * into val, or to the RFC 3261 phrase when val has none. */
int conf_parse_reply(struct parse_ctx *c, const char *key, const char *val,
		     __u16 *code, const char **reason);

#endif /* SL_CONF_PARSE_H */
