// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>

#include "dp/local_addrs.h"

void sl_local_key(struct sl_local_key *k, int family, const void *addr,
		  __u8 owner)
{
	memset(k, 0, sizeof(*k));
	k->owner = owner;
	k->kind = family == 4 ? SL_LOCAL_IP4 : family == 6 ? SL_LOCAL_IP6 :
		  SL_LOCAL_MAC;
	memcpy(k->addr, addr, family == 4 ? 4 : family == 6 ? 16 : 6);
}

static int has_key(const struct sl_local_key *keys, unsigned int n,
		   const struct sl_local_key *k)
{
	for (unsigned int i = 0; i < n; i++)
		if (!memcmp(&keys[i], k, sizeof(*k)))
			return 1;
	return 0;
}

int sl_local_changed(const struct sl_maps *m)
{
	__u64 gen = 0;
	__u32 zero = 0;

	while (!gen)
		if (getrandom(&gen, sizeof(gen), 0) != sizeof(gen))
			return -errno;
	return bpf_map_update_elem(m->fd[SL_M_LOCAL_GEN], &zero, &gen,
				   BPF_ANY) ? -errno : 0;
}

int sl_local_replace(const struct sl_maps *m, __u8 owner,
		     const struct sl_local_key *keys, unsigned int n)
{
	struct sl_local_key *stale, k, next;
	int fd = m->fd[SL_M_LOCAL], ret = 0, full = 0, changed = 0, err;
	unsigned int n_stale = 0;
	__u32 one = 1;
	void *prev = NULL;

	for (unsigned int i = 0; i < n; i++) {
		if (!bpf_map_update_elem(fd, &keys[i], &one, BPF_NOEXIST)) {
			changed = 1;
			continue;
		}
		if (errno == EEXIST)
			continue;
		if (errno != E2BIG) {
			ret = -errno;
			goto out;
		}
		full = 1;	/* the others still go in, the stale still go */
	}
	stale = calloc(SL_LOCAL_MAX, sizeof(*stale));
	if (!stale) {
		ret = -ENOMEM;
		goto out;
	}
	/* collect, then delete: deleting while walking may skip keys */
	while (n_stale < SL_LOCAL_MAX && !bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		if (k.owner == owner && !has_key(keys, n, &k))
			stale[n_stale++] = k;
	}
	for (unsigned int i = 0; i < n_stale; i++) {
		if (!bpf_map_delete_elem(fd, &stale[i]))
			changed = 1;
		else if (errno != ENOENT)
			ret = -errno;
	}
	free(stale);
out:
	/* after the changes: a memo made before them must not outlive them
	 * (also when only some were made) */
	if (changed || ret) {
		err = sl_local_changed(m);
		if (!ret)
			ret = err;
	}
	return ret ? ret : full ? -E2BIG : 0;
}

int sl_local_write_bank(const struct sl_maps *m, __u32 bank,
			const struct sl_addr_list *l)
{
	struct sl_local_key keys[SL_MAX_ADDRESSES];
	__u8 owner = SL_LOCAL_BANK0 + (bank & 1);
	unsigned int n = l->n < SL_MAX_ADDRESSES ? l->n : SL_MAX_ADDRESSES;

	for (unsigned int i = 0; i < n; i++)
		sl_local_key(&keys[i], l->a[i].family, l->a[i].addr, owner);
	return sl_local_replace(m, owner, keys, n);
}

struct iface_walk {
	int ifindex;
	unsigned int n;
	struct sl_local_key keys[SL_LOCAL_MAX];
};

static void walk_add(struct iface_walk *w, int family, const void *addr)
{
	struct sl_local_key k;

	sl_local_key(&k, family, addr, SL_LOCAL_IFACE);
	if (w->n < SL_LOCAL_MAX && !has_key(w->keys, w->n, &k))
		w->keys[w->n++] = k;
}

static int on_link(const struct nlmsghdr *h, void *arg)
{
	struct iface_walk *w = arg;
	const struct rtattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi;
	const void *mac;

	ifi = sl_rtnl_parse(h, sizeof(*ifi), tb, IFLA_MAX);
	if (!ifi || h->nlmsg_type != RTM_NEWLINK || ifi->ifi_index != w->ifindex)
		return 0;
	mac = sl_rtnl_data(tb[IFLA_ADDRESS], 6);
	if (mac && RTA_PAYLOAD(tb[IFLA_ADDRESS]) == 6)
		walk_add(w, 0, mac);
	return 0;
}

static int on_addr(const struct nlmsghdr *h, void *arg)
{
	struct iface_walk *w = arg;
	const struct rtattr *tb[IFA_MAX + 1];
	const struct ifaddrmsg *ifa;
	const void *a;

	ifa = sl_rtnl_parse(h, sizeof(*ifa), tb, IFA_MAX);
	if (!ifa || h->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != w->ifindex)
		return 0;
	/* IFA_LOCAL is the address of a point-to-point link's own end;
	 * otherwise IFA_ADDRESS is the address */
	if (ifa->ifa_family == AF_INET) {
		a = sl_rtnl_data(tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS], 4);
		if (a)
			walk_add(w, 4, a);
	} else if (ifa->ifa_family == AF_INET6) {
		a = sl_rtnl_data(tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS], 16);
		if (a)
			walk_add(w, 6, a);
	}
	return 0;
}

int sl_local_sync_iface(const struct sl_maps *m, struct sl_rtnl *dump,
			int ifindex, unsigned int *n)
{
	struct iface_walk *w = calloc(1, sizeof(*w));
	int ret, tries = 0;

	if (!w)
		return -ENOMEM;
	do {	/* a dump the kernel says was interrupted is done again */
		w->ifindex = ifindex;
		w->n = 0;
		ret = sl_rtnl_dump(dump, RTM_GETLINK, AF_UNSPEC, on_link, w);
		if (!ret)
			ret = sl_rtnl_dump(dump, RTM_GETADDR, AF_UNSPEC, on_addr, w);
	} while (ret == -EAGAIN && ++tries < 5);
	if (!ret)
		ret = sl_local_replace(m, SL_LOCAL_IFACE, w->keys, w->n);
	*n = w->n;
	free(w);
	return ret;
}
