// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sl-ctl: the controller.  Exit codes: 0 success, 1 operational error
 * (message on stderr says what to do), 2 usage error.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "attach.h"
#include "bpf_maps.h"
#include "sl_stats.h"

#define DEFAULT_CONFIG "/etc/sl-xdp/sl-xdp.conf"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: sl-ctl attach IFACE [-c FILE] [--skb-mode] [--foreground]\n"
		"                                              load, attach, configure, start the responder\n"
		"       sl-ctl detach IFACE                           detach and remove pins\n"
		"       sl-ctl stats IFACE                            sl counters (Kamailio names), data plane, rules\n"
		"       sl-ctl --help\n"
		"Config default: " DEFAULT_CONFIG ". Exit codes: 0 ok, 1 error, 2 usage.\n");
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
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	o.ifname = argv[optind];
	if (sl_attach(&o, err, sizeof(err))) {
		fprintf(stderr, "sl-ctl: %s\n", err);
		return 1;
	}
	if (!o.foreground)
		printf("sl-xdp attached on %s (%s XDP) and answering, config %s\n",
		       o.ifname, o.skb_mode ? "generic" : "native", o.config_path);
	return 0;
}

static int cmd_detach(int argc, char **argv)
{
	char err[1024];

	if (argc != 2) {
		usage(stderr);
		return 2;
	}
	if (sl_detach(argv[1], err, sizeof(err))) {
		fprintf(stderr, "sl-ctl: %s\n", err);
		return 1;
	}
	printf("sl-xdp detached from %s\n", argv[1]);
	return 0;
}

static int cmd_stats(int argc, char **argv)
{
	char dir[PATH_MAX], err[1024];
	struct sl_dp_counters c;
	struct sl_kam_stats k;
	__u64 hits[SL_MAX_RULES];
	struct sl_maps m;
	int ret;

	if (argc != 2) {
		usage(stderr);
		return 2;
	}
	if (sl_check_env(err, sizeof(err))) {
		fprintf(stderr, "sl-ctl: %s\n", err);
		return 1;
	}
	sl_pin_dir(argv[1], dir, sizeof(dir));
	ret = sl_maps_open_pinned(&m, dir);
	if (ret) {
		fprintf(stderr, "sl-ctl: sl-xdp is not attached on %s (%s: %s)\n",
			argv[1], dir, strerror(-ret));
		return 1;
	}
	if (sl_maps_read_counters(&m, &c) || sl_maps_read_rule_hits(&m, hits) ||
	    sl_maps_read_kam_stats(&m, &k)) {
		fprintf(stderr, "sl-ctl: cannot read counters of %s\n", argv[1]);
		sl_maps_close(&m);
		return 1;
	}
	/* a reply lost to a full TX ring or an exhausted UMEM is a send
	 * failure, as Kamailio counts one */
	k.failures += k.tx_ring_full + k.umem_exhausted;
	/* Kamailio's names and order first: scripts that parse kamcmd's
	 * output parse this */
	for (size_t i = 0; i < sl_stat_table_len; i++)
		printf("sl:%s = %llu\n", sl_stat_table[i].name,
		       (unsigned long long)sl_stat_value(&sl_stat_table[i], &k,
							 c.acks_absorbed));
#define P(f) printf("dp:%s = %llu\n", #f, (unsigned long long)c.f)
	P(packets); P(sip_udp); P(sip_requests); P(sip_responses);
	P(acks_absorbed); P(acks_passed); P(acks_bad_tag); P(acks_no_entry);
	P(acks_expired); P(redirected); P(redirect_fallback);
	P(dropped_by_rule); P(passed_by_rule); P(passed_not_sip);
	P(parse_failures); P(truncated);
#undef P
	for (int i = 0; i < SL_MAX_RULES; i++)
		if (hits[i])
			printf("rule:%d:hits = %llu\n", i, (unsigned long long)hits[i]);
	sl_maps_close(&m);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "attach"))
		return cmd_attach(argc - 1, argv + 1);
	if (!strcmp(argv[1], "detach"))
		return cmd_detach(argc - 1, argv + 1);
	if (!strcmp(argv[1], "stats"))
		return cmd_stats(argc - 1, argv + 1);
	fprintf(stderr, "sl-ctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
