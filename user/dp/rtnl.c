// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>

#include "dp/rtnl.h"

#define RCVBUF		(4 << 20)

int sl_rtnl_open(struct sl_rtnl *n, __u32 groups)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = groups };
	int type = SOCK_RAW | SOCK_CLOEXEC | (groups ? SOCK_NONBLOCK : 0);
	int size = RCVBUF, ret;

	n->seq = 0;
	n->buf = malloc(SL_RTNL_BUF);
	if (!n->buf) {
		n->fd = -1;
		return -ENOMEM;
	}
	n->fd = socket(AF_NETLINK, type, NETLINK_ROUTE);
	if (n->fd < 0) {
		ret = -errno;
		goto fail;
	}
	/* events come in bursts (a route table flushed): room for them;
	 * FORCE needs CAP_NET_ADMIN, the plain one is capped by rmem_max */
	if (groups &&
	    setsockopt(n->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(n->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(n->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		ret = -errno;
		goto fail;
	}
	return 0;
fail:
	sl_rtnl_close(n);
	return ret;
}

void sl_rtnl_close(struct sl_rtnl *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
	free(n->buf);
	n->buf = NULL;
}

/* The family header of each dump request (all start with the family). */
static size_t dump_hdrlen(__u16 type)
{
	switch (type) {
	case RTM_GETLINK:
		return sizeof(struct ifinfomsg);
	case RTM_GETADDR:
		return sizeof(struct ifaddrmsg);
	case RTM_GETROUTE:
		return sizeof(struct rtmsg);
	case RTM_GETRULE:
		return sizeof(struct fib_rule_hdr);
	case RTM_GETNEIGH:
		return sizeof(struct ndmsg);
	}
	return 0;
}

/* One datagram into n->buf: its length, or -errno. */
static ssize_t recv_one(struct sl_rtnl *n, int flags)
{
	struct sockaddr_nl from;
	struct iovec iov = { .iov_base = n->buf, .iov_len = SL_RTNL_BUF };
	struct msghdr msg = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	ssize_t len;

	do {
		len = recvmsg(n->fd, &msg, flags);
	} while (len < 0 && errno == EINTR);
	if (len < 0)
		return -errno;
	/* only the kernel speaks on these sockets */
	if (from.nl_pid != 0 || (msg.msg_flags & MSG_TRUNC))
		return 0;
	return len;
}

int sl_rtnl_dump(struct sl_rtnl *n, __u16 type, __u8 family, sl_rtnl_cb cb,
		 void *arg)
{
	struct {
		struct nlmsghdr h;
		unsigned char body[32];
	} req;
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	size_t hdrlen = dump_hdrlen(type);
	int intr = 0;
	__u32 seq;

	if (!hdrlen)
		return -EINVAL;
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(hdrlen);
	req.h.nlmsg_type = type;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = seq = ++n->seq;
	req.body[0] = family;
	if (sendto(n->fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&to,
		   sizeof(to)) < 0)
		return -errno;
	for (;;) {
		ssize_t len = recv_one(n, 0);
		const struct nlmsghdr *h;

		if (len < 0)
			return (int)len;
		for (h = n->buf; NLMSG_OK(h, (size_t)len); h = NLMSG_NEXT(h, len)) {
			int ret;

			if (h->nlmsg_seq != seq)
				continue;	/* an older dump's tail */
			if (h->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = 1;
			if (h->nlmsg_type == NLMSG_DONE)
				return intr ? -EAGAIN : 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					return -EPROTO;
				return e->error ? e->error : -EPROTO;
			}
			ret = cb(h, arg);
			if (ret)
				return ret;	/* the rest is read by the next dump */
		}
	}
}

int sl_rtnl_drain(struct sl_rtnl *n, sl_rtnl_cb cb, void *arg)
{
	for (;;) {
		ssize_t len = recv_one(n, MSG_DONTWAIT);
		const struct nlmsghdr *h;

		if (len == -EAGAIN || len == -EWOULDBLOCK)
			return 0;
		if (len < 0)
			return (int)len;
		for (h = n->buf; NLMSG_OK(h, (size_t)len); h = NLMSG_NEXT(h, len)) {
			int ret;

			if (h->nlmsg_type == NLMSG_DONE ||
			    h->nlmsg_type == NLMSG_ERROR)
				continue;
			ret = cb(h, arg);
			if (ret)
				return ret;
		}
	}
}

const void *sl_rtnl_parse(const struct nlmsghdr *h, size_t hdrlen,
			  const struct rtattr **tb, int max)
{
	const struct rtattr *a;
	int len;

	if (h->nlmsg_len < NLMSG_LENGTH(hdrlen))
		return NULL;
	memset(tb, 0, sizeof(*tb) * (max + 1));
	len = (int)(h->nlmsg_len - NLMSG_SPACE(hdrlen));
	a = (const struct rtattr *)((const char *)NLMSG_DATA(h) + NLMSG_ALIGN(hdrlen));
	for (; len > 0 && RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		unsigned short t = a->rta_type & NLA_TYPE_MASK;

		if (t <= max && !tb[t])
			tb[t] = a;
	}
	return NLMSG_DATA(h);
}

const void *sl_rtnl_data(const struct rtattr *a, size_t len)
{
	if (!a || RTA_PAYLOAD(a) < len)
		return NULL;
	return RTA_DATA(a);
}
