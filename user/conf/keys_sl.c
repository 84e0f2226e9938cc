// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The [sl] keys: what each accepts and where it goes in struct sl_settings.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "conf/parse.h"

/* ---- [sl] keys ---- */

static int sl_ports(struct parse_ctx *c, const char *key, const char *val)
{
	return conf_parse_port_list(c, key, val, c->s->dp.ports, &c->s->dp.n_ports);
}

static int sl_default_code(struct parse_ctx *c, const char *key,
			   const char *val)
{
	if (!conf_parse_code(val, strlen(val), &c->s->default_code))
		return conf_fail(c, "%s: '%s' is not a status code (three digits, 100..699)",
			    key, val);
	return 0;
}

static int sl_default_reason(struct parse_ctx *c, const char *key,
			     const char *val)
{
	return conf_copy_value(c, key, c->s->default_reason,
			  sizeof(c->s->default_reason), val);
}

static int sl_server_header(struct parse_ctx *c, const char *key,
			    const char *val)
{
	if (*val && conf_check_header(c, key, val))
		return -1;
	return conf_copy_value(c, key, c->s->server_header,
			  sizeof(c->s->server_header), val);
}

static int sl_tag_seed(struct parse_ctx *c, const char *key, const char *val)
{
	return conf_copy_value(c, key, c->s->tag_seed, sizeof(c->s->tag_seed), val);
}


static int sl_tag_addr(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_settings *s = c->s;
	struct conf_addr_port ap;

	_Static_assert(sizeof(ap.ip) == sizeof(s->tag_addr_ip), "tag_addr_ip");
	if (conf_parse_addr_port(c, key, val, false, &ap))
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

	for (; conf_is_digit(*p); p++, nint++)
		if (ip <= 1000000)	/* beyond that it is out of range anyway */
			ip = ip * 10 + (*p - '0');
	if (*p == '.') {
		for (p++; conf_is_digit(*p); p++, nfrac++) {
			if (nfrac < 9) {
				frac = frac * 10 + (*p - '0');
				div *= 10;
			}
		}
		if (!nfrac)
			nint = 0;	/* "1." is not a number */
	}
	while (conf_is_blank(*p))
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
		return conf_fail(c, "%s: '%s' is not a duration (e.g. 2s, 500ms, 1.5s)",
			    key, val);
	if (nfrac > max_frac)
		return conf_fail(c, "%s: '%s' has more decimals than 1 ns resolution allows",
			    key, val);
	if (ip > 1000000)
		return conf_fail(c, "%s: %s is out of range (more than 0, at most 60s)",
			    key, val);
	ns = ip * unit + frac * (unit / div);
	if (!ns || ns > SL_ACK_WINDOW_MAX_NS)
		return conf_fail(c, "%s: %s is out of range (more than 0, at most 60s)",
			    key, val);
	c->s->dp.ack_window_ns = ns;
	return 0;
}

static int sl_default_action(struct parse_ctx *c, const char *key,
			     const char *val)
{
	return conf_parse_action(c, key, val, &c->s->dp.default_action);
}

static int sl_rate_limit(struct parse_ctx *c, const char *key, const char *val)
{
	return conf_parse_rate(c, key, val, &c->s->rate_limit);
}

static int sl_burst(struct parse_ctx *c, const char *key, const char *val)
{
	return conf_parse_u32(c, key, val, &c->s->burst);
}

static int sl_window_slots(struct parse_ctx *c, const char *key,
			   const char *val)
{
	unsigned long long v;

	if (!conf_parse_num(val, strlen(val), 0xffffffffULL, &v) ||
	    v < SL_WINDOW_SLOTS_MIN || v > SL_WINDOW_SLOTS_MAX || (v & (v - 1)))
		return conf_fail(c, "%s: '%s' is not a power of two in %u..%u",
			    key, val, SL_WINDOW_SLOTS_MIN, SL_WINDOW_SLOTS_MAX);
	c->s->window_slots = v;
	return 0;
}

/* Why family/bin (network order) cannot be a local address to answer
 * for, or NULL. */
static const char *not_unicast(int family, const unsigned char *b)
{
	static const unsigned char zero[16], v4mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (family == AF_INET) {
		if (!memcmp(b, zero, 4))
			return "the unspecified address";
		if (b[0] == 127)
			return "a loopback address";
		if (b[0] >= 224)
			return "a multicast, reserved or broadcast address";
		if (b[0] == 169 && b[1] == 254)
			return "a link-local address";
		return NULL;
	}
	if (!memcmp(b, zero, 15))
		return b[15] == 1 ? "the loopback address" :
		       b[15] == 0 ? "the unspecified address" : NULL;
	if (b[0] == 0xff)
		return "a multicast address";
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return "a link-local address";
	if (!memcmp(b, v4mapped, 12))
		return "an IPv4-mapped address (write the IPv4 address)";
	return NULL;
}

/* addresses = IP, IP...: local addresses besides the interface's (VIPs). */
static int sl_addresses(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_addr_list *l = &c->s->addresses;
	struct conf_addr_port ap;
	const char *p = val, *it, *why;
	char item[64];
	size_t len;

	memset(l, 0, sizeof(*l));
	if (!*val)
		return 0;	/* addresses = : none */
	while (conf_next_item(&p, &it, &len)) {
		if (!len)
			return conf_fail(c, "%s: empty item in the list", key);
		if (len >= sizeof(item) || memchr(it, '/', len) || memchr(it, '[', len))
			return conf_fail(c, "%s: '%.*s' is not an IP address (no prefix, no port, no brackets)",
				    key, (int)len, it);
		memcpy(item, it, len);
		item[len] = '\0';
		if (conf_parse_addr_port(c, key, item, true, &ap))
			return -1;
		if (ap.port)
			return conf_fail(c, "%s: '%s' has a port; the addresses are for every served port",
				    key, item);
		why = not_unicast(ap.family, ap.bin);
		if (why)
			return conf_fail(c, "%s: '%s' is %s, not one to answer for",
				    key, item, why);
		for (unsigned int i = 0; i < l->n; i++)
			if (l->a[i].family == (ap.family == AF_INET ? 4 : 6) &&
			    !memcmp(l->a[i].addr, ap.bin, 16))
				return conf_fail(c, "%s: '%s' is listed twice", key, item);
		if (l->n == SL_MAX_ADDRESSES)
			return conf_fail(c, "%s: more than %d addresses", key,
				    SL_MAX_ADDRESSES);
		l->a[l->n].family = ap.family == AF_INET ? 4 : 6;
		memcpy(l->a[l->n].addr, ap.bin, 16);
		l->n++;
	}
	return 0;
}

const struct key_def conf_sl_keys[K_SL_N] = {
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
	[K_SOCKETS_PER_QUEUE]	= { "sockets_per_queue", conf_sl_sockets_per_queue, false },
	[K_CPUS]		= { "cpus", conf_sl_cpus, false },
	[K_SPIN_US]		= { "spin_us", conf_sl_spin_us, false },
	[K_BUSY_POLL]		= { "busy_poll", conf_sl_busy_poll, false },
	[K_RING_SIZE]		= { "ring_size", conf_sl_ring_size, false },
	[K_UMEM_FRAMES]		= { "umem_frames", conf_sl_umem_frames, false },
	[K_ADDRESSES]		= { "addresses", sl_addresses, true },
};
