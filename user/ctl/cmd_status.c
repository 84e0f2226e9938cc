// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* sl-ctl status: what is attached where. */
#include <dirent.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ctl/ctl.h"
#include "dp/iface.h"
#include "dp/pins.h"
#include "run/proc.h"
#include "run/run_dir.h"

static void print_addr(int family, const __u8 *addr, bool brackets)
{
	char ip[INET6_ADDRSTRLEN];

	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, ip, sizeof(ip)))
		snprintf(ip, sizeof(ip), "?");
	printf("%s%s%s", brackets && family == 6 ? "[" : "", ip,
	       brackets && family == 6 ? "]" : "");
}

/*
 * From the active bank:
 *   reply forwarding: on, via ADDR:PORT, N rewrite(s)
 *   forwarding limits: peers P, ...; out of IFACE only; 2000/s per destination, burst 4000
 */
static void print_forwarding(const char *ifname, const struct sl_config *cfg)
{
	const struct sl_fwd_config *f = &cfg->fwd;

	if (!f->enabled) {
		printf("  reply forwarding: off\n");
		return;
	}
	printf("  reply forwarding: on, via");
	for (unsigned int i = 0; i < f->n_vias && i < SL_FWD_VIAS; i++) {
		const struct sl_fwd_via *w = &f->vias[i];

		printf("%s ", i ? "," : "");
		print_addr(w->family, w->addr, true);
		printf(":%u", w->port);
	}
	printf(", %u rewrite(s)\n", f->n_rewrites);
	printf("  forwarding limits: peers");
	for (unsigned int i = 0; i < f->n_peers && i < SL_FWD_PEERS; i++) {
		printf("%s ", i ? "," : "");
		print_addr(f->peers[i].family, f->peers[i].addr, false);
		printf("/%u", f->peers[i].plen);
	}
	if (f->allow_redirect)
		printf("; out of any interface (allow_redirect)");
	else
		printf("; out of %s only", ifname);
	if (f->rate_interval_ns)
		printf("; %llu/s per destination, burst %llu\n",
		       (unsigned long long)(1000000000ULL / f->rate_interval_ns),
		       (unsigned long long)(f->rate_burst_ns / f->rate_interval_ns + 1));
	else
		printf("; no rate limit\n");
}

/* "backend: up|down, ..." from sl_backend (the health gate's probe). */
static void print_backend(const struct sl_maps *m)
{
	struct sl_backend_state st;
	struct timespec now;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(m->fd[SL_M_BACKEND], &zero, &st) || !st.probing) {
		printf("  backend: not probed (no [backend] probe, or no responder)\n");
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	printf("  backend: %s, %llu change(s)", st.down ? "down" : "up",
	       (unsigned long long)st.changes);
	if (st.last_change_ns)
		printf(", the last %llu s ago",
		       (unsigned long long)(((__u64)now.tv_sec * 1000000000ULL +
					     now.tv_nsec - st.last_change_ns) / 1000000000ULL));
	printf(", %llu of %llu probes answered\n", (unsigned long long)st.answers,
	       (unsigned long long)st.probes);
}

/* "hep: ..." from the active bank (its XDP report sample, set by [hep]
 * sample) and the responder threads' resp:hep_sent / resp:hep_dropped;
 * nothing when [hep] was never used. */
static void print_hep(const struct sl_maps *m, const struct sl_config *dp)
{
	struct sl_kam_stats sum;

	if (sl_maps_read_kam_stats(m, &sum))
		return;
	if (!dp->hep_sample && !sum.hep_sent && !sum.hep_dropped)
		return;
	printf("  hep: sample %u.%02u %% of calls (active bank), %llu copies sent, %llu dropped (resp:hep_dropped: full rings, refused sends)\n",
	       dp->hep_sample / 100, dp->hep_sample % 100,
	       (unsigned long long)sum.hep_sent,
	       (unsigned long long)sum.hep_dropped);
}

/* "sync: ..." from sl_sync: what the responder's netlink sync keeps. */
static void print_sync(const struct sl_maps *m, bool forwarding)
{
	struct sl_sync_state st;
	struct timespec now;
	__u64 now_ns;

	if (sl_maps_read_sync(m, &st) || !st.heartbeat_ns) {
		printf("  sync: never ran (no responder since attach): no frame is known to be ours\n");
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	now_ns = (__u64)now.tv_sec * 1000000000ULL + now.tv_nsec;
	printf("  sync: %u local address(es), %u route(s), %u neighbour(s), %.1f s ago",
	       st.local, st.routes, st.neighbours,
	       now_ns > st.heartbeat_ns ? (now_ns - st.heartbeat_ns) / 1e9 : 0.0);
	if (now_ns > st.heartbeat_ns + SL_SYNC_STALE_NS && forwarding)
		printf("; stale: nothing forwarded");
	if (st.flags & SL_SYNC_POLICY_ROUTING)
		printf("; policy routing (ip rule) in use: nothing forwarded");
	else if (!(st.flags & SL_SYNC_ROUTES_COMPLETE))
		printf("; routes incomplete: nothing forwarded");
	if (st.not_stored)
		printf("; %u route(s), neighbour(s) or local address(es) did not fit",
		       st.not_stored);
	printf("\n");
}

/* Seconds a process has run, from /proc; -1 if unknown. */
static long process_uptime(pid_t pid)
{
	unsigned long long start = sl_proc_start_time(pid);
	double up;
	FILE *f;
	int n;

	if (!start)
		return -1;
	f = fopen("/proc/uptime", "r");
	if (!f)
		return -1;
	n = fscanf(f, "%lf", &up);
	fclose(f);
	if (n != 1)
		return -1;
	return (long)(up - (double)start / sysconf(_SC_CLK_TCK));
}

/* "  threads: sl-xdp/q0 on CPU 2, ..." from /proc: each queue thread's
 * name and the CPUs it may run on (cpus =). */
static void print_threads(pid_t pid)
{
	char path[64], line[256], name[32], cpus[128];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/status", (int)pid,
			 de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		name[0] = cpus[0] = 0;
		while (fgets(line, sizeof(line), f)) {
			sscanf(line, "Name: %31s", name);
			sscanf(line, "Cpus_allowed_list: %127s", cpus);
		}
		fclose(f);
		if (strncmp(name, "sl-xdp/", 7))
			continue;
		printf("%s %s on CPU %s", n++ ? "," : "  threads:", name, cpus);
	}
	closedir(d);
	if (n)
		printf("\n");
}

static void status_one(const char *ifname)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], cfg[PATH_MAX], mode[32];
	char err[1024];
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	struct sl_active act = {};
	unsigned int queues = 0;
	struct sl_config dp;
	struct sl_maps m;
	int ifindex = if_nametoindex(ifname), prog_fd, have_dp;
	pid_t pid = responder_proc_pid(ifname);

	sl_pin_dir(ifname, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, SL_PROG_PIN_NAME);
	prog_fd = bpf_obj_get(path);
	if (prog_fd >= 0)
		bpf_obj_get_info_by_fd(prog_fd, &info, &len);
	printf("%s:\n", ifname);
	if (!ifindex) {
		printf("  interface: gone (run 'sl-ctl detach %s' to remove the pins)\n",
		       ifname);
	} else if (bpf_xdp_query(ifindex, 0, &q) == 0) {
		__u32 id = q.attach_mode == XDP_ATTACHED_SKB ? q.skb_prog_id :
			   q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id;

		printf("  xdp: %s, program id %u%s\n",
		       q.attach_mode == XDP_ATTACHED_SKB ? "generic" :
		       q.attach_mode == XDP_ATTACHED_DRV ? "native" :
		       q.attach_mode == XDP_ATTACHED_NONE ? "none" : "other",
		       id, id && id == info.id ? " (sl-xdp)" :
		       id ? " (NOT sl-xdp's)" : "");
	}
	if (sl_maps_open_pinned(&m, dir, err, sizeof(err)) == 0) {
		sl_maps_read_active(&m, &act);
		have_dp = sl_maps_read_config(&m, &dp) == 0;
		printf("  pins: %s, rule bank %u, generation %u\n", dir,
		       act.bank & 1, act.generation);
		if (have_dp)
			print_forwarding(ifname, &dp);
		print_sync(&m, have_dp && dp.fwd.enabled);
		print_backend(&m);
		if (have_dp)
			print_hep(&m, &dp);
		sl_maps_close(&m);
	} else {
		printf("  pins: %s unusable: %s\n", dir, err);
	}
	if (pid) {
		long up = process_uptime(pid);

		printf("  responder: pid %d", (int)pid);
		if (sl_run_read_info(ifname, &queues, mode, sizeof(mode)) == 0)
			printf(", %u queue(s), AF_XDP %s mode", queues, mode);
		if (up >= 0)
			printf(", up %ldd %02ld:%02ld:%02ld", up / 86400,
			       up / 3600 % 24, up / 60 % 60, up % 60);
		printf("\n");
		print_threads(pid);
		if (sl_run_read_config_path(ifname, cfg, sizeof(cfg)) == 0)
			printf("  config: %s\n", cfg);
	} else {
		printf("  responder: not running: requests fall back to the stack ('sl-ctl attach %s' resumes)\n",
		       ifname);
	}
	if (prog_fd >= 0)
		close(prog_fd);
}

static int cmd_status(int argc, char **argv)
{
	char err[512];
	struct dirent *de;
	DIR *d;
	int n = 0;

	if (argc == 2 && ctl_is_help(argv[1])) {
		fputs(ctl_cmd_status.usage, stdout);
		return 0;
	}
	if (argc > 2) {
		fputs(ctl_cmd_status.usage, stderr);
		return CTL_EXIT_USAGE;
	}
	if (argc == 2 && !ctl_ifname_ok(argv[1]))
		return CTL_EXIT_USAGE;
	if (sl_check_env(err, sizeof(err))) {
		fprintf(stderr, "sl-ctl: %s\n", err);
		return CTL_EXIT_ERR;
	}
	if (argc == 2) {
		char dir[PATH_MAX];
		struct stat st;

		sl_pin_dir(argv[1], dir, sizeof(dir));
		if (stat(dir, &st)) {
			fprintf(stderr, "sl-ctl: sl-xdp is not attached on %s\n", argv[1]);
			return CTL_EXIT_ERR;
		}
		status_one(argv[1]);
		return 0;
	}
	d = opendir(SL_PIN_BASE);
	while (d && (de = readdir(d))) {
		if (!sl_iface_name_valid(de->d_name))
			continue;
		status_one(de->d_name);
		n++;
	}
	if (d)
		closedir(d);
	if (!n)
		printf("sl-xdp is not attached anywhere\n");
	return 0;
}

const struct ctl_cmd ctl_cmd_status = {
	.name = "status",
	.run = cmd_status,
	.usage =
	"usage: sl-ctl status [IFACE]\n"
	"  What is attached where: mode, program, responder pid, queues, its\n"
	"  threads and their CPUs, uptime.\n",
};
