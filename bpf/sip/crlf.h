/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * CR and LF bytes in front of the start line are skipped, all of them,
 * as the userspace parser skips them (RFC 3261 7.5 keep-alives): one
 * "\r\n" must not carry a REGISTER past a rule that drops it.  Read from
 * the packet CRLF_CHUNK bytes per bpf_loop step, so a payload of leading
 * CR/LF costs a step per CRLF_CHUNK bytes of it; the window is then read
 * again from the first other byte.
 */
#ifndef SL_SIP_CRLF_H
#define SL_SIP_CRLF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sl_xdp_shared.h"
#include "net/payload.h"
#include "sip/scratch.h"

#define CRLF_CHUNK	64	/* bytes per step: 8 words */
#define CRLF_STEPS	1024	/* CRLF_CHUNK * CRLF_STEPS: any UDP payload */

struct crlf_ctx {
	struct xdp_md *ctx;
	struct sl_scratch *x;
	__u32 off;		/* packet offset of the payload */
	__u32 len;		/* payload bytes */
	__u32 skip;		/* leading CR/LF bytes found */
};

static long crlf_step_cb(__u32 idx, void *data)
{
	struct crlf_ctx *c = data;
	__u32 at = idx * CRLF_CHUNK;
	__u64 n;
	int k;

	if (at >= c->len)
		return 1;
	n = c->len - at;
	if (n > CRLF_CHUNK)
		n = CRLF_CHUNK;
	/* the clamped register is the one the helper gets */
	asm volatile("" : "+r"(n));
	if (n < 1 || bpf_xdp_load_bytes(c->ctx, c->off + at, c->x->buf, n) < 0) {
		c->skip = c->len;	/* unreadable: nothing to parse */
		return 1;
	}
#pragma unroll
	for (k = 0; k < CRLF_CHUNK / 8; k++) {
		__u64 w = *(__u64 *)(c->x->buf + k * 8);
		__u64 other = ~(zero_bytes(w ^ (ONES64 * '\r')) |
				zero_bytes(w ^ (ONES64 * '\n'))) & HIGHS64;

		if ((__u32)k * 8 >= n)
			break;
		if (other) {
			__u32 p = k * 8 + lowest_flag_byte(other);

			/* past n: the rest of the buffer, not the packet */
			c->skip = at + (p < n ? p : n);
			return 1;
		}
	}
	c->skip = at + n;
	return 0;
}

/* The number of CR/LF bytes at the start of the payload [off, off + len)
 * of the packet (len when there is nothing else).  x->buf is used while
 * looking: the caller reads the window into it again. */
static __always_inline __u32 crlf_count(struct xdp_md *ctx,
					struct sl_scratch *x, __u32 off,
					__u32 len)
{
	struct crlf_ctx c = { .ctx = ctx, .x = x, .off = off, .len = len };

	bpf_loop(CRLF_STEPS, crlf_step_cb, &c, 0);
	return c.skip;
}

#endif /* SL_SIP_CRLF_H */
