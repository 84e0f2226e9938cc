/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Per-address rate limits, so that sl-xdp cannot be used to reflect
 * traffic at a victim whose address is spoofed: GCRA (a token bucket
 * without a refill timer) on the theoretical arrival time of the next
 * packet for that address, in an LRU hash.  An IPv6 address counts by its
 * /64: a host owns a whole /64 and could spread a flood over it.
 * Concurrent CPUs may both pass a packet at the edge: the limit is
 * approximate by a packet or so.
 *
 * A full LRU map forgets the address used least recently: that address
 * starts again with a full burst.  The state is bounded (SL_RATE_SOURCES
 * entries per map), and an address in use keeps its entry.
 */
#ifndef SL_RATELIMIT_H
#define SL_RATELIMIT_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sl_xdp_shared.h"
#include "net/packet.h"
#include "maps.h"

/* The state key of an address (network order, v4 in the first 4 bytes). */
static __always_inline void rate_key_of(struct sl_rate_key *key, __u8 family,
					const __u64 addr[2])
{
	__builtin_memset(key, 0, sizeof(*key));
	key->family = family;
	__builtin_memcpy(key->addr, addr, 8);	/* v4, or the v6 /64 */
	if (family != 6)
		key->addr[1] = 0;
}

/* 1 if a packet at now is within interval/burst (GCRA terms, ns) of the
 * theoretical arrival time *tat, which it then advances; 0 if over. */
static __always_inline int gcra_step(__u64 *tat, __u64 now, __u64 interval,
				     __u64 burst)
{
	__u64 t = *tat;

	if (!interval)
		return 1;
	if (t < now)
		t = now;
	if (t - now > burst)
		return 0;
	*tat = t + interval;
	return 1;
}

/* 1 if a packet for key is within interval/burst (GCRA terms, ns) and
 * takes its place, 0 if over.  map: an LRU hash of sl_rate_key -> __u64. */
static __always_inline int gcra_allows(void *map, const struct sl_rate_key *key,
				       __u64 interval, __u64 burst)
{
	__u64 now, tat, *state;

	if (!interval)
		return 1;
	now = bpf_ktime_get_ns();
	state = bpf_map_lookup_elem(map, key);
	tat = state ? *state : now;
	if (!gcra_step(&tat, now, interval, burst))
		return 0;
	if (state)
		*state = tat;
	else
		bpf_map_update_elem(map, key, &tat, BPF_ANY);
	return 1;
}

/* 1 if a reply to this request's source is within rate_limit, 0 if over. */
static __always_inline int rate_allows(const struct sl_config *cfg,
				       const struct pkt *p)
{
	struct sl_rate_key key;

	if (!cfg->rate_interval_ns || p->trusted)	/* [ban] trusted */
		return 1;
	rate_key_of(&key, p->family, p->src);
	return gcra_allows(&sl_rate, &key, cfg->rate_interval_ns,
			   cfg->rate_burst_ns);
}

#endif /* SL_RATELIMIT_H */
