// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The [sl] keys that shape the responder (user/conf/keys_responder.c):
 * sockets_per_queue, cpus, spin_us, busy_poll, ring_size, umem_frames.
 * Defaults, every accepted form, every limit, every error with its line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "conf/config.h"

static struct sl_settings st;
static char err[512];

static int load(const char *sl_lines)
{
	char text[2048];

	snprintf(text, sizeof(text), "[sl]\nports = 5060\n%s\n", sl_lines);
	return sl_settings_load_string(text, "t.conf", &st, err, sizeof(err));
}

static void load_ok(const char *sl_lines)
{
	if (load(sl_lines))
		fail_msg("unexpected error: %s\n--- [sl] ---\n%s", err, sl_lines);
}

/* an error at line (1: [sl], 2: ports, 3: the first line given) */
static void expect_err(const char *sl_lines, unsigned line, const char *needle)
{
	char prefix[32];

	if (load(sl_lines) != -1)
		fail_msg("expected '%s' for:\n%s", needle, sl_lines);
	snprintf(prefix, sizeof(prefix), "t.conf:%u: ", line);
	if (strncmp(err, prefix, strlen(prefix)) || !strstr(err, needle))
		fail_msg("want '%s...%s...', got '%s'", prefix, needle, err);
}

static void test_defaults(void **state)
{
	(void)state;
	load_ok("");
	assert_int_equal(st.dp.xsk_per_queue, 0);	/* one */
	assert_int_equal(st.resp.cpus_mode, SL_CPUS_AUTO);
	assert_int_equal(st.resp.n_cpus, 0);
	assert_int_equal(st.resp.spin_us, 0);
	assert_false(st.resp.busy_poll);
	assert_int_equal(st.resp.ring_size, 0);		/* 2048 */
	assert_int_equal(st.resp.umem_frames, 0);	/* 2 x ring */
}

static void test_sockets_per_queue(void **state)
{
	(void)state;
	load_ok("sockets_per_queue = 1");
	assert_int_equal(st.dp.xsk_per_queue, 1);
	load_ok("sockets_per_queue = 16");
	assert_int_equal(st.dp.xsk_per_queue, SL_MAX_SOCKETS_PER_QUEUE);
	expect_err("sockets_per_queue = 0", 3, "not a number of sockets from 1 to 16");
	expect_err("sockets_per_queue = 17", 3, "from 1 to 16");
	expect_err("sockets_per_queue = -1", 3, "from 1 to 16");
	expect_err("sockets_per_queue = 2x", 3, "from 1 to 16");
	expect_err("sockets_per_queue =", 3, "");
}

static void test_cpus(void **state)
{
	(void)state;
	load_ok("cpus = 2-5, 8,0");
	assert_int_equal(st.resp.cpus_mode, SL_CPUS_LIST);
	assert_int_equal(st.resp.n_cpus, 6);
	assert_int_equal(st.resp.cpus[0], 2);
	assert_int_equal(st.resp.cpus[3], 5);
	assert_int_equal(st.resp.cpus[4], 8);
	assert_int_equal(st.resp.cpus[5], 0);
	load_ok("cpus = 7");
	assert_int_equal(st.resp.n_cpus, 1);
	assert_int_equal(st.resp.cpus[0], 7);
	load_ok("cpus = 1023");
	load_ok("cpus = 0-255");
	assert_int_equal(st.resp.n_cpus, SL_MAX_CPU_LIST);
	load_ok("cpus = none");
	assert_int_equal(st.resp.cpus_mode, SL_CPUS_NONE);
	load_ok("cpus = auto");
	assert_int_equal(st.resp.cpus_mode, SL_CPUS_AUTO);
	/* the last one given wins, as for every key */
	expect_err("cpus = 1024", 3, "'1024' is not a CPU number (0..1023)");
	expect_err("cpus = 3-1", 3, "'3-1' is a range that runs backwards");
	expect_err("cpus = 1,2,1", 3, "CPU 1 is listed twice");
	expect_err("cpus = 0-2,2-4", 3, "CPU 2 is listed twice");
	expect_err("cpus = 0-256", 3, "more than 256 CPUs");
	expect_err("cpus = 1,,2", 3, "'' is not a CPU number");
	expect_err("cpus = 1-", 3, "'1-' is not a CPU number");
	expect_err("cpus = all", 3, "'all' is not a CPU number");
}

static void test_spin_busy_poll(void **state)
{
	(void)state;
	load_ok("spin_us = 50\nbusy_poll = on");
	assert_int_equal(st.resp.spin_us, 50);
	assert_true(st.resp.busy_poll);
	load_ok("spin_us = 10000\nbusy_poll = off");
	assert_int_equal(st.resp.spin_us, SL_SPIN_US_MAX);
	assert_false(st.resp.busy_poll);
	expect_err("spin_us = 10001", 3, "not a number of microseconds from 0 to 10000");
	expect_err("spin_us = 5us", 3, "not a number of microseconds");
	expect_err("busy_poll = yes", 3, "'yes' is neither on nor off");
	expect_err("busy_poll = ON", 3, "neither on nor off");
}

static void test_ring_umem(void **state)
{
	(void)state;
	load_ok("ring_size = 64\numem_frames = 8");
	assert_int_equal(st.resp.ring_size, 64);
	assert_int_equal(st.resp.umem_frames, 8);
	load_ok("ring_size = 65536\numem_frames = 262144");
	/* umem_frames against the default ring size (2048) */
	load_ok("umem_frames = 8192");
	/* the order of the two keys does not matter */
	load_ok("umem_frames = 512\nring_size = 128");
	expect_err("ring_size = 32", 3, "'32' is not a power of two from 64 to 65536");
	expect_err("ring_size = 100", 3, "not a power of two");
	expect_err("ring_size = 131072", 3, "not a power of two from 64 to 65536");
	expect_err("umem_frames = 4", 3, "'4' is not a power of two from 8 to 262144");
	expect_err("umem_frames = 16384", 3, "16384 is more than 4 x ring_size (8192)");
	expect_err("umem_frames = 1024\nring_size = 128", 3,
		   "1024 is more than 4 x ring_size (512)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_sockets_per_queue),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_spin_busy_poll),
		cmocka_unit_test(test_ring_umem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
