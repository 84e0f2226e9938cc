/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Which AF_XDP socket answers a request (DESIGN.md 4).  With one socket
 * per RX queue: the queue's, sl_xsks entry `queue`.  With
 * sockets_per_queue = n (sl_config.xsk_per_queue): entry
 * queue * n + hash(Call-ID) % n, so that a peer that RSS puts on one
 * queue (one 5-tuple: a carrier trunk) is answered by n threads, while
 * every retransmission of a request, which carries its Call-ID, reaches
 * the same socket as the first copy.
 *
 * The Call-ID's position comes from the header scan (sip/scan.h), which
 * with sockets_per_queue > 1 reads the headers of every request: one
 * scan call site in sl_request (a second one, only for the requests
 * about to be redirected, cost the verifier some 250 k instructions).
 * The hash reads at most CALLID_HASH_WORDS words of the value: the cost
 * per packet is bounded by the scan's own bound plus 16 multiplications.
 */
#ifndef SL_XSK_DISPATCH_H
#define SL_XSK_DISPATCH_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sl_xdp_shared.h"
#include "maps.h"
#include "net/payload.h"
#include "sip/scratch.h"
#include "sip/scan.h"
#include "sip/callid.h"

#define CALLID_HASH_WORDS	16	/* 128 bytes; Call-IDs differ earlier */

/* Hash of the Call-ID value in the scratch buffer (as the scan found it,
 * trailing blanks included: a retransmission has the same bytes); 0 when
 * there is none (the responder drops such a request anyway). */
static __always_inline __u32 callid_hash(const struct sl_scratch *x)
{
	__u32 s, e;

	if (!callid_span(x, &s, &e))
		return 0;
	return (__u32)callid_words_hash(x, s, e, SL_CALLID_HASH_SEED,
					CALLID_HASH_WORDS);
}

/*
 * The sl_xsks entry of socket hash(Call-ID) % n of RX queue `queue`,
 * n >= 2.  A global function: verified once, on its own, whatever the
 * caller's state.  The request's payload and its header scan are in
 * the per-CPU scratch value.  It calls nothing: its frame is the last of the chain
 * entry -> sl_request -> here, within the 512-byte stack.
 */
__noinline __u32 sl_xsk_spread(__u32 queue, __u32 n)
{
	struct sl_scratch *scr;
	__u32 zero = 0;

	if (n < 2 || n > SL_MAX_SOCKETS_PER_QUEUE)
		return queue;
	scr = bpf_map_lookup_elem(&sl_scratch, &zero);
	if (!scr)
		return queue * n;
	return queue * n + callid_hash(scr) % n;
}

/* The sl_xsks entry for a request to redirect: the queue's, or with
 * sockets_per_queue = n one of its n by the Call-ID (sl_request then
 * scanned the headers). */
static __always_inline __u32 xsk_pick(__u32 queue, __u32 n)
{
	return n < 2 ? queue : sl_xsk_spread(queue, n);
}

#endif /* SL_XSK_DISPATCH_H */
