/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Is the frame for this host?  Its destination MAC must be one of the
 * interface's and its destination IP one of the interface's addresses or
 * of the active bank's `addresses =` (map sl_local, include/sl_edge.h).
 * Anything else (broadcast, multicast, another host's MAC, transit
 * traffic routed through us) is passed to the stack untouched: sl-xdp
 * never answers, absorbs or forwards it.  Two or three hash lookups, each
 * a few calls (~10 ns per call and return on a guest whose returns go
 * through a thunk): the last frame found local is remembered per CPU,
 * and a frame to the same MAC, address and bank skips them while
 * sl_local_gen says sl_local has not changed since.
 */
#ifndef SL_LOCAL_DST_H
#define SL_LOCAL_DST_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sl_xdp_shared.h"
#include "net/packet.h"
#include "maps.h"

static __always_inline int local_has(struct sl_local_key *k, __u8 owner)
{
	k->owner = owner;
	return bpf_map_lookup_elem(&sl_local, k) != NULL;
}

/*
 * 1 if the frame's destination MAC and IP are this host's: dst is the
 * destination address (struct pkt layout: v4 in the low bytes of dst0),
 * family 4 or 6.  A global function: verified once, and its keys are on a
 * stack frame of its own, not on the entry's.
 */
__noinline int sl_frame_is_local(struct xdp_md *ctx, __u64 dst0, __u64 dst1,
				 __u32 family, __u32 bank)
{
	void *data, *data_end;
	struct sl_local_key mac = { .kind = SL_LOCAL_MAC };
	struct sl_local_key ip = {};

	if (!ctx)
		return 0;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + 6 > data_end)
		return 0;
	__builtin_memcpy(mac.addr, data, 6);
	if (!local_has(&mac, SL_LOCAL_IFACE))
		return 0;
	if (family == 4) {
		ip.kind = SL_LOCAL_IP4;
		__builtin_memcpy(ip.addr, &dst0, 4);
	} else {
		ip.kind = SL_LOCAL_IP6;
		__builtin_memcpy(ip.addr, &dst0, 8);
		__builtin_memcpy(ip.addr + 8, &dst1, 8);
	}
	return local_has(&ip, SL_LOCAL_IFACE) ||
	       local_has(&ip, SL_LOCAL_BANK0 + (bank & 1));
}

/* 1 if the frame is for this host (see above); scr: the CPU's scratch
 * value, whose memo this reads and refreshes. */
static __always_inline int frame_is_local(struct xdp_md *ctx,
					  const struct pkt *p, __u32 bank,
					  struct sl_scratch *scr)
{
	struct local_memo *m = &scr->local;
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 zero = 0, mac_hi;
	__u64 *genp, gen;
	__u16 mac_lo;

	if (data + 6 > data_end)
		return 0;
	mac_hi = *(__u32 *)data;
	mac_lo = *(__u16 *)(data + 4);
	genp = bpf_map_lookup_elem(&sl_local_gen, &zero);
	if (!genp)
		return sl_frame_is_local(ctx, p->dst[0], p->dst[1], p->family,
					 bank);
	/* read before the lookups: a change after them writes a new value,
	 * and the memo made now no longer holds */
	gen = *(volatile __u64 *)genp;
	if (m->valid && m->gen == gen && m->mac_hi == mac_hi &&
	    m->mac_lo == mac_lo && m->dst[0] == p->dst[0] &&
	    m->dst[1] == p->dst[1] && m->family == p->family &&
	    m->bank == bank)
		return 1;
	if (!sl_frame_is_local(ctx, p->dst[0], p->dst[1], p->family, bank))
		return 0;
	m->valid = 1;
	m->gen = gen;
	m->mac_hi = mac_hi;
	m->mac_lo = mac_lo;
	m->dst[0] = p->dst[0];
	m->dst[1] = p->dst[1];
	m->family = p->family;
	m->bank = bank;
	return 1;
}

#endif /* SL_LOCAL_DST_H */
