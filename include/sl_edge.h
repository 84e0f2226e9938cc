/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the XDP program knows about this host, kept by userspace: its
 * addresses: only frames for them are answered, absorbed or forwarded.
 * Included by sl_xdp_shared.h; only __u8.. types here.
 *
 * Writers: the responder's netlink sync (user/run/edge_sync.c: the
 * interface's own addresses and MAC, the sync state)
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

/* ---- the netlink sync (sl_sync, an array of one) ---- */

/* What the sync did last; `sl-ctl status` shows it. */
struct sl_sync_state {
	__u64 heartbeat_ns;	/* CLOCK_MONOTONIC (= bpf_ktime_get_ns) */
	__u32 flags;		/* SL_SYNC_* */
	__u32 local;		/* the interface's entries in sl_local */
	__u32 resyncs;		/* full resyncs since the responder started */
	__u32 pad;
};

#endif /* SL_EDGE_H */
