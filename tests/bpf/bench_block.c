// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench_block: what the live blocklist costs the request path, measured
 * with bpf_prog_test_run_opts (repeat N, R runs, median of the
 * kernel's average per packet): an INVITE answered by a method rule (redirect
 * fallback: no socket), first with empty tries, then with ENTRIES random
 * IPv4 /32s and ENTRIES / 4 random IPv6 /64s in them (its source not
 * among them: a miss), its source blocked (a hit), and each with [ban]
 * on (8 trusted prefixes, the per-source state).  The empty rows run
 * before the tries are filled and again after they are flushed, so that
 * a slow phase of the machine does not pass for the blocklist's cost.
 * Not a test: it checks only each row's verdict.
 *
 *   build/tests/bench_block [-n REPEAT] [-r RUNS] [-e ENTRIES]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "bench_common.h"
#include "fixture_env.h"
#include "frame.h"
#include "dp/block.h"

#define MAX_RUNS	31

static const char invite_conf[] = FX_SL
	"[rule invite]\nmethod = INVITE\nreply = 486 Busy Here\n";
static const char ban_conf[] = FX_SL
	"[rule invite]\nmethod = INVITE\nreply = 486 Busy Here\n"
	"[ban]\nrate = 0\ntrusted = 198.18.1.0/24, 198.18.2.0/24, 198.18.3.0/24, "
	"198.18.4.0/24, 198.18.5.0/24, 198.18.6.0/24, 198.18.7.0/24, 198.18.8.0/24\n";

static __u8 frame[FRAME_MAX];
static size_t frame_len;

/* ns per packet of one run of repeat packets by the kernel's clock (the
 * wall clock adds the set-up); the verdict must be want */
static double run(const char *conf, int repeat, __u32 want)
{
	__u32 verdict, ns;

	if (fx_config("%s", conf) || fx_reset()) {
		fprintf(stderr, "bench_block: cannot configure\n");
		exit(1);
	}
	if (bench_run_once(fx.prog_fd, frame, frame_len, repeat, &verdict, &ns) ||
	    verdict != want) {
		fprintf(stderr, "bench_block: run failed or verdict %u, want %u\n",
			verdict, want);
		exit(1);
	}
	return ns;	/* the kernel's average */
}

struct row {
	const char *name;
	const char *conf;
	__u32 verdict;
	const char *around;	/* an entry added around each run, or NULL */
	double ns[2 * MAX_RUNS];
	int n;			/* runs in ns[] */
};

/* the rows of one phase, runs interleaved, each row's entry added
 * around each of its runs */
static void measure(struct row *rows, int n, int runs, int repeat)
{
	int first = rows[0].n;

	struct sl_block_entry e = { 0 };
	struct sl_block_pfx p;
	char err[64];
	struct sl_block b;

	if (sl_block_open(&b, &fx.maps))
		exit(1);
	for (int r = 0; r < runs; r++)
		for (int i = 0; i < n; i++) {
			const char *a = rows[i].around;

			if (a && (sl_block_parse(a, strlen(a), &p, err, sizeof(err)) ||
				  sl_block_put(&b, &p, &e, NULL)))
				exit(1);
			rows[i].ns[first + r] = run(rows[i].conf, repeat,
						    rows[i].verdict);
			if (a)
				sl_block_del(&fx.maps, &p);
		}
	sl_block_close(&b);
	for (int i = 0; i < n; i++) {
		rows[i].n = first + runs;
		qsort(rows[i].ns, rows[i].n, sizeof(double), bench_cmp_double);
	}
}

/* n random IPv4 /32s (never 198.18.0.0/15) and n / 4 IPv6 /64s, with
 * their pre-filter bits */
static int fill(const struct sl_block *b, unsigned long n)
{
	struct sl_block_entry e = { 0 };
	unsigned long i;
	int ret;

	srandom(1);
	for (i = 0; i < n; i++) {
		struct sl_block_pfx p = { .family = 4, .plen = 32 };
		__u32 a = (__u32)random() << 1 ^ (__u32)random();

		if ((a & 0xfffe0000u) == 0xc6120000u)
			a ^= 0x01000000u;
		a = htonl(a);
		memcpy(p.addr, &a, 4);
		ret = sl_block_put(b, &p, &e, NULL);
		if (ret)
			return ret;
	}
	for (i = 0; i < n / 4; i++) {
		struct sl_block_pfx p = { .family = 6, .plen = 64 };
		__u32 w[2] = { htonl(0x20010db8u), (__u32)random() << 1 ^ (__u32)random() };

		memcpy(p.addr, w, 8);
		ret = sl_block_put(b, &p, &e, NULL);
		if (ret)
			return ret;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct row empty[] = {
		{ "INVITE -> reply, empty blocklist", invite_conf, XDP_PASS, NULL, {0}, 0 },
		{ "... with [ban] (8 trusted, per-source state)", ban_conf, XDP_PASS, NULL, {0}, 0 },
	};
	struct row full[] = {
		{ "INVITE -> reply, full blocklist, a miss", invite_conf, XDP_PASS, NULL, {0}, 0 },
		{ "... with [ban] (8 trusted, per-source state)", ban_conf, XDP_PASS, NULL, {0}, 0 },
		{ "... a miss whose /24 holds an entry (a trie walk)", invite_conf, XDP_PASS,
		  "198.18.0.99", {0}, 0 },
		{ "INVITE from a blocked source (a hit): dropped", invite_conf, XDP_DROP,
		  "198.18.0.2", {0}, 0 },
	};
	unsigned long entries = SL_BLOCK_MAX;
	int repeat = 200000, runs = 11, opt;
	struct frame_spec v4 = { 0 };
	struct sl_block blk = { 0 };
	char msg[1024];
	size_t len;
	__u64 t0;

	while ((opt = getopt(argc, argv, "n:r:e:")) != -1) {
		if (opt == 'n')
			repeat = atoi(optarg);
		else if (opt == 'r')
			runs = atoi(optarg);
		else if (opt == 'e')
			entries = strtoul(optarg, NULL, 10);
		else
			return 2;
	}
	if (runs < 1 || runs > MAX_RUNS || repeat < 1 || entries > SL_BLOCK_MAX)
		return 2;
	if (fx_load())
		return 1;
	len = sip_fmt(msg, sizeof(msg), true,
		BENCH_INVITE);
	frame_len = frame_build(frame, sizeof(frame), &v4, msg, len);

	measure(empty, 2, runs, repeat);
	t0 = fx_now_ns();
	if (sl_block_open(&blk, &fx.maps) || fill(&blk, entries)) {
		fprintf(stderr, "bench_block: cannot fill the blocklist\n");
		fx_unload();
		return 1;
	}
	fprintf(stderr, "filled %lu IPv4 + %lu IPv6 entries in %.1f s\n", entries,
		entries / 4, (double)(fx_now_ns() - t0) / 1e9);
	measure(full, 2, runs, repeat);
	/* after those: the rows' own entries leave the source's /24 bit
	 * set (bits are cleared by flush only) */
	measure(full + 2, 2, runs, repeat);
	{
		unsigned long gone;

		if (sl_block_flush(&blk, &gone))
			fprintf(stderr, "bench_block: cannot flush\n");
	}
	measure(empty, 2, runs, repeat);
	sl_block_close(&blk);

	printf("| case | ns/packet (median) | ratio to the empty blocklist |\n|---|---:|---:|\n");
	for (int i = 0; i < 2; i++)
		printf("| %s | %.1f | 1.00x |\n", empty[i].name,
		       empty[i].ns[empty[i].n / 2]);
	for (int i = 0; i < 4; i++)
		printf("| %s (%lu + %lu entries) | %.1f | %.2fx |\n", full[i].name,
		       entries, entries / 4, full[i].ns[runs / 2],
		       full[i].ns[runs / 2] / empty[i == 1].ns[empty[i == 1].n / 2]);
	fx_unload();
	return 0;
}
