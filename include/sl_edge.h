/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the XDP program knows about this host, kept by userspace: its
 * addresses (only frames for them are answered, absorbed or forwarded),
 * and the next hops that reply forwarding sends to, in place of the
 * kernel's FIB helper: bpf_fib_lookup() refuses to work for an interface
 * without IP forwarding (net.ipv4.conf.IFACE.forwarding=0 gives
 * BPF_FIB_LKUP_RET_FWD_DISABLED whatever the flags, 6.1 to 6.18), and
 * turning that on makes the host a router for everything that arrives
 * there.  Included by sl_xdp_shared.h; only __u8.. types here.
 *
 * Writers: the responder's netlink sync (user/run/edge_sync.c: the
 * interface's own addresses and MAC, routes, neighbours, the sync state)
 * and the one bank writer (user/dp/bank.c: the `addresses =` of a bank).
 * Each writer has keys of its own, so no entry is ever read, changed and
 * written back by two of them.
 */
#ifndef SL_EDGE_H
#define SL_EDGE_H

/* ---- this host (map sl_local, a hash) ---- */

enum sl_local_kind {
	SL_LOCAL_MAC = 1,	/* addr[0..5]: a MAC of the interface */
	SL_LOCAL_IP4 = 4,	/* addr[0..3] */
	SL_LOCAL_IP6 = 6,
};

/* Who put the entry there.  The interface's own addresses count for
 * every bank; configured ones (`addresses =`) only for their bank, so
 * that a reload switches them with the rules, in one map update. */
enum sl_local_owner {
	SL_LOCAL_IFACE = 0,	/* the netlink sync */
	SL_LOCAL_BANK0 = 1,	/* + bank: the bank writer */
};

struct sl_local_key {
	__u8 kind;		/* enum sl_local_kind */
	__u8 owner;		/* enum sl_local_owner */
	__u8 pad[2];
	__u8 addr[16];		/* network order, unused bytes zero */
};

#define SL_LOCAL_MAX		1024	/* entries of sl_local */
#define SL_MAX_ADDRESSES	16	/* `addresses =` per bank */

/* The `addresses =` of a bank: family 4 or 6, network order. */
struct sl_addr_list {
	__u32 n;
	struct {
		__u8 family;
		__u8 pad[3];
		__u8 addr[16];
	} a[SL_MAX_ADDRESSES];
};

/* ---- next hops (reply forwarding) ---- */

/* sl_routes: an LPM trie of this host's routes (tables local and main),
 * the family byte in front of the address so that both families share
 * it: prefixlen = 32 + the route's prefix length. */
struct sl_route_key {
	__u32 prefixlen;
	__u8 family;		/* 4 or 6 */
	__u8 pad[3];
	__u8 addr[16];
};

enum sl_route_type {
	SL_ROUTE_PASS = 0,	/* local, broadcast, blackhole, multipath
				 * over families, a dead next hop...: the
				 * stack decides */
	SL_ROUTE_FORWARD = 1,	/* a unicast route: ifindex, gw */
};

struct sl_route {
	__u32 ifindex;		/* out of this device */
	__u32 mtu;		/* largest IP packet: the route's, else the device's */
	__u8 type;		/* enum sl_route_type */
	__u8 has_gw;		/* next hop gw, else the destination itself */
	__u8 pad[6];
	__u8 gw[16];		/* same family as the key */
};

/* sl_neigh: resolved neighbours (NUD_VALID), and the MAC of their device */
struct sl_neigh_key {
	__u32 ifindex;
	__u8 family;
	__u8 pad[3];
	__u8 addr[16];
};

struct sl_neigh {
	__u8 dmac[6];		/* the neighbour */
	__u8 smac[6];		/* its device */
	__u8 pad[4];
};

#define SL_ROUTES_MAX		16384
#define SL_NEIGH_MAX		16384

/* ---- the netlink sync (sl_sync, an array of one) ---- */

/* What the sync did last; `sl-ctl status` shows it.  The XDP program
 * forwards only while the route table is complete and the heartbeat is
 * younger than SL_SYNC_STALE_NS: a responder that died leaves tables
 * nobody keeps current, and replies then go to the stack. */
struct sl_sync_state {
	__u64 heartbeat_ns;	/* CLOCK_MONOTONIC (= bpf_ktime_get_ns) */
	__u32 flags;		/* SL_SYNC_* */
	__u32 local;		/* the interface's entries in sl_local */
	__u32 routes;		/* entries in sl_routes */
	__u32 neighbours;	/* entries in sl_neigh */
	__u32 not_stored;	/* routes or neighbours that did not fit */
	__u32 resyncs;		/* full resyncs since the responder started */
};

#define SL_SYNC_ROUTES_COMPLETE	(1u << 0)	/* sl_routes holds every route
						 * of the tables local and main */
#define SL_SYNC_POLICY_ROUTING	(1u << 1)	/* ip rules beyond the defaults,
						 * or routes in table default:
						 * not modelled, nothing forwarded */
#define SL_SYNC_STALE_NS	3000000000ULL

#endif /* SL_EDGE_H */
