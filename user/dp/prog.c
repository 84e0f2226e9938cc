// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dp/bank.h"
#include "dp/maps.h"
#include "dp/pins.h"
#include "dp/prog.h"
#include "sl_xdp.skel.h"

/* where iproute2 pins maps with pinning = LIBBPF_PIN_BY_NAME */
#define IPROUTE2_PIN_DIR "/sys/fs/bpf/xdp/globals"

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int sl_prog_attached(int ifindex, __u32 *id, __u32 *mode_flags)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(ifindex, 0, &q))
		return -errno;
	*id = 0;
	*mode_flags = 0;
	if (q.attach_mode == XDP_ATTACHED_DRV) {
		*id = q.drv_prog_id;
		*mode_flags = XDP_FLAGS_DRV_MODE;
	} else if (q.attach_mode == XDP_ATTACHED_SKB) {
		*id = q.skb_prog_id;
		*mode_flags = XDP_FLAGS_SKB_MODE;
	} else if (q.attach_mode == XDP_ATTACHED_HW) {
		*id = q.hw_prog_id;
		*mode_flags = XDP_FLAGS_HW_MODE;
	} else if (q.attach_mode == XDP_ATTACHED_MULTI) {
		*id = q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id;
		*mode_flags = q.drv_prog_id ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
	}
	return 0;
}

static void skel_maps(struct sl_xdp *skel, struct sl_maps *m)
{
	m->fd[SL_M_ACTIVE] = bpf_map__fd(skel->maps.sl_active);
	m->fd[SL_M_CONFIG] = bpf_map__fd(skel->maps.sl_config);
	m->fd[SL_M_RULES] = bpf_map__fd(skel->maps.sl_rules);
	m->fd[SL_M_RULE_HITS] = bpf_map__fd(skel->maps.sl_rule_hits);
	m->fd[SL_M_FWD_HITS] = bpf_map__fd(skel->maps.sl_fwd_hits);
	m->fd[SL_M_COUNTERS] = bpf_map__fd(skel->maps.sl_counters);
	m->fd[SL_M_WINDOW] = bpf_map__fd(skel->maps.sl_window);
	m->fd[SL_M_XSKS] = bpf_map__fd(skel->maps.sl_xsks);
	m->fd[SL_M_STATS] = bpf_map__fd(skel->maps.sl_stats);
	m->fd[SL_M_NAMES] = bpf_map__fd(skel->maps.sl_names);
	m->fd[SL_M_LOCAL] = bpf_map__fd(skel->maps.sl_local);
	m->fd[SL_M_SYNC] = bpf_map__fd(skel->maps.sl_sync);
	m->fd[SL_M_ROUTES] = bpf_map__fd(skel->maps.sl_routes);
	m->fd[SL_M_NEIGH] = bpf_map__fd(skel->maps.sl_neigh);
	m->fd[SL_M_UA_DFA] = bpf_map__fd(skel->maps.sl_ua_dfa);
	m->fd[SL_M_BLOCK4] = bpf_map__fd(skel->maps.sl_block4);
	m->fd[SL_M_BLOCK6] = bpf_map__fd(skel->maps.sl_block6);
	m->fd[SL_M_BLOCK_NOTE] = bpf_map__fd(skel->maps.sl_block_note);
	m->fd[SL_M_SRC] = bpf_map__fd(skel->maps.sl_src);
	m->fd[SL_M_BLOCK_BITS] = bpf_map__fd(skel->maps.sl_block_bits);
	m->fd[SL_M_BACKEND] = bpf_map__fd(skel->maps.sl_backend);
	m->fd[SL_M_HEP_RING] = bpf_map__fd(skel->maps.sl_hep_ring);
	m->fd[SL_M_LOCAL_GEN] = bpf_map__fd(skel->maps.sl_local_gen);
}

/* the program's maps: the pinned ones, scratch, rate limits, .rodata */
#define TAKE_OVER_MAPS	32

/*
 * The interface runs our program, loaded by iproute2 ('ip link set dev IF
 * xdp obj sl_xdp.bpf.o sec xdp'), and sl-ctl has no pins for it: adopt the
 * program and its maps instead of refusing.  1 if taken over, 0 if the
 * program is not ours, -1 on error.
 */
static int take_over(__u32 prog_id, const char *dir,
		     const struct sl_bank_image *img, char *err, size_t errlen)
{
	__u32 map_ids[TAKE_OVER_MAPS], len, n;
	struct bpf_prog_info info = {};
	char path[PATH_MAX + 32];
	struct sl_maps m;
	int prog_fd, ret;

	prog_fd = bpf_prog_get_fd_by_id(prog_id);
	if (prog_fd < 0)
		return 0;
	len = sizeof(info);
	info.nr_map_ids = TAKE_OVER_MAPS;
	info.map_ids = (__u64)(unsigned long)map_ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len) ||
	    strcmp(info.name, "sl_xdp")) {
		close(prog_fd);
		return 0;
	}
	sl_maps_init(&m);
	n = info.nr_map_ids < TAKE_OVER_MAPS ? info.nr_map_ids : TAKE_OVER_MAPS;
	for (__u32 i = 0; i < n; i++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(map_ids[i]);

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &mi, &mlen)) {
			close(fd);
			continue;
		}
		for (int k = 0; k < SL_N_MAPS; k++) {
			if (!strcmp(mi.name, sl_map_names[k]) && m.fd[k] < 0) {
				m.fd[k] = fd;
				fd = -1;
				break;
			}
		}
		if (fd >= 0)
			close(fd);	/* .rodata, scratch */
	}
	for (int k = 0; k < SL_N_MAPS; k++) {
		/* a map the code does not use (sl_stats, sl_names; sl_fwd_hits in a
		 * program without reply forwarding) is not bound to the
		 * program: iproute2 pinned it by name */
		if (m.fd[k] < 0) {
			snprintf(path, sizeof(path), "%s/%s", IPROUTE2_PIN_DIR,
				 sl_map_names[k]);
			m.fd[k] = bpf_obj_get(path);
		}
		if (m.fd[k] < 0) {
			sl_maps_close(&m);
			close(prog_fd);
			return fail(err, errlen,
				    "the sl_xdp program on the interface lacks map %s (another version?): detach it with 'ip link set dev IF xdp off' and attach again",
				    sl_map_names[k]);
		}
	}
	/* an object of another sl-xdp version loaded by hand */
	if (sl_maps_verify(&m, err, errlen)) {
		sl_maps_close(&m);
		close(prog_fd);
		return -1;
	}
	ret = sl_bank_write(&m, img);
	if (!ret)
		ret = sl_maps_pin(&m, dir);
	if (!ret) {
		snprintf(path, sizeof(path), "%s/%s", dir, SL_PROG_PIN_NAME);
		if (bpf_obj_pin(prog_fd, path))
			ret = -errno;
	}
	sl_maps_close(&m);
	close(prog_fd);
	if (ret) {
		snprintf(path, sizeof(path), "%s/%s", dir, SL_PROG_PIN_NAME);
		unlink(path);
		sl_maps_unpin(dir);
		return fail(err, errlen, "cannot take over the sl_xdp program: %s",
			    strerror(-ret));
	}
	return 1;
}

int sl_prog_attach(const char *ifname, bool skb_mode, __u32 window_slots,
		   const char *dir, const struct sl_bank_image *img, char *err,
		   size_t errlen)
{
	int ifindex = if_nametoindex(ifname);
	char path[PATH_MAX + 32];
	struct sl_xdp *skel;
	struct sl_maps m;
	struct bpf_map *map;
	__u32 cur_id, cur_mode, flags;
	int prog_fd, ret;

	if (!ifindex)
		return fail(err, errlen, "no such interface: %s ('ip link' lists them)",
			    ifname);
	if (sl_prog_attached(ifindex, &cur_id, &cur_mode) == 0 && cur_id) {
		ret = take_over(cur_id, dir, img, err, errlen);
		if (ret)
			return ret < 0 ? -1 : 0;
		return fail(err, errlen,
			    "another XDP program (id %u) is attached on %s: remove it first ('ip link set dev %s xdp off')",
			    cur_id, ifname, ifname);
	}
	skel = sl_xdp__open();
	if (!skel)
		return fail(err, errlen, "cannot open the BPF object: %s", strerror(errno));
	/* sl-ctl pins under its own per-interface directory */
	bpf_object__for_each_map(map, skel->obj)
		bpf_map__set_pin_path(map, NULL);
	bpf_map__set_max_entries(skel->maps.sl_window, window_slots);
	ret = sl_xdp__load(skel);
	if (ret) {
		sl_xdp__destroy(skel);
		return fail(err, errlen,
			    "the kernel rejected the XDP program (%s): a kernel with BPF, BTF and bpf_loop (>= 5.18; 6.1 LTS target) is needed",
			    strerror(-ret));
	}
	sl_maps_init(&m);
	skel_maps(skel, &m);
	ret = sl_bank_write(&m, img);
	if (ret) {
		sl_xdp__destroy(skel);
		return fail(err, errlen, "cannot write the configuration maps: %s",
			    strerror(-ret));
	}

	prog_fd = bpf_program__fd(skel->progs.sl_xdp);
	flags = XDP_FLAGS_UPDATE_IF_NOEXIST |
		(skb_mode ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);
	ret = bpf_xdp_attach(ifindex, prog_fd, flags, NULL);
	if (ret == -EOPNOTSUPP && !skb_mode) {
		sl_xdp__destroy(skel);
		return fail(err, errlen,
			    "the driver of %s has no native XDP support: use --skb-mode (generic XDP, slower)",
			    ifname);
	}
	if (ret) {
		sl_xdp__destroy(skel);
		return fail(err, errlen, "cannot attach XDP on %s: %s", ifname,
			    strerror(-ret));
	}

	ret = sl_maps_pin(&m, dir);
	if (!ret) {
		snprintf(path, sizeof(path), "%s/%s", dir, SL_PROG_PIN_NAME);
		if (bpf_obj_pin(prog_fd, path))
			ret = -errno;
	}
	if (ret) {
		bpf_xdp_detach(ifindex, flags & ~XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
		snprintf(path, sizeof(path), "%s/%s", dir, SL_PROG_PIN_NAME);
		unlink(path);
		sl_maps_unpin(dir);
		sl_xdp__destroy(skel);
		return fail(err, errlen, "cannot pin maps under %s: %s", dir,
			    strerror(-ret));
	}
	/* the kernel keeps program and maps: attached and pinned */
	sl_xdp__destroy(skel);
	return 0;
}

int sl_prog_resume(const char *ifname, bool skb_mode, const char *dir,
		   char *err, size_t errlen)
{
	char path[PATH_MAX + 32];
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), cur_id, cur_mode;
	int ifindex = if_nametoindex(ifname), prog_fd, ret = 0;

	if (!ifindex)
		return fail(err, errlen, "no such interface: %s ('ip link' lists them)",
			    ifname);
	snprintf(path, sizeof(path), "%s/%s", dir, SL_PROG_PIN_NAME);
	prog_fd = bpf_obj_get(path);
	if (prog_fd < 0 || bpf_obj_get_info_by_fd(prog_fd, &info, &len)) {
		if (prog_fd >= 0)
			close(prog_fd);
		return fail(err, errlen,
			    "%s has no pinned program: run 'sl-ctl detach %s' and attach again",
			    dir, ifname);
	}
	if (sl_prog_attached(ifindex, &cur_id, &cur_mode)) {
		ret = fail(err, errlen, "cannot query XDP on %s", ifname);
	} else if (cur_id && cur_id != info.id) {
		ret = fail(err, errlen,
			   "another XDP program (id %u) is attached on %s in place of sl-xdp's (id %u): remove it ('ip link set dev %s xdp off') and attach again, or 'sl-ctl detach %s'",
			   cur_id, ifname, info.id, ifname, ifname);
	} else if (!cur_id) {
		__u32 flags = XDP_FLAGS_UPDATE_IF_NOEXIST |
			      (skb_mode ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);

		ret = bpf_xdp_attach(ifindex, prog_fd, flags, NULL);
		if (ret)
			ret = fail(err, errlen,
				   "sl-xdp's program is no longer attached on %s and attaching it again failed (%s)%s",
				   ifname, strerror(-ret),
				   skb_mode ? "" : ": try --skb-mode");
	}
	close(prog_fd);
	return ret;
}

int sl_prog_detach(const char *ifname, const char *dir, char *err,
		   size_t errlen)
{
	char path[PATH_MAX + 32];
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), cur_id, cur_mode;
	struct stat st;
	int ifindex, prog_fd;

	if (stat(dir, &st))
		return fail(err, errlen, "sl-xdp is not attached on %s (no %s)",
			    ifname, dir);
	snprintf(path, sizeof(path), "%s/%s", dir, SL_PROG_PIN_NAME);
	prog_fd = bpf_obj_get(path);
	ifindex = if_nametoindex(ifname);
	if (prog_fd >= 0 && ifindex &&
	    !bpf_obj_get_info_by_fd(prog_fd, &info, &len) &&
	    !sl_prog_attached(ifindex, &cur_id, &cur_mode) && cur_id == info.id) {
		LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = prog_fd);

		if (bpf_xdp_detach(ifindex, cur_mode | XDP_FLAGS_REPLACE, &opts)) {
			close(prog_fd);
			return fail(err, errlen, "cannot detach XDP from %s: %s",
				    ifname, strerror(errno));
		}
	}
	/* interface gone, or the program replaced by someone else: the
	 * pins are ours either way */
	if (prog_fd >= 0)
		close(prog_fd);
	unlink(path);
	sl_maps_unpin(dir);
	if (stat(dir, &st) == 0)
		return fail(err, errlen, "could not remove %s: remove it by hand", dir);
	return 0;
}
