// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sl-ctl stats: Kamailio's sl counters, the data plane's, the
 * responder's, then rule and rewrite hits named after the configuration
 * stored with the active bank.  Every name comes from
 * include/sl_counters.h.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>

#include "ctl/ctl.h"
#include "dp/bank.h"
#include "run/run_dir.h"
#include "sip/kam_stats.h"

/* Everything one `stats` prints, read at once. */
struct stats_snapshot {
	struct sl_dp_counters dp;
	struct sl_kam_stats kam;
	__u64 rule_hits[SL_MAX_RULES];
	__u64 rewrite_hits[SL_MAX_REWRITES];
	struct sl_bank_names names;
	/* the responder threads' slots, socket k of queue q in slot
	 * q * per_queue + k; n_slots: those of the running responder and
	 * any other that counted something */
	struct sl_kam_stats slot[SL_STATS_SLOTS];
	unsigned int n_slots;
	unsigned int per_queue;
	struct sl_backend_state backend;	/* the health gate; probing: shown */
};

/* A reply lost to a full TX ring, an exhausted UMEM or the MTU is a send
 * failure, as Kamailio counts one. */
static void fold_failures(struct sl_kam_stats *k)
{
	k->failures += k->tx_ring_full + k->umem_exhausted + k->oversize;
}

static bool slot_used(const struct sl_kam_stats *k)
{
	const __u64 *w = (const __u64 *)k;

	for (size_t i = 0; i < sizeof(*k) / sizeof(*w); i++)
		if (w[i])
			return true;
	return false;
}

static int read_snapshot(const struct sl_maps *m, const char *ifname,
			 struct stats_snapshot *s)
{
	struct sl_config cfg;
	unsigned int queues = 0;
	char mode[32];

	memset(s, 0, sizeof(*s));
	{
		__u32 zero = 0;

		if (bpf_map_lookup_elem(m->fd[SL_M_BACKEND], &zero, &s->backend))
			memset(&s->backend, 0, sizeof(s->backend));
	}
	if (sl_maps_read_counters(m, &s->dp) ||
	    sl_maps_read_rule_hits(m, s->rule_hits) ||
	    sl_maps_read_fwd_hits(m, s->rewrite_hits) ||
	    sl_maps_read_stats_slots(m, s->slot, SL_STATS_SLOTS) ||
	    sl_bank_read_names(m, &s->names))
		return -1;
	for (unsigned int i = 0; i < SL_STATS_SLOTS; i++)
		sl_stats_add(&s->kam, &s->slot[i]);
	fold_failures(&s->kam);
	s->per_queue = 1;
	if (!sl_maps_read_config(m, &cfg) && cfg.xsk_per_queue > 1)
		s->per_queue = cfg.xsk_per_queue;
	if (!sl_run_read_info(ifname, &queues, mode, sizeof(mode)))
		s->n_slots = queues * s->per_queue;
	for (unsigned int i = SL_STATS_SLOTS; i-- > s->n_slots;)
		if (slot_used(&s->slot[i])) {
			s->n_slots = i + 1;
			break;
		}
	if (s->n_slots > SL_STATS_SLOTS)
		s->n_slots = SL_STATS_SLOTS;
	for (unsigned int i = 0; i < s->n_slots; i++)
		fold_failures(&s->slot[i]);
	return 0;
}

/* A Prometheus metric name: sl_xdp_GROUP_NAME, lower case (Kamailio's
 * received_ACKs becomes received_acks), then the suffix. */
static void print_metric_name(FILE *out, const char *group, const char *name,
			      const char *suffix)
{
	fprintf(out, "sl_xdp_%s_", group);
	for (; *name; name++)
		fputc(*name >= 'A' && *name <= 'Z' ? *name - 'A' + 'a' : *name, out);
	fputs(suffix, out);
}

/* # HELP and # TYPE of a counter family, as the exposition format has
 * them: the family's sample name, a help text with \\ and \n escaped. */
static void print_prom_family(FILE *out, const char *group, const char *name,
			      const char *help)
{
	fputs("# HELP ", out);
	print_metric_name(out, group, name, "_total ");
	for (; *help; help++) {
		if (*help == '\\')
			fputs("\\\\", out);
		else if (*help == '\n')
			fputs("\\n", out);
		else
			fputc(*help, out);
	}
	fputs("\n# TYPE ", out);
	print_metric_name(out, group, name, "_total counter\n");
}

/* One counter in fmt; *sep: the JSON separator state. */
static void print_counter(FILE *out, enum ctl_stats_format fmt, const char *ifname,
			  const char *group, const char *name, const char *help,
			  __u64 v, const char **sep)
{
	if (fmt == CTL_FMT_JSON) {
		fprintf(out, "%s\"%s\":%llu", *sep, name, (unsigned long long)v);
		*sep = ",";
	} else if (fmt == CTL_FMT_PROM) {
		print_prom_family(out, group, name, help);
		print_metric_name(out, group, name, "_total{interface=\"");
		ctl_print_escaped(out, ifname, false);
		fprintf(out, "\"} %llu\n", (unsigned long long)v);
	} else {
		fprintf(out, "%s:%s = %llu\n", group, name, (unsigned long long)v);
	}
}

static void print_counters(FILE *out, enum ctl_stats_format fmt, const char *ifname,
			   const struct stats_snapshot *s)
{
	const char *sep = "";

	/* Kamailio's names and order first: scripts that parse kamcmd's
	 * output parse this */
	if (fmt == CTL_FMT_JSON)
		fprintf(out, "\"sl\":{");
	for (size_t i = 0; i < sl_stat_table_len; i++)
		print_counter(out, fmt, ifname, "sl", sl_stat_table[i].name,
			      sl_stat_table[i].help,
			      sl_stat_value(&sl_stat_table[i], &s->kam,
					    s->dp.acks_absorbed), &sep);
	if (fmt == CTL_FMT_JSON)
		fprintf(out, "},\"dp\":{");
	sep = "";
#define DP_COUNTER(name, help) \
	print_counter(out, fmt, ifname, "dp", #name, help, s->dp.name, &sep);
	SL_DP_COUNTERS(DP_COUNTER)
#undef DP_COUNTER
	if (fmt == CTL_FMT_JSON)
		fprintf(out, "},\"resp\":{");
	sep = "";
#define RESP_COUNTER(name, help) \
	print_counter(out, fmt, ifname, "resp", #name, help, s->kam.name, &sep);
	SL_RESP_COUNTERS(RESP_COUNTER)
#undef RESP_COUNTER
	if (fmt == CTL_FMT_JSON)
		fprintf(out, "}");
}

/*
 * Each responder thread's counters: in JSON a "queues" array, one
 * object per socket ({"queue":Q,"socket":K, sent_replies, failures and
 * every resp counter}); in Prometheus one sl_xdp_queue_NAME_total family
 * per counter, labelled interface, queue and socket (the resp families
 * stay the totals, so that nothing is counted twice in one family).
 * Text has the totals only.
 */
struct queue_counter {
	const char *name;
	const char *help;
	size_t off;		/* in struct sl_kam_stats */
	bool sent;		/* sent_replies: the sum of the buckets */
};

static const struct queue_counter queue_counters[] = {
	{ "sent_replies", "Replies sent by this socket's thread.", 0, true },
	{ "failures", "Replies this socket's thread could not send.",
	  offsetof(struct sl_kam_stats, failures), false },
#define QUEUE_COUNTER(name, help) \
	{ #name, help, offsetof(struct sl_kam_stats, name), false },
	SL_RESP_COUNTERS(QUEUE_COUNTER)
#undef QUEUE_COUNTER
};

static __u64 queue_value(const struct queue_counter *c,
			 const struct sl_kam_stats *k)
{
	return c->sent ? sl_stats_sent(k) :
	       *(const __u64 *)((const char *)k + c->off);
}

static void print_queues(FILE *out, enum ctl_stats_format fmt,
			 const char *ifname, const struct stats_snapshot *s)
{
	const size_t n = sizeof(queue_counters) / sizeof(queue_counters[0]);

	if (fmt == CTL_FMT_PROM) {
		for (size_t c = 0; c < n; c++) {
			print_prom_family(out, "queue", queue_counters[c].name,
					  queue_counters[c].help);
			for (unsigned int i = 0; i < s->n_slots; i++) {
				print_metric_name(out, "queue", queue_counters[c].name,
						  "_total{interface=\"");
				ctl_print_escaped(out, ifname, false);
				fprintf(out, "\",queue=\"%u\",socket=\"%u\"} %llu\n",
					i / s->per_queue, i % s->per_queue,
					(unsigned long long)queue_value(&queue_counters[c],
									&s->slot[i]));
			}
		}
	} else if (fmt == CTL_FMT_JSON) {
		fprintf(out, ",\"queues\":[");
		for (unsigned int i = 0; i < s->n_slots; i++) {
			fprintf(out, "%s{\"queue\":%u,\"socket\":%u", i ? "," : "",
				i / s->per_queue, i % s->per_queue);
			for (size_t c = 0; c < n; c++)
				fprintf(out, ",\"%s\":%llu", queue_counters[c].name,
					(unsigned long long)queue_value(&queue_counters[c],
									&s->slot[i]));
			fprintf(out, "}");
		}
		fprintf(out, "]");
	}
}

/*
 * The hits of each rule or rewrite (kind) that has a name or a hit, in
 * fmt: "KIND:NAME:hits = N" lines, JSON array elements, or the
 * sl_xdp_KIND_hits_total family (its HELP and TYPE lines always).
 */
static void print_hits(FILE *out, enum ctl_stats_format fmt, const char *ifname,
		       const char *kind, const char (*names)[SL_NAME_MAX],
		       const __u64 *hits, int n)
{
	const char *sep = "";

	if (fmt == CTL_FMT_PROM) {
		fprintf(out, "# HELP sl_xdp_%s_hits_total Requests (rules) or responses (rewrites) matched, by name in the active configuration.\n",
		       kind);
		fprintf(out, "# TYPE sl_xdp_%s_hits_total counter\n", kind);
	}
	for (int i = 0; i < n; i++) {
		if (!names[i][0] && !hits[i])
			continue;
		if (fmt == CTL_FMT_JSON) {
			fprintf(out, "%s{\"index\":%d,\"name\":\"", sep, i);
			ctl_print_escaped(out, names[i], true);
			fprintf(out, "\",\"hits\":%llu}", (unsigned long long)hits[i]);
		} else if (fmt == CTL_FMT_PROM) {
			fprintf(out, "sl_xdp_%s_hits_total{interface=\"", kind);
			ctl_print_escaped(out, ifname, false);
			fprintf(out, "\",%s=\"", kind);
			ctl_print_escaped(out, names[i], false);
			fprintf(out, "\",index=\"%d\"} %llu\n", i,
			       (unsigned long long)hits[i]);
		} else {
			fprintf(out, "%s:%s:hits = %llu\n", kind,
			       names[i][0] ? names[i] : "?", (unsigned long long)hits[i]);
		}
		sep = ",";
	}
}

/* The health gate's state in Prometheus: a gauge sl_xdp_backend_up (1
 * up, 0 down) and the counters changes, probes, answers. */
static void print_backend_prom(FILE *out, const char *ifname,
			       const struct sl_backend_state *b)
{
	const struct { const char *name; const char *help; __u64 v; } f[] = {
		{ "changes", "Up/down changes of the [backend] health gate since the responder started.", b->changes },
		{ "probes", "OPTIONS probes the responder sent to the [backend].", b->probes },
		{ "answers", "Probes the [backend] answered in time.", b->answers },
	};

	fputs("# HELP sl_xdp_backend_up Whether the [backend] health gate sees the backend up (1) or down (0).\n"
	      "# TYPE sl_xdp_backend_up gauge\nsl_xdp_backend_up{interface=\"", out);
	ctl_print_escaped(out, ifname, false);
	fprintf(out, "\"} %d\n", b->down ? 0 : 1);
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		print_prom_family(out, "backend", f[i].name, f[i].help);
		print_metric_name(out, "backend", f[i].name, "_total{interface=\"");
		ctl_print_escaped(out, ifname, false);
		fprintf(out, "\"} %llu\n", (unsigned long long)f[i].v);
	}
}

/* The health gate's state, while a responder probes ([backend]): text
 * "backend:NAME = N" lines, a JSON "backend" object, Prometheus
 * families (print_backend_prom). */
static void print_backend(FILE *out, enum ctl_stats_format fmt,
			  const char *ifname, const struct sl_backend_state *b)
{
	const struct { const char *name; __u64 v; } f[] = {
		{ "down", b->down }, { "changes", b->changes },
		{ "probes", b->probes }, { "answers", b->answers },
	};

	if (!b->probing)
		return;
	if (fmt == CTL_FMT_PROM) {
		print_backend_prom(out, ifname, b);
		return;
	}
	if (fmt == CTL_FMT_JSON)
		fputs(",\"backend\":{", out);
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (fmt == CTL_FMT_JSON)
			fprintf(out, "%s\"%s\":%llu", i ? "," : "", f[i].name,
				(unsigned long long)f[i].v);
		else
			fprintf(out, "backend:%s = %llu\n", f[i].name,
				(unsigned long long)f[i].v);
	}
	if (fmt == CTL_FMT_JSON)
		fputs("}", out);
}

static void print_stats(FILE *out, enum ctl_stats_format fmt, const char *ifname,
			const struct stats_snapshot *s)
{
	if (fmt == CTL_FMT_JSON) {
		fputs("{\"interface\":\"", out);
		ctl_print_escaped(out, ifname, true);
		fputs("\",", out);
	}
	print_counters(out, fmt, ifname, s);
	print_backend(out, fmt, ifname, &s->backend);
	if (fmt == CTL_FMT_JSON)
		fprintf(out, ",\"rules\":[");
	print_hits(out, fmt, ifname, "rule", s->names.rules, s->rule_hits,
		   SL_MAX_RULES);
	if (fmt == CTL_FMT_JSON)
		fprintf(out, "],\"rewrites\":[");
	print_hits(out, fmt, ifname, "rewrite", s->names.rewrites, s->rewrite_hits,
		   SL_MAX_REWRITES);
	if (fmt == CTL_FMT_JSON)
		fprintf(out, "]");
	print_queues(out, fmt, ifname, s);
	if (fmt == CTL_FMT_JSON)
		fprintf(out, "}\n");
}

int ctl_stats_render(FILE *out, enum ctl_stats_format fmt, const char *ifname,
		     const struct sl_maps *m)
{
	static struct stats_snapshot snap;

	if (read_snapshot(m, ifname, &snap))
		return -1;
	print_stats(out, fmt, ifname, &snap);
	return ferror(out) ? -1 : 0;
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
	static struct stats_snapshot snap;
	enum ctl_stats_format fmt = CTL_FMT_TEXT;
	const char *ifname;
	struct sl_maps m;
	int opt, reset = 0;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			fmt = CTL_FMT_JSON;
			break;
		case 'p':
			fmt = CTL_FMT_PROM;
			break;
		case 'r':
			reset = 1;
			break;
		case 'h':
			fputs(ctl_cmd_stats.usage, stdout);
			return 0;
		default:
			fputs(ctl_cmd_stats.usage, stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(ctl_cmd_stats.usage, stderr);
		return CTL_EXIT_USAGE;
	}
	ifname = argv[optind];
	if (!ctl_ifname_ok(ifname))
		return CTL_EXIT_USAGE;
	if (ctl_open_iface(ifname, &m))
		return CTL_EXIT_ERR;
	if (read_snapshot(&m, ifname, &snap)) {
		fprintf(stderr, "sl-ctl: cannot read the counters of %s\n", ifname);
		sl_maps_close(&m);
		return CTL_EXIT_ERR;
	}
	print_stats(stdout, fmt, ifname, &snap);
	if (reset && sl_maps_reset_counters(&m)) {
		fprintf(stderr, "sl-ctl: cannot reset the counters of %s\n", ifname);
		sl_maps_close(&m);
		return CTL_EXIT_ERR;
	}
	sl_maps_close(&m);
	return 0;
}

const struct ctl_cmd ctl_cmd_stats = {
	.name = "stats",
	.run = cmd_stats,
	.usage =
	"usage: sl-ctl stats IFACE [--json | --prometheus] [--reset]\n"
	"  Kamailio's sl: counters (kamcmd's names and order), then the data-plane\n"
	"  (dp:), responder (resp:), per-rule (rule:) and per-rewrite (rewrite:)\n"
	"  counters; --json and --prometheus add each responder socket's own\n"
	"  (\"queues\", sl_xdp_queue_*). --reset zeroes them after printing.\n",
};
