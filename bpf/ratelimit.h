/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Per-source reply rate limit, so that sl-xdp cannot be used to reflect
 * traffic at a victim whose address is spoofed: GCRA (a token bucket
 * without a refill timer) on the theoretical arrival time of the next
 * request from that address, in an LRU hash.  Concurrent CPUs may both
 * pass a request at the edge: the limit is approximate by a request or so.
 */
#ifndef SL_RATELIMIT_H
#define SL_RATELIMIT_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sl_xdp_shared.h"
#include "net/packet.h"
#include "maps.h"

/* 1 if a reply to this source is within its rate, 0 if over. */
static __always_inline int rate_allows(const struct sl_config *cfg,
				       const struct pkt *p)
{
	struct sl_rate_key key = { .family = p->family };
	__u64 now, tat, *state;

	if (!cfg->rate_interval_ns)
		return 1;
	__builtin_memcpy(key.addr, p->src, sizeof(key.addr));
	now = bpf_ktime_get_ns();
	state = bpf_map_lookup_elem(&sl_rate, &key);
	tat = state ? *state : now;
	if (tat < now)
		tat = now;
	if (tat - now > cfg->rate_burst_ns)
		return 0;
	tat += cfg->rate_interval_ns;
	if (state)
		*state = tat;
	else
		bpf_map_update_elem(&sl_rate, &key, &tat, BPF_ANY);
	return 1;
}

#endif /* SL_RATELIMIT_H */
