/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* scan_diff: what bpf/sip/scan.h takes from libbpf, for plain C; bpf_loop
 * as the kernel runs it. */
#pragma once
#define __always_inline inline __attribute__((always_inline))
#define __noinline __attribute__((noinline))
#define SEC(x)
static inline long bpf_loop(__u32 n, void *cb, void *ctx, __u64 flags)
{
	long (*f)(__u32, void *) = cb;
	__u32 i;

	(void)flags;
	for (i = 0; i < n; i++)
		if (f(i, ctx))
			return i + 1;
	return n;
}
