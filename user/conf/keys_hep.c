// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The [hep] keys: HEP3 copies of the requests the responder answers and
 * of their replies, for Homer, as Kamailio's siptrace sends them
 * (user/run/hep_mirror.c).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "conf/parse.h"

/* dest = IPv4[:PORT] or [IPv6][:PORT]: an address literal (the responder
 * resolves no names), port 9060 when not given */
static int hep_dest(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_hep_settings *h = &c->s->hep;
	struct conf_addr_port ap;

	if (conf_parse_addr_port(c, key, val, true, &ap))
		return -1;
	h->family = ap.family;
	memcpy(h->addr, ap.bin, sizeof(h->addr));
	h->port = ap.port ? ap.port : SL_HEP_DEFAULT_PORT;
	return conf_copy_value(c, key, h->dest, sizeof(h->dest), val);
}

static int hep_capture_id(struct parse_ctx *c, const char *key, const char *val)
{
	unsigned long long v;

	if (!conf_parse_num(val, strlen(val), 0xffffffffULL, &v))
		return conf_fail(c, "%s: '%s' is not a number (0..4294967295)",
				 key, val);
	c->s->hep.capture_id = v;
	return 0;
}

/* printable ASCII, no blank: it goes into every packet as it is */
static int hep_auth_key(struct parse_ctx *c, const char *key, const char *val)
{
	for (const char *p = val; *p; p++)
		if (*p <= ' ' || *p > '~')
			return conf_fail(c, "%s: byte 0x%02x is not printable ASCII (no blanks)",
					 key, (unsigned char)*p);
	return conf_copy_value(c, key, c->s->hep.auth_key,
			       sizeof(c->s->hep.auth_key), val);
}

/* sample = PERCENT: 0..100, at most two decimals (0.01 = one in 10000) */
static int hep_sample(struct parse_ctx *c, const char *key, const char *val)
{
	const char *dot = strchr(val, '.');
	size_t ilen = dot ? (size_t)(dot - val) : strlen(val);
	unsigned long long ip, frac = 0;
	size_t flen = dot ? strlen(dot + 1) : 0;

	if (!conf_parse_num(val, ilen, 100, &ip) ||
	    (dot && (!flen || flen > 2 ||
		     !conf_parse_num(dot + 1, flen, 99, &frac))) ||
	    ip * 100 + (flen == 1 ? frac * 10 : frac) > SL_HEP_SAMPLE_ALL)
		return conf_fail(c, "%s: '%s' is not a percentage from 0 to 100 (at most two decimals)",
				 key, val);
	c->s->hep.sample = ip * 100 + (flen == 1 ? frac * 10 : frac);
	return 0;
}

const struct key_def conf_hep_keys[H_N] = {
	[H_DEST]	= { "dest", hep_dest, false },
	[H_CAPTURE_ID]	= { "capture_id", hep_capture_id, false },
	[H_AUTH_KEY]	= { "auth_key", hep_auth_key, false },
	[H_SAMPLE]	= { "sample", hep_sample, false },
};
