// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <bpf/bpf.h>

#include "dp/nexthop.h"

#define DEAD_NH		(RTNH_F_DEAD | RTNH_F_LINKDOWN)
/* as the kernel's include/net/neighbour.h: an entry it would send to */
#define NUD_VALID	(NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | \
			 NUD_STALE | NUD_DELAY)

void sl_nh_init(struct sl_nh *nh, const struct sl_maps *m,
		struct sl_rtnl *dump)
{
	memset(nh, 0, sizeof(*nh));
	nh->m = m;
	nh->dump = dump;
}

static const struct sl_nh_link *link_of(const struct sl_nh *nh, int ifindex)
{
	for (unsigned int i = 0; i < nh->n_links; i++)
		if (nh->links[i].ifindex == ifindex)
			return &nh->links[i];
	return NULL;
}

/* ---- links: MAC and MTU of every device ---- */

static int on_link(const struct nlmsghdr *h, void *arg)
{
	struct sl_nh *nh = arg;
	const struct rtattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi = sl_rtnl_parse(h, sizeof(*ifi), tb, IFLA_MAX);
	const __u32 *mtu;
	struct sl_nh_link *l;

	if (!ifi || h->nlmsg_type != RTM_NEWLINK || nh->n_links == SL_NH_LINKS)
		return 0;
	l = &nh->links[nh->n_links++];
	memset(l, 0, sizeof(*l));
	l->ifindex = ifi->ifi_index;
	mtu = sl_rtnl_data(tb[IFLA_MTU], 4);
	l->mtu = mtu ? *mtu : 0;
	if (tb[IFLA_ADDRESS] && RTA_PAYLOAD(tb[IFLA_ADDRESS]) == 6) {
		memcpy(l->mac, RTA_DATA(tb[IFLA_ADDRESS]), 6);
		l->has_mac = 1;
	}
	return 0;
}

int sl_nh_sync_links(struct sl_nh *nh)
{
	int ret;

	nh->n_links = 0;
	ret = sl_rtnl_dump(nh->dump, RTM_GETLINK, AF_UNSPEC, on_link, nh);
	if (!ret)
		nh->links_stale = 0;
	return ret;
}

/* ---- policy rules: only the kernel's defaults are modelled ---- */

struct rule_walk {
	int non_default;
};

static int on_rule(const struct nlmsghdr *h, void *arg)
{
	struct rule_walk *w = arg;
	const struct rtattr *tb[FRA_MAX + 1];
	const struct fib_rule_hdr *fr = sl_rtnl_parse(h, sizeof(*fr), tb, FRA_MAX);
	const __u32 *p;
	__u32 table, prio;
	int t;

	if (!fr || h->nlmsg_type != RTM_NEWRULE)
		return 0;
	p = sl_rtnl_data(tb[FRA_TABLE], 4);
	table = p ? *p : fr->table;
	p = sl_rtnl_data(tb[FRA_PRIORITY], 4);
	prio = p ? *p : 0;
	/* anything that selects (addresses, devices, marks, ports...);
	 * the kernel's own rules carry a few attributes at values that
	 * select nothing */
	for (t = 0; t <= FRA_MAX; t++) {
		if (!tb[t] || t == FRA_TABLE || t == FRA_PRIORITY ||
		    t == FRA_PROTOCOL)
			continue;
		p = sl_rtnl_data(tb[t], 4);
		if ((t == FRA_SUPPRESS_PREFIXLEN || t == FRA_SUPPRESS_IFGROUP) &&
		    p && *p == 0xffffffffu)
			continue;
		if (t == FRA_UID_RANGE) {
			const struct fib_rule_uid_range *u =
				sl_rtnl_data(tb[t], sizeof(*u));

			if (u && u->start == 0 && u->end == 0xffffffffu)
				continue;
		}
		w->non_default = 1;
	}
	if (fr->action != FR_ACT_TO_TBL || fr->src_len || fr->dst_len ||
	    fr->tos || fr->flags)
		w->non_default = 1;
	if (!((prio == 0 && table == RT_TABLE_LOCAL) ||
	      (prio == 32766 && table == RT_TABLE_MAIN) ||
	      (prio == 32767 && table == RT_TABLE_DEFAULT &&
	       fr->family == AF_INET)))
		w->non_default = 1;
	return 0;
}

/* ---- routes ---- */

struct route_ent {
	struct sl_route_key key;
	struct sl_route val;
	__u32 prio;
	__u8 local;		/* table local: consulted first */
};

struct route_walk {
	const struct sl_nh *nh;
	struct route_ent *ents;
	unsigned int n, cap;
	int overflow;
	int table_default;	/* routes in table default */
};

/* The MTU metric of a route, 0 if none. */
static __u32 route_mtu(const struct rtattr *metrics)
{
	const struct rtattr *a;
	int len;

	if (!metrics)
		return 0;
	len = RTA_PAYLOAD(metrics);
	for (a = RTA_DATA(metrics); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == RTAX_MTU && RTA_PAYLOAD(a) >= 4)
			return *(const __u32 *)RTA_DATA(a);
	return 0;
}

/*
 * The next hop of a unicast route into v: SL_ROUTE_FORWARD when there is
 * one it can use (a device; a gateway of the route's own family, or
 * none), else v stays SL_ROUTE_PASS.
 */
static void route_next_hop(const struct sl_nh *nh, const struct rtmsg *rtm,
			   const struct rtattr **tb, struct sl_route *v)
{
	size_t alen = rtm->rtm_family == AF_INET ? 4 : 16;
	const struct rtattr *gw = tb[RTA_GATEWAY];
	const struct sl_nh_link *l;
	int oif = 0;

	if (tb[RTA_ENCAP] || tb[RTA_VIA] || (rtm->rtm_flags & DEAD_NH))
		return;
	if (tb[RTA_MULTIPATH]) {
		/* any path serves a reply: the first live one */
		const struct rtnexthop *nhp = RTA_DATA(tb[RTA_MULTIPATH]);
		int len = RTA_PAYLOAD(tb[RTA_MULTIPATH]);

		gw = NULL;
		while (len >= (int)sizeof(*nhp) && nhp->rtnh_len >= sizeof(*nhp) &&
		       nhp->rtnh_len <= len) {
			if (!(nhp->rtnh_flags & DEAD_NH)) {
				const struct rtattr *a = RTNH_DATA(nhp);
				int alen_left = nhp->rtnh_len - sizeof(*nhp);

				oif = nhp->rtnh_ifindex;
				for (; RTA_OK(a, alen_left); a = RTA_NEXT(a, alen_left)) {
					if (a->rta_type == RTA_VIA)
						return;
					if (a->rta_type == RTA_GATEWAY)
						gw = a;
				}
				break;
			}
			len -= RTNH_ALIGN(nhp->rtnh_len);
			nhp = RTNH_NEXT(nhp);
		}
	} else if (tb[RTA_OIF] && RTA_PAYLOAD(tb[RTA_OIF]) >= 4) {
		oif = *(const int *)RTA_DATA(tb[RTA_OIF]);
	}
	l = oif ? link_of(nh, oif) : NULL;
	if (!l || (gw && RTA_PAYLOAD(gw) != alen))
		return;
	v->type = SL_ROUTE_FORWARD;
	v->ifindex = oif;
	v->mtu = route_mtu(tb[RTA_METRICS]);
	if (!v->mtu)
		v->mtu = l->mtu;
	if (gw) {
		v->has_gw = 1;
		memcpy(v->gw, RTA_DATA(gw), alen);
	}
}

static int on_route(const struct nlmsghdr *h, void *arg)
{
	struct route_walk *w = arg;
	const struct rtattr *tb[RTA_MAX + 1];
	const struct rtmsg *rtm = sl_rtnl_parse(h, sizeof(*rtm), tb, RTA_MAX);
	size_t alen;
	struct route_ent *e;
	const __u32 *p;
	__u32 table;

	if (!rtm || h->nlmsg_type != RTM_NEWROUTE ||
	    (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6) ||
	    (rtm->rtm_flags & RTM_F_CLONED))
		return 0;
	alen = rtm->rtm_family == AF_INET ? 4 : 16;
	p = sl_rtnl_data(tb[RTA_TABLE], 4);
	table = p ? *p : rtm->rtm_table;
	if (table == RT_TABLE_DEFAULT) {
		w->table_default = 1;
		return 0;
	}
	if ((table != RT_TABLE_MAIN && table != RT_TABLE_LOCAL) || rtm->rtm_tos ||
	    rtm->rtm_dst_len > alen * 8)
		return 0;
	if (w->n == w->cap) {
		w->overflow = 1;
		return 0;
	}
	e = &w->ents[w->n];
	memset(e, 0, sizeof(*e));
	e->key.prefixlen = 32 + rtm->rtm_dst_len;
	e->key.family = rtm->rtm_family == AF_INET ? 4 : 6;
	if (tb[RTA_DST] && RTA_PAYLOAD(tb[RTA_DST]) == alen)
		memcpy(e->key.addr, RTA_DATA(tb[RTA_DST]), alen);
	e->val.type = SL_ROUTE_PASS;
	e->local = table == RT_TABLE_LOCAL;
	p = sl_rtnl_data(tb[RTA_PRIORITY], 4);
	e->prio = p ? *p : 0;
	if (!e->local && rtm->rtm_type == RTN_UNICAST)
		route_next_hop(w->nh, rtm, tb, &e->val);
	w->n++;
	return 0;
}

static int key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct sl_route_key));
}

/* The same prefix twice: the local table's wins, then the lowest metric. */
static int ent_cmp(const void *a, const void *b)
{
	const struct route_ent *x = a, *y = b;
	int c = key_cmp(&x->key, &y->key);

	if (c)
		return c;
	if (x->local != y->local)
		return x->local ? -1 : 1;
	return x->prio < y->prio ? -1 : x->prio > y->prio;
}

/* Deletes every entry of map fd whose key (of ksize bytes) is not in
 * keep(key, arg); collected first, deleted after. */
static void delete_stale(int fd, size_t ksize,
			 int (*keep)(const void *key, void *arg), void *arg)
{
	unsigned char *stale, *k, *next;
	size_t n = 0, cap = 1024;
	void *prev = NULL;

	stale = malloc(cap * ksize);
	k = malloc(ksize);
	next = malloc(ksize);
	if (!stale || !k || !next)
		goto out;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(k, next, ksize);
		prev = k;
		if (keep(k, arg))
			continue;
		if (n == cap) {
			unsigned char *more = realloc(stale, 2 * cap * ksize);

			if (!more)
				break;
			stale = more;
			cap *= 2;
		}
		memcpy(stale + n * ksize, k, ksize);
		n++;
	}
	for (size_t i = 0; i < n; i++)
		bpf_map_delete_elem(fd, stale + i * ksize);
out:
	free(stale);
	free(k);
	free(next);
}

struct route_set {
	const struct route_ent *ents;
	unsigned int n;
};

static int route_kept(const void *key, void *arg)
{
	const struct route_set *rs = arg;

	return bsearch(key, rs->ents, rs->n, sizeof(*rs->ents), key_cmp) != NULL;
}

int sl_nh_sync_routes(struct sl_nh *nh)
{
	struct rule_walk rw = { 0 };
	struct route_walk w = { .nh = nh, .cap = SL_ROUTES_MAX };
	struct route_set rs;
	int fd = nh->m->fd[SL_M_ROUTES], ret;
	unsigned int n = 0, stored = 0;

	ret = sl_rtnl_dump(nh->dump, RTM_GETRULE, AF_INET, on_rule, &rw);
	if (!ret)
		ret = sl_rtnl_dump(nh->dump, RTM_GETRULE, AF_INET6, on_rule, &rw);
	if (ret)
		return ret;
	w.ents = malloc(sizeof(*w.ents) * w.cap);
	if (!w.ents)
		return -ENOMEM;
	ret = sl_rtnl_dump(nh->dump, RTM_GETROUTE, AF_UNSPEC, on_route, &w);
	if (ret) {
		free(w.ents);
		return ret;
	}
	/* one entry per prefix, sorted by key */
	qsort(w.ents, w.n, sizeof(*w.ents), ent_cmp);
	for (unsigned int i = 0; i < w.n; i++)
		if (!n || key_cmp(&w.ents[i].key, &w.ents[n - 1].key))
			w.ents[n++] = w.ents[i];
	nh->routes_not_stored = 0;
	for (unsigned int i = 0; i < n; i++) {
		if (bpf_map_update_elem(fd, &w.ents[i].key, &w.ents[i].val, BPF_ANY))
			nh->routes_not_stored++;
		else
			stored++;
	}
	rs.ents = w.ents;
	rs.n = n;
	delete_stale(fd, sizeof(struct sl_route_key), route_kept, &rs);
	free(w.ents);
	nh->routes = stored;
	nh->flags &= ~(SL_SYNC_ROUTES_COMPLETE | SL_SYNC_POLICY_ROUTING);
	if (rw.non_default || w.table_default)
		nh->flags |= SL_SYNC_POLICY_ROUTING;
	if (!w.overflow && !nh->routes_not_stored)
		nh->flags |= SL_SYNC_ROUTES_COMPLETE;
	return 0;
}

/* ---- neighbours ---- */

/* The entry of a neighbour message: 1 (key and value filled in) for a
 * resolved neighbour, 0 for one to remove, -1 for none of ours. */
static int neigh_entry(struct sl_nh *nh, const struct nlmsghdr *h,
		       struct sl_neigh_key *k, struct sl_neigh *v)
{
	const struct rtattr *tb[NDA_MAX + 1];
	const struct ndmsg *nd = sl_rtnl_parse(h, sizeof(*nd), tb, NDA_MAX);
	const struct sl_nh_link *l;
	size_t alen;

	if (!nd || (nd->ndm_family != AF_INET && nd->ndm_family != AF_INET6) ||
	    (nd->ndm_flags & NTF_PROXY))
		return -1;
	alen = nd->ndm_family == AF_INET ? 4 : 16;
	if (!tb[NDA_DST] || RTA_PAYLOAD(tb[NDA_DST]) != alen)
		return -1;
	memset(k, 0, sizeof(*k));
	memset(v, 0, sizeof(*v));
	k->ifindex = nd->ndm_ifindex;
	k->family = nd->ndm_family == AF_INET ? 4 : 6;
	memcpy(k->addr, RTA_DATA(tb[NDA_DST]), alen);
	if (h->nlmsg_type != RTM_NEWNEIGH || !(nd->ndm_state & NUD_VALID) ||
	    !tb[NDA_LLADDR] || RTA_PAYLOAD(tb[NDA_LLADDR]) != 6)
		return 0;
	l = link_of(nh, nd->ndm_ifindex);
	if (!l || !l->has_mac) {
		nh->links_stale = 1;	/* a device we have not read yet */
		return 0;
	}
	memcpy(v->dmac, RTA_DATA(tb[NDA_LLADDR]), 6);
	memcpy(v->smac, l->mac, 6);
	return 1;
}

struct neigh_walk {
	struct sl_nh *nh;
	struct sl_neigh_key *keys;
	unsigned int n, cap;
	unsigned int not_stored;
};

static int on_neigh(const struct nlmsghdr *h, void *arg)
{
	struct neigh_walk *w = arg;
	struct sl_neigh_key k;
	struct sl_neigh v;

	if (neigh_entry(w->nh, h, &k, &v) != 1)
		return 0;
	if (w->n == w->cap ||
	    bpf_map_update_elem(w->nh->m->fd[SL_M_NEIGH], &k, &v, BPF_ANY)) {
		w->not_stored++;
		return 0;
	}
	w->keys[w->n++] = k;
	return 0;
}

static int neigh_key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct sl_neigh_key));
}

struct neigh_set {
	const struct sl_neigh_key *keys;
	unsigned int n;
};

static int neigh_kept(const void *key, void *arg)
{
	const struct neigh_set *ns = arg;

	return bsearch(key, ns->keys, ns->n, sizeof(*ns->keys),
		       neigh_key_cmp) != NULL;
}

int sl_nh_sync_neigh(struct sl_nh *nh)
{
	struct neigh_walk w = { .nh = nh, .cap = SL_NEIGH_MAX };
	struct neigh_set ns;
	int ret;

	w.keys = malloc(sizeof(*w.keys) * w.cap);
	if (!w.keys)
		return -ENOMEM;
	ret = sl_rtnl_dump(nh->dump, RTM_GETNEIGH, AF_UNSPEC, on_neigh, &w);
	if (!ret) {
		qsort(w.keys, w.n, sizeof(*w.keys), neigh_key_cmp);
		ns.keys = w.keys;
		ns.n = w.n;
		delete_stale(nh->m->fd[SL_M_NEIGH], sizeof(struct sl_neigh_key),
			     neigh_kept, &ns);
		nh->neighbours = w.n;
		nh->neigh_not_stored = w.not_stored;
	}
	free(w.keys);
	return ret;
}

void sl_nh_neigh_event(struct sl_nh *nh, const struct nlmsghdr *h)
{
	int fd = nh->m->fd[SL_M_NEIGH];
	struct sl_neigh_key k;
	struct sl_neigh v;
	int r = neigh_entry(nh, h, &k, &v);

	if (r == 1) {
		struct sl_neigh old;
		int existed = !bpf_map_lookup_elem(fd, &k, &old);

		if (bpf_map_update_elem(fd, &k, &v, BPF_ANY))
			nh->neigh_not_stored++;
		else if (!existed)
			nh->neighbours++;
	} else if (r == 0) {
		if (!bpf_map_delete_elem(fd, &k) && nh->neighbours)
			nh->neighbours--;
	}
}
