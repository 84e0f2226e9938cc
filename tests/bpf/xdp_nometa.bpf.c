// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * For tests/e2e/test_rules.sh: what a driver or kernel path that carries
 * no XDP metadata delivers to the responder.  Every UDP datagram to port
 * 5060 (IPv4 or IPv6, no VLAN tag, no extension header) is redirected
 * into the AF_XDP socket of its queue, through the responder's pinned
 * map sl_xsks, WITHOUT the struct sl_xdp_meta that bpf/sl_xdp.bpf.c puts
 * in front: the responder must evaluate the rules itself.  Loaded with
 * bpftool, the map given as the pinned one.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "sl_xdp_shared.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* the same shape as bpf/maps.h's, so that the pinned one fits */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, SL_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} sl_xsks SEC(".maps");

SEC("xdp")
int xdp_nometa(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct udphdr *udp;
	__u8 proto;

	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(0x0800)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > end)
			return XDP_PASS;
		proto = ip->protocol;
		udp = (void *)ip + ip->ihl * 4;
	} else if (eth->h_proto == bpf_htons(0x86dd)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > end)
			return XDP_PASS;
		proto = ip6->nexthdr;
		udp = (void *)(ip6 + 1);
	} else {
		return XDP_PASS;
	}
	if (proto != IPPROTO_UDP || (void *)(udp + 1) > end ||
	    udp->dest != bpf_htons(SL_DEFAULT_PORT))
		return XDP_PASS;
	return bpf_redirect_map(&sl_xsks, ctx->rx_queue_index, XDP_PASS);
}
