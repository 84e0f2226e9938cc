/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A HEP3 packet walked chunk by chunk, independently of the encoder
 * (user/sip/hep3.c), for the tests that check what it sent.  Include
 * after <cmocka.h>.
 */
#ifndef SL_TEST_HEP3_WALK_H
#define SL_TEST_HEP3_WALK_H

#include "sip/hep3.h"

/* The value of chunk type in pkt (NULL if absent), its length in *len;
 * fails on a malformed packet. */
static inline const __u8 *chunk(const __u8 *pkt, size_t n, __u16 type, size_t *len,
			 int *order)
{
	size_t off = HEP3_HDR_LEN;
	int i = 0;

	assert_true(n >= HEP3_HDR_LEN);
	assert_memory_equal(pkt, "HEP3", 4);
	assert_int_equal((pkt[4] << 8) | pkt[5], n);
	while (off < n) {
		__u16 vendor, t, l;

		assert_true(off + HEP3_CHUNK_HDR_LEN <= n);
		vendor = (pkt[off] << 8) | pkt[off + 1];
		t = (pkt[off + 2] << 8) | pkt[off + 3];
		l = (pkt[off + 4] << 8) | pkt[off + 5];
		assert_int_equal(vendor, 0);
		assert_true(l >= HEP3_CHUNK_HDR_LEN && off + l <= n);
		if (t == type) {
			*len = l - HEP3_CHUNK_HDR_LEN;
			if (order)
				*order = i;
			return pkt + off + HEP3_CHUNK_HDR_LEN;
		}
		off += l;
		i++;
	}
	return NULL;
}

static inline unsigned long be(const __u8 *p, size_t len)
{
	unsigned long v = 0;

	for (size_t i = 0; i < len; i++)
		v = v << 8 | p[i];
	return v;
}

#endif /* SL_TEST_HEP3_WALK_H */
