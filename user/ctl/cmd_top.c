// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sl-ctl top: the sources with the most datagrams in the last minute
 * (Kamailio's pike.top), from the per-source minute windows the XDP
 * program keeps in sl_src while a [ban] section is configured.  The
 * last minute is estimated as the current window plus the share of the
 * window before it that the last 60 s still cover.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "ctl/ctl.h"
#include "dp/block.h"

struct top_row {
	struct sl_rate_key key;
	__u64 count;
	bool banned;
};

/* Datagrams of the last minute from a source's windows. */
static __u64 last_minute(const struct sl_src_state *st, __u64 now)
{
	__u64 age = now > st->win_start_ns ? now - st->win_start_ns : 0;
	const __u64 w = SL_TOP_WINDOW_NS;

	if (age < w)
		return st->win_count +
		       (__u64)((double)st->prev_count * (double)(w - age) / (double)w);
	if (age < 2 * w)	/* the current window ended, no datagram since */
		return (__u64)((double)st->win_count * (double)(2 * w - age) / (double)w);
	return 0;
}

static int by_count(const void *a, const void *b)
{
	const struct top_row *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

static void source_text(const struct sl_rate_key *k, char *out, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(k->family == 6 ? AF_INET6 : AF_INET, k->addr, ip, sizeof(ip));
	snprintf(out, len, "%s%s", ip, k->family == 6 ? "/64" : "");
}

/* Is the source (v4 /32, v6 /64) blocked now by an entry of its own? */
static bool banned_now(const struct sl_maps *m, const struct sl_rate_key *k,
		       __u64 now)
{
	struct sl_block_pfx p = { .family = k->family,
				  .plen = k->family == 6 ? 64 : 32 };
	struct sl_block_entry e;

	memcpy(p.addr, k->addr, k->family == 6 ? 8 : 4);
	return !sl_block_get(m, &p, &e) && (!e.expires_ns || e.expires_ns > now);
}

static int cmd_top(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct top_row *rows;
	struct sl_rate_key k, prev;
	struct sl_config cfg;
	struct sl_maps m;
	size_t n = 0, want = 10;
	bool json = false;
	int opt, have = 0;
	__u64 now;

	while ((opt = getopt_long(argc, argv, "hn:", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'n': {
			char *end;

			want = strtoul(optarg, &end, 10);
			if (*end || !want || want > SL_RATE_SOURCES) {
				fprintf(stderr, "sl-ctl: --count takes 1..%u\n",
					SL_RATE_SOURCES);
				return CTL_EXIT_USAGE;
			}
			break;
		}
		case 'h':
			fputs(ctl_cmd_top.usage, stdout);
			return 0;
		default:
			fputs(ctl_cmd_top.usage, stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(ctl_cmd_top.usage, stderr);
		return CTL_EXIT_USAGE;
	}
	if (!ctl_ifname_ok(argv[optind]))
		return CTL_EXIT_USAGE;
	if (ctl_open_iface(argv[optind], &m))
		return CTL_EXIT_ERR;
	rows = calloc(SL_RATE_SOURCES, sizeof(*rows));
	if (!rows) {
		sl_maps_close(&m);
		fprintf(stderr, "sl-ctl: out of memory\n");
		return CTL_EXIT_ERR;
	}
	now = sl_block_now();
	while (n < SL_RATE_SOURCES &&
	       !bpf_map_get_next_key(m.fd[SL_M_SRC], have ? &prev : NULL, &k)) {
		struct sl_src_state st;

		prev = k;
		have = 1;
		if (bpf_map_lookup_elem(m.fd[SL_M_SRC], &k, &st))
			continue;
		rows[n].key = k;
		rows[n].count = last_minute(&st, now);
		if (rows[n].count)
			n++;
	}
	qsort(rows, n, sizeof(*rows), by_count);
	if (n > want)
		n = want;
	for (size_t i = 0; i < n; i++)
		rows[i].banned = banned_now(&m, &rows[i].key, now);
	if (json)
		printf("[");
	else if (sl_maps_read_config(&m, &cfg) || !cfg.ban.enabled)
		printf("(no [ban] section: sources are not counted)\n");
	else if (n)
		printf("%-43s %10s %s\n", "SOURCE", "LAST_MIN", "BANNED");
	for (size_t i = 0; i < n; i++) {
		char src[64];

		source_text(&rows[i].key, src, sizeof(src));
		if (json)
			printf("%s\n  {\"source\": \"%s\", \"requests_last_minute\": %llu, \"banned\": %s}",
			       i ? "," : "", src, (unsigned long long)rows[i].count,
			       rows[i].banned ? "true" : "false");
		else
			printf("%-43s %10llu %s\n", src,
			       (unsigned long long)rows[i].count,
			       rows[i].banned ? "yes" : "no");
	}
	if (json)
		printf("%s]\n", n ? "\n" : "");
	free(rows);
	sl_maps_close(&m);
	return 0;
}

const struct ctl_cmd ctl_cmd_top = {
	.name = "top",
	.run = cmd_top,
	.usage =
	"usage: sl-ctl top IFACE [--json] [--count N]\n"
	"  The N (10) sources (IPv6: /64) with the most datagrams to a served\n"
	"  port in the last minute, and whether they are banned; counted while\n"
	"  a [ban] section is configured (Kamailio's pike.top).\n",
};
