// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The [metrics] keys: where `sl-ctl serve-metrics` serves HTTP /metrics.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "conf/parse.h"

/* listen = IPv4:PORT or [IPv6]:PORT: an address literal and a port, both
 * required (no default port: a listening socket is a decision). */
static int metrics_listen(struct parse_ctx *c, const char *key, const char *val)
{
	struct conf_addr_port ap;

	if (conf_parse_addr_port(c, key, val, true, &ap))
		return -1;
	if (!ap.port)
		return conf_fail(c, "%s: '%s' has no port (e.g. 127.0.0.1:9494 or [::1]:9494)",
				 key, val);
	return conf_copy_value(c, key, c->s->metrics_listen,
			       sizeof(c->s->metrics_listen), val);
}

const struct key_def conf_metrics_keys[M_N] = {
	[M_LISTEN]	= { "listen", metrics_listen, false },
};
