// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Trivial programs: the baseline of bench-xdp, and the XDP program a veth
 * peer needs so that XDP_TX/redirected frames reach it; xdp_clock prices
 * the one clock read an absorbed ACK needs (its window edge is exact).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

volatile __u64 xdp_clock_sink;

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp")
int xdp_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("xdp")
int xdp_clock(struct xdp_md *ctx)
{
	xdp_clock_sink = bpf_ktime_get_ns();
	return XDP_PASS;
}
