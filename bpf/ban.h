/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Automatic bans ([ban], pike's job) and the per-source counts of
 * `sl-ctl top`, then sl_guard(): what every datagram to a served port
 * addressed to this host goes through first, blocklist then bans.
 *
 * Per datagram, with [ban]: up to SL_BAN_TRUSTED prefix compares, one
 * LRU hash lookup (sl_src), and for a source over its rate one trie
 * update.  Without [ban]: only the blocklist lookup.
 */
#ifndef SL_BAN_H
#define SL_BAN_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sl_xdp_shared.h"
#include "net/packet.h"
#include "net/prefix.h"
#include "maps.h"
#include "ratelimit.h"
#include "blocklist.h"

/* Is the source in [ban] trusted?  Prefixes are pre-masked. */
static __always_inline int ban_trusted(const struct sl_ban_config *b,
				       const struct pkt *p)
{
	return src_in_prefixes(b->trusted, b->n_trusted, SL_BAN_TRUSTED, p);
}

/* Counts the datagram for its source; 1 if the source is over the ban
 * rate (the GCRA step of ratelimit.h on the source's state). */
static __always_inline int ban_count(const struct sl_ban_config *b,
				     const struct pkt *p, __u64 now)
{
	struct sl_src_state fresh = { .tat = now, .win_start_ns = now }, *st;
	struct sl_rate_key key;
	int over;
	__u64 age;

	rate_key_of(&key, p->family, p->src);
	st = bpf_map_lookup_elem(&sl_src, &key);
	if (!st) {
		fresh.win_count = 1;
		over = !gcra_step(&fresh.tat, now, b->interval_ns, b->burst_ns);
		bpf_map_update_elem(&sl_src, &key, &fresh, BPF_ANY);
		return over;
	}
	/* minute windows: the one before is kept if it just ended */
	age = now - st->win_start_ns;
	if (age >= SL_TOP_WINDOW_NS) {
		st->prev_count = age < 2 * SL_TOP_WINDOW_NS ? st->win_count : 0;
		st->win_count = 0;
		st->win_start_ns = now;
	}
	st->win_count++;
	return !gcra_step(&st->tat, now, b->interval_ns, b->burst_ns);
}

/*
 * 1: drop the datagram (blocked, or its source banned now), 0: go on.
 * Trusted sources are marked in scratch->pkt for rate_allows().  A
 * global function: verified once, on its own.
 */
__noinline int sl_guard(__u32 bank)
{
	struct sl_dp_counters *cnt;
	struct sl_config *cfg;
	struct sl_scratch *scr;
	struct pkt *p;
	__u32 zero = 0;
	__u64 now;

	bank &= 1;
	cnt = bpf_map_lookup_elem(&sl_counters, &zero);
	scr = bpf_map_lookup_elem(&sl_scratch, &zero);
	cfg = bpf_map_lookup_elem(&sl_config, &bank);
	if (!cnt || !scr || !cfg)
		return 0;
	p = &scr->pkt;
	if (block_match(p)) {
		cnt->blocked++;
		return 1;
	}
	if (!cfg->ban.enabled)
		return 0;
	if (ban_trusted(&cfg->ban, p)) {
		p->trusted = 1;
		return 0;
	}
	now = bpf_ktime_get_ns();
	if (!ban_count(&cfg->ban, p, now))
		return 0;
	if (block_ban(p, now, cfg->ban.time_ns) == 0)
		cnt->banned++;
	cnt->blocked++;
	return 1;
}

#endif /* SL_BAN_H */
