// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdlib.h>
#include <string.h>

#include "run/hep_ring.h"

#define PAD_LEN	0xffffffffu	/* a record header: the rest of the buffer is padding */

static size_t rec_size(size_t len)
{
	return HEP_RING_REC_HDR + ((len + 7) & ~(size_t)7);
}

int hep_ring_init(struct hep_ring *r, size_t size)
{
	memset(r, 0, sizeof(*r));
	if (size < 64 || (size & (size - 1)))
		return -1;
	/* pages are only touched as records are written */
	r->buf = aligned_alloc(64, size);
	if (!r->buf)
		return -1;
	r->size = size;
	return 0;
}

void hep_ring_free(struct hep_ring *r)
{
	free(r->buf);
	r->buf = NULL;
}

static __u32 *hdr_at(const struct hep_ring *r, __u64 pos)
{
	return (__u32 *)(r->buf + (pos & (r->size - 1)));
}

void *hep_ring_reserve(struct hep_ring *r, size_t len)
{
	size_t need = rec_size(len), off, room;

	if (len >= PAD_LEN || need > r->size)
		return NULL;
	off = r->pending & (r->size - 1);
	room = r->size - off;	/* before the end; a multiple of 8 */
	/* the consumer's position is read only when the last one read
	 * says there may be no room: one shared cache line less per record */
	for (int tries = 0; tries < 2; tries++) {
		__u64 used = r->pending - r->tail_seen;

		if (need <= room ? used + need <= r->size :
				   used + room + need <= r->size)
			break;
		if (tries)
			return NULL;
		r->tail_seen = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
	}
	if (need > room) {
		*hdr_at(r, r->pending) = PAD_LEN;
		r->pending += room;
	}
	*hdr_at(r, r->pending) = (__u32)len;
	r->pending += need;
	return (__u8 *)hdr_at(r, r->pending - need) + HEP_RING_REC_HDR;
}

void hep_ring_publish(struct hep_ring *r)
{
	__atomic_store_n(&r->head, r->pending, __ATOMIC_RELEASE);
}

void hep_ring_abort(struct hep_ring *r)
{
	r->pending = r->head;
}

__u64 hep_ring_tail(const struct hep_ring *r)
{
	return r->tail;	/* the consumer's own */
}

void *hep_ring_next(struct hep_ring *r, __u64 *pos, size_t *len)
{
	__u64 head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);

	while (*pos < head) {
		__u32 l = *hdr_at(r, *pos);

		if (l == PAD_LEN) {
			*pos += r->size - (*pos & (r->size - 1));
			continue;
		}
		*len = l;
		*pos += rec_size(l);
		return (__u8 *)hdr_at(r, *pos - rec_size(l)) + HEP_RING_REC_HDR;
	}
	return NULL;
}

void hep_ring_release(struct hep_ring *r, __u64 pos)
{
	__atomic_store_n(&r->tail, pos, __ATOMIC_RELEASE);
}
