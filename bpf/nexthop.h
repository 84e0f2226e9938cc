/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The next hop of a forwarded reply, from the tables the responder's
 * netlink sync keeps (include/sl_edge.h): the longest matching route of
 * sl_routes (tables local and main), then the neighbour of its gateway,
 * or of the destination on a connected route, in sl_neigh.  Unlike the
 * kernel's bpf_fib_lookup(), this needs no IP forwarding on the
 * interface.  A miss (no route, a route the stack must handle, no
 * resolved neighbour, tables not current) is not forwarded: the stack
 * gets the reply, and its own forwarding resolves the neighbour, which
 * the sync then learns.  One LPM lookup, two hash lookups.
 */
#ifndef SL_NEXTHOP_H
#define SL_NEXTHOP_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sl_xdp_shared.h"
#include "maps.h"

#define NH_OK		0
#define NH_MISS		1	/* no usable route or neighbour */
#define NH_OVER_MTU	2

/* Are the tables complete and kept current? */
static __always_inline int nh_tables_current(void)
{
	const struct sl_sync_state *st;
	__u32 zero = 0;
	__s64 age;

	st = bpf_map_lookup_elem(&sl_sync, &zero);
	if (!st || !(st->flags & SL_SYNC_ROUTES_COMPLETE) ||
	    (st->flags & SL_SYNC_POLICY_ROUTING))
		return 0;
	age = (__s64)(bpf_ktime_get_ns() - st->heartbeat_ns);
	return age < (__s64)SL_SYNC_STALE_NS;
}

/* Only a global unicast destination has a next hop here: not 0.0.0.0/8,
 * loopback, multicast or 240/4 and broadcast, nor ::, ::1, fe80::/10
 * (link-local: which link?) or ff00::/8.  The routes that cover them
 * (a default route does) would otherwise send them on as unicast. */
static __always_inline int nh_unicast(__u8 family, const __u8 dst[16])
{
	__u64 hi, lo;

	if (family == 4)
		return dst[0] != 0 && dst[0] != 127 && dst[0] < 224;
	__builtin_memcpy(&hi, dst, 8);
	__builtin_memcpy(&lo, dst + 8, 8);
	if (!hi && (!lo || lo == 0x0100000000000000ULL))	/* ::, ::1 */
		return 0;
	return dst[0] != 0xff && !(dst[0] == 0xfe && (dst[1] & 0xc0) == 0x80);
}

/*
 * family 4/6, dst (network order, v4 in the first 4 bytes), ip_len: the
 * IP packet to send.  NH_OK with out->ifindex, dmac and smac filled in.
 */
static __always_inline int nh_resolve(__u8 family, const __u8 dst[16],
				      __u32 ip_len, struct bpf_fib_lookup *out)
{
	struct sl_route_key rk = { .family = family };
	struct sl_neigh_key nk = { .family = family };
	const struct sl_route *rt;
	const struct sl_neigh *nb;
	int i;

	if (!nh_tables_current() || !nh_unicast(family, dst))
		return NH_MISS;
	if (family == 4) {
		rk.prefixlen = 32 + 32;
		__builtin_memcpy(rk.addr, dst, 4);
	} else {
		rk.prefixlen = 32 + 128;
		__builtin_memcpy(rk.addr, dst, 16);
	}
	rt = bpf_map_lookup_elem(&sl_routes, &rk);
	if (!rt || rt->type != SL_ROUTE_FORWARD)
		return NH_MISS;
	if (rt->mtu && ip_len > rt->mtu)
		return NH_OVER_MTU;
	nk.ifindex = rt->ifindex;
	if (rt->has_gw)
		__builtin_memcpy(nk.addr, rt->gw, 16);
	else
		__builtin_memcpy(nk.addr, rk.addr, 16);
	nb = bpf_map_lookup_elem(&sl_neigh, &nk);
	if (!nb)
		return NH_MISS;
	out->ifindex = rt->ifindex;
#pragma unroll
	for (i = 0; i < 6; i++) {
		out->dmac[i] = nb->dmac[i];
		out->smac[i] = nb->smac[i];
	}
	return NH_OK;
}

#endif /* SL_NEXTHOP_H */
