/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* scan_diff: the kernel types bpf/ uses, from the UAPI headers, so that
 * bpf/sip/scan.h compiles as plain C. */
#pragma once
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <linux/in.h>
#include <linux/in6.h>
struct frag_hdr {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off;
	__be32 identification;
};
