// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sl-ctl: the controller.  Exit codes: 0 success, 1 operational error
 * (the message on stderr says what to do), 2 usage error.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ctl/attach.h"
#include "dp/maps.h"
#include "run/proc.h"
#include "sip/kam_stats.h"

#define DEFAULT_CONFIG "/etc/sl-xdp/sl-xdp.conf"
#define EXIT_ERR 1
#define EXIT_USAGE 2

static const char *const usage_attach =
	"usage: sl-ctl attach IFACE [-c FILE] [--skb-mode] [--foreground]\n"
	"  Load the XDP program on IFACE (native XDP; --skb-mode: generic), write\n"
	"  the configuration (default " DEFAULT_CONFIG "), pin the maps under\n"
	"  " SL_PIN_BASE "/IFACE/ and start the responder. Returns once it answers;\n"
	"  --foreground keeps the responder in this process (systemd). On an\n"
	"  interface whose responder died it resumes; a program loaded by\n"
	"  'ip link set dev IFACE xdp obj sl_xdp.bpf.o sec xdp' is taken over.\n";
static const char *const usage_detach =
	"usage: sl-ctl detach IFACE\n"
	"  Stop the responder, detach the XDP program, remove the pins.\n";
static const char *const usage_reload =
	"usage: sl-ctl reload IFACE [-c FILE]\n"
	"  Re-read the configuration (the file given at attach, or FILE) and apply\n"
	"  it atomically: a request meets either the whole old or the whole new\n"
	"  rule set. A bad file changes nothing.\n";
static const char *const usage_status =
	"usage: sl-ctl status [IFACE]\n"
	"  What is attached where: mode, program, responder pid, queues, uptime.\n";
static const char *const usage_stats =
	"usage: sl-ctl stats IFACE [--json | --prometheus] [--reset]\n"
	"  Kamailio's sl: counters (kamcmd's names and order), then the data-plane\n"
	"  (dp:), per-rule (rule:) and per-rewrite (rewrite:) counters. --reset\n"
	"  zeroes them after printing.\n";

static void usage(FILE *f)
{
	fprintf(f, "%s%s%s%s%s", usage_attach, usage_detach, usage_reload,
		usage_status, usage_stats);
	fprintf(f, "Exit status: 0 success, 1 error, 2 usage.\n");
}

static int is_help(const char *a)
{
	return !strcmp(a, "-h") || !strcmp(a, "--help");
}

/* 1 if IP forwarding is on for ifname in this network namespace, 0 if
 * off, -1 if unknown.  The kernel's FIB helper (bpf_fib_lookup) refuses
 * to route for an interface without it. */
static int ip_forwarding(const char *ifname, int family)
{
	char path[128];
	int c = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv%d/conf/%s/forwarding",
		 family == 6 ? 6 : 4, ifname);
	f = fopen(path, "r");
	if (!f)
		return -1;
	c = fgetc(f);
	fclose(f);
	return c == EOF ? -1 : c != '0';
}

static void warn_forwarding(const char *ifname, const struct sl_fwd_config *f)
{
	for (int v = 4; v <= 6; v += 2) {
		bool used = false;

		for (unsigned int i = 0; i < f->n_vias && i < SL_FWD_VIAS; i++)
			used |= f->vias[i].family == v;
		if (!f->enabled || !used || ip_forwarding(ifname, v) != 0)
			continue;
		fprintf(stderr,
			"sl-ctl: warning: reply forwarding is configured but IPv%d forwarding is off on %s:\n"
			"  the kernel's FIB lookup refuses to route for it, so replies go to the stack\n"
			"  (counted in fwd_unresolvable). Turn it on: sysctl -w net.ipv%d.conf.%s.forwarding=1\n",
			v, ifname, v, ifname);
	}
}

static int cmd_attach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "skb-mode", no_argument, NULL, 's' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct sl_attach_opts o = { .config_path = DEFAULT_CONFIG };
	char err[1024];
	int c;

	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o.config_path = optarg;
			break;
		case 's':
			o.skb_mode = true;
			break;
		case 'f':
			o.foreground = true;
			break;
		case 'h':
			fputs(usage_attach, stdout);
			return 0;
		default:
			fputs(usage_attach, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(usage_attach, stderr);
		return EXIT_USAGE;
	}
	o.ifname = argv[optind];
	{
		/* sl_attach reports a bad file; this only looks for a warning */
		static struct sl_settings pre;

		if (!sl_settings_load_file(o.config_path, &pre, NULL, 0))
			warn_forwarding(o.ifname, &pre.dp.fwd);
	}
	if (sl_attach(&o, err, sizeof(err))) {
		fprintf(stderr, "sl-ctl: %s\n", err);
		return EXIT_ERR;
	}
	if (!o.foreground)
		printf("sl-xdp attached on %s (%s XDP) and answering, config %s\n",
		       o.ifname, o.skb_mode ? "generic" : "native", o.config_path);
	return 0;
}

static int cmd_detach(int argc, char **argv)
{
	char err[1024];

	if (argc == 2 && is_help(argv[1])) {
		fputs(usage_detach, stdout);
		return 0;
	}
	if (argc != 2) {
		fputs(usage_detach, stderr);
		return EXIT_USAGE;
	}
	if (sl_detach(argv[1], err, sizeof(err))) {
		fprintf(stderr, "sl-ctl: %s\n", err);
		return EXIT_ERR;
	}
	printf("sl-xdp detached from %s\n", argv[1]);
	return 0;
}

/* The pinned maps of an attached interface, or an error message. */
static int open_iface(const char *ifname, struct sl_maps *m)
{
	char dir[PATH_MAX], err[512];
	int ret;

	if (sl_check_env(err, sizeof(err))) {
		fprintf(stderr, "sl-ctl: %s\n", err);
		return -1;
	}
	sl_pin_dir(ifname, dir, sizeof(dir));
	ret = sl_maps_open_pinned(m, dir);
	if (ret) {
		fprintf(stderr, "sl-ctl: sl-xdp is not attached on %s (%s: %s)\n",
			ifname, dir, strerror(-ret));
		return -1;
	}
	return 0;
}

static int read_generation(const struct sl_maps *m, __u32 *gen)
{
	struct sl_active act;

	if (sl_maps_read_active(m, &act))
		return -1;
	*gen = act.generation;
	return 0;
}

static int cmd_reload(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static struct sl_settings s;
	char path[PATH_MAX], err[1024];
	const char *cfg = NULL, *ifname;
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	struct sl_maps m;
	__u32 gen0, gen;
	pid_t pid;
	int c, ret = EXIT_ERR;

	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cfg = optarg;
			break;
		case 'h':
			fputs(usage_reload, stdout);
			return 0;
		default:
			fputs(usage_reload, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(usage_reload, stderr);
		return EXIT_USAGE;
	}
	ifname = argv[optind];
	if (open_iface(ifname, &m))
		return EXIT_ERR;
	if (!cfg) {
		cfg = responder_proc_config_path(ifname, path, sizeof(path)) == 0 ?
			      path : DEFAULT_CONFIG;
	}
	/* validate first: a bad file changes nothing */
	if (sl_settings_prepare(cfg, ifname, &s, err, sizeof(err))) {
		fprintf(stderr, "sl-ctl: %s (nothing changed)\n", err);
		goto out;
	}
	if (read_generation(&m, &gen0)) {
		fprintf(stderr, "sl-ctl: cannot read %s's active bank\n", ifname);
		goto out;
	}
	pid = responder_proc_pid(ifname);
	if (pid) {
		/* the responder prepares its side of the idle bank, then
		 * flips it: it must own the switch */
		if (responder_proc_set_config_path(ifname, cfg) ||
		    kill(pid, SIGHUP)) {
			fprintf(stderr, "sl-ctl: cannot signal the responder (pid %d): %s\n",
				(int)pid, strerror(errno));
			goto out;
		}
		for (int i = 0; i < 250; i++) {
			if (!read_generation(&m, &gen) && gen != gen0)
				break;
			nanosleep(&tick, NULL);
		}
		if (read_generation(&m, &gen) || gen == gen0) {
			fprintf(stderr, "sl-ctl: the responder (pid %d) did not apply the configuration within 5 s\n",
				(int)pid);
			goto out;
		}
	} else {
		int r = sl_maps_apply(&m, &s.dp, s.rules, s.dp.n_rules);

		if (r) {
			fprintf(stderr, "sl-ctl: cannot write the configuration maps: %s\n",
				strerror(-r));
			goto out;
		}
	}
	printf("sl-xdp on %s reloaded from %s: %u rule(s)%s\n", ifname, cfg,
	       s.dp.n_rules, pid ? "" : " (no responder running: data plane only)");
	warn_forwarding(ifname, &s.dp.fwd);
	ret = 0;
out:
	sl_maps_close(&m);
	return ret;
}

/* "reply forwarding: on, via ADDR:PORT, N rewrite(s)" from the active bank. */
static void print_forwarding(const char *ifname, const struct sl_config *cfg)
{
	const struct sl_fwd_config *f = &cfg->fwd;
	char ip[INET6_ADDRSTRLEN];
	bool off = false;

	if (!f->enabled) {
		printf("  reply forwarding: off\n");
		return;
	}
	printf("  reply forwarding: on, via");
	for (unsigned int i = 0; i < f->n_vias && i < SL_FWD_VIAS; i++) {
		const struct sl_fwd_via *w = &f->vias[i];

		if (!inet_ntop(w->family == 6 ? AF_INET6 : AF_INET, w->addr, ip,
			       sizeof(ip)))
			snprintf(ip, sizeof(ip), "?");
		printf("%s %s%s%s:%u", i ? "," : "", w->family == 6 ? "[" : "",
		       ip, w->family == 6 ? "]" : "", w->port);
		off |= ip_forwarding(ifname, w->family) == 0;
	}
	printf(", %u rewrite(s)%s\n", f->n_rewrites,
	       off ? " (IP forwarding is off on the interface: replies go to the stack)" : "");
}

/* Seconds a process has run, from /proc; -1 if unknown. */
static long process_uptime(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start;
	double up;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n > 0 ? n : 0] = 0;
	p = strrchr(buf, ')');	/* comm may hold spaces */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
			 &start) != 1)
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

static void status_one(const char *ifname)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], cfg[PATH_MAX], mode[32];
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
	snprintf(path, sizeof(path), "%s/sl_xdp_prog", dir);
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
	if (sl_maps_open_pinned(&m, dir) == 0) {
		sl_maps_read_active(&m, &act);
		have_dp = sl_maps_read_config(&m, &dp) == 0;
		sl_maps_close(&m);
		printf("  pins: %s, rule bank %u, generation %u\n", dir,
		       act.bank & 1, act.generation);
		if (have_dp)
			print_forwarding(ifname, &dp);
	} else {
		printf("  pins: %s incomplete\n", dir);
	}
	if (pid) {
		long up = process_uptime(pid);

		printf("  responder: pid %d", (int)pid);
		if (responder_proc_info(ifname, &queues, mode, sizeof(mode)) == 0)
			printf(", %u queue(s), AF_XDP %s mode", queues, mode);
		if (up >= 0)
			printf(", up %ldd %02ld:%02ld:%02ld", up / 86400,
			       up / 3600 % 24, up / 60 % 60, up % 60);
		printf("\n");
		if (responder_proc_config_path(ifname, cfg, sizeof(cfg)) == 0)
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

	if (argc == 2 && is_help(argv[1])) {
		fputs(usage_status, stdout);
		return 0;
	}
	if (argc > 2) {
		fputs(usage_status, stderr);
		return EXIT_USAGE;
	}
	if (sl_check_env(err, sizeof(err))) {
		fprintf(stderr, "sl-ctl: %s\n", err);
		return EXIT_ERR;
	}
	if (argc == 2) {
		char dir[PATH_MAX];
		struct stat st;

		sl_pin_dir(argv[1], dir, sizeof(dir));
		if (stat(dir, &st)) {
			fprintf(stderr, "sl-ctl: sl-xdp is not attached on %s\n", argv[1]);
			return EXIT_ERR;
		}
		status_one(argv[1]);
		return 0;
	}
	d = opendir(SL_PIN_BASE);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
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

/* Data-plane counters by name, in struct order. */
#define DP_FIELDS(X) X(packets) X(sip_udp) X(sip_requests) X(sip_responses) \
	X(acks_absorbed) X(acks_passed) X(acks_bad_tag) X(acks_no_entry) \
	X(acks_expired) X(redirected) X(redirect_fallback) X(dropped_by_rule) \
	X(passed_by_rule) X(passed_not_sip) X(parse_failures) X(truncated) \
	X(rate_limited) X(fwd_forwarded) X(fwd_rewritten) X(fwd_unresolvable) \
	X(fwd_passed)

/* The responder's own counters (beyond Kamailio's). */
#define RESP_FIELDS(X) X(dropped_unanswerable) X(dropped_not_request) \
	X(window_recorded) X(tx_ring_full) X(umem_exhausted)

enum stats_format { FMT_TEXT, FMT_JSON, FMT_PROM };

/* Rule and rewrite names from the config the responder runs with (best
 * effort). */
static void config_names(const char *ifname, char rules[SL_MAX_RULES][64],
			 char rewrites[SL_MAX_REWRITES][64])
{
	static struct sl_settings s;
	char path[PATH_MAX], err[256];

	memset(rules, 0, SL_MAX_RULES * 64);
	memset(rewrites, 0, SL_MAX_REWRITES * 64);
	if (responder_proc_config_path(ifname, path, sizeof(path)) ||
	    sl_settings_load_file(path, &s, err, sizeof(err)))
		return;
	for (unsigned int i = 0; i < s.dp.n_rules && i < SL_MAX_RULES; i++)
		snprintf(rules[i], 64, "%s", s.replies[i].name);
	for (unsigned int i = 0; i < s.dp.fwd.n_rewrites && i < SL_MAX_REWRITES; i++)
		snprintf(rewrites[i], 64, "%s", s.rewrite_names[i].name);
}

/*
 * The hits of each rule or rewrite (kind) that has a name or a hit, in
 * fmt: "KIND:NAME:hits = N" lines, JSON array elements, or the
 * sl_xdp_KIND_hits family (its TYPE line always).
 */
static void print_hits(enum stats_format fmt, const char *ifname,
		       const char *kind, char names[][64], const __u64 *hits,
		       int n)
{
	const char *sep = "";

	if (fmt == FMT_PROM)
		printf("# TYPE sl_xdp_%s_hits counter\n", kind);
	for (int i = 0; i < n; i++) {
		if (!names[i][0] && !hits[i])
			continue;
		if (fmt == FMT_JSON)
			printf("%s{\"index\":%d,\"name\":\"%s\",\"hits\":%llu}", sep, i,
			       names[i], (unsigned long long)hits[i]);
		else if (fmt == FMT_PROM)
			printf("sl_xdp_%s_hits{interface=\"%s\",%s=\"%s\",index=\"%d\"} %llu\n",
			       kind, ifname, kind, names[i], i,
			       (unsigned long long)hits[i]);
		else
			printf("%s:%s:hits = %llu\n", kind,
			       names[i][0] ? names[i] : "?", (unsigned long long)hits[i]);
		sep = ",";
	}
}

static int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "prometheus", no_argument, NULL, 'p' },
		{ "reset", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static char names[SL_MAX_RULES][64], rw_names[SL_MAX_REWRITES][64];
	enum stats_format fmt = FMT_TEXT;
	struct sl_dp_counters c;
	struct sl_kam_stats k;
	__u64 hits[SL_MAX_RULES], rw_hits[SL_MAX_REWRITES];
	const char *ifname, *sep = "";
	struct sl_maps m;
	int opt, reset = 0;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			fmt = FMT_JSON;
			break;
		case 'p':
			fmt = FMT_PROM;
			break;
		case 'r':
			reset = 1;
			break;
		case 'h':
			fputs(usage_stats, stdout);
			return 0;
		default:
			fputs(usage_stats, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(usage_stats, stderr);
		return EXIT_USAGE;
	}
	ifname = argv[optind];
	if (open_iface(ifname, &m))
		return EXIT_ERR;
	if (sl_maps_read_counters(&m, &c) || sl_maps_read_rule_hits(&m, hits) ||
	    sl_maps_read_fwd_hits(&m, rw_hits) || sl_maps_read_kam_stats(&m, &k)) {
		fprintf(stderr, "sl-ctl: cannot read the counters of %s\n", ifname);
		sl_maps_close(&m);
		return EXIT_ERR;
	}
	config_names(ifname, names, rw_names);
	/* a reply lost to a full TX ring or an exhausted UMEM is a send
	 * failure, as Kamailio counts one */
	k.failures += k.tx_ring_full + k.umem_exhausted;

	if (fmt == FMT_JSON) {
		printf("{\"interface\":\"%s\",\"sl\":{", ifname);
		for (size_t i = 0; i < sl_stat_table_len; i++)
			printf("%s\"%s\":%llu", i ? "," : "", sl_stat_table[i].name,
			       (unsigned long long)sl_stat_value(&sl_stat_table[i], &k,
								 c.acks_absorbed));
		printf("},\"dp\":{");
#define J(f) printf("%s\"%s\":%llu", sep, #f, (unsigned long long)c.f); sep = ",";
		DP_FIELDS(J)
		printf("},\"resp\":{");
		sep = "";
#define K(f) printf("%s\"%s\":%llu", sep, #f, (unsigned long long)k.f); sep = ",";
		RESP_FIELDS(K)
#undef K
#undef J
		printf("},\"rules\":[");
		print_hits(fmt, ifname, "rule", names, hits, SL_MAX_RULES);
		printf("],\"rewrites\":[");
		print_hits(fmt, ifname, "rewrite", rw_names, rw_hits, SL_MAX_REWRITES);
		printf("]}\n");
	} else if (fmt == FMT_PROM) {
		/* the textfile collector's format; one family per counter */
		for (size_t i = 0; i < sl_stat_table_len; i++) {
			printf("# TYPE sl_xdp_sl_%s counter\n", sl_stat_table[i].name);
			printf("sl_xdp_sl_%s{interface=\"%s\"} %llu\n",
			       sl_stat_table[i].name, ifname,
			       (unsigned long long)sl_stat_value(&sl_stat_table[i], &k,
								 c.acks_absorbed));
		}
#define P(f) printf("# TYPE sl_xdp_dp_%s counter\nsl_xdp_dp_%s{interface=\"%s\"} %llu\n", \
		    #f, #f, ifname, (unsigned long long)c.f);
		DP_FIELDS(P)
#undef P
#define R(f) printf("# TYPE sl_xdp_resp_%s counter\nsl_xdp_resp_%s{interface=\"%s\"} %llu\n", \
		    #f, #f, ifname, (unsigned long long)k.f);
		RESP_FIELDS(R)
#undef R
		print_hits(fmt, ifname, "rule", names, hits, SL_MAX_RULES);
		print_hits(fmt, ifname, "rewrite", rw_names, rw_hits, SL_MAX_REWRITES);
	} else {
		/* Kamailio's names and order first: scripts that parse
		 * kamcmd's output parse this */
		for (size_t i = 0; i < sl_stat_table_len; i++)
			printf("sl:%s = %llu\n", sl_stat_table[i].name,
			       (unsigned long long)sl_stat_value(&sl_stat_table[i], &k,
								 c.acks_absorbed));
#define T(f) printf("dp:%s = %llu\n", #f, (unsigned long long)c.f);
		DP_FIELDS(T)
#undef T
#define R(f) printf("resp:%s = %llu\n", #f, (unsigned long long)k.f);
		RESP_FIELDS(R)
#undef R
		print_hits(fmt, ifname, "rule", names, hits, SL_MAX_RULES);
		print_hits(fmt, ifname, "rewrite", rw_names, rw_hits, SL_MAX_REWRITES);
	}
	if (reset && sl_maps_reset_counters(&m)) {
		fprintf(stderr, "sl-ctl: cannot reset the counters of %s\n", ifname);
		sl_maps_close(&m);
		return EXIT_ERR;
	}
	sl_maps_close(&m);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (is_help(argv[1]) || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "attach"))
		return cmd_attach(argc - 1, argv + 1);
	if (!strcmp(argv[1], "detach"))
		return cmd_detach(argc - 1, argv + 1);
	if (!strcmp(argv[1], "reload"))
		return cmd_reload(argc - 1, argv + 1);
	if (!strcmp(argv[1], "status"))
		return cmd_status(argc - 1, argv + 1);
	if (!strcmp(argv[1], "stats"))
		return cmd_stats(argc - 1, argv + 1);
	fprintf(stderr, "sl-ctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
