/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Is a frame's source in a short list of pre-masked prefixes ([forward]
 * peers, [ban] trusted)?  Every slot up to max is compared, so the cost
 * does not depend on where the match is.
 */
#ifndef SL_NET_PREFIX_H
#define SL_NET_PREFIX_H

#include "vmlinux.h"
#include "sl_xdp_shared.h"
#include "net/packet.h"

static __always_inline int src_in_prefixes(const struct sl_prefix *list,
					   __u32 n, const int max,
					   const struct pkt *p)
{
	int i, hit = 0;

#pragma unroll
	for (i = 0; i < max; i++) {
		const struct sl_prefix *pf = &list[i];
		const __u64 *a = (const __u64 *)pf->addr;
		const __u64 *m = (const __u64 *)pf->mask;

		if ((__u32)i < n && pf->family == p->family &&
		    (p->src[0] & m[0]) == a[0] && (p->src[1] & m[1]) == a[1])
			hit = 1;
	}
	return hit;
}

#endif /* SL_NET_PREFIX_H */
