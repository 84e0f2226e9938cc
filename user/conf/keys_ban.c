// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The [ban] keys: automatic bans of sources over a rate (config.h).
 */
#include <stdio.h>

#include "conf/parse.h"

static int ban_rate(struct parse_ctx *c, const char *key, const char *val)
{
	return conf_parse_rate(c, key, val, &c->s->ban_rate);
}

static int ban_burst(struct parse_ctx *c, const char *key, const char *val)
{
	return conf_parse_u32(c, key, val, &c->s->ban_burst);
}

/* time = 300s, 5m, 1h: 1 s to 30 days */
static int ban_time(struct parse_ctx *c, const char *key, const char *val)
{
	return conf_parse_duration(c, key, val, SL_BAN_TIME_MIN_NS,
				   SL_BAN_TIME_MAX_NS, "1s to 30d",
				   &c->s->dp.ban.time_ns);
}

/* trusted = PREFIXES: never banned, nor limited by [sl] rate_limit */
static int ban_trusted(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_ban_config *b = &c->s->dp.ban;

	return conf_parse_prefix_list(c, key, val, b->trusted, SL_BAN_TRUSTED,
				      &b->n_trusted);
}

const struct key_def conf_ban_keys[B_N] = {
	[B_RATE]	= { "rate", ban_rate, false },
	[B_BURST]	= { "burst", ban_burst, false },
	[B_TIME]	= { "time", ban_time, false },
	[B_TRUSTED]	= { "trusted", ban_trusted, false },
};
