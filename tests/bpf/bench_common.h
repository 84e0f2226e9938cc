/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * What the XDP benchmarks (bench_xdp.c, bench_block.c) share: one test
 * run of a frame, the sort for medians, and the INVITE of the request
 * path's rows, so that both measure the same frame.
 */
#ifndef SL_TESTS_BENCH_COMMON_H
#define SL_TESTS_BENCH_COMMON_H

#include <stddef.h>
#include <linux/types.h>

/* An INVITE a method rule answers (LF line ends: sip_fmt() makes CRLF) */
#define BENCH_INVITE \
	"INVITE sip:bob@198.18.0.1 SIP/2.0\n" \
	"Via: SIP/2.0/UDP 198.18.0.2:5062;rport;branch=z9hG4bK-b-1\n" \
	"Max-Forwards: 70\n" \
	"From: \"Alice\" <sip:alice@198.18.0.2>;tag=a1b2c3\n" \
	"To: <sip:bob@198.18.0.1>\n" \
	"Call-ID: bench-1@198.18.0.2\nCSeq: 1 INVITE\n" \
	"Contact: <sip:alice@198.18.0.2:5062>\n" \
	"Content-Type: application/sdp\nContent-Length: 0\n\n"

/* One bpf_prog_test_run_opts of frame, repeat times: the verdict and the
 * kernel's average ns.  0 or -errno. */
int bench_run_once(int prog_fd, const void *frame, size_t len, int repeat,
		   __u32 *retval, __u32 *duration);
/* qsort() order of doubles */
int bench_cmp_double(const void *a, const void *b);

#endif /* SL_TESTS_BENCH_COMMON_H */
