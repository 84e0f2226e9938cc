/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A bounded single-producer, single-consumer ring of variable-length
 * records in one byte buffer: a queue thread writes the HEP3 copies of
 * what it answers, the HEP thread reads them and sends them straight
 * from the ring (no copy on its side).  The producer never waits and
 * never makes a system call: a record that does not fit is refused and
 * the producer counts it.  A record never wraps: when it does not fit
 * before the end of the buffer, a padding record fills the rest and it
 * starts again at offset 0.
 *
 * Records are reserved, then published all at once (hep_ring_publish),
 * or given up (hep_ring_abort): a request and its reply go in together
 * or not at all.
 */
#ifndef SL_RUN_HEP_RING_H
#define SL_RUN_HEP_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define HEP_RING_REC_HDR	8	/* a record's length, then 4 free bytes */

struct hep_ring {
	/* producer side */
	_Alignas(64) __u64 head;	/* bytes published (release) */
	__u64 pending;			/* bytes reserved, not yet published */
	__u64 tail_seen;		/* the consumer's tail, last read */
	__u64 dropped;			/* records refused (relaxed, single writer) */
	/* consumer side */
	_Alignas(64) __u64 tail;	/* bytes released (release) */
	__u8 *buf;
	size_t size;			/* a power of two, at least 64 */
};

/* 0, or -1 if size is not a power of two from 64 or memory is short. */
int hep_ring_init(struct hep_ring *r, size_t size);
void hep_ring_free(struct hep_ring *r);

/* Producer: room for a record of len bytes (8-byte aligned), or NULL
 * when the ring has no room for it now.  Not visible to the consumer
 * until hep_ring_publish(). */
void *hep_ring_reserve(struct hep_ring *r, size_t len);
void hep_ring_publish(struct hep_ring *r);
/* Producer: forgets what was reserved since the last publish. */
void hep_ring_abort(struct hep_ring *r);

/* Consumer: the next published record from *pos (start: hep_ring_tail()),
 * with *pos moved past it, or NULL when there is none.  Records stay
 * valid until hep_ring_release(r, pos). */
__u64 hep_ring_tail(const struct hep_ring *r);
void *hep_ring_next(struct hep_ring *r, __u64 *pos, size_t *len);
void hep_ring_release(struct hep_ring *r, __u64 pos);

#endif /* SL_RUN_HEP_RING_H */
