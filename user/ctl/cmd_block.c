// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sl-ctl block: the live blocklist (include/sl_block.h, user/dp/block.h).
 * Comments are kept in the pinned map sl_block_note next to the tries.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/block_feed.h"
#include "ctl/ctl.h"
#include "dp/block.h"

static const char *reason_name(__u32 r)
{
	return r == SL_BLOCK_BAN ? "ban" : r == SL_BLOCK_IMPORT ? "import" :
	       "manual";
}

struct list_arg {
	bool json;
	unsigned long n;
	__u64 now;
};

static int print_entry(const struct sl_block_pfx *p,
		       const struct sl_block_entry *e, const char *note,
		       void *arg)
{
	struct list_arg *a = arg;
	char pfx[64], added[32], left[32];

	if (e->expires_ns && e->expires_ns <= a->now)
		return 0;	/* no longer matches; the sweep removes it */
	sl_block_format(p, pfx, sizeof(pfx));
	ctl_mono_to_utc(e->added_ns, added, sizeof(added));
	if (e->expires_ns)
		snprintf(left, sizeof(left), "%llu",
			 (unsigned long long)((e->expires_ns - a->now + 999999999ULL) /
					      1000000000ULL));
	if (a->json) {
		printf("%s\n  {\"prefix\": \"%s\", \"hits\": %llu, \"expires_in_s\": %s, \"reason\": \"%s\", \"added\": \"%s\", \"comment\": \"",
		       a->n ? "," : "", pfx, (unsigned long long)e->hits,
		       e->expires_ns ? left : "null", reason_name(e->reason), added);
		ctl_print_escaped(stdout, note, true);
		printf("\"}");
	} else {
		if (!a->n)
			printf("%-43s %10s %8s %-7s %-20s %s\n", "PREFIX", "HITS",
			       "EXPIRES", "REASON", "ADDED", "COMMENT");
		if (e->expires_ns)
			strcat(left, "s");
		printf("%-43s %10llu %8s %-7s %-20s %s\n", pfx,
		       (unsigned long long)e->hits, e->expires_ns ? left : "never",
		       reason_name(e->reason), added, note);
	}
	a->n++;
	return 0;
}

static int block_list(const struct sl_maps *m, bool json)
{
	struct list_arg a = { .json = json, .now = sl_block_now() };
	int ret;

	if (json)
		printf("[");
	ret = sl_block_walk(m, print_entry, &a);
	if (json)
		printf("%s]\n", a.n ? "\n" : "");
	else if (!a.n)
		printf("the blocklist is empty\n");
	if (ret) {
		fprintf(stderr, "sl-ctl: cannot read the blocklist: %s\n",
			strerror(-ret));
		return CTL_EXIT_ERR;
	}
	return 0;
}

static int block_import(const struct sl_block *b, const char *path,
			const struct sl_block_entry *e, const char *note)
{
	struct sl_block_pfx *v = NULL;
	size_t n, failed = 0;
	char pfx[64];
	int ret;

	if (ctl_block_read_feed(path, &v, &n))
		return CTL_EXIT_ERR;
	ret = sl_block_put_all(b, v, n, e, note, &failed);
	if (ret) {
		sl_block_format(&v[failed], pfx, sizeof(pfx));
		fprintf(stderr, "sl-ctl: %s: cannot add %s (%s%s): nothing imported\n",
			path, pfx, strerror(-ret),
			ret == -E2BIG ? ": the blocklist or its comments are full" : "");
		free(v);
		return CTL_EXIT_ERR;
	}
	printf("imported %zu prefix(es) from %s\n", n, path);
	free(v);
	return 0;
}

static int usage_err(void)
{
	fputs(ctl_cmd_block.usage, stderr);
	return CTL_EXIT_USAGE;
}

static int cmd_block(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ttl", required_argument, NULL, 't' },
		{ "comment", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct sl_block_entry e = { 0 };
	const char *ifname, *sub, *comment = NULL;
	__u64 ttl = 0;
	bool json = false, want_arg;
	struct sl_block_pfx p;
	struct sl_maps m;
	struct sl_block b;
	char err[160], pfx[64];
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 't':
			if (!sl_parse_duration(optarg, &ttl) || !ttl) {
				fprintf(stderr, "sl-ctl: --ttl '%s' is not a duration (e.g. 300s, 5m, 1h)\n",
					optarg);
				return CTL_EXIT_USAGE;
			}
			break;
		case 'c':
			if (strlen(optarg) >= SL_BLOCK_NOTE_LEN) {
				fprintf(stderr, "sl-ctl: --comment is longer than %u bytes\n",
					SL_BLOCK_NOTE_LEN - 1);
				return CTL_EXIT_USAGE;
			}
			comment = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(ctl_cmd_block.usage, stdout);
			return 0;
		default:
			return usage_err();
		}
	}
	if (argc - optind < 2)
		return usage_err();
	ifname = argv[optind];
	sub = argv[optind + 1];
	want_arg = !strcmp(sub, "add") || !strcmp(sub, "del") ||
		   !strcmp(sub, "import");
	if (!want_arg && strcmp(sub, "list") && strcmp(sub, "flush"))
		return usage_err();
	if (argc - optind != (want_arg ? 3 : 2))
		return usage_err();
	if ((ttl || comment) && strcmp(sub, "add") && strcmp(sub, "import"))
		return usage_err();
	if (json && strcmp(sub, "list"))
		return usage_err();
	if (!ctl_ifname_ok(ifname))
		return CTL_EXIT_USAGE;
	if ((!strcmp(sub, "add") || !strcmp(sub, "del")) &&
	    sl_block_parse(argv[optind + 2], strlen(argv[optind + 2]), &p, err,
			   sizeof(err))) {
		fprintf(stderr, "sl-ctl: %s\n", err);
		return CTL_EXIT_USAGE;
	}
	if (ctl_open_iface(ifname, &m))
		return CTL_EXIT_ERR;
	ret = sl_block_open(&b, &m);
	if (ret) {
		fprintf(stderr, "sl-ctl: cannot map the blocklist's pre-filter of %s: %s\n",
			ifname, strerror(-ret));
		sl_maps_close(&m);
		return CTL_EXIT_ERR;
	}
	e.added_ns = sl_block_now();
	e.expires_ns = ttl ? e.added_ns + ttl : 0;
	ret = 0;
	if (!strcmp(sub, "list")) {
		ret = block_list(&m, json);
	} else if (!strcmp(sub, "import")) {
		e.reason = SL_BLOCK_IMPORT;
		ret = block_import(&b, argv[optind + 2], &e, comment);
	} else if (!strcmp(sub, "flush")) {
		unsigned long n;

		if (sl_block_flush(&b, &n)) {
			fprintf(stderr, "sl-ctl: cannot flush the blocklist: %s\n",
				strerror(errno));
			ret = CTL_EXIT_ERR;
		} else {
			printf("removed %lu entr%s\n", n, n == 1 ? "y" : "ies");
		}
	} else {
		sl_block_format(&p, pfx, sizeof(pfx));
		if (!strcmp(sub, "add"))
			ret = sl_block_put(&b, &p, &e, comment);
		else
			ret = sl_block_del(&m, &p);
		if (ret == -ENOENT)
			fprintf(stderr, "sl-ctl: %s is not in the blocklist of %s\n",
				pfx, ifname);
		else if (ret)
			fprintf(stderr, "sl-ctl: cannot %s %s: %s%s\n", sub, pfx,
				strerror(-ret),
				ret == -E2BIG ? " (the blocklist or its comments are full)" : "");
		ret = ret ? CTL_EXIT_ERR : 0;
	}
	sl_block_close(&b);
	sl_maps_close(&m);
	return ret;
}

const struct ctl_cmd ctl_cmd_block = {
	.name = "block",
	.run = cmd_block,
	.usage =
	"usage: sl-ctl block IFACE add PREFIX [--ttl DURATION] [--comment TEXT]\n"
	"       sl-ctl block IFACE del PREFIX\n"
	"       sl-ctl block IFACE list [--json]\n"
	"       sl-ctl block IFACE flush\n"
	"       sl-ctl block IFACE import FILE [--ttl DURATION] [--comment TEXT]\n"
	"  The live blocklist: datagrams to a served port from a source in it are\n"
	"  dropped in XDP (dp:blocked).  PREFIX: ADDR or ADDR/LEN, IPv4 or IPv6.\n"
	"  --ttl 300s (ms, s, m, h, d): the entry expires.  import: one prefix a\n"
	"  line, '#' comments, or an APIBAN JSON answer; all or nothing.\n",
};
