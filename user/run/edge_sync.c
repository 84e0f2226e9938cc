// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <linux/if_addr.h>
#include <bpf/bpf.h>

#include "dp/block.h"
#include "dp/local_addrs.h"
#include "dp/maps.h"
#include "dp/nexthop.h"
#include "dp/rtnl.h"
#include "run/edge_sync.h"

#define TICK_MS		100
/* the blocklist sweep: entries looked at per trie and tick, so that a
 * full list (2 x SL_BLOCK_MAX) is gone through in under 30 s and a tick
 * stays short */
#define SWEEP_BUDGET	4096

struct edge_sync {
	struct sl_maps maps;
	struct sl_rtnl events;		/* subscribed to SL_RTNL_GROUPS */
	struct sl_rtnl dump;		/* requests and their answers */
	int ifindex;
	struct sl_sync_state st;
	struct sl_nh nh;		/* routes, neighbours, devices */
	/* what the events since the last pass made stale */
	int dirty_local;
	int dirty_links;		/* then routes and neighbours too */
	int dirty_routes;
	int dirty_all;
	int local_not_stored;		/* sl_local was full */
	struct sl_block_sweep sweep;	/* expired blocklist entries */
	volatile int stop;
	pthread_t thread;
	int running;
};

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* = bpf_ktime_get_ns() */
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void publish(struct edge_sync *es)
{
	__u32 zero = 0;

	es->st.heartbeat_ns = mono_ns();
	bpf_map_update_elem(es->maps.fd[SL_M_SYNC], &zero, &es->st, BPF_ANY);
}

/* Reads again what the events made stale; what fails stays stale and is
 * read again next tick.  0 or the first -errno. */
static int resync(struct edge_sync *es)
{
	unsigned int n = 0;
	int ret = 0, r;

	if (es->dirty_all) {
		es->dirty_local = es->dirty_links = 1;
		es->st.resyncs++;
		es->dirty_all = 0;
	}
	if (es->nh.links_stale)
		es->dirty_links = 1;
	if (es->dirty_local) {
		r = sl_local_sync_iface(&es->maps, &es->dump, es->ifindex, &n);
		/* a full map stays full until an address goes: not read
		 * again every tick for that */
		es->local_not_stored = r == -E2BIG;
		if (!r || r == -E2BIG) {
			es->st.local = n;
			es->dirty_local = 0;
			r = 0;
		}
		ret = ret ? ret : r;
	}
	if (es->dirty_links) {
		/* a device's MAC or MTU is in routes and neighbours */
		r = sl_nh_sync_links(&es->nh);
		if (!r)
			r = sl_nh_sync_neigh(&es->nh);
		if (!r) {
			es->dirty_links = 0;
			es->dirty_routes = 1;
		}
		ret = ret ? ret : r;
	}
	if (es->dirty_routes) {
		r = sl_nh_sync_routes(&es->nh);
		if (!r)
			es->dirty_routes = 0;
		ret = ret ? ret : r;
	}
	es->st.flags = es->nh.flags;
	es->st.routes = es->nh.routes;
	es->st.neighbours = es->nh.neighbours;
	es->st.not_stored = es->nh.routes_not_stored + es->nh.neigh_not_stored +
			    es->local_not_stored;
	return ret;
}

/* One event: a neighbour is written at once; the rest says which table
 * to read again. */
static int on_event(const struct nlmsghdr *h, void *arg)
{
	struct edge_sync *es = arg;

	switch (h->nlmsg_type) {
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
		sl_nh_neigh_event(&es->nh, h);
		break;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
	case RTM_NEWRULE:
	case RTM_DELRULE:
		es->dirty_routes = 1;
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR: {
		const struct rtattr *tb[IFA_MAX + 1];
		const struct ifaddrmsg *ifa = sl_rtnl_parse(h, sizeof(*ifa), tb, IFA_MAX);

		if (ifa && (int)ifa->ifa_index == es->ifindex)
			es->dirty_local = 1;
		break;
	}
	case RTM_NEWLINK:
	case RTM_DELLINK: {
		const struct rtattr *tb[IFLA_MAX + 1];
		const struct ifinfomsg *ifi = sl_rtnl_parse(h, sizeof(*ifi), tb, IFLA_MAX);

		es->dirty_links = 1;
		if (ifi && ifi->ifi_index == es->ifindex)
			es->dirty_local = 1;	/* its MAC may have changed */
		break;
	}
	}
	return 0;
}

static void *sync_thread(void *arg)
{
	struct edge_sync *es = arg;
	struct pollfd pfd = { .fd = es->events.fd, .events = POLLIN };

	prctl(PR_SET_NAME, "sl-xdp/sync", 0, 0, 0);	/* ps -L, top -H */

	while (!es->stop) {
		int ret;

		if (poll(&pfd, 1, TICK_MS) > 0) {
			ret = sl_rtnl_drain(&es->events, on_event, es);
			if (ret == -ENOBUFS)	/* events were lost */
				es->dirty_all = 1;
		}
		/* a table that could not be read is read again next tick */
		resync(es);
		publish(es);
		sl_block_sweep_step(&es->maps, &es->sweep, mono_ns(), SWEEP_BUDGET);
	}
	return NULL;
}

int edge_sync_open(const char *ifname, const char *pin_dir,
		   struct edge_sync **out, char *err, size_t errlen)
{
	struct edge_sync *es = calloc(1, sizeof(*es));
	int ret;

	*out = NULL;
	if (!es) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	es->events.fd = es->dump.fd = -1;
	sl_maps_init(&es->maps);
	es->ifindex = (int)if_nametoindex(ifname);
	if (!es->ifindex) {
		snprintf(err, errlen, "no such interface: %s", ifname);
		edge_sync_close(es);
		return -1;
	}
	if (sl_maps_open_pinned(&es->maps, pin_dir, err, errlen)) {
		edge_sync_close(es);
		return -1;
	}
	ret = sl_rtnl_open(&es->events, SL_RTNL_GROUPS);
	if (!ret)
		ret = sl_rtnl_open(&es->dump, 0);
	sl_nh_init(&es->nh, &es->maps, &es->dump);
	if (ret) {
		snprintf(err, errlen, "cannot open a netlink socket to follow %s's addresses: %s",
			 ifname, strerror(-ret));
		edge_sync_close(es);
		return -1;
	}
	es->dirty_all = 1;
	ret = resync(es);
	if (ret == -EAGAIN)	/* a table changed while it was read */
		ret = resync(es);
	if (ret) {
		snprintf(err, errlen, "cannot read %s's addresses, the routes or the neighbours into the data plane's maps: %s",
			 ifname, strerror(-ret));
		edge_sync_close(es);
		return -1;
	}
	publish(es);
	*out = es;
	return 0;
}

int edge_sync_start(struct edge_sync *es)
{
	int ret = pthread_create(&es->thread, NULL, sync_thread, es);

	if (ret)
		return -ret;
	es->running = 1;
	return 0;
}

void edge_sync_close(struct edge_sync *es)
{
	if (!es)
		return;
	if (es->running) {
		es->stop = 1;
		pthread_join(es->thread, NULL);
	}
	sl_rtnl_close(&es->events);
	sl_rtnl_close(&es->dump);
	sl_maps_close(&es->maps);
	free(es);
}
