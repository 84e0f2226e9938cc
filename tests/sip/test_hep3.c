// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * HEP3 encoding: the chunks Kamailio's siptrace sends, in its order, each
 * checked byte for byte by an independent walk over the packet.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sip/hep3.h"
#include "hep3_walk.h"

static const __u8 msg[] = "OPTIONS sip:a@198.18.0.1 SIP/2.0\r\n\r\n";

static void test_ipv4(void **state)
{
	struct sl_hep3_event ev = {
		.family = 4, .src = { 198, 18, 0, 2 }, .dst = { 198, 18, 0, 1 },
		.sport = 5062, .dport = 5060, .ts_sec = 1796418471,
		.ts_usec = 123456, .capture_id = 2001, .auth_key = "s3cret",
		.correlation = "call-1@x", .correlation_len = 8,
		.payload = msg, .payload_len = sizeof(msg) - 1,
	};
	static const struct { __u16 type; size_t len; unsigned long v; } want[] = {
		{ HEP3_IP_FAMILY, 1, 2 }, { HEP3_IP_PROTO, 1, 17 },
		{ HEP3_IPV4_SRC, 4, 0xc6120002 }, { HEP3_IPV4_DST, 4, 0xc6120001 },
		{ HEP3_SRC_PORT, 2, 5062 }, { HEP3_DST_PORT, 2, 5060 },
		{ HEP3_TIME_SEC, 4, 1796418471 }, { HEP3_TIME_USEC, 4, 123456 },
		{ HEP3_PROTO_TYPE, 1, 1 }, { HEP3_CAPTURE_ID, 4, 2001 },
	};
	__u8 out[512];
	const __u8 *v;
	size_t n, len;
	int order;

	(void)state;
	n = sl_hep3_encode(&ev, out, sizeof(out));
	assert_true(n > 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		v = chunk(out, n, want[i].type, &len, &order);
		assert_non_null(v);
		assert_int_equal(order, i);	/* siptrace's order */
		assert_int_equal(len, want[i].len);
		assert_int_equal(be(v, len), want[i].v);
	}
	v = chunk(out, n, HEP3_CORRELATION_ID, &len, &order);
	assert_int_equal(order, 10);
	assert_int_equal(len, 8);
	assert_memory_equal(v, "call-1@x", 8);
	v = chunk(out, n, HEP3_AUTH_KEY, &len, &order);
	assert_int_equal(order, 11);
	assert_memory_equal(v, "s3cret", 6);
	v = chunk(out, n, HEP3_PAYLOAD, &len, &order);
	assert_int_equal(order, 12);
	assert_int_equal(len, sizeof(msg) - 1);
	assert_memory_equal(v, msg, len);
	assert_null(chunk(out, n, HEP3_IPV6_SRC, &len, NULL));
}

static void test_ipv6_no_key_no_correlation(void **state)
{
	struct sl_hep3_event ev = {
		.family = 6, .src = { 0x20, 0x01, 0, 2, [15] = 2 },
		.dst = { 0x20, 0x01, 0, 2, [15] = 1 }, .sport = 1, .dport = 65535,
		.payload = msg, .payload_len = sizeof(msg) - 1,
	};
	__u8 out[512];
	const __u8 *v;
	size_t n, len;

	(void)state;
	n = sl_hep3_encode(&ev, out, sizeof(out));
	assert_true(n > 0);
	v = chunk(out, n, HEP3_IP_FAMILY, &len, NULL);
	assert_int_equal(v[0], 10);
	v = chunk(out, n, HEP3_IPV6_SRC, &len, NULL);
	assert_int_equal(len, 16);
	assert_memory_equal(v, ev.src, 16);
	v = chunk(out, n, HEP3_IPV6_DST, &len, NULL);
	assert_memory_equal(v, ev.dst, 16);
	assert_int_equal(be(chunk(out, n, HEP3_DST_PORT, &len, NULL), 2), 65535);
	assert_null(chunk(out, n, HEP3_AUTH_KEY, &len, NULL));
	assert_null(chunk(out, n, HEP3_CORRELATION_ID, &len, NULL));
	assert_null(chunk(out, n, HEP3_IPV4_SRC, &len, NULL));
}

/* Never a byte past cap; 0 when it does not fit, at every cap. */
static void test_bounds(void **state)
{
	static __u8 big[70000], big_out[70100];
	struct sl_hep3_event ev = {
		.family = 4, .payload = msg, .payload_len = sizeof(msg) - 1,
	};
	__u8 out[512];
	size_t full;

	(void)state;
	full = sl_hep3_encode(&ev, out, sizeof(out));
	assert_true(full > 0);
	for (size_t cap = 0; cap < full; cap++) {
		memset(out, 0xa5, sizeof(out));
		assert_int_equal(sl_hep3_encode(&ev, out, cap), 0);
		for (size_t i = cap; i < sizeof(out); i++)
			assert_int_equal(out[i], 0xa5);
	}
	assert_int_equal(sl_hep3_encode(&ev, out, full), full);
	/* no buffer: the length alone, what a ring reserves */
	assert_int_equal(sl_hep3_encode(&ev, NULL, HEP3_MAX_LEN), full);
	ev.family = 5;
	assert_int_equal(sl_hep3_encode(&ev, out, sizeof(out)), 0);
	ev.family = 4;
	ev.auth_key = "0123456789012345678901234567890123456789012345678901234567890123456789";
	assert_int_equal(sl_hep3_encode(&ev, out, sizeof(out)), 0);
	/* the total length is 16 bits */
	ev.auth_key = NULL;
	ev.payload = big;
	ev.payload_len = sizeof(big);
	assert_int_equal(sl_hep3_encode(&ev, big_out, sizeof(big_out)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv6_no_key_no_correlation),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests_name("hep3", tests, NULL, NULL);
}
