/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The responder's netlink sync: keeps what the XDP program knows about
 * this host current (include/sl_edge.h): the interface's MAC and
 * addresses in sl_local, the routes and neighbours reply forwarding uses
 * (user/dp/nexthop.h).  A thread of its own follows the kernel's change
 * events (rtnetlink groups, user/dp/rtnl.h): a neighbour is written as
 * its event comes, an address, route, rule or device change makes the
 * table read again (at most once a tick), and every 100 ms it writes a
 * heartbeat into sl_sync (the data plane forwards nothing on tables
 * older than 3 s).  An event lost to a full socket buffer makes it read
 * every table again.  Each tick the thread also removes up to a bounded
 * number of expired blocklist entries (user/dp/block.h).
 *
 * Everything that needs a privilege or a new file descriptor happens in
 * edge_sync_open(), before the sandbox: the maps are opened, both netlink
 * sockets made and bound (the event socket subscribed to its groups, its
 * buffer raised), and the first full sync written, so the data plane
 * knows the interface before the responder says it answers.  The thread,
 * started in the sandbox, only polls, receives, sends dump requests on
 * the socket it has and updates maps (poll, recvmsg, sendto, bpf).
 */
#ifndef SL_RUN_EDGE_SYNC_H
#define SL_RUN_EDGE_SYNC_H

#include <stddef.h>

struct edge_sync;

/* 0, or -1 with err set. */
int edge_sync_open(const char *ifname, const char *pin_dir,
		   struct edge_sync **out, char *err, size_t errlen);
/* The thread; 0 or -errno. */
int edge_sync_start(struct edge_sync *es);
/* Stops the thread (within a tick) and closes everything; NULL is fine. */
void edge_sync_close(struct edge_sync *es);

#endif /* SL_RUN_EDGE_SYNC_H */
