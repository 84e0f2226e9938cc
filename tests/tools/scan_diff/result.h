/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#pragma once
#include <linux/types.h>

/* What a scan leaves for its readers (struct sip_scan's outputs). */
struct scan_result {
	__u32 req_line_end, via_line_s, s[8], e[8];
	__u8 headers_ended, cur, seen;
};

void run_base(const __u8 *buf, __u32 n, __u32 len, __u8 want,
	      const __u32 *garbage, struct scan_result *r);
void run_work(const __u8 *buf, __u32 n, __u32 len, __u8 want,
	      const __u32 *garbage, struct scan_result *r);
