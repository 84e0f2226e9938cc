// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Configuration parser (DESIGN.md section 5).
 *
 * libinih splits "key = value" lines and strips inline comments.  The
 * reader callback below feeds it one physical line at a time, which is
 * how we know line numbers (Debian's build has no lineno in the handler)
 * and where sections, over-long lines, control characters and indented
 * "continuation" lines are dealt with; see config.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ini.h>

#include "conf/config.h"
#include "sip/reasons.h"

enum sect {
	SECT_NONE,
	SECT_SL,
	SECT_RULE,
	SECT_FORWARD,
	SECT_REWRITE,
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
	K_SL_N,
};

enum rule_key_idx {
	R_METHOD,
	R_SRC,
	R_PORT,
	R_RURI_USER,
	R_USER_AGENT,
	R_REPLY,
	R_HEADER,
	R_ACTION,
	R_N,
};

enum fwd_key_idx {
	F_VIA,
	F_N,
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
	unsigned sl_line;		/* line of [sl], 0 = not seen */
	unsigned fwd_line;		/* line of [forward], 0 = not seen */
	bool tag_addr_has_port;
	/* Line where each key was first given, 0 = not given. */
	unsigned sl_seen[K_SL_N];
	unsigned rule_seen[SL_MAX_RULES][R_N];
	unsigned fwd_seen[F_N];
	unsigned rewrite_seen[SL_MAX_REWRITES][W_N];
};

struct key_def {
	const char *name;
	int (*parse)(struct parse_ctx *c, const char *key, const char *val);
	bool may_be_empty;
};

/* Headers the responder writes itself; a second copy would break the
 * reply (two Content-Length, a forged Via, ...). */
static const char *const reserved_headers[] = {
	"Via", "v", "From", "f", "To", "t", "Call-ID", "i", "CSeq",
	"Content-Length", "l",
};

const char *sl_action_name(__u8 action)
{
	switch (action) {
	case SL_ACTION_PASS:
		return "pass";
	case SL_ACTION_DROP:
		return "drop";
	case SL_ACTION_REPLY:
		return "reply";
	}
	return "unknown";
}

void sl_settings_defaults(struct sl_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->dp.ports[0] = SL_DEFAULT_PORT;
	s->dp.n_ports = 1;
	s->dp.default_action = SL_ACTION_PASS;
	s->dp.ack_window_ns = SL_DEFAULT_ACK_WINDOW_NS;
	s->window_slots = SL_WINDOW_SLOTS_DEFAULT;
	s->dp.window_mask = SL_WINDOW_SLOTS_DEFAULT - 1;
	s->default_code = 500;
	strcpy(s->default_reason, "Internal Server Error");
	strcpy(s->server_header, "Server: sl-xdp");
	strcpy(s->tag_seed, "KAMAILIO-stateless");
}

/* ---- errors ---- */

__attribute__((format(printf, 3, 0)))
static int vfail_at(struct parse_ctx *c, unsigned line, const char *fmt,
		    va_list ap)
{
	int n;

	/* Only the first error is worth reading; the rest are fallout. */
	if (c->failed)
		return -1;
	c->failed = true;
	if (!c->err || !c->errlen)
		return -1;
	n = snprintf(c->err, c->errlen, "%s:%u: ", c->name, line);
	if (n >= 0 && (size_t)n < c->errlen)
		vsnprintf(c->err + n, c->errlen - n, fmt, ap);
	return -1;
}

__attribute__((format(printf, 3, 4)))
static int fail_at(struct parse_ctx *c, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_at(c, line, fmt, ap);
	va_end(ap);
	return -1;
}

__attribute__((format(printf, 2, 3)))
static int fail(struct parse_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_at(c, c->lineno, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- small lexical helpers (ASCII only: no locale surprises) ---- */

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_alnum(char ch)
{
	return is_digit(ch) || (ch >= 'a' && ch <= 'z') ||
	       (ch >= 'A' && ch <= 'Z');
}

/* RFC 3261 token: method and header names. */
static bool is_token_char(char ch)
{
	return is_alnum(ch) || (ch && strchr("-.!%*_+`'~", ch));
}

static char ascii_lower(char ch)
{
	return (ch >= 'A' && ch <= 'Z') ? ch - 'A' + 'a' : ch;
}

static bool ascii_ieq(const char *a, size_t alen, const char *b)
{
	size_t i;

	if (strlen(b) != alen)
		return false;
	for (i = 0; i < alen; i++)
		if (ascii_lower(a[i]) != ascii_lower(b[i]))
			return false;
	return true;
}

/* Decimal digits only (no sign, no blanks), value <= max. */
static bool parse_num(const char *p, size_t len, unsigned long long max,
		      unsigned long long *out)
{
	unsigned long long v = 0;
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++) {
		if (!is_digit(p[i]))
			return false;
		v = v * 10 + (p[i] - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

/* Next comma-separated item of *p, trimmed; false when done. */
static bool next_item(const char **p, const char **item, size_t *len)
{
	const char *s = *p, *e;

	if (!s)
		return false;
	e = strchr(s, ',');
	*p = e ? e + 1 : NULL;
	if (!e)
		e = s + strlen(s);
	while (s < e && is_blank(*s))
		s++;
	while (e > s && is_blank(e[-1]))
		e--;
	*item = s;
	*len = e - s;
	return true;
}

/* Copy a whole value; too long is an error, never a silent cut. */
static int copy_value(struct parse_ctx *c, const char *key, char *dst,
		      size_t size, const char *val)
{
	size_t len = strlen(val);

	if (len >= size)
		return fail(c, "%s: value is too long (%zu characters, at most %zu)",
			    key, len, size - 1);
	memcpy(dst, val, len + 1);
	return 0;
}

/* "100".."699", exactly three digits. */
static bool parse_code(const char *p, size_t len, __u16 *code)
{
	unsigned long long v;

	if (len != 3 || !parse_num(p, len, 699, &v) || v < 100)
		return false;
	*code = v;
	return true;
}

static int parse_action(struct parse_ctx *c, const char *key, const char *val,
			__u8 *action)
{
	if (!strcmp(val, "pass"))
		*action = SL_ACTION_PASS;
	else if (!strcmp(val, "drop"))
		*action = SL_ACTION_DROP;
	else if (!strcmp(val, "reply"))
		*action = SL_ACTION_REPLY;
	else
		return fail(c, "%s: '%s' is not an action (pass, drop or reply)",
			    key, val);
	return 0;
}

static int parse_port_list(struct parse_ctx *c, const char *key,
			   const char *val, __u16 *ports, __u8 *n_ports)
{
	__u16 tmp[SL_MAX_PORTS];
	const char *p = val, *it;
	unsigned long long v;
	unsigned n = 0, i;
	size_t len;

	while (next_item(&p, &it, &len)) {
		if (!len)
			return fail(c, "%s: empty item in the list", key);
		if (!parse_num(it, len, 65535, &v) || !v)
			return fail(c, "%s: '%.*s' is not a port number (1..65535)",
				    key, (int)len, it);
		for (i = 0; i < n; i++)
			if (tmp[i] == v)
				return fail(c, "%s: port %llu is listed twice",
					    key, v);
		if (n == SL_MAX_PORTS)
			return fail(c, "%s: more than %d ports", key,
				    SL_MAX_PORTS);
		tmp[n++] = v;
	}
	memset(ports, 0, SL_MAX_PORTS * sizeof(*ports));
	memcpy(ports, tmp, n * sizeof(*ports));
	*n_ports = n;
	return 0;
}

/* "Name: value" (SIP allows blanks before the colon). */
static int check_header(struct parse_ctx *c, const char *key, const char *val)
{
	const char *p = val;
	size_t n = 0, i;

	while (is_token_char(p[n]))
		n++;
	if (!n)
		return fail(c, "%s: '%s' does not start with a header name (expected 'Name: value')",
			    key, val);
	p += n;
	while (is_blank(*p))
		p++;
	if (*p != ':')
		return fail(c, "%s: '%s' is not a header line (expected 'Name: value')",
			    key, val);
	for (i = 0; i < sizeof(reserved_headers) / sizeof(reserved_headers[0]); i++)
		if (ascii_ieq(val, n, reserved_headers[i]))
			return fail(c, "%s: the responder writes %.*s itself; it cannot be added here",
				    key, (int)n, val);
	return 0;
}

/* ---- [sl] keys ---- */

static int sl_ports(struct parse_ctx *c, const char *key, const char *val)
{
	return parse_port_list(c, key, val, c->s->dp.ports, &c->s->dp.n_ports);
}

static int sl_default_code(struct parse_ctx *c, const char *key,
			   const char *val)
{
	if (!parse_code(val, strlen(val), &c->s->default_code))
		return fail(c, "%s: '%s' is not a status code (three digits, 100..699)",
			    key, val);
	return 0;
}

static int sl_default_reason(struct parse_ctx *c, const char *key,
			     const char *val)
{
	return copy_value(c, key, c->s->default_reason,
			  sizeof(c->s->default_reason), val);
}

static int sl_server_header(struct parse_ctx *c, const char *key,
			    const char *val)
{
	if (*val && check_header(c, key, val))
		return -1;
	return copy_value(c, key, c->s->server_header,
			  sizeof(c->s->server_header), val);
}

static int sl_tag_seed(struct parse_ctx *c, const char *key, const char *val)
{
	return copy_value(c, key, c->s->tag_seed, sizeof(c->s->tag_seed), val);
}

/* An RFC 3261 host name: labels of letters, digits and '-', the last one
 * starting with a letter ("1.2.3.400" is a bad address, not a name). */
static bool is_host_name(const char *p)
{
	const char *top = p, *q;

	for (q = p; *q; q++) {
		if (*q == '.' && q[1])
			top = q + 1;
		else if (*q != '.' && !is_alnum(*q) && *q != '-')
			return false;
	}
	return (*top >= 'a' && *top <= 'z') || (*top >= 'A' && *top <= 'Z');
}

struct addr_port {
	int family;			/* AF_INET or AF_INET6 */
	unsigned char bin[16];		/* network order */
	char ip[64];			/* as written, IPv6 without brackets */
	__u16 port;			/* 0 = none given */
};

/*
 * IPv4[:port], [IPv6][:port] or a bare IPv6 address (tag_addr, via).
 * name_hint: a host name gets its own message (via must be a literal).
 */
static int parse_addr_port(struct parse_ctx *c, const char *key,
			   const char *val, bool name_hint,
			   struct addr_port *ap)
{
	const char *ip = val, *ip_end, *port = NULL, *colon;
	unsigned long long v;
	size_t len;
	int family;

	memset(ap, 0, sizeof(*ap));
	if (*val == '[') {
		ip = val + 1;
		ip_end = strchr(ip, ']');
		if (!ip_end)
			return fail(c, "%s: '%s' has no closing ']'", key, val);
		if (ip_end[1] == ':')
			port = ip_end + 2;
		else if (ip_end[1])
			return fail(c, "%s: unexpected '%s' after ']' (expected ':PORT')",
				    key, ip_end + 1);
		family = AF_INET6;
	} else if ((colon = strchr(val, ':')) && strchr(colon + 1, ':')) {
		/* Two or more colons: a bare IPv6 address, no port. */
		ip_end = val + strlen(val);
		family = AF_INET6;
	} else if (colon) {
		ip_end = colon;
		port = colon + 1;
		family = AF_INET;
	} else {
		ip_end = val + strlen(val);
		family = AF_INET;
	}

	len = ip_end - ip;
	if (len >= sizeof(ap->ip))
		return fail(c, "%s: '%s' is not an IP address", key, val);
	memcpy(ap->ip, ip, len);
	ap->ip[len] = '\0';
	if (inet_pton(family, ap->ip, ap->bin) != 1) {
		if (name_hint && family == AF_INET && is_host_name(ap->ip))
			return fail(c, "%s: '%s' is a host name; write an IP address (the data plane compares addresses and cannot resolve names)",
				    key, ap->ip);
		return fail(c, "%s: '%s' is not an %s address", key, ap->ip,
			    family == AF_INET ? "IPv4" : "IPv6");
	}
	ap->family = family;
	if (port) {
		if (!parse_num(port, strlen(port), 65535, &v) || !v)
			return fail(c, "%s: '%s' is not a port number (1..65535)",
				    key, port);
		ap->port = v;
	}
	return 0;
}

static int sl_tag_addr(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_settings *s = c->s;
	struct addr_port ap;

	_Static_assert(sizeof(ap.ip) == sizeof(s->tag_addr_ip), "tag_addr_ip");
	if (parse_addr_port(c, key, val, false, &ap))
		return -1;
	memcpy(s->tag_addr_ip, ap.ip, sizeof(s->tag_addr_ip));
	c->tag_addr_has_port = ap.port != 0;
	/* Canonical text: it goes into the MD5 of the to-tag. */
	if (ap.port)
		snprintf(s->tag_addr_port, sizeof(s->tag_addr_port), "%u",
			 ap.port);
	s->tag_addr_set = true;
	return 0;
}

/* 2s, 500ms, 1.5s, or a bare number of seconds; exact to the ns. */
static int sl_ack_window(struct parse_ctx *c, const char *key, const char *val)
{
	unsigned long long ip = 0, frac = 0, unit = 1, div = 1, ns;
	unsigned nint = 0, nfrac = 0, max_frac = 0;
	const char *p = val;

	for (; is_digit(*p); p++, nint++)
		if (ip <= 1000000)	/* beyond that it is out of range anyway */
			ip = ip * 10 + (*p - '0');
	if (*p == '.') {
		for (p++; is_digit(*p); p++, nfrac++) {
			if (nfrac < 9) {
				frac = frac * 10 + (*p - '0');
				div *= 10;
			}
		}
		if (!nfrac)
			nint = 0;	/* "1." is not a number */
	}
	while (is_blank(*p))
		p++;
	if (!strcmp(p, "") || !strcmp(p, "s")) {
		unit = 1000000000ULL;
		max_frac = 9;
	} else if (!strcmp(p, "ms")) {
		unit = 1000000ULL;
		max_frac = 6;
	} else {
		nint = 0;
	}
	if (!nint)
		return fail(c, "%s: '%s' is not a duration (e.g. 2s, 500ms, 1.5s)",
			    key, val);
	if (nfrac > max_frac)
		return fail(c, "%s: '%s' has more decimals than 1 ns resolution allows",
			    key, val);
	if (ip > 1000000)
		return fail(c, "%s: %s is out of range (more than 0, at most 60s)",
			    key, val);
	ns = ip * unit + frac * (unit / div);
	if (!ns || ns > SL_ACK_WINDOW_MAX_NS)
		return fail(c, "%s: %s is out of range (more than 0, at most 60s)",
			    key, val);
	c->s->dp.ack_window_ns = ns;
	return 0;
}

static int sl_default_action(struct parse_ctx *c, const char *key,
			     const char *val)
{
	return parse_action(c, key, val, &c->s->dp.default_action);
}

static int sl_rate_limit(struct parse_ctx *c, const char *key, const char *val)
{
	const char *slash = strchr(val, '/'), *unit = "s";
	size_t len = slash ? (size_t)(slash - val) : strlen(val);
	unsigned long long v;

	if (slash) {
		while (len && is_blank(val[len - 1]))
			len--;
		for (unit = slash + 1; is_blank(*unit); unit++)
			;
	}
	if (!parse_num(val, len, 0xffffffffULL, &v) || strcmp(unit, "s"))
		return fail(c, "%s: '%s' is not a rate (N or N/s, N up to 4294967295)",
			    key, val);
	c->s->rate_limit = v;
	return 0;
}

static int sl_burst(struct parse_ctx *c, const char *key, const char *val)
{
	unsigned long long v;

	if (!parse_num(val, strlen(val), 0xffffffffULL, &v))
		return fail(c, "%s: '%s' is not a number (0..4294967295)",
			    key, val);
	c->s->burst = v;
	return 0;
}

static int sl_window_slots(struct parse_ctx *c, const char *key,
			   const char *val)
{
	unsigned long long v;

	if (!parse_num(val, strlen(val), 0xffffffffULL, &v) ||
	    v < SL_WINDOW_SLOTS_MIN || v > SL_WINDOW_SLOTS_MAX || (v & (v - 1)))
		return fail(c, "%s: '%s' is not a power of two in %u..%u",
			    key, val, SL_WINDOW_SLOTS_MIN, SL_WINDOW_SLOTS_MAX);
	c->s->window_slots = v;
	return 0;
}

static const struct key_def sl_keys[K_SL_N] = {
	[K_PORTS]		= { "ports", sl_ports, false },
	[K_DEFAULT_CODE]	= { "default_code", sl_default_code, false },
	[K_DEFAULT_REASON]	= { "default_reason", sl_default_reason, false },
	[K_SERVER_HEADER]	= { "server_header", sl_server_header, true },
	[K_TAG_SEED]		= { "tag_seed", sl_tag_seed, false },
	[K_TAG_ADDR]		= { "tag_addr", sl_tag_addr, false },
	[K_ACK_WINDOW]		= { "ack_window", sl_ack_window, false },
	[K_DEFAULT_ACTION]	= { "default_action", sl_default_action, false },
	[K_RATE_LIMIT]		= { "rate_limit", sl_rate_limit, false },
	[K_BURST]		= { "burst", sl_burst, false },
	[K_WINDOW_SLOTS]	= { "window_slots", sl_window_slots, false },
};

/* ---- [rule NAME] keys ---- */

static struct sl_rule *cur_rule(struct parse_ctx *c)
{
	return &c->s->rules[c->rule];
}

static struct sl_rule_reply *cur_reply(struct parse_ctx *c)
{
	return &c->s->replies[c->rule];
}

static int rule_method(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_rule *r = cur_rule(c);
	const char *p = val, *it;
	unsigned n = 0, i;
	size_t len, j;

	if (!strcmp(val, "*")) {
		r->method_any = 1;
		r->keys |= SL_KEY_METHOD;
		return 0;
	}
	while (next_item(&p, &it, &len)) {
		if (!len)
			return fail(c, "%s: empty item in the list", key);
		if (len == 1 && *it == '*')
			return fail(c, "%s: '*' (any method) cannot be combined with method names",
				    key);
		for (j = 0; j < len; j++)
			if (!is_token_char(it[j]))
				return fail(c, "%s: '%.*s' is not a method name (RFC 3261 token characters only)",
					    key, (int)len, it);
		if (len > SL_METHOD_MAX_LEN)
			return fail(c, "%s: '%.*s' is longer than %d bytes",
				    key, (int)len, it, SL_METHOD_MAX_LEN);
		for (i = 0; i < n; i++)
			if (r->methods[i].len == len &&
			    !memcmp(r->methods[i].name, it, len))
				return fail(c, "%s: %.*s is listed twice",
					    key, (int)len, it);
		if (n == SL_MAX_METHODS)
			return fail(c, "%s: more than %d methods", key,
				    SL_MAX_METHODS);
		memset(&r->methods[n], 0, sizeof(r->methods[n]));
		r->methods[n].len = len;
		memcpy(r->methods[n].name, it, len);
		n++;
	}
	r->n_methods = n;
	r->keys |= SL_KEY_METHOD;
	return 0;
}

static int parse_prefix(struct parse_ctx *c, const char *key, const char *it,
			size_t len, struct sl_prefix *pfx)
{
	char buf[64], shown[INET6_ADDRSTRLEN];
	unsigned char masked[16] = { 0 };
	unsigned long long plen;
	unsigned alen, i, bits;
	const char *slash;
	bool host_bits = false;
	size_t alen_txt;

	if (len >= sizeof(buf))
		return fail(c, "%s: '%.*s' is not an IPv4/IPv6 address or prefix",
			    key, (int)len, it);
	slash = memchr(it, '/', len);
	alen_txt = slash ? (size_t)(slash - it) : len;
	memcpy(buf, it, alen_txt);
	buf[alen_txt] = '\0';

	memset(pfx, 0, sizeof(*pfx));
	if (memchr(buf, ':', alen_txt)) {
		pfx->family = 6;
		alen = 16;
	} else {
		pfx->family = 4;
		alen = 4;
	}
	if (inet_pton(pfx->family == 4 ? AF_INET : AF_INET6, buf, pfx->addr) != 1)
		return fail(c, "%s: '%s' is not an %s address", key, buf,
			    pfx->family == 4 ? "IPv4" : "IPv6");
	if (slash) {
		if (!parse_num(slash + 1, len - alen_txt - 1, alen * 8, &plen))
			return fail(c, "%s: '%.*s' is not a prefix length (0..%u)",
				    key, (int)(len - alen_txt - 1), slash + 1,
				    alen * 8);
	} else {
		plen = alen * 8;	/* a bare address is a host prefix */
	}
	pfx->plen = plen;

	for (i = 0; i < alen; i++) {
		bits = plen > i * 8 ? plen - i * 8 : 0;
		pfx->mask[i] = bits >= 8 ? 0xff : (__u8)(0xff << (8 - bits));
		masked[i] = pfx->addr[i] & pfx->mask[i];
		if (masked[i] != pfx->addr[i])
			host_bits = true;
	}
	if (host_bits) {
		if (!inet_ntop(pfx->family == 4 ? AF_INET : AF_INET6, masked,
			       shown, sizeof(shown)))
			shown[0] = '\0';
		return fail(c, "%s: %.*s has host bits set; did you mean %s/%llu?",
			    key, (int)len, it, shown, plen);
	}
	return 0;
}

static int rule_src(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_rule *r = cur_rule(c);
	const char *p = val, *it;
	struct sl_prefix pfx;
	unsigned n = 0, i;
	size_t len;

	while (next_item(&p, &it, &len)) {
		if (!len)
			return fail(c, "%s: empty item in the list", key);
		if (parse_prefix(c, key, it, len, &pfx))
			return -1;
		for (i = 0; i < n; i++)
			if (!memcmp(&r->prefixes[i], &pfx, sizeof(pfx)))
				return fail(c, "%s: %.*s is listed twice",
					    key, (int)len, it);
		if (n == SL_MAX_PREFIXES)
			return fail(c, "%s: more than %d prefixes", key,
				    SL_MAX_PREFIXES);
		r->prefixes[n++] = pfx;
	}
	r->n_prefixes = n;
	r->keys |= SL_KEY_SRC;
	return 0;
}

static int rule_port(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_rule *r = cur_rule(c);

	if (parse_port_list(c, key, val, r->ports, &r->n_ports))
		return -1;
	r->keys |= SL_KEY_PORT;
	return 0;
}

static int set_match_str(struct parse_ctx *c, const char *key,
			 const char *val, struct sl_match_str *m, bool lower)
{
	size_t len = strlen(val), i;

	if (len > SL_MATCH_STR_MAX)
		return fail(c, "%s: value is too long (%zu bytes, at most %d)",
			    key, len, SL_MATCH_STR_MAX);
	memset(m, 0, sizeof(*m));
	m->len = len;
	for (i = 0; i < len; i++)
		m->bytes[i] = lower ? ascii_lower(val[i]) : val[i];
	return 0;
}

static int rule_ruri_user(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_rule *r = cur_rule(c);

	/* Neither can appear in a Request-URI user part: never matches. */
	if (strpbrk(val, " \t@"))
		return fail(c, "%s: '%s' cannot be the start of a URI user part (blank or '@')",
			    key, val);
	if (set_match_str(c, key, val, &r->ruri_user_prefix, false))
		return -1;
	r->keys |= SL_KEY_RURI_USER;
	return 0;
}

static int rule_user_agent(struct parse_ctx *c, const char *key,
			   const char *val)
{
	struct sl_rule *r = cur_rule(c);

	if (set_match_str(c, key, val, &r->user_agent, true))
		return -1;
	r->keys |= SL_KEY_USER_AGENT;
	c->s->dp.rules_need_headers = 1;
	return 0;
}

/* reply and header only make sense when the rule replies. */
static int check_replies(struct parse_ctx *c, const char *key)
{
	unsigned line = c->rule_seen[c->rule][R_ACTION];
	struct sl_rule *r = cur_rule(c);

	if (line && r->action != SL_ACTION_REPLY)
		return fail(c, "%s: rule '%s' has action = %s (line %u); %s needs action = reply",
			    key, cur_reply(c)->name, sl_action_name(r->action),
			    line, key);
	return 0;
}

/* "CODE [REASON]" of a reply key (rules and rewrites).  *reason points
 * into val, or to the RFC 3261 phrase when val has none. */
static int parse_reply(struct parse_ctx *c, const char *key, const char *val,
		       __u16 *code, const char **reason)
{
	const char *r, *std;

	if (!parse_code(val, strnlen(val, 3), code) ||
	    (val[3] && !is_blank(val[3])))
		return fail(c, "%s: '%s' is not 'CODE REASON' with CODE 100..699",
			    key, val);
	r = val + 3;
	while (is_blank(*r))
		r++;
	if (!*r) {
		std = sl_std_reason(*code);
		if (!std)
			return fail(c, "%s: %u has no standard reason phrase; write 'reply = %u REASON'",
				    key, *code, *code);
		r = std;
	}
	*reason = r;
	return 0;
}

static int rule_reply(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_rule_reply *rep = cur_reply(c);
	const char *reason;
	__u16 code;

	if (check_replies(c, key) || parse_reply(c, key, val, &code, &reason))
		return -1;
	if (copy_value(c, key, rep->reason, sizeof(rep->reason), reason))
		return -1;
	rep->code = code;
	return 0;
}

static int rule_header(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_rule_reply *rep = cur_reply(c);
	size_t len = strlen(val);

	if (check_replies(c, key) || check_header(c, key, val))
		return -1;
	/* headers_len + line + CRLF must leave room for the NUL. */
	if (rep->headers_len + len + 2 >= sizeof(rep->headers))
		return fail(c, "%s: extra headers of rule '%s' exceed %zu bytes",
			    key, rep->name, sizeof(rep->headers) - 1);
	memcpy(rep->headers + rep->headers_len, val, len);
	memcpy(rep->headers + rep->headers_len + len, "\r\n", 3);
	rep->headers_len += len + 2;
	return 0;
}

static int rule_action(struct parse_ctx *c, const char *key, const char *val)
{
	unsigned *seen = c->rule_seen[c->rule];
	struct sl_rule *r = cur_rule(c);
	__u8 action;

	if (parse_action(c, key, val, &action))
		return -1;
	if (action != SL_ACTION_REPLY && (seen[R_REPLY] || seen[R_HEADER]))
		return fail(c, "%s: action = %s conflicts with %s at line %u (it needs action = reply)",
			    key, val, seen[R_REPLY] ? "reply" : "header",
			    seen[R_REPLY] ? seen[R_REPLY] : seen[R_HEADER]);
	r->action = action;
	return 0;
}

static const struct key_def rule_keys[R_N] = {
	[R_METHOD]	= { "method", rule_method, false },
	[R_SRC]		= { "src", rule_src, false },
	[R_PORT]	= { "port", rule_port, false },
	[R_RURI_USER]	= { "ruri_user_prefix", rule_ruri_user, false },
	[R_USER_AGENT]	= { "user_agent", rule_user_agent, false },
	[R_REPLY]	= { "reply", rule_reply, false },
	[R_HEADER]	= { "header", rule_header, false },
	[R_ACTION]	= { "action", rule_action, false },
};

/* ---- [forward] and [rewrite NAME] keys ---- */

/* via = ADDR[:PORT][, ADDR[:PORT]...]: up to SL_FWD_VIAS sent-by
 * addresses (a dual-stack proxy writes one per family). */
static int fwd_via(struct parse_ctx *c, const char *key, const char *val)
{
	static const __u8 v4mapped[12] = { [10] = 0xff, [11] = 0xff };
	struct sl_fwd_config *f = &c->s->dp.fwd;
	char item[128];
	const char *p = val, *it;
	struct addr_port ap;
	size_t len;

	f->n_vias = 0;
	memset(f->vias, 0, sizeof(f->vias));
	while (next_item(&p, &it, &len)) {
		struct sl_fwd_via *w;

		if (!len)
			return fail(c, "%s: empty item in the list", key);
		if (len >= sizeof(item))
			return fail(c, "%s: '%.*s' is not an IP address", key,
				    (int)len, it);
		memcpy(item, it, len);
		item[len] = '\0';
		if (parse_addr_port(c, key, item, true, &ap))
			return -1;
		if (ap.family == AF_INET6 && !memcmp(ap.bin, v4mapped, 12))
			return fail(c, "%s: '%s' is an IPv4-mapped IPv6 address; write the IPv4 address (a Via holds one or the other)",
				    key, item);
		if (f->n_vias == SL_FWD_VIAS)
			return fail(c, "%s: more than %d addresses", key, SL_FWD_VIAS);
		w = &f->vias[f->n_vias];
		w->family = ap.family == AF_INET ? 4 : 6;
		memcpy(w->addr, ap.bin, ap.family == AF_INET ? 4 : 16);
		w->port = ap.port ? ap.port : SL_DEFAULT_PORT;
		for (unsigned int i = 0; i < f->n_vias; i++)
			if (f->vias[i].family == w->family &&
			    f->vias[i].port == w->port &&
			    !memcmp(f->vias[i].addr, w->addr, 16))
				return fail(c, "%s: '%s' is listed twice", key, item);
		f->n_vias++;
	}
	return 0;
}

static struct sl_fwd_rewrite *cur_rewrite(struct parse_ctx *c)
{
	return &c->s->dp.fwd.rewrites[c->rewrite];
}

/*
 * sl_forward_reply cannot change the class of a reply: every code (or the
 * class) a rewrite matches must have the first digit of its new code.
 * Checked by whichever of code and reply comes second (k).
 */
static int check_rewrite_class(struct parse_ctx *c, int k)
{
	unsigned other = c->rewrite_seen[c->rewrite][k == W_CODE ? W_REPLY : W_CODE];
	const struct sl_fwd_rewrite *w = cur_rewrite(c);
	char reply_class = w->new_code[0], matched[8];
	unsigned i;

	if (!other)
		return 0;
	if (w->class_digit) {
		if ('0' + w->class_digit == reply_class)
			return 0;
		snprintf(matched, sizeof(matched), "%cxx", '0' + w->class_digit);
	} else {
		for (i = 0; i < w->n_codes; i++)
			if ('0' + w->codes[i] / 100 != reply_class)
				break;
		if (i == w->n_codes)
			return 0;
		snprintf(matched, sizeof(matched), "%u", w->codes[i]);
	}
	if (k == W_CODE)
		return fail(c, "code: %s and reply %.3s (line %u) are of different classes (%cxx, %cxx): sl_forward_reply cannot change the reply code class",
			    matched, (const char *)w->new_code, other,
			    matched[0], reply_class);
	return fail(c, "reply: %.3s and code %s (line %u) are of different classes (%cxx, %cxx): sl_forward_reply cannot change the reply code class",
		    (const char *)w->new_code, matched, other, reply_class,
		    matched[0]);
}

/* "480", "480, 486 487" (commas and/or blanks) or one class "4xx". */
static int rewrite_code(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_fwd_rewrite *w = cur_rewrite(c);
	__u16 codes[SL_REWRITE_CODES], code;
	unsigned n = 0, i, class_digit = 0;
	const char *p = val, *it;
	bool is_class;
	size_t len;

	while (*p) {
		for (it = p; *p && *p != ',' && !is_blank(*p); p++)
			;
		len = p - it;
		if (!len)
			return fail(c, "%s: empty item in the list", key);
		is_class = len == 3 && it[0] >= '1' && it[0] <= '6' &&
			   it[1] == 'x' && it[2] == 'x';
		if (class_digit || (is_class && n))
			return fail(c, "%s: '%s' mixes a class with other items (one class such as 4xx, or a list of codes)",
				    key, val);
		if (is_class) {
			class_digit = it[0] - '0';
		} else if (parse_code(it, len, &code)) {
			for (i = 0; i < n; i++)
				if (codes[i] == code)
					return fail(c, "%s: %u is listed twice",
						    key, code);
			if (n == SL_REWRITE_CODES)
				return fail(c, "%s: more than %d codes", key,
					    SL_REWRITE_CODES);
			codes[n++] = code;
		} else {
			return fail(c, "%s: '%.*s' is not a status code (100..699) or a class (1xx..6xx)",
				    key, (int)len, it);
		}
		while (is_blank(*p))
			p++;
		if (*p == ',') {
			for (p++; is_blank(*p); p++)
				;
			if (!*p)
				return fail(c, "%s: empty item in the list", key);
		}
	}
	memset(w->codes, 0, sizeof(w->codes));
	memcpy(w->codes, codes, n * sizeof(codes[0]));
	w->n_codes = n;
	w->class_digit = class_digit;
	return check_rewrite_class(c, W_CODE);
}

static int rewrite_reply(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_fwd_rewrite *w = cur_rewrite(c);
	const char *reason;
	size_t len, i;
	__u16 code;

	if (parse_reply(c, key, val, &code, &reason))
		return -1;
	len = strlen(reason);
	if (len > SL_FWD_REASON_MAX)
		return fail(c, "%s: the reason is too long (%zu bytes, at most %d)",
			    key, len, SL_FWD_REASON_MAX);
	for (i = 0; i < len; i++)
		if ((unsigned char)reason[i] < 0x20 ||
		    (unsigned char)reason[i] > 0x7e)
			return fail(c, "%s: byte 0x%02x in the reason is not printable ASCII",
				    key, (unsigned char)reason[i]);
	w->new_code[0] = '0' + code / 100;
	w->new_code[1] = '0' + code / 10 % 10;
	w->new_code[2] = '0' + code % 10;
	w->new_code[3] = 0;
	memset(w->reason, 0, sizeof(w->reason));
	memcpy(w->reason, reason, len);
	w->reason_len = len;
	return check_rewrite_class(c, W_REPLY);
}

static const struct key_def fwd_keys[F_N] = {
	[F_VIA]		= { "via", fwd_via, false },
};

static const struct key_def rewrite_keys[W_N] = {
	[W_CODE]	= { "code", rewrite_code, false },
	[W_REPLY]	= { "reply", rewrite_reply, false },
};

/* What handle_key() needs to know about each kind of section. */
static const struct {
	const char *in;		/* "... in %s": a [rule NAME] section */
	const char *under;	/* "put it under %s": [rule NAME] */
	const struct key_def *keys;
	int n;
} sects[SECT_N] = {
	[SECT_SL]	= { "[sl]", "[sl]", sl_keys, K_SL_N },
	[SECT_RULE]	= { "a [rule NAME] section", "[rule NAME]", rule_keys, R_N },
	[SECT_FORWARD]	= { "[forward]", "[forward]", fwd_keys, F_N },
	[SECT_REWRITE]	= { "a [rewrite NAME] section", "[rewrite NAME]",
			    rewrite_keys, W_N },
};

static int find_key(const struct key_def *keys, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(keys[i].name, name))
			return i;
	return -1;
}

/* ---- inih callbacks ---- */

/* The kinds of section other than skip that have key name, for messages:
 * "A", "A or B", "A, B or C"; "" when none has it. */
static void sections_with_key(const char *name, int skip, bool under,
			      char *out, size_t size)
{
	int sect, total = 0, n = 0;
	size_t off = 0;

	out[0] = '\0';
	for (sect = SECT_SL; sect < SECT_N; sect++)
		if (sect != skip &&
		    find_key(sects[sect].keys, sects[sect].n, name) >= 0)
			total++;
	for (sect = SECT_SL; sect < SECT_N && off < size; sect++) {
		if (sect == skip ||
		    find_key(sects[sect].keys, sects[sect].n, name) < 0)
			continue;
		n++;
		off += snprintf(out + off, size - off, "%s%s",
				n == 1 ? "" : n == total ? " or " : ", ",
				under ? sects[sect].under : sects[sect].in);
	}
}

static unsigned *section_seen(struct parse_ctx *c)
{
	switch (c->sect) {
	case SECT_SL:
		return c->sl_seen;
	case SECT_RULE:
		return c->rule_seen[c->rule];
	case SECT_FORWARD:
		return c->fwd_seen;
	default:
		return c->rewrite_seen[c->rewrite];
	}
}

static int handle_key(struct parse_ctx *c, const char *name, const char *val)
{
	const struct key_def *keys = sects[c->sect].keys;
	bool in_rule = c->sect == SECT_RULE;
	char where[128];
	unsigned *seen;
	int k;

	if (!*name)
		return fail(c, "missing key name before '='");
	if (c->sect == SECT_NONE) {
		sections_with_key(name, SECT_NONE, true, where, sizeof(where));
		return fail(c, "'%s' is outside any section (put it under %s)",
			    name, where[0] ? where :
			    "[sl], [rule NAME], [forward] or [rewrite NAME]");
	}
	k = find_key(keys, sects[c->sect].n, name);
	if (k < 0) {
		sections_with_key(name, c->sect, false, where, sizeof(where));
		if (where[0])
			return fail(c, "'%s' belongs in %s, not in %s", name,
				    where, sects[c->sect].in);
		return fail(c, "unknown key '%s' in %s", name,
			    sects[c->sect].in);
	}
	seen = section_seen(c);
	if (seen[k] && !(in_rule && k == R_HEADER))
		return fail(c, "'%s' is already set at line %u%s", name,
			    seen[k], in_rule ? " (only 'header' may repeat)" : "");
	if (!*val && !keys[k].may_be_empty)
		return fail(c, "'%s' needs a value", name);
	if (keys[k].parse(c, name, val))
		return -1;
	if (!seen[k])
		seen[k] = c->lineno;
	return 0;
}

static int ini_handler_cb(void *user, const char *section, const char *name,
			  const char *value)
{
	struct parse_ctx *c = user;

	(void)section;	/* sections are tracked by read_line() */
	if (c->failed)
		return 0;
	return handle_key(c, name, value) ? 0 : 1;
}

static bool valid_rule_name(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_alnum(p[i]) && p[i] != '_' && p[i] != '.' && p[i] != '-')
			return false;
	return len > 0;
}

static bool same_name(const char *name, const char *nm, size_t nm_len)
{
	return strlen(name) == nm_len && !memcmp(name, nm, nm_len);
}

/* NAME of [KIND NAME]; size: of the array that keeps it. */
static int check_section_name(struct parse_ctx *c, const char *kind,
			      const char *nm, size_t nm_len, size_t size)
{
	if (!nm_len)
		return fail(c, "a %s needs a name: [%s NAME]", kind, kind);
	if (!valid_rule_name(nm, nm_len))
		return fail(c, "%s name '%.*s' may only have letters, digits, '_', '.' and '-'",
			    kind, (int)nm_len, nm);
	if (nm_len >= size)
		return fail(c, "%s name '%.*s' is longer than %zu characters",
			    kind, (int)nm_len, nm, size - 1);
	return 0;
}

static int new_rule(struct parse_ctx *c, const char *nm, size_t nm_len)
{
	struct sl_settings *s = c->s;
	unsigned i;

	if (check_section_name(c, "rule", nm, nm_len,
			       sizeof(s->replies[0].name)))
		return -1;
	for (i = 0; i < s->dp.n_rules; i++)
		if (same_name(s->replies[i].name, nm, nm_len))
			return fail(c, "rule '%.*s' already defined at line %u",
				    (int)nm_len, nm, s->replies[i].line);
	if (s->dp.n_rules == SL_MAX_RULES)
		return fail(c, "too many rules (at most %d)", SL_MAX_RULES);

	i = s->dp.n_rules++;
	memset(&s->rules[i], 0, sizeof(s->rules[i]));
	memset(&s->replies[i], 0, sizeof(s->replies[i]));
	s->rules[i].action = SL_ACTION_REPLY;
	memcpy(s->replies[i].name, nm, nm_len);
	s->replies[i].line = c->lineno;
	c->rule = i;
	c->sect = SECT_RULE;
	return 0;
}

static int new_rewrite(struct parse_ctx *c, const char *nm, size_t nm_len)
{
	struct sl_settings *s = c->s;
	struct sl_fwd_config *f = &s->dp.fwd;
	unsigned i;

	if (check_section_name(c, "rewrite", nm, nm_len,
			       sizeof(s->rewrite_names[0].name)))
		return -1;
	for (i = 0; i < f->n_rewrites; i++)
		if (same_name(s->rewrite_names[i].name, nm, nm_len))
			return fail(c, "rewrite '%.*s' already defined at line %u",
				    (int)nm_len, nm, s->rewrite_names[i].line);
	if (f->n_rewrites == SL_MAX_REWRITES)
		return fail(c, "too many rewrites (at most %d)",
			    SL_MAX_REWRITES);

	i = f->n_rewrites++;
	memset(&f->rewrites[i], 0, sizeof(f->rewrites[i]));
	memset(&s->rewrite_names[i], 0, sizeof(s->rewrite_names[i]));
	memcpy(s->rewrite_names[i].name, nm, nm_len);
	s->rewrite_names[i].line = c->lineno;
	c->rewrite = i;
	c->sect = SECT_REWRITE;
	return 0;
}

/* p..p+len is a trimmed line starting with '['. */
static int handle_section(struct parse_ctx *c, const char *p, size_t len)
{
	const char *close = memchr(p, ']', len), *in, *rest, *nm;
	size_t in_len, word, nm_len;

	if (!close)
		return fail(c, "section header without closing ']'");
	for (rest = close + 1; rest < p + len && is_blank(*rest); rest++)
		;
	if (rest < p + len && *rest != ';')
		return fail(c, "unexpected '%.*s' after the section header",
			    (int)(p + len - rest), rest);
	in = p + 1;
	in_len = close - in;
	while (in_len && is_blank(*in))
		in++, in_len--;
	while (in_len && is_blank(in[in_len - 1]))
		in_len--;
	/* [WORD] or [WORD NAME] */
	for (word = 0; word < in_len && !is_blank(in[word]); word++)
		;
	for (nm = in + word, nm_len = in_len - word; nm_len && is_blank(*nm);
	     nm++)
		nm_len--;

	if (same_name("sl", in, in_len)) {
		if (c->sl_line)
			return fail(c, "second [sl] section (the first is at line %u)",
				    c->sl_line);
		c->sl_line = c->lineno;
		c->sect = SECT_SL;
		return 0;
	}
	if (same_name("forward", in, in_len)) {
		if (c->fwd_line)
			return fail(c, "second [forward] section (the first is at line %u)",
				    c->fwd_line);
		c->fwd_line = c->lineno;
		c->s->dp.fwd.enabled = 1;
		c->sect = SECT_FORWARD;
		return 0;
	}
	if (same_name("rule", in, word))
		return new_rule(c, nm, nm_len);
	if (same_name("rewrite", in, word))
		return new_rewrite(c, nm, nm_len);
	return fail(c, "unknown section [%.*s] (expected [sl], [rule NAME], [forward] or [rewrite NAME])",
		    (int)in_len, in);
}

/*
 * inih's fgets-like reader: one physical line per call.  Lines that are
 * not "key = value" reach inih as blank lines.
 */
static char *read_line(char *buf, int num, void *stream)
{
	struct parse_ctx *c = stream;
	const char *p, *nl, *q;
	size_t len, i, max;
	int was_blank;

	if (c->failed || c->pos >= c->len)
		return NULL;
	if (num < 3) {
		fail(c, "libinih line buffer too small");
		return NULL;
	}
	/* Room for the line, LF and NUL in inih's buffer (CR is not kept). */
	max = (size_t)num - 3 < SL_CONFIG_MAX_LINE ? (size_t)num - 3 :
						     SL_CONFIG_MAX_LINE;
	p = c->text + c->pos;
	nl = memchr(p, '\n', c->len - c->pos);
	len = nl ? (size_t)(nl - p) : c->len - c->pos;
	c->pos += len + (nl ? 1 : 0);
	c->lineno++;

	if (len && p[len - 1] == '\r')
		len--;
	if (c->lineno == 1 && len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3, len -= 3;
	if (len > max) {
		fail(c, "line is too long (%zu characters, at most %zu)", len,
		     max);
		return NULL;
	}
	for (i = 0; i < len; i++) {
		unsigned char ch = p[i];

		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			fail(c, "control character 0x%02x in column %zu", ch,
			     i + 1);
			return NULL;
		}
	}
	/* Leading blanks go: no inih continuation lines (config.h). */
	while (len && is_blank(*p))
		p++, len--;
	while (len && is_blank(p[len - 1]))
		len--;

	if (!len || *p == ';' || *p == '#') {
		len = 0;
	} else if (*p == '[') {
		if (handle_section(c, p, len))
			return NULL;
		len = 0;
	} else {
		/* What inih will look for: '=' or ':' before a " ;" comment. */
		was_blank = 0;
		for (q = p; q < p + len && *q != '=' && *q != ':' &&
			    !(was_blank && *q == ';'); q++)
			was_blank = is_blank(*q);
		if (q == p + len || *q == ';') {
			fail(c, "expected 'key = value', a [section] or a comment, not '%.*s'",
			     (int)len, p);
			return NULL;
		}
	}
	memcpy(buf, p, len);
	buf[len] = '\n';
	buf[len + 1] = '\0';
	return buf;
}

/* ---- after the whole file: order-independent pieces ---- */

static int finish(struct parse_ctx *c)
{
	struct sl_settings *s = c->s;
	unsigned i, j, k;

	for (i = 0; i < s->dp.n_rules; i++) {
		struct sl_rule *r = &s->rules[i];
		struct sl_rule_reply *rep = &s->replies[i];

		if (r->action == SL_ACTION_REPLY && !rep->code) {
			rep->code = s->default_code;
			memcpy(rep->reason, s->default_reason,
			       sizeof(rep->reason));
		}
		r->reply_code = r->action == SL_ACTION_REPLY ? rep->code : 0;

		for (j = 0; j < r->n_ports; j++) {
			for (k = 0; k < s->dp.n_ports; k++)
				if (s->dp.ports[k] == r->ports[j])
					break;
			if (k == s->dp.n_ports)
				return fail_at(c, c->rule_seen[i][R_PORT],
					       "port: %u is not one of the [sl] ports, so rule '%s' could never match",
					       r->ports[j], rep->name);
		}
	}
	if (c->fwd_line && !c->fwd_seen[F_VIA])
		return fail_at(c, c->fwd_line,
			       "[forward] has no 'via' (our sent-by: the replies whose top Via is this address are forwarded)");
	for (i = 0; i < s->dp.fwd.n_rewrites; i++) {
		const struct sl_rewrite_name *rn = &s->rewrite_names[i];

		if (!c->fwd_line)
			return fail_at(c, rn->line,
				       "rewrite '%s' needs a [forward] section (without one no reply is forwarded)",
				       rn->name);
		if (!c->rewrite_seen[i][W_CODE])
			return fail_at(c, rn->line,
				       "rewrite '%s' has no 'code' (the status codes or the class it rewrites)",
				       rn->name);
		if (!c->rewrite_seen[i][W_REPLY])
			return fail_at(c, rn->line,
				       "rewrite '%s' has no 'reply' (the CODE REASON put in their place)",
				       rn->name);
	}
	if (s->tag_addr_set && !c->tag_addr_has_port)
		snprintf(s->tag_addr_port, sizeof(s->tag_addr_port), "%u",
			 s->dp.ports[0]);
	s->dp.window_mask = s->window_slots - 1;
	return 0;
}

static int parse(const char *text, size_t len, const char *name,
		 struct sl_settings *s, char *err, size_t errlen)
{
	struct parse_ctx *c;
	int rc;

	/* ~2.5 KiB of per-key line numbers: keep it off the stack. */
	c = calloc(1, sizeof(*c));
	if (!c) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", name);
		memset(s, 0, sizeof(*s));
		return -1;
	}
	c->s = s;
	c->name = name;
	c->text = text;
	c->len = len;
	c->err = err;
	c->errlen = errlen;
	c->rule = -1;
	c->rewrite = -1;

	sl_settings_defaults(s);
	rc = ini_parse_stream(read_line, c, ini_handler_cb, c);
	/* inih errors we did not see first (should not happen). */
	if (rc && !c->failed)
		fail_at(c, rc > 0 ? (unsigned)rc : c->lineno,
			"syntax error (expected 'key = value')");
	if (!c->failed)
		finish(c);
	rc = c->failed ? -1 : 0;
	free(c);
	if (rc)
		memset(s, 0, sizeof(*s));
	return rc;
}

int sl_settings_load_string(const char *text, const char *name,
			    struct sl_settings *s, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	if (!name)
		name = "<string>";
	if (!text) {
		if (err && errlen)
			snprintf(err, errlen, "%s: no text", name);
		memset(s, 0, sizeof(*s));
		return -1;
	}
	return parse(text, strlen(text), name, s, err, errlen);
}

int sl_settings_load_file(const char *path, struct sl_settings *s, char *err,
			  size_t errlen)
{
	char *buf;
	size_t n;
	FILE *f;
	int rc, e;

	if (err && errlen)
		err[0] = '\0';
	memset(s, 0, sizeof(*s));
	f = fopen(path, "r");
	if (!f) {
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot open: %s", path,
				 strerror(errno));
		return -1;
	}
	/* One byte more than allowed tells "too large" from "just fits". */
	buf = malloc(SL_CONFIG_MAX_FILE + 1);
	if (!buf) {
		fclose(f);
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	n = fread(buf, 1, SL_CONFIG_MAX_FILE + 1, f);
	e = ferror(f) ? errno : 0;
	fclose(f);
	if (e || n > SL_CONFIG_MAX_FILE) {
		if (err && errlen) {
			if (e)
				snprintf(err, errlen, "%s: cannot read: %s",
					 path, strerror(e));
			else
				snprintf(err, errlen, "%s: larger than %u bytes",
					 path, SL_CONFIG_MAX_FILE);
		}
		free(buf);
		return -1;
	}
	rc = parse(buf, n, path, s, err, errlen);
	free(buf);
	return rc;
}
