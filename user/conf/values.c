// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Value parsers the key tables share: errors with file and line, ASCII
 * lexical helpers, numbers, lists, ports, header lines, addresses,
 * prefixes, match strings and "CODE REASON".
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conf/parse.h"
#include "sip/reasons.h"

/* Headers the responder writes itself; a second copy would break the
 * reply (two Content-Length, a forged Via, ...). */
static const char *const reserved_headers[] = {
	"Via", "v", "From", "f", "To", "t", "Call-ID", "i", "CSeq",
	"Content-Length", "l",
};

/* ---- errors ---- */

int conf_vfail_at(struct parse_ctx *c, unsigned line, const char *fmt,
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

int conf_fail_at(struct parse_ctx *c, unsigned line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_vfail_at(c, line, fmt, ap);
	va_end(ap);
	return -1;
}

int conf_fail(struct parse_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_vfail_at(c, c->lineno, fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- small lexical helpers (ASCII only: no locale surprises) ---- */

bool conf_is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

bool conf_is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

bool conf_is_alnum(char ch)
{
	return conf_is_digit(ch) || (ch >= 'a' && ch <= 'z') ||
	       (ch >= 'A' && ch <= 'Z');
}

/* RFC 3261 token: method and header names. */
bool conf_is_token_char(char ch)
{
	return conf_is_alnum(ch) || (ch && strchr("-.!%*_+`'~", ch));
}

char conf_ascii_lower(char ch)
{
	return (ch >= 'A' && ch <= 'Z') ? ch - 'A' + 'a' : ch;
}

bool conf_ascii_ieq(const char *a, size_t alen, const char *b)
{
	size_t i;

	if (strlen(b) != alen)
		return false;
	for (i = 0; i < alen; i++)
		if (conf_ascii_lower(a[i]) != conf_ascii_lower(b[i]))
			return false;
	return true;
}

/* Decimal digits only (no sign, no blanks), value <= max. */
bool conf_parse_num(const char *p, size_t len, unsigned long long max,
		      unsigned long long *out)
{
	unsigned long long v = 0;
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++) {
		if (!conf_is_digit(p[i]))
			return false;
		v = v * 10 + (p[i] - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

/* Next comma-separated item of *p, trimmed; false when done. */
bool conf_next_item(const char **p, const char **item, size_t *len)
{
	const char *s = *p, *e;

	if (!s)
		return false;
	e = strchr(s, ',');
	*p = e ? e + 1 : NULL;
	if (!e)
		e = s + strlen(s);
	while (s < e && conf_is_blank(*s))
		s++;
	while (e > s && conf_is_blank(e[-1]))
		e--;
	*item = s;
	*len = e - s;
	return true;
}

/* Copy a whole value; too long is an error, never a silent cut. */
int conf_copy_value(struct parse_ctx *c, const char *key, char *dst,
		      size_t size, const char *val)
{
	size_t len = strlen(val);

	if (len >= size)
		return conf_fail(c, "%s: value is too long (%zu characters, at most %zu)",
			    key, len, size - 1);
	memcpy(dst, val, len + 1);
	return 0;
}

/* "100".."699", exactly three digits. */
bool conf_parse_code(const char *p, size_t len, __u16 *code)
{
	unsigned long long v;

	if (len != 3 || !conf_parse_num(p, len, 699, &v) || v < 100)
		return false;
	*code = v;
	return true;
}

int conf_parse_action(struct parse_ctx *c, const char *key, const char *val,
			__u8 *action)
{
	if (!strcmp(val, "pass"))
		*action = SL_ACTION_PASS;
	else if (!strcmp(val, "drop"))
		*action = SL_ACTION_DROP;
	else if (!strcmp(val, "reply"))
		*action = SL_ACTION_REPLY;
	else
		return conf_fail(c, "%s: '%s' is not an action (pass, drop or reply)",
			    key, val);
	return 0;
}

int conf_parse_port_list(struct parse_ctx *c, const char *key,
			   const char *val, __u16 *ports, __u8 *n_ports)
{
	__u16 tmp[SL_MAX_PORTS];
	const char *p = val, *it;
	unsigned long long v;
	unsigned n = 0, i;
	size_t len;

	while (conf_next_item(&p, &it, &len)) {
		if (!len)
			return conf_fail(c, "%s: empty item in the list", key);
		if (!conf_parse_num(it, len, 65535, &v) || !v)
			return conf_fail(c, "%s: '%.*s' is not a port number (1..65535)",
				    key, (int)len, it);
		for (i = 0; i < n; i++)
			if (tmp[i] == v)
				return conf_fail(c, "%s: port %llu is listed twice",
					    key, v);
		if (n == SL_MAX_PORTS)
			return conf_fail(c, "%s: more than %d ports", key,
				    SL_MAX_PORTS);
		tmp[n++] = v;
	}
	memset(ports, 0, SL_MAX_PORTS * sizeof(*ports));
	memcpy(ports, tmp, n * sizeof(*ports));
	*n_ports = n;
	return 0;
}

/* "Name: value" (SIP allows blanks before the colon). */
int conf_check_header(struct parse_ctx *c, const char *key, const char *val)
{
	const char *p = val;
	size_t n = 0, i;

	while (conf_is_token_char(p[n]))
		n++;
	if (!n)
		return conf_fail(c, "%s: '%s' does not start with a header name (expected 'Name: value')",
			    key, val);
	p += n;
	while (conf_is_blank(*p))
		p++;
	if (*p != ':')
		return conf_fail(c, "%s: '%s' is not a header line (expected 'Name: value')",
			    key, val);
	for (i = 0; i < sizeof(reserved_headers) / sizeof(reserved_headers[0]); i++)
		if (conf_ascii_ieq(val, n, reserved_headers[i]))
			return conf_fail(c, "%s: the responder writes %.*s itself; it cannot be added here",
				    key, (int)n, val);
	return 0;
}

/* An RFC 3261 host name: labels of letters, digits and '-', the last one
 * starting with a letter ("1.2.3.400" is a bad address, not a name). */
static bool conf_is_host_name(const char *p)
{
	const char *top = p, *q;

	for (q = p; *q; q++) {
		if (*q == '.' && q[1])
			top = q + 1;
		else if (*q != '.' && !conf_is_alnum(*q) && *q != '-')
			return false;
	}
	return (*top >= 'a' && *top <= 'z') || (*top >= 'A' && *top <= 'Z');
}

int conf_parse_addr_port(struct parse_ctx *c, const char *key,
			   const char *val, bool name_hint,
			   struct conf_addr_port *ap)
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
			return conf_fail(c, "%s: '%s' has no closing ']'", key, val);
		if (ip_end[1] == ':')
			port = ip_end + 2;
		else if (ip_end[1])
			return conf_fail(c, "%s: unexpected '%s' after ']' (expected ':PORT')",
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
		return conf_fail(c, "%s: '%s' is not an IP address", key, val);
	memcpy(ap->ip, ip, len);
	ap->ip[len] = '\0';
	if (inet_pton(family, ap->ip, ap->bin) != 1) {
		if (name_hint && family == AF_INET && conf_is_host_name(ap->ip))
			return conf_fail(c, "%s: '%s' is a host name; write an IP address (the data plane compares addresses and cannot resolve names)",
				    key, ap->ip);
		return conf_fail(c, "%s: '%s' is not an %s address", key, ap->ip,
			    family == AF_INET ? "IPv4" : "IPv6");
	}
	ap->family = family;
	if (port) {
		if (!conf_parse_num(port, strlen(port), 65535, &v) || !v)
			return conf_fail(c, "%s: '%s' is not a port number (1..65535)",
				    key, port);
		ap->port = v;
	}
	return 0;
}

int conf_parse_prefix(struct parse_ctx *c, const char *key, const char *it,
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
		return conf_fail(c, "%s: '%.*s' is not an IPv4/IPv6 address or prefix",
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
		return conf_fail(c, "%s: '%s' is not an %s address", key, buf,
			    pfx->family == 4 ? "IPv4" : "IPv6");
	if (slash) {
		if (!conf_parse_num(slash + 1, len - alen_txt - 1, alen * 8, &plen))
			return conf_fail(c, "%s: '%.*s' is not a prefix length (0..%u)",
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
		return conf_fail(c, "%s: %.*s has host bits set; did you mean %s/%llu?",
			    key, (int)len, it, shown, plen);
	}
	return 0;
}

int conf_set_match_str(struct parse_ctx *c, const char *key,
			 const char *val, struct sl_match_str *m, bool lower)
{
	size_t len = strlen(val), i;

	if (len > SL_MATCH_STR_MAX)
		return conf_fail(c, "%s: value is too long (%zu bytes, at most %d)",
			    key, len, SL_MATCH_STR_MAX);
	memset(m, 0, sizeof(*m));
	m->len = len;
	for (i = 0; i < len; i++)
		m->bytes[i] = lower ? conf_ascii_lower(val[i]) : val[i];
	return 0;
}

int conf_parse_reply(struct parse_ctx *c, const char *key, const char *val,
		       __u16 *code, const char **reason)
{
	const char *r, *std;

	if (!conf_parse_code(val, strnlen(val, 3), code) ||
	    (val[3] && !conf_is_blank(val[3])))
		return conf_fail(c, "%s: '%s' is not 'CODE REASON' with CODE 100..699",
			    key, val);
	r = val + 3;
	while (conf_is_blank(*r))
		r++;
	if (!*r) {
		std = sl_std_reason(*code);
		if (!std)
			return conf_fail(c, "%s: %u has no standard reason phrase; write 'reply = %u REASON'",
				    key, *code, *code);
		r = std;
	}
	*reason = r;
	return 0;
}

int conf_parse_prefix_list(struct parse_ctx *c, const char *key,
			   const char *val, struct sl_prefix *out,
			   unsigned int max, __u8 *n)
{
	const char *p = val, *it;
	struct sl_prefix pfx;
	unsigned int k = 0;
	size_t len;

	while (conf_next_item(&p, &it, &len)) {
		if (!len)
			return conf_fail(c, "%s: empty item in the list", key);
		if (conf_parse_prefix(c, key, it, len, &pfx))
			return -1;
		for (unsigned int i = 0; i < k; i++)
			if (!memcmp(&out[i], &pfx, sizeof(pfx)))
				return conf_fail(c, "%s: %.*s is listed twice",
					    key, (int)len, it);
		if (k == max)
			return conf_fail(c, "%s: more than %u prefixes", key, max);
		out[k++] = pfx;
	}
	*n = k;
	return 0;
}

int conf_parse_rate(struct parse_ctx *c, const char *key, const char *val,
		    __u32 *out)
{
	const char *slash = strchr(val, '/'), *unit = "s";
	size_t len = slash ? (size_t)(slash - val) : strlen(val);
	unsigned long long v;

	if (slash) {
		while (len && conf_is_blank(val[len - 1]))
			len--;
		for (unit = slash + 1; conf_is_blank(*unit); unit++)
			;
	}
	if (!conf_parse_num(val, len, 0xffffffffULL, &v) || strcmp(unit, "s"))
		return conf_fail(c, "%s: '%s' is not a rate (N or N/s, N up to 4294967295)",
			    key, val);
	*out = v;
	return 0;
}

int conf_parse_u32(struct parse_ctx *c, const char *key, const char *val,
		   __u32 *out)
{
	unsigned long long v;

	if (!conf_parse_num(val, strlen(val), 0xffffffffULL, &v))
		return conf_fail(c, "%s: '%s' is not a number (0..4294967295)",
			    key, val);
	*out = v;
	return 0;
}

int conf_parse_bool(struct parse_ctx *c, const char *key, const char *val,
		    __u8 *out)
{
	if (!strcmp(val, "yes"))
		*out = 1;
	else if (!strcmp(val, "no"))
		*out = 0;
	else
		return conf_fail(c, "%s: '%s' is not yes or no", key, val);
	return 0;
}

int conf_parse_duration(struct parse_ctx *c, const char *key, const char *val,
			__u64 min, __u64 max, const char *range, __u64 *out)
{
	__u64 ns;

	if (!sl_parse_duration(val, &ns))
		return conf_fail(c, "%s: '%s' is not a duration (e.g. 300s, 500ms, 5m)",
				 key, val);
	if (ns < min || ns > max)
		return conf_fail(c, "%s: %s is out of range (%s)", key, val, range);
	*out = ns;
	return 0;
}

bool sl_parse_duration(const char *text, __u64 *ns)
{
	static const struct { const char *unit; __u64 ns; } units[] = {
		{ "", 1000000000ULL }, { "s", 1000000000ULL },
		{ "ms", 1000000ULL }, { "m", 60000000000ULL },
		{ "h", 3600000000000ULL }, { "d", 86400000000000ULL },
	};
	unsigned long long n = 0;
	const char *p = text;

	for (; conf_is_digit(*p); p++) {
		if (n > 1000000000ULL)	/* years of seconds: out of range */
			return false;
		n = n * 10 + (*p - '0');
	}
	if (p == text)
		return false;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(p, units[i].unit)) {
			*ns = n * units[i].ns;
			return *ns / units[i].ns == n;
		}
	return false;
}
