/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Kamailio's sl counters (spec section 3) on struct sl_kam_stats, with the
 * semantics of Kamailio >= 5.8.6 / 6.0.1 / 6.1.0: every reply goes up in
 * exactly one per-code bucket, 100..199 in 1xx_replies, code < 100 or
 * >= 700 in xxx_replies.  Plain C, no I/O.
 */
#ifndef SL_SIP_KAM_STATS_H
#define SL_SIP_KAM_STATS_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#include "sl_xdp_shared.h"

/* One reply sent with this code; is_error_reply also bumps
 * sent_err_replies (which Kamailio exports but never counts). */
void sl_stats_count(struct sl_kam_stats *st, __u16 code, bool is_error_reply);

/* sent_replies: not stored, the sum of the per-code buckets. */
__u64 sl_stats_sent(const struct sl_kam_stats *st);

/* dst += src, field by field (readers sum the per-thread slots). */
void sl_stats_add(struct sl_kam_stats *dst, const struct sl_kam_stats *src);

enum sl_stat_kind {		/* include/sl_counters.h, SL_KAM_COUNTERS */
	SL_STAT_BUCKET,		/* a reply-code bucket in struct sl_kam_stats */
	SL_STAT_FIELD,		/* another __u64 at offset in struct sl_kam_stats */
	SL_STAT_SENT,		/* computed: sl_stats_sent() */
	SL_STAT_EXTERNAL,	/* not in sl_kam_stats: received_ACKs is the data
				 * plane's sl_dp_counters.acks_absorbed */
};

struct sl_stat_desc {
	const char *name;	/* as `kamcmd stats.get_statistics sl:` prints it */
	const char *help;	/* one sentence, for Prometheus' HELP */
	enum sl_stat_kind kind;
	size_t offset;		/* SL_STAT_BUCKET and SL_STAT_FIELD only */
};

/* The sl: names in Kamailio's (alphabetical) output order. */
extern const struct sl_stat_desc sl_stat_table[];
extern const size_t sl_stat_table_len;

/* Value of one table entry; acks_absorbed is used for SL_STAT_EXTERNAL. */
__u64 sl_stat_value(const struct sl_stat_desc *d, const struct sl_kam_stats *st,
		    __u64 acks_absorbed);

#endif /* SL_SIP_KAM_STATS_H */
