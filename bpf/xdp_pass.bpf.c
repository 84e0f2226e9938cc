// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Trivial programs: the baseline of bench-xdp, and the XDP program a veth
 * peer needs so that XDP_TX/redirected frames reach it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

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
