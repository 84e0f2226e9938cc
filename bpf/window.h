/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The window of a SIP datagram that the parsers read: up to
 * SL_SCRATCH_LEN bytes of its payload copied into the scratch buffer,
 * starting after the CR/LF bytes in front of the start line
 * (sip/crlf.h), as the userspace parser reads it.
 */
#ifndef SL_WINDOW_H
#define SL_WINDOW_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sl_xdp_shared.h"
#include "sip/scratch.h"
#include "sip/crlf.h"
#include "maps.h"

/* Up to SL_SCRATCH_LEN bytes of the packet at off into the scratch
 * buffer; how many, 0 if none could be read. */
static __always_inline __u32 load_window(struct xdp_md *ctx,
					 struct sl_scratch *scr, __u32 off,
					 __u32 len)
{
	__u64 n = len;

	if (n > SL_SCRATCH_LEN)
		n = SL_SCRATCH_LEN;
	/* the clamped register is the one the helper gets */
	asm volatile("" : "+r"(n));
	if (n < 1 || bpf_xdp_load_bytes(ctx, off, scr->buf, n) < 0)
		return 0;
	return n;
}

/* The CR/LF bytes in front of the payload [off, off + len) (len if it
 * has nothing else).  A global function: verified once. */
__noinline int sl_crlf_skip(struct xdp_md *ctx, __u32 off, __u32 len)
{
	struct sl_scratch *x;
	__u32 zero = 0;

	x = bpf_map_lookup_elem(&sl_scratch, &zero);
	if (!x)
		return len;
	return crlf_count(ctx, x, off, len);
}

#endif /* SL_WINDOW_H */
