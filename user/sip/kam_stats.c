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

#define SL_SENT_ADD_BUCKET(f) + st->f
#define SL_SENT_ADD_FIELD(f)
#define SL_SENT_ADD_SENT(f)
#define SL_SENT_ADD_EXTERNAL(f)
#define SL_SENT_ADD(f, name, kind, help) SL_SENT_ADD_##kind(f)

__u64 sl_stats_sent(const struct sl_kam_stats *st)
{
	return 0 SL_KAM_COUNTERS(SL_SENT_ADD);
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

#define SL_STAT_OFFSET_BUCKET(f) offsetof(struct sl_kam_stats, f)
#define SL_STAT_OFFSET_FIELD(f) offsetof(struct sl_kam_stats, f)
#define SL_STAT_OFFSET_SENT(f) 0
#define SL_STAT_OFFSET_EXTERNAL(f) 0
#define SL_STAT_ENTRY(f, name, kind, help) \
	{ name, help, SL_STAT_##kind, SL_STAT_OFFSET_##kind(f) },

/* include/sl_counters.h lists them in kamcmd's order */
const struct sl_stat_desc sl_stat_table[] = {
	SL_KAM_COUNTERS(SL_STAT_ENTRY)
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
	case SL_STAT_BUCKET:
	case SL_STAT_FIELD:
	default:
		return *(const __u64 *)((const char *)st + d->offset);
	}
}
