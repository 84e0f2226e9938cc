// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The HEP rings (user/run/hep_ring.c): records come out whole, in order,
 * only once published; a full ring refuses instead of overwriting; a
 * record never wraps (padding); reserved-then-aborted records never
 * appear; and a producer and a consumer thread running at once lose
 * nothing that was not refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <cmocka.h>

#include "run/hep_ring.h"

/* A record of len bytes whose content says seq and len. */
static void fill(__u8 *p, size_t len, __u32 seq)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (__u8)(seq * 31 + i);
}

static bool intact(const __u8 *p, size_t len, __u32 seq)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != (__u8)(seq * 31 + i))
			return false;
	return true;
}

static bool push(struct hep_ring *r, size_t len, __u32 seq)
{
	__u8 *p = hep_ring_reserve(r, len);

	if (!p)
		return false;
	fill(p, len, seq);
	hep_ring_publish(r);
	return true;
}

static void test_publish_and_abort(void **state)
{
	struct hep_ring r;
	__u64 pos;
	size_t len;
	__u8 *p;

	(void)state;
	assert_int_equal(hep_ring_init(&r, 100), -1);	/* not a power of two */
	assert_int_equal(hep_ring_init(&r, 32), -1);
	assert_int_equal(hep_ring_init(&r, 1024), 0);
	p = hep_ring_reserve(&r, 10);
	assert_non_null(p);
	fill(p, 10, 1);
	pos = hep_ring_tail(&r);
	assert_null(hep_ring_next(&r, &pos, &len));	/* not yet published */
	hep_ring_publish(&r);
	p = hep_ring_next(&r, &pos, &len);
	assert_non_null(p);
	assert_int_equal(len, 10);
	assert_true(intact(p, 10, 1));
	assert_null(hep_ring_next(&r, &pos, &len));
	hep_ring_release(&r, pos);
	/* two reserved, then given up: neither appears */
	assert_non_null(hep_ring_reserve(&r, 20));
	assert_non_null(hep_ring_reserve(&r, 30));
	hep_ring_abort(&r);
	assert_true(push(&r, 5, 2));
	p = hep_ring_next(&r, &pos, &len);
	assert_non_null(p);
	assert_int_equal(len, 5);
	assert_true(intact(p, 5, 2));
	assert_null(hep_ring_next(&r, &pos, &len));
	/* larger than the ring: refused */
	assert_null(hep_ring_reserve(&r, 1024));
	hep_ring_free(&r);
}

/* Full: refused, nothing overwritten; room again once released. */
static void test_full(void **state)
{
	struct hep_ring r;
	__u32 seq = 0, got = 0;
	__u64 pos;
	size_t len;
	__u8 *p;

	(void)state;
	assert_int_equal(hep_ring_init(&r, 256), 0);
	while (push(&r, 24, seq))	/* 8 + 24 = 32 bytes a record */
		seq++;
	assert_int_equal(seq, 256 / 32);
	assert_null(hep_ring_reserve(&r, 1));
	pos = hep_ring_tail(&r);
	while ((p = hep_ring_next(&r, &pos, &len))) {
		assert_int_equal(len, 24);
		assert_true(intact(p, len, got));
		got++;
	}
	assert_int_equal(got, seq);
	/* read, not released: still full */
	assert_null(hep_ring_reserve(&r, 1));
	hep_ring_release(&r, pos);
	assert_true(push(&r, 24, seq));
	hep_ring_free(&r);
}

/* Sizes that do not divide the ring: records padded past the end, every
 * one whole and in order, for many turns of the ring. */
static void test_wrap(void **state)
{
	struct hep_ring r;
	__u32 seq = 0, next = 0, refused = 0;
	__u64 pos;
	size_t len;
	__u8 *p;

	(void)state;
	assert_int_equal(hep_ring_init(&r, 512), 0);
	pos = hep_ring_tail(&r);
	for (int round = 0; round < 5000; round++) {
		/* up to 3 in, 2 out: the ring fills, then refuses some */
		for (int k = 0; k < 3; k++) {
			size_t n = 1 + (seq * 37 + k * 11) % 150;

			if (push(&r, n, seq)) {
				seq++;
			} else {
				refused++;
				break;
			}
		}
		for (int k = 0; k < 2 && (p = hep_ring_next(&r, &pos, &len)); k++) {
			assert_true(intact(p, len, next));
			assert_true((size_t)(p - r.buf) + len <= r.size);	/* never wraps */
			next++;
		}
		hep_ring_release(&r, pos);
	}
	while ((p = hep_ring_next(&r, &pos, &len))) {
		assert_true(intact(p, len, next));
		next++;
	}
	assert_int_equal(next, seq);
	assert_true(refused > 0);
	assert_true(r.head > 50 * r.size);	/* many turns */
	hep_ring_free(&r);
}

#define THREAD_RECORDS	300000

struct shared {
	struct hep_ring r;
	__u32 refused;
	volatile int done;
};

static void *producer(void *p)
{
	struct shared *sh = p;

	for (__u32 seq = 0; seq < THREAD_RECORDS; seq++) {
		size_t n = 4 + seq % 200;
		__u8 *rec = hep_ring_reserve(&sh->r, n);

		if (!rec) {
			/* full: again, once the consumer has released */
			sh->refused++;
			sched_yield();
			seq--;
			continue;
		}
		memcpy(rec, &seq, 4);
		fill(rec + 4, n - 4, seq);
		hep_ring_publish(&sh->r);
	}
	__atomic_store_n(&sh->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* One producer, one consumer, at once: every record comes out whole and
 * in order (the producer tries again while the ring is full). */
static void test_threads(void **state)
{
	static struct shared sh;
	__u32 got = 0, last = 0;
	pthread_t t;
	__u64 pos;
	size_t len;
	__u8 *p;
	bool first = true;

	(void)state;
	assert_int_equal(hep_ring_init(&sh.r, 4096), 0);
	assert_int_equal(pthread_create(&t, NULL, producer, &sh), 0);
	pos = hep_ring_tail(&sh.r);
	for (;;) {
		int done = __atomic_load_n(&sh.done, __ATOMIC_ACQUIRE);

		while ((p = hep_ring_next(&sh.r, &pos, &len))) {
			__u32 seq;

			memcpy(&seq, p, 4);
			if (!first && seq <= last)
				fail_msg("record %u after %u", seq, last);
			if (len != 4 + seq % 200 || !intact(p + 4, len - 4, seq))
				fail_msg("record %u damaged", seq);
			first = false;
			last = seq;
			got++;
		}
		hep_ring_release(&sh.r, pos);
		if (done)
			break;
	}
	/* everything published before done was seen by the last pass */
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_null(hep_ring_next(&sh.r, &pos, &len));
	assert_int_equal(got, THREAD_RECORDS);
	print_message("%u records through, %u refused\n", got, sh.refused);
	hep_ring_free(&sh.r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_publish_and_abort),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests_name("hep_ring", tests, NULL, NULL);
}
