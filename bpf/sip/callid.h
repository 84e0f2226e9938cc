/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The Call-ID value the header scan found, hashed a word at a time
 * (include/sl_callid_hash.h): for picking one of a queue's sockets
 * (xsk_dispatch.h) and sampling HEP reports (hep_report.h).
 */
#ifndef SL_SIP_CALLID_H
#define SL_SIP_CALLID_H

#include "vmlinux.h"
#include "sl_callid_hash.h"
#include "net/payload.h"
#include "sip/scratch.h"

/* The scan's Call-ID value as [*s, *e) of x->buf; 0 when there is none
 * (or it is not within the scanned bytes). */
static __always_inline int callid_span(const struct sl_scratch *x, __u32 *s,
				       __u32 *e)
{
	const struct sip_scan *sc = &x->scan;

	if (!(sc->seen & (1u << HDR_CALLID)))
		return 0;
	*s = sc->hdr[HDR_CALLID].s;
	*e = sc->hdr[HDR_CALLID].e;
	return *e > *s && *e <= sc->len;
}

/* h mixed with the bytes [s, e) of x->buf, at most max_words words (a
 * constant: the loop is unrolled); bytes past e are masked off, the last
 * word is padded with zeros. */
static __always_inline __u64 callid_words_hash(const struct sl_scratch *x,
					       __u32 s, __u32 e, __u64 h,
					       const int max_words)
{
	int k;

#pragma unroll
	for (k = 0; k < max_words; k++) {
		__u32 off = s + k * 8;

		if (off >= e)
			break;
		h = sl_callid_hash_step(h, sw(x->buf, off) & first_bytes(e - off));
	}
	return h;
}

#endif /* SL_SIP_CALLID_H */
