/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * rtnetlink, as the responder's sync uses it: a socket that dumps a table
 * (links, addresses, routes, rules, neighbours) and a socket subscribed to
 * their change events.  Both are opened and bound before the responder
 * enters its sandbox; afterwards only sendto, recvmsg and poll are used
 * on them.  No libmnl: the few messages are parsed here, every attribute
 * bounds-checked against its message.
 */
#ifndef SL_DP_RTNL_H
#define SL_DP_RTNL_H

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/types.h>
#include <stddef.h>

struct sl_rtnl {
	int fd;
	__u32 seq;
	void *buf;		/* receive buffer, SL_RTNL_BUF bytes */
};

#define SL_RTNL_BUF		65536

/* The change events the sync follows: links, addresses, routes, policy
 * rules (both families) and neighbours. */
#define SL_RTNL_GROUPS	(RTMGRP_LINK | RTMGRP_NEIGH | RTMGRP_IPV4_IFADDR | \
			 RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE | \
			 RTMGRP_IPV6_ROUTE | RTMGRP_IPV4_RULE | \
			 (1u << (RTNLGRP_IPV6_RULE - 1)))

/* Opens a NETLINK_ROUTE socket; groups 0: for dumps, else subscribed to
 * them, non-blocking, with a receive buffer of 4 MiB (raised with
 * SO_RCVBUFFORCE where the caller may).  0 or -errno. */
int sl_rtnl_open(struct sl_rtnl *n, __u32 groups);
void sl_rtnl_close(struct sl_rtnl *n);

/* Called for each message; a non-zero return stops the walk and is
 * returned. */
typedef int (*sl_rtnl_cb)(const struct nlmsghdr *h, void *arg);

/* Dumps RTM_GETLINK, RTM_GETADDR, RTM_GETROUTE, RTM_GETRULE or
 * RTM_GETNEIGH of family (AF_UNSPEC: all) through cb.  0, the callback's
 * value, -EAGAIN when the table changed during the dump (the kernel says
 * so: dump again), or -errno. */
int sl_rtnl_dump(struct sl_rtnl *n, __u16 type, __u8 family, sl_rtnl_cb cb,
		 void *arg);

/* Every event waiting on a subscribed socket through cb, without
 * blocking.  0 when none is left, -ENOBUFS when the kernel dropped events
 * (the socket overran: every table must be read again), or -errno. */
int sl_rtnl_drain(struct sl_rtnl *n, sl_rtnl_cb cb, void *arg);

/*
 * The attributes of a message into tb[0..max] (tb[type] = the first of
 * that type, NULL if absent; types above max ignored).  hdrlen: the
 * family header after the nlmsghdr (sizeof(struct ifaddrmsg), ...).
 * Returns the family header, or NULL if the message is too short for it.
 */
const void *sl_rtnl_parse(const struct nlmsghdr *h, size_t hdrlen,
			  const struct rtattr **tb, int max);
/* Payload of an attribute of at least len bytes, or NULL. */
const void *sl_rtnl_data(const struct rtattr *a, size_t len);

#endif /* SL_DP_RTNL_H */
