// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The [backend] keys: the health gate's probe (config.h).
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/parse.h"

/* probe = udp:IPv4:PORT or udp:[IPv6]:PORT */
static int backend_probe(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_backend_settings *b = &c->s->backend;
	struct conf_addr_port ap;

	if (strncmp(val, "udp:", 4))
		return conf_fail(c, "%s: '%s' is not udp:ADDR:PORT (e.g. udp:127.0.0.1:5060)",
				 key, val);
	if (conf_parse_addr_port(c, key, val + 4, true, &ap))
		return -1;
	if (!ap.port)
		return conf_fail(c, "%s: '%s' has no port (e.g. udp:127.0.0.1:5060)",
				 key, val);
	b->family = ap.family;
	memcpy(b->addr, ap.bin, sizeof(b->addr));
	b->port = ap.port;
	b->probe_set = true;
	return conf_copy_value(c, key, b->probe, sizeof(b->probe), val);
}

static int backend_interval(struct parse_ctx *c, const char *key,
			    const char *val)
{
	return conf_parse_duration(c, key, val, SL_BACKEND_INTERVAL_MIN_NS,
				   SL_BACKEND_INTERVAL_MAX_NS, "100ms to 60s",
				   &c->s->backend.interval_ns);
}

static int after(struct parse_ctx *c, const char *key, const char *val,
		 __u32 *out)
{
	if (conf_parse_u32(c, key, val, out))
		return -1;
	if (*out < 1 || *out > SL_BACKEND_AFTER_MAX)
		return conf_fail(c, "%s: %s is out of range (1 to %u)", key, val,
				 SL_BACKEND_AFTER_MAX);
	return 0;
}

static int backend_down_after(struct parse_ctx *c, const char *key,
			      const char *val)
{
	return after(c, key, val, &c->s->backend.down_after);
}

static int backend_up_after(struct parse_ctx *c, const char *key,
			    const char *val)
{
	return after(c, key, val, &c->s->backend.up_after);
}

const struct key_def conf_backend_keys[BE_N] = {
	[BE_PROBE]	= { "probe", backend_probe, false },
	[BE_INTERVAL]	= { "interval", backend_interval, false },
	[BE_DOWN_AFTER]	= { "down_after", backend_down_after, false },
	[BE_UP_AFTER]	= { "up_after", backend_up_after, false },
};
