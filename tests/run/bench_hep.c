// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Microbenchmark (not a test): what HEP3 mirroring adds to a queue
 * thread's work per answered request.  CPU nanoseconds per frame for
 * sl_answer_frame() alone, then followed by hep_mirror_answer() with
 * sample = 0 %, 1 % and 100 %, while the HEP thread drains the ring into
 * a real UDP socket (to 127.0.0.1:9, where nothing listens); and how
 * many copies it sent or dropped (a full ring) at each rate.  An OPTIONS
 * ping, 1024 distinct Call-IDs in turn.  Median of RUNS runs.
 *
 *   make bench-hep      (build/tests/bench_hep [iters])
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "frame.h"
#include "run/answer.h"
#include "run/hep_mirror.h"

#define RUNS	5
#define ITERS	1000000
#define CALLS	1024

static __u8 frames[CALLS][1024], tx[4096];
static size_t frame_len[CALLS];
static struct sl_kam_stats stats[1];

static const struct sl_engine_cfg ecfg = {
	.signature = "df673b98c9e0bd9172cfc0d849035098",
	.server_hdr = "Server: sl-xdp",
	.server_len = sizeof("Server: sl-xdp") - 1,
};
static const struct sl_reply_spec spec = {
	.code = 200, .reason = "OK", .reason_len = 2,
};

static double now_ns(void)
{
	struct timespec ts;

	/* this thread's CPU time: not the time the HEP thread (or anything
	 * else on a shared machine) took the CPU from it */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* ns per frame, median of RUNS; t NULL: no mirroring */
static double run(struct hep_mirror *m, const struct hep_target *t, long iters)
{
	double r[RUNS];

	for (int k = 0; k < RUNS; k++) {
		double t0 = now_ns();

		for (long i = 0; i < iters; i++) {
			struct sl_frame_answer a;
			unsigned int c = i % CALLS;

			sl_answer_frame(&ecfg, &spec, frames[c], frame_len[c], tx,
					sizeof(tx), 0, stats, &a);
			if (t)
				hep_mirror_answer(m, 0, t, frames[c], tx, &a);
		}
		r[k] = (now_ns() - t0) / iters;
	}
	qsort(r, RUNS, sizeof(r[0]), cmp);
	return r[RUNS / 2];
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : ITERS;
	struct sl_hep_settings h = {
		.enabled = true, .family = AF_INET, .addr = { 127, 0, 0, 1 },
		.port = 9, .capture_id = 1,
	};
	static const __u32 rates[] = { 0, 100, SL_HEP_SAMPLE_ALL };
	volatile int stop = 0;
	struct hep_mirror *m;
	struct hep_target t;
	char err[256], msg[1024];

	for (int c = 0; c < CALLS; c++) {
		struct frame_spec fs = { .udp_csum = true };
		size_t n = sip_fmt(msg, sizeof(msg), true,
				   "OPTIONS sip:ping@198.18.0.1:5060 SIP/2.0\n"
				   "Via: SIP/2.0/UDP 198.18.0.2:5060;branch=z9hG4bK-%d;rport\n"
				   "Max-Forwards: 70\n"
				   "To: <sip:ping@198.18.0.1:5060>\n"
				   "From: <sip:monitor@198.18.0.2:5060>;tag=4b2e9a1f\n"
				   "Call-ID: %d-6f1c4e2d9a8b7c6d5e4f3a2b1c0d9e8f@198.18.0.2\n"
				   "CSeq: 1 OPTIONS\nUser-Agent: sipp/3.6\n"
				   "Content-Length: 0\n\n", c, c);

		frame_len[c] = frame_build(frames[c], sizeof(frames[c]), &fs, msg, n);
		if (!frame_len[c])
			return 1;
	}
	if (hep_mirror_open(1, stats, &m, err, sizeof(err)) ||
	    hep_mirror_start(m, &stop)) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	hep_mirror_set_active(m, true);	/* as with [hep] */
	printf("answer only:          %6.1f ns/frame\n", run(m, NULL, iters));
	for (unsigned int i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		__u64 sent0 = stats[0].hep_sent, drop0 = stats[0].hep_dropped;
		double ns;

		h.sample = rates[i];
		hep_target_make(&h, &t);
		ns = run(m, &t, iters);
		/* let the HEP thread finish this rate's copies */
		struct timespec w = { 0, 200 * 1000 * 1000 };

		nanosleep(&w, NULL);
		printf("mirroring %6.2f %%:   %6.1f ns/frame, copies sent %llu, dropped %llu\n",
		       rates[i] / 100.0, ns,
		       (unsigned long long)(stats[0].hep_sent - sent0),
		       (unsigned long long)(stats[0].hep_dropped - drop0));
	}
	stop = 1;
	hep_mirror_join(m);
	hep_mirror_close(m);
	return 0;
}
