/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#pragma once
#include <linux/types.h>

/* What a scan leaves for its readers (struct sip_scan's outputs), and
 * what parse_request_line() (bpf/sip/request_line.h) makes of the line
 * it found. */
struct scan_result {
	__u32 req_line_end, via_line_s, s[8], e[8];
	__u8 headers_ended, cur, seen;
	int rl_ret;
	__u8 line_cut;
	__u32 method_len, ruri_s, ruri_e;
	__u64 method[4];
};

void run_base(const __u8 *buf, __u32 n, __u32 len, __u8 want,
	      __u32 partial, const __u32 *garbage, struct scan_result *r);
void run_work(const __u8 *buf, __u32 n, __u32 len, __u8 want,
	      __u32 partial, const __u32 *garbage, struct scan_result *r);
