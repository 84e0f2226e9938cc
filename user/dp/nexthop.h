/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The next-hop tables of reply forwarding (sl_routes, sl_neigh; see
 * include/sl_edge.h and bpf/nexthop.h), written from the kernel's own
 * tables read over rtnetlink:
 *
 *  - routes: the tables local and main of both families, as the kernel's
 *    default rules consult them (local first).  A unicast route of table
 *    main with one usable next hop (or the first live one of a multipath
 *    route) becomes SL_ROUTE_FORWARD (device, gateway, MTU: the route's
 *    mtu metric, else the device's); anything else (local, broadcast,
 *    blackhole, unreachable, an encap or a gateway of the other family, a
 *    dead or link-down next hop) SL_ROUTE_PASS, so that its prefix is not
 *    matched by a shorter route.  Routes of another TOS are left out (a
 *    reply has TOS 0).  Policy routing (an ip rule beyond the kernel's
 *    defaults, routes in table default) is not modelled: the tables are
 *    then marked incomplete and nothing is forwarded in XDP.  So are
 *    tables with more routes than SL_ROUTES_MAX.
 *  - neighbours: every IPv4/IPv6 neighbour in a NUD_VALID state with a
 *    6-byte link-layer address (no proxy entries), with its device's MAC;
 *    kept entry by entry from RTM_NEWNEIGH/RTM_DELNEIGH.  Beyond
 *    SL_NEIGH_MAX, a neighbour is missing: its replies go to the stack.
 */
#ifndef SL_DP_NEXTHOP_H
#define SL_DP_NEXTHOP_H

#include "dp/maps.h"
#include "dp/rtnl.h"

#define SL_NH_LINKS	1024	/* devices whose MAC and MTU are known */

struct sl_nh_link {
	int ifindex;
	__u32 mtu;
	__u8 mac[6];
	__u8 has_mac;
};

struct sl_nh {
	const struct sl_maps *m;
	struct sl_rtnl *dump;
	unsigned int n_links;
	struct sl_nh_link links[SL_NH_LINKS];
	/* the last syncs' results (struct sl_sync_state's fields) */
	__u32 flags;		/* SL_SYNC_ROUTES_COMPLETE, SL_SYNC_POLICY_ROUTING */
	__u32 routes;
	__u32 neighbours;
	__u32 routes_not_stored;
	__u32 neigh_not_stored;
	int links_stale;	/* a neighbour of an unknown device was seen */
};

void sl_nh_init(struct sl_nh *nh, const struct sl_maps *m,
		struct sl_rtnl *dump);
/* Each reads one table again (dump) and writes its map; stale entries
 * are deleted after the new ones are written.  0 or -errno (-EAGAIN: the
 * table changed during the dump, read it again). */
int sl_nh_sync_links(struct sl_nh *nh);
int sl_nh_sync_routes(struct sl_nh *nh);
int sl_nh_sync_neigh(struct sl_nh *nh);
/* One RTM_NEWNEIGH / RTM_DELNEIGH event into sl_neigh. */
void sl_nh_neigh_event(struct sl_nh *nh, const struct nlmsghdr *h);

#endif /* SL_DP_NEXTHOP_H */
