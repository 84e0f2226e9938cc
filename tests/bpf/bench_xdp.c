// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * bench_xdp: cost per packet of the XDP program, measured with
 * bpf_prog_test_run_opts (repeat N, R runs, median), next to the
 * trivial XDP_PASS program of build/xdp_pass.bpf.o in the same run.
 * Not a test: it asserts nothing about speed, it checks only that each
 * frame gets the verdict it is meant to measure.
 *
 *   build/tests/bench_xdp [-n REPEAT] [-r RUNS] [-w WINDOW_SLOTS]
 *
 * Prints a Markdown table (ns/packet, ratio to the trivial program, and
 * the targets: non-SIP <= 1.5x, typical absorbed ACK <= 5x, worst case
 * <= 15x; a 1400-byte User-Agent under 64 user_agent rules <= 10x the
 * same frame with no user_agent rule, in the last column).
 *
 * Each row runs with its own configuration, from config text as an
 * operator writes it (fx_config()), applied before each of its runs.
 * The repeat count of a row is cut so that one run of it takes about
 * 0.2 s at most: a slow row does not make the whole table wait.
 *
 * A second table runs the 350-byte ACK cold, a call per frame over 1000
 * distinct calls, as a flood of ACKs meets the program (cold_table()).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench_common.h"
#include "fixture_env.h"
#include "run/hep_mirror.h"

/* runs of a row that reports to HEP stay within what sl_hep_ring holds
 * (about 2700 records): each run measures reports made, not a full ring */
#define HEP_REPEAT	2000
#include "frame.h"
#include "sip/totag.h"
#include "xdp_pass.skel.h"

#define MAX_RUNS	31

struct bench {
	const char *name;
	const char *target;
	double target_ratio;	/* 0: none */
	int versus;		/* row the target is relative to; -1: trivial */
	const char *conf;	/* config text; NULL: the trivial program */
	bool window;		/* needs the ACK's reply-window entry */
	bool hep;		/* reports into sl_hep_ring: drained before
				 * each run, repeat at most HEP_REPEAT */
	int repeat;
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

/* The ACK's Via (sent-by 10.0.0.5:5062) and Call-ID: the call's number
 * in four hex digits, the same length for every call. */
#define ACK_BRANCH(arg)	"z9hG4bK-inv-%" arg "04x"
#define ACK_CALLID(arg)	"inv-callid-%" arg "04x@10.0.0.5"

/* The ACK of spec 7 (b) of call number call with its own tag, padded to
 * about total bytes by an X-Pad header before (to_last) or after the To
 * header. */
static size_t ack_msg(size_t total, bool to_last, const char *tag,
		      unsigned int call)
{
	static char pad[FRAME_MAX];
	const char *fmt = to_last ?
		"ACK sip:r486@127.0.0.1:5070 SIP/2.0\n"
		"Via: SIP/2.0/UDP 10.0.0.5:5062;rport;branch=" ACK_BRANCH("1$") "\n"
		"From: \"Alice\" <sip:alice@example.com>;tag=a1b2c3\n"
		"Call-ID: " ACK_CALLID("2$") "\n"
		"CSeq: 101 ACK\nMax-Forwards: 70\nX-Pad: %3$s\n"
		"To: <sip:r486@127.0.0.1>;tag=%4$s\n\n" :
		"ACK sip:r486@127.0.0.1:5070 SIP/2.0\n"
		"Via: SIP/2.0/UDP 10.0.0.5:5062;rport;branch=" ACK_BRANCH("1$") "\n"
		"From: \"Alice\" <sip:alice@example.com>;tag=a1b2c3\n"
		"To: <sip:r486@127.0.0.1>;tag=%4$s\n"
		"Call-ID: " ACK_CALLID("2$") "\n"
		"CSeq: 101 ACK\nMax-Forwards: 70\n"
		"User-Agent: bench/1.0\nX-Pad: %3$s\n"
		"Content-Length: 0\n\n";
	size_t n = sip_fmt(msg, sizeof(msg), true, fmt, call, call, "", tag);

	if (n && n < total && total - n < sizeof(pad)) {
		memset(pad, 'p', total - n);
		pad[total - n] = '\0';
		n = sip_fmt(msg, sizeof(msg), true, fmt, call, call, pad, tag);
	}
	return n;
}

/* Our tag for call number call of ack_msg() into tag (SL_TOTAG_LEN + 1
 * bytes), its Call-ID into callid (48 bytes); returns the suffix, the
 * window's key. */
static __u32 ack_tag(unsigned int call, char *tag, char *callid)
{
	char branch[32];
	struct sl_str host = { "10.0.0.5", 8 }, port = { "5062", 4 };
	struct sl_str b = { branch, 0 }, c = { callid, 0 };
	__u32 suffix;

	b.len = (size_t)snprintf(branch, sizeof(branch), ACK_BRANCH(""), call);
	c.len = (size_t)snprintf(callid, 48, ACK_CALLID(""), call);
	suffix = sl_totag_suffix(host, port, b, c);
	sl_totag_build(FX_SIG, suffix, tag);
	tag[SL_TOTAG_LEN] = '\0';
	return suffix;
}

/*
 * Cold runs, the flood's case.  The table's rows repeat one frame inside
 * one bpf_prog_test_run call, so the program's code, data and branch
 * history stay warm.  In a flood each ACK follows the kernel's own work
 * (the sender's syscall, the veth, the stack) and is another call.  Here
 * each frame is a call of its own (repeat 1), COLD_CALLS distinct calls a
 * run; the trivial program runs the same way, so that the kernel's
 * timer, which a repeat of 1 no longer spreads, counts in both.  The
 * window map has the product's default size (bench_xdp's fx_window_mask),
 * so that distinct calls meet its entries where a flood meets them.
 */
#define COLD_CALLS	8192
#define COLD_FRAME	512	/* bytes kept of a frame (~390 used) */

struct cold_row {
	const char *name;
	int prog_fd;
	bool distinct;		/* every call its own frame, else frame 0 */
	__u32 verdict;
	double ns[MAX_RUNS];	/* the kernel's time per call, mean of a run */
	double median, min, max;
};

static __u8 cold_frame[COLD_CALLS][COLD_FRAME];
static size_t cold_len[COLD_CALLS];
static __u32 cold_suffix[COLD_CALLS];

/* ~350-byte ACKs of distinct calls, each with a window entry that its
 * bucket (SL_WINDOW_WAYS of the fx_window_mask + 1 slots) can hold at
 * once; how many were built. */
static int cold_build(void)
{
	static __u8 in_bucket[SL_WINDOW_SLOTS_DEFAULT / SL_WINDOW_WAYS];
	static __u8 one[FRAME_MAX];
	struct frame_spec v4 = {};
	char tag[SL_TOTAG_LEN + 1], callid[48];
	unsigned int call;
	int n = 0;

	for (call = 0; call < 0x10000 && n < COLD_CALLS; call++) {
		__u32 suffix = ack_tag(call, tag, callid);
		__u32 bucket = sl_window_slot(suffix, 0, fx_window_mask) /
			       SL_WINDOW_WAYS;

		if (bucket >= sizeof(in_bucket) ||
		    in_bucket[bucket] >= SL_WINDOW_WAYS)
			continue;
		in_bucket[bucket]++;
		/* frame_build() wants room for any frame: built in one of
		 * FRAME_MAX bytes, then kept */
		cold_len[n] = frame_build(one, FRAME_MAX, &v4, msg,
					  ack_msg(350, false, tag, call));
		if (!cold_len[n] || cold_len[n] > COLD_FRAME)
			return -1;
		memcpy(cold_frame[n], one, cold_len[n]);
		cold_suffix[n++] = suffix;
	}
	return n;
}

/* One run of row: every call once; -1 if a call failed or got another
 * verdict (a benchmark of the wrong path is worthless). */
static int cold_run(struct cold_row *row, int calls, int r)
{
	__u64 sum = 0, now = fx_now_ns();
	__u32 retval, dur;
	int i, k;

	for (i = 0; row->verdict == XDP_DROP && i < calls; i++)
		if (sl_maps_window_put(&fx.maps, fx_window_mask,
				       cold_suffix[i], 0, now))
			return -1;
	for (i = 0; i < calls; i++) {
		k = row->distinct ? i : 0;
		if (bench_run_once(row->prog_fd, cold_frame[k], cold_len[k], 1,
				   &retval, &dur) || retval != row->verdict) {
			fprintf(stderr, "bench: cold: %s: call %d failed\n",
				row->name, i);
			return -1;
		}
		sum += dur;
	}
	row->ns[r] = (double)sum / calls;
	return 0;
}

/* The cold table, after the warm one; warm_trivial, warm_ack: the warm
 * table's test_run ns of the trivial program and of the same ACK. */
static int cold_table(int trivial_fd, int runs, double warm_trivial,
		      double warm_ack)
{
	static struct cold_row c[3];
	int calls = cold_build(), i, r;
	double timer;

	if (calls < COLD_CALLS) {
		fprintf(stderr, "bench: cold: only %d calls fit the window\n", calls);
		return -1;
	}
	c[0] = (struct cold_row){ .name = "cold: trivial XDP_PASS, a call per frame",
				  .prog_fd = trivial_fd, .distinct = true,
				  .verdict = XDP_PASS };
	c[1] = (struct cold_row){ .name = "cold: ACK ~350 B, absorbed, the same call each time",
				  .prog_fd = fx.prog_fd, .verdict = XDP_DROP };
	c[2] = (struct cold_row){ .name = "cold: ACK ~350 B, absorbed, 8192 distinct calls",
				  .prog_fd = fx.prog_fd, .distinct = true,
				  .verdict = XDP_DROP };
	for (r = 0; r < runs; r++)
		for (i = 0; i < 3; i++)
			if (cold_run(&c[i], calls, r))
				return -1;
	for (i = 0; i < 3; i++) {
		qsort(c[i].ns, runs, sizeof(double), bench_cmp_double);
		c[i].median = c[i].ns[runs / 2];
		c[i].min = c[i].ns[0];
		c[i].max = c[i].ns[runs - 1];
	}
	printf("\n## Cold runs: a bpf_prog_test_run call per frame (the flood's case)\n\n");
	printf("Each frame is a call of its own (repeat 1), %d calls a run, %d runs "
	       "interleaved, a reply-window map of %u slots; ns = the kernel's "
	       "test_run time per call (its timer included, in every row alike), "
	       "median of the runs' means.\n\n",
	       calls, runs, fx_window_mask + 1);
	/* what a repeat of 1 adds to every call (the timer's reads): the
	 * trivial program's rise from warm to cold */
	timer = c[0].median - warm_trivial;
	printf("| case | calls per run | test_run ns per call (median) | min | max | less the timer | ratio to trivial, less the timer |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < 3; i++)
		printf("| %s | %d | %.1f | %.1f | %.1f | %.0f | %.2fx |\n",
		       c[i].name, calls, c[i].median, c[i].min, c[i].max,
		       c[i].median - timer,
		       (c[i].median - timer) / (c[0].median - timer > 0 ?
						 c[0].median - timer : 1));
	printf("\n- the timer: the trivial program's rise from warm to cold, "
	       "%.0f ns; the absorbed ACK's own rise: %+.0f ns (warm %.0f ns)\n",
	       timer, c[1].median - timer - warm_ack, warm_ack);
	printf("- distinct calls against the same call, both cold: %+.0f ns\n",
	       c[2].median - c[1].median);
	return 0;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-n REPEAT] [-r RUNS] [-w WINDOW_SLOTS]\n"
		"  -w: the reply-window map's size, a power of two from 16384 to %u (the\n"
		"      default, as window_slots in the product)\n",
		prog, SL_WINDOW_SLOTS_DEFAULT);
	exit(2);
}

/* An OPTIONS whose User-Agent value is ua_len bytes: 'x' and '.', never
 * a pattern of the rules below. */
static size_t ua_msg(size_t ua_len)
{
	static char ua[FRAME_MAX];
	size_t i;

	for (i = 0; i < ua_len && i + 1 < sizeof(ua); i++)
		ua[i] = i % 7 == 6 ? '.' : 'x';
	ua[i] = '\0';
	return sip_fmt(msg, sizeof(msg), true,
		"OPTIONS sip:bob@198.18.0.1 SIP/2.0\n"
		"Via: SIP/2.0/UDP 198.18.0.2:5062;branch=z9hG4bK-u-1\n"
		"From: <sip:alice@198.18.0.2>;tag=u1\n"
		"To: <sip:bob@198.18.0.1>\n"
		"Call-ID: bench-ua@198.18.0.2\nCSeq: 1 OPTIONS\n"
		"User-Agent: %s\n"
		"Content-Length: 0\n\n", ua);
}

/* 64 drop rules, each with a User-Agent pattern of 16 bytes that starts
 * like the value ('x', '.') and never occurs in it: the naive search
 * compares at every position for every rule, an automaton walks the
 * value once.  every_byte: the first two patterns are "x" and "." instead,
 * which end at every byte of the value (the walk's worst case; the first
 * rule drops the frame). */
static const char *ua_rules_conf(bool every_byte)
{
	static char conf[2][SL_MAX_RULES * 96 + 256];
	char *c = conf[every_byte];
	size_t o = 0, cap = sizeof(conf[0]);
	int i = 0;

	o += (size_t)snprintf(c + o, cap - o, FX_SL);
	if (every_byte) {
		o += (size_t)snprintf(c + o, cap - o,
				      "[rule ua00]\nuser_agent = x\naction = drop\n"
				      "[rule ua01]\nuser_agent = .\naction = drop\n");
		i = 2;
	}
	for (; i < SL_MAX_RULES; i++)
		o += (size_t)snprintf(c + o, cap - o,
				      "[rule ua%02d]\nuser_agent = xxxxxx.xxxxx%04d\naction = drop\n",
				      i, i);
	return c;
}

/* n rules keyed by key (a format with the rule's number), actions drop,
 * none of which matches the frames here. */
static const char *rules_conf(unsigned int n, const char *key_fmt)
{
	static char conf[2][SL_MAX_RULES * 96 + 256];
	static int k;
	char *c = conf[k++ & 1];
	size_t o = 0;
	unsigned int i;

	o += (size_t)snprintf(c + o, sizeof(conf[0]) - o, FX_SL);
	for (i = 0; i < n; i++) {
		o += (size_t)snprintf(c + o, sizeof(conf[0]) - o, "[rule r%02u]\n", i);
		o += (size_t)snprintf(c + o, sizeof(conf[0]) - o, key_fmt, i);
		o += (size_t)snprintf(c + o, sizeof(conf[0]) - o, "\naction = drop\n");
	}
	return c;
}

static int hep_discard(void *ctx, void *data, size_t size)
{
	(void)ctx;
	(void)data;
	(void)size;
	return 0;
}

/* empties sl_hep_ring, as the responder's HEP thread does */
static int hep_drain(void)
{
	static struct ring_buffer *rb;

	if (!rb)
		rb = ring_buffer__new(fx.maps.fd[SL_M_HEP_RING], hep_discard,
				      NULL, NULL);
	return rb && ring_buffer__consume(rb) >= 0 ? 0 : -1;
}

static int apply(const struct bench *b, const char **applied)
{
	if (b->hep && hep_drain())
		return -1;
	if (!b->conf || b->conf == *applied)
		return 0;
	if (fx_config("%s", b->conf) || fx_reset())
		return -1;
	*applied = b->conf;
	return 0;
}

int main(int argc, char **argv)
{
	static struct bench b[13];
	static const char invite_conf[] = FX_SL "ack_window = 60s\n"
		"[rule invite]\nmethod = INVITE\nreply = 486 Busy Here\n";
	static const char no_rules_conf[] = FX_SL;
	static const char hep_conf[] = FX_SL "ack_window = 60s\n"
		"[rule invite]\nmethod = INVITE\nreply = 486 Busy Here\n"
		"[hep]\ndest = 198.18.0.9\n";
	static char hep_out_conf[sizeof(hep_conf) + 64];
	__u32 hep_cut;
	const char *applied = NULL, *ua_conf = ua_rules_conf(false);
	struct xdp_pass *pass;
	struct frame_spec v4 = {}, other = { .dport = 53 };
	char tag[SL_TOTAG_LEN + 1];
	char callid[48];
	__u32 suffix, retval, dur;
	int repeat = 1000000, runs = 5, opt, i, r, n = 0, ack350, first_sip;
	unsigned long window_slots = SL_WINDOW_SLOTS_DEFAULT;
	double base;

	while ((opt = getopt(argc, argv, "n:r:w:h")) != -1) {
		if (opt == 'n')
			repeat = atoi(optarg);
		else if (opt == 'r')
			runs = atoi(optarg);
		else if (opt == 'w')
			window_slots = strtoul(optarg, NULL, 0);
		else
			usage(argv[0]);
	}
	/* the cold table's COLD_CALLS calls must fit the window's buckets */
	if (repeat < 1 || runs < 1 || runs > MAX_RUNS ||
	    window_slots < 16384 || window_slots > SL_WINDOW_SLOTS_DEFAULT ||
	    (window_slots & (window_slots - 1)))
		usage(argv[0]);

	/* the product's window size by default: the cold table's distinct
	 * calls meet their entries spread over it, as a flood does */
	fx_window_mask = (__u32)window_slots - 1;
	if (fx_load())
		return 1;
	pass = xdp_pass__open_and_load();
	if (!pass) {
		fprintf(stderr, "bench: cannot load xdp_pass: %s\n",
			strerror(errno));
		fx_unload();
		return 1;
	}

	/* the ACK rows: our tag for the ACK's Via and Call-ID, and its
	 * reply-window entry written again before each of their runs */
	suffix = ack_tag(1, tag, callid);

	/* 0: the trivial program on the non-SIP frame */
	b[n].name = "trivial XDP_PASS (xdp_pass.bpf.o)";
	b[n].target = "1x (baseline)";
	b[n].versus = -1;
	b[n].prog_fd = bpf_program__fd(pass->progs.xdp_pass);
	b[n].verdict = XDP_PASS;
	b[n].payload = 32;
	memset(msg, 'x', b[n].payload);
	b[n].len = frame_build(b[n].frame, FRAME_MAX, &other, msg,
			       b[n].payload);
	n++;

	/* what the ACK's exact window edge costs at least (a lower bound
	 * of the ACK rows: docs/PERFORMANCE.md) */
	b[n] = b[0];
	b[n].name = "a clock read: XDP_PASS after bpf_ktime_get_ns()";
	b[n].target = "-";
	b[n].prog_fd = bpf_program__fd(pass->progs.xdp_clock);
	n++;

	b[n] = b[0];
	b[n].name = "non-SIP UDP (to port 53)";
	b[n].target = "<= 1.5x";
	b[n].target_ratio = 1.5;
	b[n].prog_fd = fx.prog_fd;
	b[n].conf = invite_conf;
	n++;

	first_sip = n;	/* the rows before carry no SIP */
	b[n].name = "INVITE, method rule -> reply";
	b[n].target = "-";
	b[n].versus = -1;
	b[n].prog_fd = fx.prog_fd;
	b[n].conf = invite_conf;
	b[n].verdict = XDP_PASS;	/* redirect fallback: no socket */
	b[n].payload = sip_fmt(msg, sizeof(msg), true,
		BENCH_INVITE);
	b[n].len = frame_build(b[n].frame, FRAME_MAX, &v4, msg, b[n].payload);
	n++;

	ack350 = n;
	b[n].name = "ACK ~350 B, absorbed";
	b[n].target = "<= 5x";
	b[n].target_ratio = 5;
	b[n].versus = -1;
	b[n].prog_fd = fx.prog_fd;
	b[n].conf = invite_conf;
	b[n].window = true;
	b[n].verdict = XDP_DROP;
	b[n].payload = ack_msg(350, false, tag, 1);
	b[n].len = frame_build(b[n].frame, FRAME_MAX, &v4, msg, b[n].payload);
	n++;

	b[n].name = "ACK 1400 B, To last, absorbed";
	b[n].target = "<= 15x (worst case)";
	b[n].target_ratio = 15;
	b[n].versus = -1;
	b[n].prog_fd = fx.prog_fd;
	b[n].conf = invite_conf;
	b[n].window = true;
	b[n].verdict = XDP_DROP;
	b[n].payload = ack_msg(1400, true, tag, 1);
	b[n].len = frame_build(b[n].frame, FRAME_MAX, &v4, msg, b[n].payload);
	n++;

	/* the 350-byte ACK with [hep] on: reported (a ring record and the
	 * payload copy), and sampled out (the Call-ID hash only), at the
	 * largest sample that leaves its Call-ID out */
	b[n] = b[n - 2];
	b[n].name = "ACK ~350 B, absorbed, [hep] sample = 100 (reported)";
	b[n].target = "-";
	b[n].target_ratio = 0;
	b[n].versus = n - 2;
	b[n].conf = hep_conf;
	b[n].hep = true;
	n++;
	hep_cut = (__u32)(hep_callid_hash(callid, strlen(callid)) % SL_HEP_SAMPLE_ALL);
	snprintf(hep_out_conf, sizeof(hep_out_conf), "%ssample = %u.%02u\n",
		 hep_conf, hep_cut / 100, hep_cut % 100);
	b[n] = b[n - 1];
	b[n].name = "ACK ~350 B, absorbed, [hep] sampling it out";
	b[n].conf = hep_out_conf;
	b[n].hep = false;	/* no record: full-length runs */
	n++;

	b[n].name = "OPTIONS, 1400 B User-Agent, no rules";
	b[n].target = "-";
	b[n].versus = -1;
	b[n].prog_fd = fx.prog_fd;
	b[n].conf = no_rules_conf;
	b[n].verdict = XDP_PASS;
	b[n].payload = ua_msg(1400);
	b[n].len = frame_build(b[n].frame, FRAME_MAX, &v4, msg, b[n].payload);
	n++;

	b[n] = b[n - 1];
	b[n].name = "OPTIONS, 1400 B User-Agent, 64 user_agent rules, none matches";
	b[n].target = "<= 10x \"no rules\"";
	b[n].target_ratio = 10;
	b[n].versus = n - 1;
	b[n].conf = ua_conf;
	n++;

	/* every byte of the value ends a pattern */
	b[n] = b[n - 1];
	b[n].name = "OPTIONS, 1400 B User-Agent, 64 user_agent rules, a pattern ends at every byte";
	b[n].target = "-";
	b[n].target_ratio = 0;
	b[n].versus = n - 2;
	b[n].conf = ua_rules_conf(true);
	b[n].verdict = XDP_DROP;
	n++;

	/* the same with one rule: the automaton's cost does not grow with
	 * the rules (against the "none matches" row) */
	b[n] = b[n - 2];
	b[n].name = "OPTIONS, 1400 B User-Agent, 1 user_agent rule, no match";
	b[n].target = "= the 64-rule row";
	b[n].target_ratio = 0;
	b[n].versus = n - 2;
	b[n].conf = rules_conf(1, "user_agent = xxxxxx.xxxxx%04u");
	n++;

	/* 64 rules of a key that needs the headers read too, no
	 * user_agent: the same table without the automaton */
	b[n] = b[n - 1];
	b[n].name = "OPTIONS, 1400 B User-Agent, 64 to_user rules, none matches";
	b[n].target = "-";
	b[n].versus = -1;
	b[n].conf = rules_conf(SL_MAX_RULES, "to_user = nobody%02u");
	n++;

	/* the verdicts first: a benchmark of the wrong path is worthless;
	 * then a short run to size each row's repeat count */
	for (i = 0; i < n; i++) {
		if (apply(&b[i], &applied) ||
		    (b[i].window && fx_window_put(fx_window_mask, suffix, 0,
						  fx_now_ns()))) {
			fprintf(stderr, "bench: %s: cannot configure\n", b[i].name);
			goto fail;
		}
		if (!b[i].len || bench_run_once(b[i].prog_fd, b[i].frame, b[i].len,
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
		if (bench_run_once(b[i].prog_fd, b[i].frame, b[i].len, 1000,
			     &retval, &dur))
			goto fail;
		/* at most ~0.2 s per run by the kernel's own average (the
		 * wall clock of a short run is mostly set-up), at least
		 * 1000 packets */
		b[i].repeat = repeat;
		if ((__u64)dur * (__u64)repeat > 200000000ull) {
			b[i].repeat = (int)(200000000ull / ((__u64)dur + 1));
			if (b[i].repeat < 1000)
				b[i].repeat = 1000;
		}
		if (b[i].hep && b[i].repeat > HEP_REPEAT)
			b[i].repeat = HEP_REPEAT;
	}

	/* runs interleaved, so that a slow phase of the machine hits all */
	for (r = 0; r < runs; r++) {
		for (i = 0; i < n; i++) {
			__u64 t0;

			if (apply(&b[i], &applied) ||
			    (b[i].window &&
			     fx_window_put(fx_window_mask, suffix, 0, fx_now_ns()))) {
				fprintf(stderr, "bench: %s: cannot configure\n",
					b[i].name);
				goto fail;
			}
			t0 = fx_now_ns();
			if (bench_run_once(b[i].prog_fd, b[i].frame, b[i].len,
				     b[i].repeat, &retval, &dur) ||
			    retval != b[i].verdict) {
				fprintf(stderr, "bench: %s: run failed\n",
					b[i].name);
				goto fail;
			}
			b[i].ns[r] = (double)(fx_now_ns() - t0) / b[i].repeat;
			b[i].kns[r] = dur;
			if (b[i].window)
				fx_window_clear();
		}
	}
	for (i = 0; i < n; i++) {
		qsort(b[i].ns, runs, sizeof(double), bench_cmp_double);
		qsort(b[i].kns, runs, sizeof(double), bench_cmp_double);
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
	printf("` (repeat up to %d per run, %d runs interleaved, median)\n\n",
	       repeat, runs);
	printf("ns/packet = wall time of one bpf_prog_test_run_opts call / repeat "
	       "(the kernel's own average, whole ns only, in the last column).\n\n");
	printf("| case | frame bytes | SIP bytes | verdict | ns/packet (median) | min | max | ratio to trivial | target | test_run ns |\n");
	printf("|---|---:|---:|---|---:|---:|---:|---:|---|---:|\n");
	for (i = 0; i < n; i++) {
		double ratio = b[i].median / base;
		double vs = b[i].versus < 0 ? ratio :
			    b[i].median / (b[b[i].versus].median > 0 ?
					   b[b[i].versus].median : 1);

		printf("| %s | %zu | %zu | %s | %.1f | %.1f | %.1f | %.2fx | %s%s | %.0f |\n",
		       b[i].name, b[i].len, i < first_sip ? 0 : b[i].payload,
		       fx_verdict_name(b[i].verdict), b[i].median, b[i].min,
		       b[i].max, ratio, b[i].target,
		       b[i].target_ratio == 0 ? "" :
		       vs <= b[i].target_ratio ? " (met)" : " (missed)",
		       b[i].kmedian);
	}
	printf("\nRatios by the wall clock (by the kernel's test_run average):\n");
	for (i = 0; i < n; i++)
		if (b[i].versus >= 0)
			printf("- %s: %.2fx (%.2fx) the cost of \"%s\"\n",
			       b[i].name,
			       b[i].median / (b[b[i].versus].median > 0 ?
					      b[b[i].versus].median : 1),
			       b[i].kmedian / (b[b[i].versus].kmedian > 0 ?
					       b[b[i].versus].kmedian : 1),
			       b[b[i].versus].name);
	printf("- 64 user_agent rules vs 64 to_user rules (the same table "
	       "without the automaton): %.2fx (%.2fx)\n",
	       b[n - 4].median / (b[n - 1].median > 0 ? b[n - 1].median : 1),
	       b[n - 4].kmedian / (b[n - 1].kmedian > 0 ? b[n - 1].kmedian : 1));
	printf("\nA reply is an XDP_PASS here: no AF_XDP socket is bound, so "
	       "bpf_redirect_map falls back.\n");
	/* "ACK ~350 B, absorbed": the cold rows' frame */
	if (cold_table(b[0].prog_fd, runs, b[0].kmedian, b[ack350].kmedian))
		goto fail;

	xdp_pass__destroy(pass);
	fx_unload();
	return 0;
fail:
	xdp_pass__destroy(pass);
	fx_unload();
	return 1;
}
