// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench_xdp: cost per packet of the XDP program, measured with
 * bpf_prog_test_run_opts (repeat N, R runs, median), next to the
 * trivial XDP_PASS program of build/xdp_pass.bpf.o in the same run.
 * Not a test: it asserts nothing about speed, it checks only that each
 * frame gets the verdict it is meant to measure.
 *
 *   build/tests/bench_xdp [-n REPEAT] [-r RUNS]
 *
 * Prints a Markdown table (ns/packet, ratio to the trivial program, and
 * the targets: non-SIP <= 1.5x, typical absorbed ACK <= 5x, worst case
 * <= 15x).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fixture_env.h"
#include "frame.h"
#include "sip/totag.h"
#include "xdp_pass.skel.h"

#define MAX_RUNS	31

struct bench {
	const char *name;
	const char *target;
	double target_ratio;	/* 0: none */
	int prog_fd;
	__u32 verdict;		/* what the frame must get */
	__u8 frame[FRAME_MAX];
	size_t len;
	size_t payload;
	double ns[MAX_RUNS];	/* wall clock of the run / repeat */
	double kns[MAX_RUNS];	/* the kernel's average, whole ns */
	double median, min, max, kmedian;
};

static char msg[FRAME_MAX];

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int run_once(int prog_fd, const void *frame, size_t len, int repeat,
		    __u32 *retval, __u32 *duration)
{
	struct xdp_md ctx_in = { .data_end = (__u32)len };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = frame,
		.data_size_in = (__u32)len,
		.ctx_in = &ctx_in,
		.ctx_size_in = sizeof(ctx_in),
		.repeat = repeat,
	);

	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	*retval = opts.retval;
	*duration = opts.duration;
	return 0;
}

/* The ACK of spec 7 (b) with its own tag, padded to about total bytes
 * by an X-Pad header before (to_last) or after the To header. */
static size_t ack_msg(size_t total, bool to_last, const char *tag)
{
	static char pad[FRAME_MAX];
	const char *fmt = to_last ?
		"ACK sip:r486@127.0.0.1:5070 SIP/2.0\n"
		"Via: SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n"
		"From: \"Alice\" <sip:alice@example.com>;tag=a1b2c3\n"
		"Call-ID: inv-callid-0001@10.0.0.5\n"
		"CSeq: 101 ACK\nMax-Forwards: 70\nX-Pad: %1$s\n"
		"To: <sip:r486@127.0.0.1>;tag=%2$s\n\n" :
		"ACK sip:r486@127.0.0.1:5070 SIP/2.0\n"
		"Via: SIP/2.0/UDP 10.0.0.5:5062;rport;branch=z9hG4bK-inv-0001\n"
		"From: \"Alice\" <sip:alice@example.com>;tag=a1b2c3\n"
		"To: <sip:r486@127.0.0.1>;tag=%2$s\n"
		"Call-ID: inv-callid-0001@10.0.0.5\n"
		"CSeq: 101 ACK\nMax-Forwards: 70\n"
		"User-Agent: bench/1.0\nX-Pad: %1$s\n"
		"Content-Length: 0\n\n";
	size_t n = sip_fmt(msg, sizeof(msg), true, fmt, "", tag);

	if (n && n < total && total - n < sizeof(pad)) {
		memset(pad, 'p', total - n);
		pad[total - n] = '\0';
		n = sip_fmt(msg, sizeof(msg), true, fmt, pad, tag);
	}
	return n;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-n REPEAT] [-r RUNS]\n", prog);
	exit(2);
}

int main(int argc, char **argv)
{
	static struct bench b[5];
	struct xdp_pass *pass;
	struct sl_config cfg;
	struct sl_rule rule;
	struct frame_spec v4 = {}, other = { .dport = 53 };
	char tag[SL_TOTAG_LEN + 1];
	struct sl_str host = { "10.0.0.5", 8 }, port = { "5062", 4 };
	struct sl_str branch = { "z9hG4bK-inv-0001", 16 };
	struct sl_str callid = { "inv-callid-0001@10.0.0.5", 24 };
	__u32 suffix, retval, dur;
	int repeat = 1000000, runs = 5, opt, i, r, n = 0;
	double base;

	while ((opt = getopt(argc, argv, "n:r:h")) != -1) {
		if (opt == 'n')
			repeat = atoi(optarg);
		else if (opt == 'r')
			runs = atoi(optarg);
		else
			usage(argv[0]);
	}
	if (repeat < 1 || runs < 1 || runs > MAX_RUNS)
		usage(argv[0]);

	if (fx_load())
		return 1;
	pass = xdp_pass__open_and_load();
	if (!pass) {
		fprintf(stderr, "bench: cannot load xdp_pass: %s\n",
			strerror(errno));
		fx_unload();
		return 1;
	}

	/* an INVITE rule that replies; ACK absorption armed; the window
	 * long enough to outlast all runs */
	fx_config_init(&cfg, SL_ACTION_PASS);
	cfg.ack_window_ns = 3600ull * 1000000000ull;
	memset(&rule, 0, sizeof(rule));
	rule.action = SL_ACTION_REPLY;
	fx_rule_method(&rule, "INVITE");
	cfg.n_rules = 1;
	if (fx_apply(&cfg, &rule, 1) || fx_reset())
		goto fail;
	suffix = sl_totag_suffix(host, port, branch, callid);
	sl_totag_build(FX_SIG, suffix, tag);
	tag[SL_TOTAG_LEN] = '\0';
	if (fx_window_put(cfg.window_mask, suffix, 0, fx_now_ns()))
		goto fail;

	/* 0: the trivial program on the non-SIP frame */
	b[n].name = "trivial XDP_PASS (xdp_pass.bpf.o)";
	b[n].target = "1x (baseline)";
	b[n].prog_fd = bpf_program__fd(pass->progs.xdp_pass);
	b[n].verdict = XDP_PASS;
	b[n].payload = 32;
	memset(msg, 'x', b[n].payload);
	b[n].len = frame_build(b[n].frame, FRAME_MAX, &other, msg,
			       b[n].payload);
	n++;

	b[n] = b[0];
	b[n].name = "non-SIP UDP (to port 53)";
	b[n].target = "<= 1.5x";
	b[n].target_ratio = 1.5;
	b[n].prog_fd = fx.prog_fd;
	n++;

	b[n].name = "INVITE, method rule -> reply";
	b[n].target = "-";
	b[n].prog_fd = fx.prog_fd;
	b[n].verdict = XDP_PASS;	/* redirect fallback: no socket */
	b[n].payload = sip_fmt(msg, sizeof(msg), true,
		"INVITE sip:bob@198.18.0.1 SIP/2.0\n"
		"Via: SIP/2.0/UDP 198.18.0.2:5062;rport;branch=z9hG4bK-b-1\n"
		"Max-Forwards: 70\n"
		"From: \"Alice\" <sip:alice@198.18.0.2>;tag=a1b2c3\n"
		"To: <sip:bob@198.18.0.1>\n"
		"Call-ID: bench-1@198.18.0.2\nCSeq: 1 INVITE\n"
		"Contact: <sip:alice@198.18.0.2:5062>\n"
		"Content-Type: application/sdp\nContent-Length: 0\n\n");
	b[n].len = frame_build(b[n].frame, FRAME_MAX, &v4, msg, b[n].payload);
	n++;

	b[n].name = "ACK ~350 B, absorbed";
	b[n].target = "<= 5x";
	b[n].target_ratio = 5;
	b[n].prog_fd = fx.prog_fd;
	b[n].verdict = XDP_DROP;
	b[n].payload = ack_msg(350, false, tag);
	b[n].len = frame_build(b[n].frame, FRAME_MAX, &v4, msg, b[n].payload);
	n++;

	b[n].name = "ACK 1400 B, To last, absorbed";
	b[n].target = "<= 15x (worst case)";
	b[n].target_ratio = 15;
	b[n].prog_fd = fx.prog_fd;
	b[n].verdict = XDP_DROP;
	b[n].payload = ack_msg(1400, true, tag);
	b[n].len = frame_build(b[n].frame, FRAME_MAX, &v4, msg, b[n].payload);
	n++;

	/* the verdicts first: a benchmark of the wrong path is worthless */
	for (i = 0; i < n; i++) {
		if (!b[i].len || run_once(b[i].prog_fd, b[i].frame, b[i].len,
					  1, &retval, &dur)) {
			fprintf(stderr, "bench: %s: cannot run\n", b[i].name);
			goto fail;
		}
		if (retval != b[i].verdict) {
			fprintf(stderr, "bench: %s: verdict %s, want %s\n",
				b[i].name, fx_verdict_name(retval),
				fx_verdict_name(b[i].verdict));
			goto fail;
		}
	}

	/* runs interleaved, so that a slow phase of the machine hits all */
	for (r = 0; r < runs; r++) {
		for (i = 0; i < n; i++) {
			__u64 t0 = fx_now_ns();

			if (run_once(b[i].prog_fd, b[i].frame, b[i].len, repeat,
				     &retval, &dur) || retval != b[i].verdict) {
				fprintf(stderr, "bench: %s: run failed\n",
					b[i].name);
				goto fail;
			}
			b[i].ns[r] = (double)(fx_now_ns() - t0) / repeat;
			b[i].kns[r] = dur;
		}
	}
	for (i = 0; i < n; i++) {
		qsort(b[i].ns, runs, sizeof(double), cmp_double);
		qsort(b[i].kns, runs, sizeof(double), cmp_double);
		b[i].median = b[i].ns[runs / 2];
		b[i].kmedian = b[i].kns[runs / 2];
		b[i].min = b[i].ns[0];
		b[i].max = b[i].ns[runs - 1];
	}
	base = b[0].median > 0 ? b[0].median : 1;

	printf("## XDP program cost per packet (bpf_prog_test_run)\n\n");
	printf("Command: `");
	for (i = 0; i < argc; i++)
		printf("%s%s", i ? " " : "", argv[i]);
	printf("` (repeat %d per run, %d runs interleaved, median)\n\n",
	       repeat, runs);
	printf("ns/packet = wall time of one bpf_prog_test_run_opts call / repeat "
	       "(the kernel's own average, whole ns only, in the last column).\n\n");
	printf("| case | frame bytes | SIP bytes | verdict | ns/packet (median) | min | max | ratio to trivial | target | test_run ns |\n");
	printf("|---|---:|---:|---|---:|---:|---:|---:|---|---:|\n");
	for (i = 0; i < n; i++) {
		double ratio = b[i].median / base;

		printf("| %s | %zu | %zu | %s | %.1f | %.1f | %.1f | %.2fx | %s%s | %.0f |\n",
		       b[i].name, b[i].len, i < 2 ? 0 : b[i].payload,
		       fx_verdict_name(b[i].verdict), b[i].median, b[i].min,
		       b[i].max, ratio, b[i].target,
		       b[i].target_ratio == 0 ? "" :
		       ratio <= b[i].target_ratio ? " (met)" : " (missed)",
		       b[i].kmedian);
	}
	printf("\nA reply is an XDP_PASS here: no AF_XDP socket is bound, so "
	       "bpf_redirect_map falls back.\n");

	xdp_pass__destroy(pass);
	fx_unload();
	return 0;
fail:
	xdp_pass__destroy(pass);
	fx_unload();
	return 1;
}
