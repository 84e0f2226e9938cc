// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Kamailio sl counters: exclusive per-code buckets (spec 3.2, >= 5.8.6).
 */
#include <stddef.h>

#include "sip/kam_stats.h"

void sl_stats_count(struct sl_kam_stats *st, __u16 code, bool is_error_reply)
{
	if (is_error_reply)
		st->sent_err_replies++;
	if (code < 100 || code >= 700) {
		st->replies_xxx++;
		return;
	}
	switch (code) {
	case 200: st->replies_200++; return;
	case 202: st->replies_202++; return;
	case 300: st->replies_300++; return;
	case 301: st->replies_301++; return;
	case 302: st->replies_302++; return;
	case 400: st->replies_400++; return;
	case 401: st->replies_401++; return;
	case 403: st->replies_403++; return;
	case 404: st->replies_404++; return;
	case 407: st->replies_407++; return;
	case 408: st->replies_408++; return;
	case 483: st->replies_483++; return;
	case 500: st->replies_500++; return;
	}
	/* "other" bucket of the class */
	switch (code / 100) {
	case 1: st->replies_1xx++; break;
	case 2: st->replies_2xx++; break;
	case 3: st->replies_3xx++; break;
	case 4: st->replies_4xx++; break;
	case 5: st->replies_5xx++; break;
	default: st->replies_6xx++; break;
	}
}

__u64 sl_stats_sent(const struct sl_kam_stats *st)
{
	return st->replies_1xx + st->replies_200 + st->replies_202 +
	       st->replies_2xx + st->replies_300 + st->replies_301 +
	       st->replies_302 + st->replies_3xx + st->replies_400 +
	       st->replies_401 + st->replies_403 + st->replies_404 +
	       st->replies_407 + st->replies_408 + st->replies_483 +
	       st->replies_4xx + st->replies_500 + st->replies_5xx +
	       st->replies_6xx + st->replies_xxx;
}

void sl_stats_add(struct sl_kam_stats *dst, const struct sl_kam_stats *src)
{
	__u64 *d = (__u64 *)dst;
	const __u64 *s = (const __u64 *)src;
	size_t i;

	/* the struct is nothing but __u64 counters */
	_Static_assert(sizeof(*dst) % sizeof(__u64) == 0, "u64 counters only");
	for (i = 0; i < sizeof(*dst) / sizeof(__u64); i++)
		d[i] += s[i];
}

#define F(n, field) { n, SL_STAT_FIELD, offsetof(struct sl_kam_stats, field) }

const struct sl_stat_desc sl_stat_table[] = {
	F("1xx_replies", replies_1xx),
	F("200_replies", replies_200),
	F("202_replies", replies_202),
	F("2xx_replies", replies_2xx),
	F("300_replies", replies_300),
	F("301_replies", replies_301),
	F("302_replies", replies_302),
	F("3xx_replies", replies_3xx),
	F("400_replies", replies_400),
	F("401_replies", replies_401),
	F("403_replies", replies_403),
	F("404_replies", replies_404),
	F("407_replies", replies_407),
	F("408_replies", replies_408),
	F("483_replies", replies_483),
	F("4xx_replies", replies_4xx),
	F("500_replies", replies_500),
	F("5xx_replies", replies_5xx),
	F("6xx_replies", replies_6xx),
	F("failures", failures),
	{ "received_ACKs", SL_STAT_EXTERNAL, 0 },
	F("sent_err_replies", sent_err_replies),
	{ "sent_replies", SL_STAT_SENT, 0 },
	F("xxx_replies", replies_xxx),
};

const size_t sl_stat_table_len = sizeof(sl_stat_table) / sizeof(sl_stat_table[0]);

__u64 sl_stat_value(const struct sl_stat_desc *d, const struct sl_kam_stats *st,
		    __u64 acks_absorbed)
{
	switch (d->kind) {
	case SL_STAT_SENT:
		return sl_stats_sent(st);
	case SL_STAT_EXTERNAL:
		return acks_absorbed;
	case SL_STAT_FIELD:
	default:
		return *(const __u64 *)((const char *)st + d->offset);
	}
}
