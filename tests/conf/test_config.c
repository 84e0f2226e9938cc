// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Configuration parser unit tests: every key, every error (with its line
 * number and what is wrong), the libinih syntax corners, and the shipped
 * example file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "conf/config.h"
#include "conf/image.h"
#include "conf/ua_automaton.h"
#include "sip/reasons.h"

static struct sl_settings st;
static const struct sl_settings zero_settings;
static char err[512];
static const char *argv0 = "";

static int load(const char *text)
{
	return sl_settings_load_string(text, "t.conf", &st, err, sizeof(err));
}

static void load_ok(const char *text)
{
	if (load(text))
		fail_msg("unexpected error: %s\n--- config ---\n%s", err, text);
}

/* Error at line, message containing needle; *s zeroed. */
static void expect_err(const char *text, unsigned line, const char *needle)
{
	char prefix[32];

	memset(err, 0, sizeof(err));
	if (load(text) != -1)
		fail_msg("expected error '%s' at line %u\n--- config ---\n%s",
			 needle, line, text);
	snprintf(prefix, sizeof(prefix), "t.conf:%u: ", line);
	if (strncmp(err, prefix, strlen(prefix)) || !strstr(err, needle))
		fail_msg("want '%s...%s...', got '%s'\n--- config ---\n%s",
			 prefix, needle, err, text);
	assert_memory_equal(&st, &zero_settings, sizeof(st));
}

struct err_case {
	const char *text;
	unsigned line;
	const char *needle;
};

static void run_err_cases(const struct err_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		expect_err(cases[i].text, cases[i].line, cases[i].needle);
}

#define RUN_ERR_CASES(c) run_err_cases(c, sizeof(c) / sizeof(c[0]))

/* A string of n copies of ch (n < 1024). */
static const char *rep(char ch, size_t n)
{
	static char buf[4][1024];
	static int k;
	char *b = buf[k++ & 3];

	assert_true(n < sizeof(buf[0]));
	memset(b, ch, n);
	b[n] = '\0';
	return b;
}

/* len, bytes, and zero padding up to max. */
static void assert_padded(__u8 len, const __u8 *bytes, size_t max,
			  const char *want)
{
	size_t n = strlen(want), i;

	assert_int_equal(len, n);
	assert_memory_equal(bytes, want, n);
	for (i = n; i < max; i++)
		assert_int_equal(bytes[i], 0);
}

#define assert_method(m, want) \
	assert_padded((m)->len, (const __u8 *)(m)->name, SL_METHOD_MAX_LEN, want)
#define assert_match(m, want) \
	assert_padded((m)->len, (m)->bytes, SL_MATCH_STR_MAX, want)

static void assert_bytes(const __u8 *got, const char *hex_want, size_t n)
{
	__u8 want[16] = { 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex_want + 2 * i, "%2x", &v), 1);
		want[i] = v;
	}
	assert_memory_equal(got, want, n);
}

/* ---- defaults ---- */

static void check_defaults(const struct sl_settings *s)
{
	assert_int_equal(s->dp.n_ports, 1);
	assert_int_equal(s->dp.ports[0], 5060);
	assert_int_equal(s->dp.ports[1], 0);
	assert_int_equal(s->dp.default_action, SL_ACTION_PASS);
	assert_true(s->dp.ack_window_ns == 2000000000ULL);
	assert_int_equal(s->dp.n_rules, 0);
	assert_int_equal(s->dp.rules_need, 0);
	assert_int_equal(s->dp.n_method_names, 0);
	assert_int_equal(s->dp.has_signature, 0);
	assert_int_equal(s->window_slots, SL_WINDOW_SLOTS_DEFAULT);
	assert_int_equal(s->dp.window_mask, SL_WINDOW_SLOTS_DEFAULT - 1);
	assert_int_equal(s->default_code, 500);
	assert_string_equal(s->default_reason, "Internal Server Error");
	assert_string_equal(s->server_header, "Server: sl-xdp");
	assert_string_equal(s->tag_seed, "KAMAILIO-stateless");
	assert_false(s->tag_addr_set);
	assert_string_equal(s->tag_addr_ip, "");
	assert_string_equal(s->tag_addr_port, "");
	/* reflection safety is on unless the file says rate_limit = 0 */
	assert_int_equal(s->rate_limit, 50);
	assert_int_equal(s->burst, 100);
}

static void test_defaults(void **state)
{
	static struct sl_settings d;

	(void)state;
	memset(&d, 0xa5, sizeof(d));
	sl_settings_defaults(&d);
	check_defaults(&d);

	load_ok("");
	check_defaults(&st);
	assert_memory_equal(&st, &d, sizeof(d));

	load_ok("; nothing but comments\n# here\n\n[sl]\n");
	assert_memory_equal(&st, &d, sizeof(d));
}

/* rate_limit: 50/s and burst 100 unless the file says otherwise; 0 (or
 * 0/s) switches it off and leaves burst as it is. */
static void test_rate_limit_default_and_off(void **state)
{
	(void)state;
	load_ok("[sl]\nports = 5060\n");
	assert_int_equal(st.rate_limit, SL_RATE_LIMIT_DEFAULT);
	assert_int_equal(st.burst, SL_BURST_DEFAULT);
	load_ok("[sl]\nrate_limit = 0\n");
	assert_int_equal(st.rate_limit, 0);
	assert_int_equal(st.burst, SL_BURST_DEFAULT);
	load_ok("[sl]\nrate_limit = 0/s\nburst = 0\n");
	assert_int_equal(st.rate_limit, 0);
	assert_int_equal(st.burst, 0);
	load_ok("[sl]\nburst = 7\n");
	assert_int_equal(st.rate_limit, SL_RATE_LIMIT_DEFAULT);
	assert_int_equal(st.burst, 7);
}

/* addresses: VIPs answered like the interface's own addresses */
static void test_sl_addresses(void **state)
{
	static const struct err_case errs[] = {
		{ "[sl]\naddresses = 198.18.0.0/24\n", 2, "'198.18.0.0/24' is not an IP address (no prefix" },
		{ "[sl]\naddresses = 198.18.0.7:5060\n", 2, "'198.18.0.7:5060' has a port" },
		{ "[sl]\naddresses = [2001:2::7]\n", 2, "is not an IP address (no prefix, no port, no brackets)" },
		{ "[sl]\naddresses = vip.example.com\n", 2, "is a host name" },
		{ "[sl]\naddresses = 198.18.0.300\n", 2, "'198.18.0.300' is not an IPv4 address" },
		{ "[sl]\naddresses = 198.18.0.7,,198.18.0.8\n", 2, "empty item" },
		{ "[sl]\naddresses = 198.18.0.7, 198.18.0.7\n", 2, "'198.18.0.7' is listed twice" },
		{ "[sl]\naddresses = 2001:2::7, 2001:2:0::7\n", 2, "'2001:2:0::7' is listed twice" },
		{ "[sl]\naddresses = 0.0.0.0\n", 2, "is the unspecified address" },
		{ "[sl]\naddresses = ::\n", 2, "is the unspecified address" },
		{ "[sl]\naddresses = 127.0.0.1\n", 2, "is a loopback address" },
		{ "[sl]\naddresses = ::1\n", 2, "is the loopback address" },
		{ "[sl]\naddresses = 224.0.0.1\n", 2, "a multicast, reserved or broadcast address" },
		{ "[sl]\naddresses = 255.255.255.255\n", 2, "a multicast, reserved or broadcast address" },
		{ "[sl]\naddresses = ff02::1\n", 2, "is a multicast address" },
		{ "[sl]\naddresses = 169.254.0.1\n", 2, "is a link-local address" },
		{ "[sl]\naddresses = fe80::1\n", 2, "is a link-local address" },
		{ "[sl]\naddresses = ::ffff:198.18.0.7\n", 2, "IPv4-mapped" },
		{ "[sl]\naddresses = 198.18.0.1\naddresses = 198.18.0.2\n", 3, "already set" },
		{ "[rule r]\naddresses = 198.18.0.1\n", 2, "addresses" },
	};
	char text[1024];
	size_t o;

	(void)state;
	load_ok("[sl]\naddresses = 198.18.0.77, 2001:2::77 ,198.19.255.254\n");
	assert_int_equal(st.addresses.n, 3);
	assert_int_equal(st.addresses.a[0].family, 4);
	assert_memory_equal(st.addresses.a[0].addr, "\xc6\x12\x00\x4d", 4);
	assert_int_equal(st.addresses.a[1].family, 6);
	assert_memory_equal(st.addresses.a[1].addr,
			    "\x20\x01\x00\x02\0\0\0\0\0\0\0\0\0\0\x00\x77", 16);
	assert_int_equal(st.addresses.a[2].family, 4);
	load_ok("[sl]\naddresses =\n");
	assert_int_equal(st.addresses.n, 0);
	load_ok("[sl]\nports = 5060\n");
	assert_int_equal(st.addresses.n, 0);
	/* SL_MAX_ADDRESSES, and one more (short ones: a line is at most 197) */
	o = (size_t)snprintf(text, sizeof(text), "[sl]\naddresses = 2001:2::1");
	for (unsigned int i = 2; i <= SL_MAX_ADDRESSES; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, ",2001:2::%x", i);
	snprintf(text + o, sizeof(text) - o, "\n");
	load_ok(text);
	assert_int_equal(st.addresses.n, SL_MAX_ADDRESSES);
	snprintf(text + o, sizeof(text) - o, ",2001:2::99\n");
	assert_int_equal(load(text), -1);
	assert_non_null(strstr(err, "more than 16 addresses"));
	run_err_cases(errs, sizeof(errs) / sizeof(errs[0]));
}

/* ---- [sl] ---- */

static void test_sl_all_keys(void **state)
{
	(void)state;
	load_ok("[sl]\n"
		"ports = 5060, 5070 ,5080\n"
		"default_code = 503\n"
		"default_reason = Service Unavailable\n"
		"server_header = Server: edge-1\n"
		"tag_seed = my-seed\n"
		"tag_addr = 198.18.0.1:5070\n"
		"ack_window = 500ms\n"
		"default_action = drop\n"
		"rate_limit = 100/s\n"
		"burst = 20\n"
		"window_slots = 4096\n");
	assert_int_equal(st.dp.n_ports, 3);
	assert_int_equal(st.dp.ports[0], 5060);
	assert_int_equal(st.dp.ports[1], 5070);
	assert_int_equal(st.dp.ports[2], 5080);
	assert_int_equal(st.dp.ports[3], 0);
	assert_int_equal(st.default_code, 503);
	assert_string_equal(st.default_reason, "Service Unavailable");
	assert_string_equal(st.server_header, "Server: edge-1");
	assert_string_equal(st.tag_seed, "my-seed");
	assert_true(st.tag_addr_set);
	assert_string_equal(st.tag_addr_ip, "198.18.0.1");
	assert_string_equal(st.tag_addr_port, "5070");
	assert_true(st.dp.ack_window_ns == 500000000ULL);
	assert_int_equal(st.dp.default_action, SL_ACTION_DROP);
	assert_int_equal(st.rate_limit, 100);
	assert_int_equal(st.burst, 20);
	assert_int_equal(st.window_slots, 4096);
	assert_int_equal(st.dp.window_mask, 4095);
	assert_int_equal(st.dp.n_rules, 0);
	assert_int_equal(st.dp.has_signature, 0);

	load_ok("[sl]\nports = 65535\nrate_limit = 4294967295\nburst = 0\n"
		"default_action = reply\nwindow_slots = 1024\n");
	assert_int_equal(st.dp.n_ports, 1);
	assert_int_equal(st.dp.ports[0], 65535);
	assert_int_equal(st.rate_limit, 4294967295u);
	assert_int_equal(st.dp.default_action, SL_ACTION_REPLY);
	assert_int_equal(st.dp.window_mask, 1023);

	load_ok("[sl]\nports = 1,2,3,4,5,6,7,8\nrate_limit = 7\n"
		"window_slots = 16777216\ndefault_action = pass\n");
	assert_int_equal(st.dp.n_ports, 8);
	assert_int_equal(st.dp.ports[7], 8);
	assert_int_equal(st.rate_limit, 7);
	assert_int_equal(st.dp.window_mask, 16777215);
	assert_int_equal(st.dp.default_action, SL_ACTION_PASS);

	load_ok("[sl]\nserver_header =\n");
	assert_string_equal(st.server_header, "");
	load_ok("[sl]\nserver_header = ; no Server header\n");
	assert_string_equal(st.server_header, "");
	load_ok("[sl]\nserver_header = User-Agent : x y z\nrate_limit = 5 / s\n");
	assert_string_equal(st.server_header, "User-Agent : x y z");
	assert_int_equal(st.rate_limit, 5);
	load_ok("[sl]\ndefault_code = 100\n");
	assert_int_equal(st.default_code, 100);
	load_ok("[sl]\ndefault_code = 699\n");
	assert_int_equal(st.default_code, 699);
}

static void test_sl_errors(void **state)
{
	static const struct err_case cases[] = {
		{ "[sl]\nports = 0\n", 2, "'0' is not a port number (1..65535)" },
		{ "[sl]\nports = 65536\n", 2, "'65536' is not a port number" },
		{ "[sl]\nports = 50a60\n", 2, "'50a60' is not a port number" },
		{ "[sl]\nports = -5060\n", 2, "is not a port number" },
		{ "[sl]\nports = 5060 5070\n", 2, "'5060 5070' is not a port" },
		{ "[sl]\n\nports = 5060, 5061, 5060\n", 3, "port 5060 is listed twice" },
		{ "[sl]\nports = 5060,,5061\n", 2, "empty item" },
		{ "[sl]\nports = 5060,\n", 2, "empty item" },
		{ "[sl]\nports =\n", 2, "'ports' needs a value" },
		{ "[sl]\nports = ; nothing\n", 2, "'ports' needs a value" },
		{ "[sl]\ndefault_code = 99\n", 2, "'99' is not a status code" },
		{ "[sl]\ndefault_code = 700\n", 2, "'700' is not a status code" },
		{ "[sl]\ndefault_code = 0200\n", 2, "'0200' is not a status code" },
		{ "[sl]\ndefault_code = 2xx\n", 2, "is not a status code" },
		{ "[sl]\ndefault_reason =\n", 2, "'default_reason' needs a value" },
		{ "[sl]\ntag_seed =\n", 2, "'tag_seed' needs a value" },
		{ "[sl]\nserver_header = sl-xdp\n", 2, "is not a header line (expected 'Name: value')" },
		{ "[sl]\nserver_header = Server sl-xdp: 1\n", 2, "is not a header line" },
		{ "[sl]\nserver_header = : sl-xdp\n", 2, "does not start with a header name" },
		{ "[sl]\nserver_header = Content-Length: 0\n", 2, "writes Content-Length itself" },
		{ "[sl]\ndefault_action = forward\n", 2, "'forward' is not an action (pass, drop or reply)" },
		{ "[sl]\ndefault_action = PASS\n", 2, "'PASS' is not an action" },
		{ "[sl]\nrate_limit = 10/m\n", 2, "'10/m' is not a rate" },
		{ "[sl]\nrate_limit = -1\n", 2, "is not a rate" },
		{ "[sl]\nrate_limit = /s\n", 2, "is not a rate" },
		{ "[sl]\nrate_limit = 4294967296\n", 2, "is not a rate" },
		{ "[sl]\nburst = many\n", 2, "'many' is not a number" },
		{ "[sl]\nburst = 4294967296\n", 2, "is not a number" },
		{ "[sl]\nwindow_slots = 1000\n", 2, "'1000' is not a power of two in 1024..16777216" },
		{ "[sl]\nwindow_slots = 512\n", 2, "is not a power of two in 1024..16777216" },
		{ "[sl]\nwindow_slots = 33554432\n", 2, "is not a power of two" },
		{ "[sl]\nwindow_slots = 0\n", 2, "is not a power of two" },
	};

	(void)state;
	RUN_ERR_CASES(cases);

	/* Too long values are errors, never cut short. */
	{
		char text[400];

		snprintf(text, sizeof(text), "[sl]\ndefault_reason = %s\n",
			 rep('r', 128));
		expect_err(text, 2, "too long (128 characters, at most 127)");
		snprintf(text, sizeof(text), "[sl]\ndefault_reason = %s\n",
			 rep('r', 127));
		load_ok(text);
		assert_int_equal(strlen(st.default_reason), 127);
		snprintf(text, sizeof(text), "[sl]\ntag_seed = %s\n",
			 rep('s', 128));
		expect_err(text, 2, "tag_seed: value is too long");
	}
}

static void test_tag_addr(void **state)
{
	static const struct err_case cases[] = {
		{ "[sl]\ntag_addr = 198.18.0.256\n", 2, "'198.18.0.256' is not an IPv4 address" },
		{ "[sl]\ntag_addr = 198.18.0.1:0\n", 2, "'0' is not a port number" },
		{ "[sl]\ntag_addr = 198.18.0.1:65536\n", 2, "'65536' is not a port number" },
		{ "[sl]\ntag_addr = 198.18.0.1:\n", 2, "'' is not a port number" },
		{ "[sl]\ntag_addr = 198.18.0.1:50x\n", 2, "'50x' is not a port number" },
		{ "[sl]\ntag_addr = host.example.com\n", 2, "is not an IPv4 address" },
		{ "[sl]\ntag_addr = [2001:2::1\n", 2, "has no closing ']'" },
		{ "[sl]\ntag_addr = [2001:2::1]5060\n", 2, "unexpected '5060' after ']'" },
		{ "[sl]\ntag_addr = [198.18.0.1]:5060\n", 2, "'198.18.0.1' is not an IPv6 address" },
		{ "[sl]\ntag_addr = []:5060\n", 2, "is not an IPv6 address" },
		{ "[sl]\ntag_addr = fe80::1%eth0\n", 2, "is not an IPv6 address" },
		{ "[sl]\ntag_addr = 2001:2::zz\n", 2, "is not an IPv6 address" },
	};

	(void)state;
	load_ok("[sl]\ntag_addr = 198.18.0.1\n");
	assert_true(st.tag_addr_set);
	assert_string_equal(st.tag_addr_ip, "198.18.0.1");
	assert_string_equal(st.tag_addr_port, "5060");

	/* No port: the first configured port, wherever ports is written. */
	load_ok("[sl]\ntag_addr = 198.18.0.1\nports = 5080, 5060\n");
	assert_string_equal(st.tag_addr_port, "5080");

	load_ok("[sl]\ntag_addr = [2001:2::1]:5062\n");
	assert_string_equal(st.tag_addr_ip, "2001:2::1");
	assert_string_equal(st.tag_addr_port, "5062");

	load_ok("[sl]\nports = 5090\ntag_addr = [2001:2:0:0::1]\n");
	assert_string_equal(st.tag_addr_ip, "2001:2:0:0::1");	/* as written */
	assert_string_equal(st.tag_addr_port, "5090");

	load_ok("[sl]\ntag_addr = 2001:2::1\n");
	assert_string_equal(st.tag_addr_ip, "2001:2::1");
	assert_string_equal(st.tag_addr_port, "5060");

	load_ok("[sl]\ntag_addr = ::1\n");
	assert_string_equal(st.tag_addr_ip, "::1");

	/* The port goes into an MD5: stored as canonical decimal text. */
	load_ok("[sl]\ntag_addr = 198.18.0.1:05070\n");
	assert_string_equal(st.tag_addr_port, "5070");

	RUN_ERR_CASES(cases);
}

static void test_ack_window(void **state)
{
	static const struct {
		const char *text;
		unsigned long long ns;
	} ok[] = {
		{ "2s", 2000000000ULL },
		{ "500ms", 500000000ULL },
		{ "1.5s", 1500000000ULL },
		{ "3", 3000000000ULL },
		{ "0.25", 250000000ULL },
		{ "60s", 60000000000ULL },
		{ "60000ms", 60000000000ULL },
		{ "1.5 s", 1500000000ULL },
		{ "0.000001ms", 1ULL },
		{ "0.000000001s", 1ULL },
		{ "2.000000000", 2000000000ULL },
		{ "59.999999999s", 59999999999ULL },
	};
	static const struct err_case cases[] = {
		{ "[sl]\nack_window = 0\n", 2, "0 is out of range (more than 0, at most 60s)" },
		{ "[sl]\nack_window = 0s\n", 2, "out of range" },
		{ "[sl]\nack_window = 0.0ms\n", 2, "out of range" },
		{ "[sl]\nack_window = 61s\n", 2, "61s is out of range" },
		{ "[sl]\nack_window = 60.000000001s\n", 2, "out of range" },
		{ "[sl]\nack_window = 60001ms\n", 2, "out of range" },
		{ "[sl]\nack_window = 99999999999999999999s\n", 2, "out of range" },
		{ "[sl]\nack_window = 2m\n", 2, "'2m' is not a duration (e.g. 2s, 500ms, 1.5s)" },
		{ "[sl]\nack_window = 1.5.2s\n", 2, "is not a duration" },
		{ "[sl]\nack_window = -1s\n", 2, "is not a duration" },
		{ "[sl]\nack_window = .5s\n", 2, "is not a duration" },
		{ "[sl]\nack_window = 1.s\n", 2, "is not a duration" },
		{ "[sl]\nack_window = s\n", 2, "is not a duration" },
		{ "[sl]\nack_window = 2 seconds\n", 2, "is not a duration" },
		{ "[sl]\nack_window = 1.0000000001s\n", 2, "more decimals than 1 ns" },
		{ "[sl]\nack_window = 1.0000001ms\n", 2, "more decimals than 1 ns" },
	};
	char text[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text), "[sl]\nack_window = %s\n",
			 ok[i].text);
		load_ok(text);
		if (st.dp.ack_window_ns != ok[i].ns)
			fail_msg("%s: got %llu ns, want %llu", ok[i].text,
				 (unsigned long long)st.dp.ack_window_ns,
				 ok[i].ns);
	}
	RUN_ERR_CASES(cases);
}

/* ---- rules ---- */

static void test_rule_order(void **state)
{
	(void)state;
	load_ok("[rule zeta]\n"		/* 1 */
		"method = OPTIONS\n"
		"reply = 200 OK\n"
		"\n"
		"[rule alpha]\n"		/* 5 */
		"action = drop\n"
		"[sl]\n"
		"ports = 5060\n"
		"[rule Mid_1.x-y]\n"		/* 9 */
		"action = pass\n");
	assert_int_equal(st.dp.n_rules, 3);
	assert_string_equal(st.replies[0].name, "zeta");
	assert_int_equal(st.replies[0].line, 1);
	assert_int_equal(st.rules[0].action, SL_ACTION_REPLY);
	assert_string_equal(st.replies[1].name, "alpha");
	assert_int_equal(st.replies[1].line, 5);
	assert_int_equal(st.rules[1].action, SL_ACTION_DROP);
	assert_int_equal(st.rules[1].reply_code, 0);
	assert_string_equal(st.replies[2].name, "Mid_1.x-y");
	assert_int_equal(st.replies[2].line, 9);
	assert_int_equal(st.rules[2].action, SL_ACTION_PASS);
	assert_int_equal(st.rules[2].keys, 0);
	/* Unused slots stay zero. */
	assert_memory_equal(&st.rules[3], &zero_settings.rules[3],
			    sizeof(st.rules[3]));
}

static void test_empty_rule(void **state)
{
	(void)state;
	/* No match key: matches everything; replies with the default. */
	load_ok("[rule all]\n");
	assert_int_equal(st.dp.n_rules, 1);
	assert_int_equal(st.rules[0].keys, 0);
	assert_int_equal(st.rules[0].action, SL_ACTION_REPLY);
	assert_int_equal(st.rules[0].reply_code, 500);
	assert_int_equal(st.replies[0].code, 500);
	assert_string_equal(st.replies[0].reason, "Internal Server Error");
	assert_int_equal(st.replies[0].headers_len, 0);
	assert_string_equal(st.replies[0].headers, "");
}

static void test_default_reply_order_independent(void **state)
{
	(void)state;
	/* [sl] after the rule still supplies its code and reason. */
	load_ok("[rule shed]\nmethod = REGISTER\n"
		"[sl]\ndefault_code = 503\ndefault_reason = Overloaded\n");
	assert_int_equal(st.rules[0].reply_code, 503);
	assert_int_equal(st.replies[0].code, 503);
	assert_string_equal(st.replies[0].reason, "Overloaded");

	load_ok("[sl]\ndefault_code = 480\n"
		"[rule a]\n[rule b]\nreply = 404\n");
	assert_int_equal(st.replies[0].code, 480);
	assert_string_equal(st.replies[0].reason, "Internal Server Error");
	assert_int_equal(st.replies[1].code, 404);
	assert_string_equal(st.replies[1].reason, "Not Found");
	assert_int_equal(st.rules[1].reply_code, 404);
}

static void test_max_rules(void **state)
{
	static char text[SL_MAX_RULES * 16 + 64];
	size_t off = 0;
	int i;

	(void)state;
	for (i = 0; i < SL_MAX_RULES; i++)
		off += snprintf(text + off, sizeof(text) - off,
				"[rule r%d]\n", i);
	load_ok(text);
	assert_int_equal(st.dp.n_rules, SL_MAX_RULES);
	assert_string_equal(st.replies[SL_MAX_RULES - 1].name, "r63");
	assert_int_equal(st.replies[SL_MAX_RULES - 1].line, SL_MAX_RULES);

	snprintf(text + off, sizeof(text) - off, "[rule one-too-many]\n");
	expect_err(text, SL_MAX_RULES + 1, "too many rules (at most 64)");
}

/* The names the rule's method_mask takes, "A B C" in number order, and
 * "+other" when methods no rule names match too. */
static const char *mask_names(const struct sl_rule *r)
{
	static char out[2048];
	size_t o = 0;
	unsigned i;

	out[0] = '\0';
	for (i = 0; i < st.dp.n_method_names; i++)
		if ((r->method_mask >> i) & 1)
			o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%.*s",
					      o ? " " : "",
					      (int)st.method_names[i].len,
					      (const char *)st.method_names[i].name);
	if ((r->method_mask >> SL_METHOD_OTHER) & 1)
		snprintf(out + o, sizeof(out) - o, "%s+other", o ? " " : "");
	return out;
}

static void test_method(void **state)
{
	static const struct err_case cases[] = {
		{ "[rule m]\nmethod = INVITE, *\n", 2, "'*' (any method) cannot be combined" },
		{ "[rule m]\nmethod = INV ITE\n", 2, "'INV ITE' is not a method name" },
		{ "[rule m]\nmethod = INVITE/2\n", 2, "'INVITE/2' is not a method name" },
		{ "[rule m]\nmethod = \"INVITE\"\n", 2, "is not a method name" },
		{ "[rule m]\nmethod = INVITE,,BYE\n", 2, "empty item" },
		{ "[rule m]\nmethod = INVITE,\n", 2, "empty item" },
		{ "[rule m]\nmethod = INVITE, BYE, INVITE\n", 2, "INVITE is listed twice" },
		{ "[rule m]\nmethod =\n", 2, "'method' needs a value" },
		/* negation: one '!' in front of the whole list */
		{ "[rule m]\nmethod = !\n", 2, "'!' needs the methods it excludes" },
		{ "[rule m]\nmethod = !*\n", 2, "'*' (any method) cannot be combined" },
		{ "[rule m]\nmethod = INVITE, !ACK\n", 2, "'!ACK': '!' negates the whole list" },
		{ "[rule m]\nmethod = !!INVITE\n", 2, "'!INVITE': '!' negates the whole list" },
		/* the key repeats: its lines make one list */
		{ "[rule m]\nmethod = INVITE\nmethod = !ACK\n", 3, "'!' may only start the first method line" },
		{ "[rule m]\nmethod = *\nmethod = INVITE\n", 3, "already takes any method ('*', line 2)" },
		{ "[rule m]\nmethod = INVITE\nmethod = *\n", 3, "'*' (any method) cannot be combined with method names (line 2)" },
		{ "[rule m]\nmethod = INVITE\nmethod = BYE, INVITE\n", 3, "INVITE is listed twice" },
	};
	char text[256];

	(void)state;
	load_ok("[rule m]\nmethod = OPTIONS, INVITE,REGISTER , x-Custom.1\n");
	assert_int_equal(st.rules[0].keys, SL_KEY_METHOD);
	assert_int_equal(st.dp.n_method_names, 4);
	assert_method(&st.method_names[0], "OPTIONS");
	assert_method(&st.method_names[1], "INVITE");
	assert_method(&st.method_names[2], "REGISTER");
	assert_method(&st.method_names[3], "x-Custom.1");
	assert_true(st.rules[0].method_mask == 0xf);
	assert_string_equal(mask_names(&st.rules[0]),
			    "OPTIONS INVITE REGISTER x-Custom.1");
	assert_int_equal(sl_method_number(&st, "REGISTER"), 2);
	assert_int_equal(sl_method_number(&st, "BYE"), SL_METHOD_OTHER);

	/* Case-sensitive (RFC 3261): "invite" is another method. */
	load_ok("[rule m]\nmethod = invite, INVITE\n");
	assert_int_equal(st.dp.n_method_names, 2);
	assert_method(&st.method_names[0], "invite");
	assert_true(sl_rule_takes_method(&st, &st.rules[0], "INVITE"));
	assert_false(sl_rule_takes_method(&st, &st.rules[0], "Invite"));
	assert_false(sl_rule_takes_method(&st, &st.rules[0], "RE%47IST%45R"));

	load_ok("[rule m]\nmethod = *\n");
	assert_int_equal(st.rules[0].keys, SL_KEY_METHOD);
	assert_true(st.rules[0].method_mask == ~0ULL);
	assert_int_equal(st.dp.n_method_names, 0);

	/* every method but these: the names of other rules, and methods no
	 * rule names, included */
	load_ok("[rule a]\nmethod = REGISTER\n[rule b]\nmethod = !INVITE, ACK\n");
	assert_int_equal(st.rules[1].keys, SL_KEY_METHOD);
	assert_string_equal(mask_names(&st.rules[1]), "REGISTER +other");
	assert_true(st.rules[1].method_mask == ~0x6ULL);
	assert_false(sl_rule_takes_method(&st, &st.rules[1], "INVITE"));
	assert_false(sl_rule_takes_method(&st, &st.rules[1], "ACK"));
	assert_true(sl_rule_takes_method(&st, &st.rules[1], "BYE"));
	assert_true(sl_rule_takes_method(&st, &st.rules[1], "invite"));
	load_ok("[rule m]\nmethod = ! INVITE\n");	/* blanks after '!' */
	assert_true(st.rules[0].method_mask == ~1ULL);

	/* rules share the numbers of the names */
	load_ok("[rule a]\nmethod = INVITE, BYE\n[rule b]\nmethod = BYE, REGISTER\n");
	assert_int_equal(st.dp.n_method_names, 3);
	assert_true(st.rules[0].method_mask == 0x3);
	assert_true(st.rules[1].method_mask == 0x6);

	/* every RFC 3261/3262/3265/3311/3428/3515/3903/6086 method and
	 * extension methods in one rule (issue 15.3's list and more) */
	load_ok("[rule all]\nmethod = REGISTER, BYE, CANCEL, SUBSCRIBE, NOTIFY, "
		"MESSAGE, INFO, PRACK, UPDATE, REFER, PUBLISH, INVITE, ACK, "
		"OPTIONS, X-ONE, X-TWO, X-THREE\n");
	assert_int_equal(st.dp.n_method_names, 17);
	assert_true(st.rules[0].method_mask == 0x1ffff);
	assert_true(sl_rule_takes_method(&st, &st.rules[0], "X-THREE"));

	/* the key repeats: one list */
	load_ok("[rule m]\nmethod = INVITE\nmethod = BYE, CANCEL\n");
	assert_string_equal(mask_names(&st.rules[0]), "INVITE BYE CANCEL");
	load_ok("[rule m]\nmethod = !INVITE\nmethod = ACK\n");
	assert_string_equal(mask_names(&st.rules[0]), "+other");
	assert_false(sl_rule_takes_method(&st, &st.rules[0], "ACK"));

	/* '*' is a token character: part of a longer name it is a name. */
	load_ok("[rule m]\nmethod = X*\n");
	assert_int_equal(st.method_names[0].len, 2);
	assert_true(st.rules[0].method_mask == 1);

	snprintf(text, sizeof(text), "[rule m]\nmethod = %s\n",
		 rep('M', SL_METHOD_MAX_LEN));
	load_ok(text);
	assert_int_equal(st.method_names[0].len, SL_METHOD_MAX_LEN);
	snprintf(text, sizeof(text), "[rule m]\nmethod = %s\n",
		 rep('M', SL_METHOD_MAX_LEN + 1));
	expect_err(text, 2, "is longer than 32 bytes");

	RUN_ERR_CASES(cases);
}

/* n method names METHOD-0 .. in rules of 16, lines of 8; *last_line:
 * the line of the last name. */
static const char *many_methods(unsigned n, unsigned *last_line)
{
	static char text[8192];
	unsigned i, line = 0;
	size_t o = 0;

	for (i = 0; i < n; i++) {
		if (i % 16 == 0) {
			o += (size_t)snprintf(text + o, sizeof(text) - o,
					      "%s[rule r%u]\nmethod = ",
					      i ? "\n" : "", i / 16);
			line += 2;
		} else if (i % 8 == 0) {
			o += (size_t)snprintf(text + o, sizeof(text) - o,
					      "\nmethod = ");
			line++;
		} else {
			o += (size_t)snprintf(text + o, sizeof(text) - o, ", ");
		}
		o += (size_t)snprintf(text + o, sizeof(text) - o, "METHOD-%u", i);
	}
	snprintf(text + o, sizeof(text) - o, "\n");
	assert_true(o + 1 < sizeof(text));
	*last_line = line;
	return text;
}

/* SL_METHOD_NAMES distinct names in a file, over several lines and
 * rules, the last one kept and matched; one more is refused. */
static void test_method_names_limit(void **state)
{
	char want[96];
	unsigned line;

	(void)state;
	load_ok(many_methods(SL_METHOD_NAMES, &line));
	assert_int_equal(st.dp.n_method_names, SL_METHOD_NAMES);
	assert_int_equal(sl_method_number(&st, "METHOD-62"), 62);
	assert_true(sl_rule_takes_method(&st, &st.rules[3], "METHOD-62"));
	assert_false(sl_rule_takes_method(&st, &st.rules[3], "METHOD-0"));
	assert_true(sl_rule_takes_method(&st, &st.rules[0], "METHOD-0"));
	snprintf(want, sizeof(want), "'METHOD-%u' would be the %uth distinct method name",
		 SL_METHOD_NAMES, SL_METHOD_NAMES + 1);
	expect_err(many_methods(SL_METHOD_NAMES + 1, &line), line, want);
}

/* from_user, from_domain, to_user: exact, or a prefix with '*'. */
static void test_uri_part_keys(void **state)
{
	static const struct err_case cases[] = {
		{ "[rule f]\nfrom_user = *\n", 2, "matches every user: leave the key out" },
		{ "[rule f]\nfrom_domain = *\n", 2, "matches every domain" },
		{ "[rule f]\nfrom_user = a b\n", 2, "cannot be in a URI user part" },
		{ "[rule f]\nfrom_user = alice@example.com\n", 2, "cannot be in a URI user part" },
		{ "[rule f]\nto_user = <100>\n", 2, "cannot be in a URI user part" },
		{ "[rule f]\nfrom_domain = a;b\n", 2, "cannot be in a URI host part" },
		{ "[rule f]\nfrom_user =\n", 2, "'from_user' needs a value" },
		{ "[rule f]\nfrom_user = 1\nfrom_user = 2\n", 3, "'from_user' is already set at line 2" },
	};
	char text[128];

	(void)state;
	load_ok("[rule f]\nfrom_user = 100\naction = drop\n");
	assert_int_equal(st.rules[0].keys, SL_KEY_FROM_USER);
	assert_match(&st.rules[0].from_user, "100");
	assert_int_equal(st.rules[0].from_user.prefix, 0);
	assert_int_equal(st.dp.rules_need, SL_NEED_FROM);

	load_ok("[rule f]\nfrom_user = +49*\n");	/* a prefix */
	assert_match(&st.rules[0].from_user, "+49");
	assert_int_equal(st.rules[0].from_user.prefix, 1);
	load_ok("[rule f]\nfrom_user = *67*\n");	/* '*' inside is a byte */
	assert_match(&st.rules[0].from_user, "*67");
	assert_int_equal(st.rules[0].from_user.prefix, 1);
	load_ok("[rule f]\nfrom_user = Alice\n");	/* users: as written */
	assert_match(&st.rules[0].from_user, "Alice");

	load_ok("[rule f]\nfrom_domain = Example.COM\n");	/* domains: any case */
	assert_int_equal(st.rules[0].keys, SL_KEY_FROM_DOMAIN);
	assert_match(&st.rules[0].from_domain, "example.com");
	assert_int_equal(st.rules[0].from_domain.prefix, 0);
	assert_int_equal(st.dp.rules_need, SL_NEED_FROM);
	load_ok("[rule f]\nfrom_domain = [2001:2::1]\n");
	assert_match(&st.rules[0].from_domain, "[2001:2::1]");

	load_ok("[rule t]\nto_user = 6666*\n");
	assert_int_equal(st.rules[0].keys, SL_KEY_TO_USER);
	assert_match(&st.rules[0].to_user, "6666");
	assert_int_equal(st.rules[0].to_user.prefix, 1);
	assert_int_equal(st.dp.rules_need, SL_NEED_TO);

	load_ok("[rule all]\nfrom_user = 1*\nfrom_domain = d\nto_user = 2\n"
		"user_agent = x\n");
	assert_int_equal(st.rules[0].keys, SL_KEY_FROM_USER | SL_KEY_FROM_DOMAIN |
			 SL_KEY_TO_USER | SL_KEY_USER_AGENT);
	assert_int_equal(st.dp.rules_need,
			 SL_NEED_FROM | SL_NEED_TO | SL_NEED_USER_AGENT);

	snprintf(text, sizeof(text), "[rule f]\nto_user = %s*\n",
		 rep('7', SL_MATCH_STR_MAX));
	load_ok(text);
	assert_int_equal(st.rules[0].to_user.len, SL_MATCH_STR_MAX);
	snprintf(text, sizeof(text), "[rule f]\nto_user = %s\n",
		 rep('7', SL_MATCH_STR_MAX + 1));
	expect_err(text, 2, "to_user: value is too long (33 bytes, at most 32)");
	RUN_ERR_CASES(cases);
}

static void check_prefix(const struct sl_prefix *p, int family, int plen,
			 const char *addr_hex, const char *mask_hex)
{
	static const __u8 zeros[16];
	size_t n = family == 4 ? 4 : 16;

	assert_int_equal(p->family, family);
	assert_int_equal(p->plen, plen);
	assert_bytes(p->addr, addr_hex, n);
	assert_bytes(p->mask, mask_hex, n);
	/* v4: the rest of the 16 bytes stays zero. */
	assert_memory_equal(p->addr + n, zeros, 16 - n);
	assert_memory_equal(p->mask + n, zeros, 16 - n);
	assert_memory_equal(p->pad, zeros, sizeof(p->pad));
}

static void test_src_v4(void **state)
{
	(void)state;
	load_ok("[rule s]\n"
		"src = 0.0.0.0/0, 198.0.0.0/7, 198.18.0.1/32, 198.18.0.2,"
		" 198.18.0.0/15, 203.0.113.128/25\n"
		"action = drop\n");
	assert_int_equal(st.rules[0].keys, SL_KEY_SRC);
	assert_int_equal(st.rules[0].n_prefixes, 6);
	check_prefix(&st.rules[0].prefixes[0], 4, 0, "00000000", "00000000");
	check_prefix(&st.rules[0].prefixes[1], 4, 7, "c6000000", "fe000000");
	check_prefix(&st.rules[0].prefixes[2], 4, 32, "c6120001", "ffffffff");
	check_prefix(&st.rules[0].prefixes[3], 4, 32, "c6120002", "ffffffff");
	check_prefix(&st.rules[0].prefixes[4], 4, 15, "c6120000", "fffe0000");
	check_prefix(&st.rules[0].prefixes[5], 4, 25, "cb007180", "ffffff80");
}

static void test_src_v6(void **state)
{
	(void)state;
	load_ok("[rule s]\n"
		"src = ::/0, fc00::/7, 2001:2:0:1::/64, 2001:2::1/128,"
		" 2001:2::ff, 2001:2::/48, ::ffff:198.18.0.0/120\n"
		"action = drop\n");
	assert_int_equal(st.rules[0].n_prefixes, 7);
	check_prefix(&st.rules[0].prefixes[0], 6, 0,
		     "00000000000000000000000000000000",
		     "00000000000000000000000000000000");
	check_prefix(&st.rules[0].prefixes[1], 6, 7,
		     "fc000000000000000000000000000000",
		     "fe000000000000000000000000000000");
	check_prefix(&st.rules[0].prefixes[2], 6, 64,
		     "20010002000000010000000000000000",
		     "ffffffffffffffff0000000000000000");
	check_prefix(&st.rules[0].prefixes[3], 6, 128,
		     "20010002000000000000000000000001",
		     "ffffffffffffffffffffffffffffffff");
	check_prefix(&st.rules[0].prefixes[4], 6, 128,
		     "200100020000000000000000000000ff",
		     "ffffffffffffffffffffffffffffffff");
	check_prefix(&st.rules[0].prefixes[5], 6, 48,
		     "20010002000000000000000000000000",
		     "ffffffffffff00000000000000000000");
	check_prefix(&st.rules[0].prefixes[6], 6, 120,
		     "00000000000000000000ffffc6120000",
		     "ffffffffffffffffffffffffffffff00");
}

static void test_src_errors(void **state)
{
	static const struct err_case cases[] = {
		{ "[rule s]\nsrc = 198.18.0.1/15\n", 2, "198.18.0.1/15 has host bits set; did you mean 198.18.0.0/15?" },
		{ "[rule s]\nsrc = 198.19.0.0/15\n", 2, "did you mean 198.18.0.0/15?" },
		{ "[rule s]\nsrc = 1.2.3.4/0\n", 2, "did you mean 0.0.0.0/0?" },
		{ "[rule s]\nsrc = 2001:2::1/48\n", 2, "2001:2::1/48 has host bits set; did you mean 2001:2::/48?" },
		{ "[rule s]\nsrc = fd00::/7\n", 2, "did you mean fc00::/7?" },
		{ "[rule s]\nsrc = 198.18.0.0/33\n", 2, "'33' is not a prefix length (0..32)" },
		{ "[rule s]\nsrc = 2001:2::/129\n", 2, "'129' is not a prefix length (0..128)" },
		{ "[rule s]\nsrc = 198.18.0.0/\n", 2, "'' is not a prefix length" },
		{ "[rule s]\nsrc = 198.18.0.0/x\n", 2, "'x' is not a prefix length" },
		{ "[rule s]\nsrc = 198.18.0.0/-1\n", 2, "is not a prefix length" },
		{ "[rule s]\nsrc = 198.18.0.0/15/2\n", 2, "is not a prefix length" },
		{ "[rule s]\nsrc = 198.18.0\n", 2, "'198.18.0' is not an IPv4 address" },
		{ "[rule s]\nsrc = gateway\n", 2, "'gateway' is not an IPv4 address" },
		{ "[rule s]\nsrc = 2001:2:::1\n", 2, "'2001:2:::1' is not an IPv6 address" },
		{ "[rule s]\nsrc = /8\n", 2, "'' is not an IPv4 address" },
		{ "[rule s]\nsrc = 198.18.0.0/15, 198.18.0.0/15\n", 2, "198.18.0.0/15 is listed twice" },
		{ "[rule s]\nsrc = 198.18.0.1, 198.18.0.1/32\n", 2, "is listed twice" },
		{ "[rule s]\nsrc = 198.18.0.1,\n", 2, "empty item" },
	};
	char text[256];

	(void)state;
	RUN_ERR_CASES(cases);
	snprintf(text, sizeof(text), "[rule s]\nsrc = %s\n", rep('1', 64));
	expect_err(text, 2, "is not an IPv4/IPv6 address or prefix");
}

/*
 * Every list filled to its limit, written against the constants (they
 * may grow): N entries are all kept, in order, the last one included;
 * N + 1 are refused with the limit named.
 */
enum list_kind { L_SL_PORTS, L_SRC, L_RULE_PORTS, L_VIAS, L_CODES };

/* Each list as a file writes it: head, then items (item % (first + i)),
 * separated by sep. */
static const struct {
	unsigned int limit;
	const char *err;	/* "KEY: more than %u WHAT" */
	unsigned int line;	/* of the list */
	const char *head;
	const char *item;
	unsigned int first;
	const char *sep;
} lists[] = {
	[L_SL_PORTS]	= { SL_MAX_PORTS, "ports: more than %u ports", 2,
			    "[sl]\nports = ", "%u", 5060, ", " },
	[L_SRC]		= { SL_MAX_PREFIXES, "src: more than %u prefixes", 2,
			    "[rule s]\nsrc = ", "198.18.%u.0/24", 0, ", " },
	/* [sl] ports = 5060 here; test_list_limits lists them all */
	[L_RULE_PORTS]	= { SL_MAX_PORTS, "port: more than %u ports", 4,
			    "[sl]\nports = 5060\n[rule p]\nport = ", "%u", 5060, ", " },
	[L_VIAS]	= { SL_FWD_VIAS, "via: more than %u addresses", 3,
			    "[forward]\npeers = 198.18.0.0/15\nvia = ", "198.18.0.%u:5060", 1, ", " },
	[L_CODES]	= { SL_REWRITE_CODES, "code: more than %u codes", 6,
			    "[forward]\nvia = 198.18.0.1\npeers = 198.18.0.0/15\n[rewrite r]\nreply = 400 Nope\ncode = ",
			    "%u", 400, " " },
};

static void list_text(enum list_kind k, unsigned int n, char *buf, size_t cap)
{
	size_t o = (size_t)snprintf(buf, cap, "%s", lists[k].head);
	unsigned int i;

	for (i = 0; i < n && o < cap; i++) {
		if (i)
			o += (size_t)snprintf(buf + o, cap - o, "%s", lists[k].sep);
		if (o < cap)
			o += (size_t)snprintf(buf + o, cap - o, lists[k].item,
					      lists[k].first + i);
	}
	if (o < cap)
		o += (size_t)snprintf(buf + o, cap - o, "\n");
	assert_true(o < cap);
}

static void test_list_limits(void **state)
{
	static char text[4096];
	char err[96];
	unsigned int k, n;

	(void)state;
	for (k = 0; k < sizeof(lists) / sizeof(lists[0]); k++) {
		n = lists[k].limit;
		list_text(k, n, text, sizeof(text));
		if (k == L_RULE_PORTS) {
			/* [sl] ports must list the rule's: make it the same list */
			static char both[4096];

			list_text(L_SL_PORTS, n, both, sizeof(both));
			snprintf(both + strlen(both), sizeof(both) - strlen(both),
				 "%s", strstr(text, "[rule p]"));
			load_ok(both);
		} else {
			load_ok(text);
		}
		switch (k) {
		case L_SL_PORTS:
			assert_int_equal(st.dp.n_ports, n);
			assert_int_equal(st.dp.ports[n - 1], 5060 + n - 1);
			break;
		case L_SRC:
			assert_int_equal(st.rules[0].n_prefixes, n);
			assert_int_equal(st.rules[0].prefixes[n - 1].addr[2], n - 1);
			assert_int_equal(st.rules[0].prefixes[n - 1].plen, 24);
			break;
		case L_RULE_PORTS:
			assert_int_equal(st.rules[0].n_ports, n);
			assert_int_equal(st.rules[0].ports[n - 1], 5060 + n - 1);
			break;
		case L_VIAS:
			assert_int_equal(st.dp.fwd.n_vias, n);
			assert_int_equal(st.dp.fwd.vias[n - 1].addr[3], n);
			break;
		case L_CODES:
			assert_int_equal(st.dp.fwd.rewrites[0].n_codes, n);
			assert_int_equal(st.dp.fwd.rewrites[0].codes[n - 1], 400 + n - 1);
			break;
		}
		/* one more: refused, the limit named */
		list_text(k, n + 1, text, sizeof(text));
		snprintf(err, sizeof(err), lists[k].err, n);
		expect_err(text, lists[k].line, err);
	}
}

static void test_port(void **state)
{
	static const struct err_case cases[] = {
		{ "[sl]\nports = 5060\n[rule p]\nport = 5070\n", 4, "port: 5070 is not one of the [sl] ports, so rule 'p' could never match" },
		/* Checked after the whole file, reported at the rule's line. */
		{ "[rule p]\nport = 5060, 5070\n[sl]\nports = 5070\n", 2, "port: 5060 is not one of the [sl] ports" },
		{ "[rule p]\nport = 5060, 5060\n", 2, "port 5060 is listed twice" },
		{ "[rule p]\nport = 0\n", 2, "'0' is not a port number" },
	};

	(void)state;
	load_ok("[rule p]\nport = 5070, 5060\n[sl]\nports = 5060,5070,5080\n");
	assert_int_equal(st.rules[0].keys, SL_KEY_PORT);
	assert_int_equal(st.rules[0].n_ports, 2);
	assert_int_equal(st.rules[0].ports[0], 5070);
	assert_int_equal(st.rules[0].ports[1], 5060);
	assert_int_equal(st.rules[0].ports[2], 0);

	load_ok("[rule p]\nport = 5060\n");	/* default [sl] ports */
	assert_int_equal(st.rules[0].ports[0], 5060);
	RUN_ERR_CASES(cases);
}

static void test_ruri_user_prefix(void **state)
{
	static const struct err_case cases[] = {
		{ "[rule r]\nruri_user_prefix = +49 30\n", 2, "cannot be the start of a URI user part" },
		{ "[rule r]\nruri_user_prefix = alice@\n", 2, "cannot be the start of a URI user part" },
		{ "[rule r]\nruri_user_prefix =\n", 2, "'ruri_user_prefix' needs a value" },
	};
	char text[128];

	(void)state;
	load_ok("[rule r]\nruri_user_prefix = +49\n");
	assert_int_equal(st.rules[0].keys, SL_KEY_RURI_USER);
	assert_match(&st.rules[0].ruri_user_prefix, "+49");
	assert_int_equal(st.rules[0].ruri_user_prefix.prefix, 1);
	assert_int_equal(st.dp.rules_need, SL_NEED_RURI_USER);

	load_ok("[rule r]\nruri_user_prefix = Alice%20\n");	/* as written */
	assert_match(&st.rules[0].ruri_user_prefix, "Alice%20");

	snprintf(text, sizeof(text), "[rule r]\nruri_user_prefix = %s\n",
		 rep('9', SL_MATCH_STR_MAX));
	load_ok(text);
	assert_int_equal(st.rules[0].ruri_user_prefix.len, SL_MATCH_STR_MAX);
	snprintf(text, sizeof(text), "[rule r]\nruri_user_prefix = %s\n",
		 rep('9', SL_MATCH_STR_MAX + 1));
	expect_err(text, 2, "too long (33 bytes, at most 32)");
	RUN_ERR_CASES(cases);
}

/* 64 patterns of 32 bytes with no common prefix (2049 states, the most
 * the trie can have) fit the table's 2048 rows; each is found, as the
 * rule it belongs to, in either case, and one byte short of it nowhere;
 * "a" inside "xAx" is found by a walk that entered other states first. */
static void test_ua_automaton_full(void **state)
{
	static const char first[] = "0123456789abcdefghijklmnopqrstuvwxyz"
				    "!#$%&()*+,-./:;<=>?@[]^_{|}~";
	struct sl_rule *rules = calloc(SL_MAX_RULES, sizeof(*rules));
	struct sl_ua_dfa *dfa = malloc(sizeof(*dfa));
	__u8 v[2 * SL_MATCH_STR_MAX];
	char err[128];
	unsigned int r, i;

	(void)state;
	assert_non_null(rules);
	assert_non_null(dfa);
	assert_true(sizeof(first) - 1 >= SL_MAX_RULES);
	for (r = 0; r < SL_MAX_RULES; r++) {
		struct sl_match_str *p = &rules[r].user_agent;

		rules[r].keys = SL_KEY_USER_AGENT;
		p->len = SL_MATCH_STR_MAX;
		p->bytes[0] = (__u8)first[r];
		for (i = 1; i < SL_MATCH_STR_MAX; i++)
			p->bytes[i] = (__u8)('a' + (r + i) % 26);
	}
	assert_int_equal(sl_ua_automaton_build(rules, SL_MAX_RULES, dfa, err,
					       sizeof(err)), 0);
	assert_int_equal(dfa->n_states, SL_MAX_RULES * SL_MATCH_STR_MAX + 1);
	for (r = 0; r < SL_MAX_RULES; r++) {
		const struct sl_match_str *p = &rules[r].user_agent;

		memset(v, 'z', sizeof(v));
		for (i = 0; i < SL_MATCH_STR_MAX; i++)
			v[5 + i] = p->bytes[i] >= 'a' && p->bytes[i] <= 'z' ?
				   p->bytes[i] - 'a' + 'A' : p->bytes[i];
		assert_true(sl_ua_automaton_run(dfa, v, sizeof(v)) &
			    1ULL << r);
		v[5 + SL_MATCH_STR_MAX - 1] = '~';
		assert_false(sl_ua_automaton_run(dfa, v, sizeof(v)) &
			     1ULL << r);
	}
	memset(rules, 0, SL_MAX_RULES * sizeof(*rules));
	rules[3].keys = SL_KEY_USER_AGENT;
	rules[3].user_agent.len = 1;
	rules[3].user_agent.bytes[0] = 'a';
	rules[5].keys = SL_KEY_USER_AGENT;
	rules[5].user_agent.len = 2;
	memcpy(rules[5].user_agent.bytes, "xa", 2);
	assert_int_equal(sl_ua_automaton_build(rules, 6, dfa, err,
					       sizeof(err)), 0);
	assert_int_equal(sl_ua_automaton_run(dfa, (const __u8 *)"xAx", 3),
			 1ULL << 3 | 1ULL << 5);
	assert_int_equal(sl_ua_automaton_run(dfa, (const __u8 *)"yyx", 3), 0);
	free(dfa);
	free(rules);
}

static void test_user_agent(void **state)
{
	char text[128];

	(void)state;
	load_ok("[rule ua]\nuser_agent = Friendly-Scanner 1.0\n");
	assert_int_equal(st.rules[0].keys, SL_KEY_USER_AGENT);
	assert_int_equal(st.dp.rules_need, SL_NEED_USER_AGENT);
	assert_match(&st.rules[0].user_agent, "friendly-scanner 1.0");
	/* Non-ASCII bytes are kept as they are. */
	load_ok("[rule ua]\nuser_agent = \xc3\x84X\n");
	assert_match(&st.rules[0].user_agent, "\xc3\x84x");

	snprintf(text, sizeof(text), "[rule ua]\nuser_agent = %s\n",
		 rep('U', SL_MATCH_STR_MAX));
	load_ok(text);
	assert_memory_equal(st.rules[0].user_agent.bytes,
			    rep('u', SL_MATCH_STR_MAX), SL_MATCH_STR_MAX);
	snprintf(text, sizeof(text), "[rule ua]\nuser_agent = %s\n",
		 rep('U', SL_MATCH_STR_MAX + 1));
	expect_err(text, 2, "user_agent: value is too long (33 bytes, at most 32)");
	expect_err("[rule ua]\nuser_agent =\n", 2, "'user_agent' needs a value");
}

static void test_reply(void **state)
{
	static const struct err_case cases[] = {
		{ "[rule r]\nreply = 099 Early\n", 2, "'099 Early' is not 'CODE REASON' with CODE 100..699" },
		{ "[rule r]\nreply = 700 Nope\n", 2, "is not 'CODE REASON'" },
		{ "[rule r]\nreply = 200OK\n", 2, "'200OK' is not 'CODE REASON'" },
		{ "[rule r]\nreply = 20\n", 2, "'20' is not 'CODE REASON'" },
		{ "[rule r]\nreply = OK\n", 2, "is not 'CODE REASON'" },
		{ "[rule r]\nreply = 2000 OK\n", 2, "is not 'CODE REASON'" },
		{ "[rule r]\nreply = 299\n", 2, "299 has no standard reason phrase; write 'reply = 299 REASON'" },
		{ "[rule r]\nreply = 499 ; no reason\n", 2, "499 has no standard reason phrase" },
		{ "[rule r]\nreply =\n", 2, "'reply' needs a value" },
		{ "[rule r]\nreply = 200 OK\nreply = 404\n", 3, "'reply' is already set at line 2 (only 'header' and 'method' may repeat)" },
	};
	char text[256];

	(void)state;
	load_ok("[rule r]\nreply = 200 OK\n");
	assert_int_equal(st.rules[0].action, SL_ACTION_REPLY);
	assert_int_equal(st.rules[0].reply_code, 200);
	assert_int_equal(st.rules[0].keys, 0);	/* reply is not a match key */
	assert_int_equal(st.replies[0].code, 200);
	assert_string_equal(st.replies[0].reason, "OK");

	load_ok("[rule r]\nreply = 302\t Moved  Temporarily \n");
	assert_int_equal(st.replies[0].code, 302);
	assert_string_equal(st.replies[0].reason, "Moved  Temporarily");

	load_ok("[rule r]\nreply = 699 Custom; with \"odd\" #chars\n");
	assert_string_equal(st.replies[0].reason, "Custom; with \"odd\" #chars");

	load_ok("[rule r]\nreply = 481\n");
	assert_string_equal(st.replies[0].reason, "Call/Transaction Does Not Exist");
	load_ok("[rule r]\nreply = 100\n");
	assert_string_equal(st.replies[0].reason, "Trying");
	load_ok("[rule r]\nreply = 606\n");
	assert_string_equal(st.replies[0].reason, "Not Acceptable");

	snprintf(text, sizeof(text), "[rule r]\nreply = 600 %s\n",
		 rep('x', 127));
	load_ok(text);
	assert_int_equal(strlen(st.replies[0].reason), 127);
	snprintf(text, sizeof(text), "[rule r]\nreply = 600 %s\n",
		 rep('x', 128));
	expect_err(text, 2, "reply: value is too long (128 characters, at most 127)");

	RUN_ERR_CASES(cases);
}

static void test_std_reasons(void **state)
{
	(void)state;
	assert_string_equal(sl_std_reason(180), "Ringing");
	assert_string_equal(sl_std_reason(183), "Session Progress");
	assert_string_equal(sl_std_reason(401), "Unauthorized");
	assert_string_equal(sl_std_reason(407), "Proxy Authentication Required");
	assert_string_equal(sl_std_reason(414), "Request-URI Too Long");
	assert_string_equal(sl_std_reason(488), "Not Acceptable Here");
	assert_string_equal(sl_std_reason(500), "Server Internal Error");
	assert_string_equal(sl_std_reason(503), "Service Unavailable");
	assert_string_equal(sl_std_reason(504), "Server Time-out");
	assert_string_equal(sl_std_reason(513), "Message Too Large");
	assert_string_equal(sl_std_reason(604), "Does Not Exist Anywhere");
	assert_null(sl_std_reason(0));
	assert_null(sl_std_reason(199));
	assert_null(sl_std_reason(202));	/* RFC 3265, not 3261 */
	assert_null(sl_std_reason(422));
	assert_null(sl_std_reason(700));
}

static void test_header(void **state)
{
	static const struct err_case cases[] = {
		{ "[rule h]\nheader = Retry-After 30\n", 2, "'Retry-After 30' is not a header line (expected 'Name: value')" },
		{ "[rule h]\nheader = : 30\n", 2, "does not start with a header name" },
		{ "[rule h]\nheader = Re(try): 30\n", 2, "is not a header line" },
		{ "[rule h]\nheader = Via: SIP/2.0/UDP 198.18.0.1\n", 2, "the responder writes Via itself" },
		{ "[rule h]\nheader = content-length: 5\n", 2, "writes content-length itself" },
		{ "[rule h]\nheader = l: 5\n", 2, "writes l itself" },
		{ "[rule h]\nheader = Call-ID: x\n", 2, "writes Call-ID itself" },
		{ "[rule h]\nheader = CSEQ: 1 INVITE\n", 2, "writes CSEQ itself" },
		{ "[rule h]\nheader = f: <sip:a@example.com>\n", 2, "writes f itself" },
		{ "[rule h]\nheader =\n", 2, "'header' needs a value" },
	};
	char text[2048];
	size_t off, i;

	(void)state;
	load_ok("[rule h]\n"
		"reply = 302 Moved Temporarily\n"
		"header = Contact: <sip:gw2.example.net>\n"
		"header = Retry-After: 30 ;comment\n"
		"header = X-Empty:\n"
		"header = X-Semi : a;b\n");
	assert_string_equal(st.replies[0].headers,
			    "Contact: <sip:gw2.example.net>\r\n"
			    "Retry-After: 30\r\n"
			    "X-Empty:\r\n"
			    "X-Semi : a;b\r\n");
	assert_int_equal(st.replies[0].headers_len,
			 strlen(st.replies[0].headers));
	assert_int_equal(st.rules[0].keys, 0);

	/* Header-ish names that are not reserved are fine. */
	load_ok("[rule h]\nheader = Viaduct: 1\nheader = Tox: 2\n");
	assert_string_equal(st.replies[0].headers, "Viaduct: 1\r\nTox: 2\r\n");

	RUN_ERR_CASES(cases);

	/* 1023 bytes of headers fit (NUL makes 1024); one more does not. */
	off = snprintf(text, sizeof(text), "[rule h]\n");
	for (i = 0; i < 5; i++)		/* 5 * (5 + 182 + 2) = 945 */
		off += snprintf(text + off, sizeof(text) - off,
				"header = X-%d: %s\n", (int)i, rep('v', 182));
	/* 945 + 5 + 71 + 2 = 1023 */
	off += snprintf(text + off, sizeof(text) - off, "header = X-9: %s\n",
			rep('v', 71));
	load_ok(text);
	assert_int_equal(st.replies[0].headers_len, 1023);
	assert_int_equal(strlen(st.replies[0].headers), 1023);
	snprintf(text + off, sizeof(text) - off, "header = Y: z\n");
	expect_err(text, 8, "extra headers of rule 'h' exceed 1023 bytes");
}

static void test_action(void **state)
{
	static const struct err_case cases[] = {
		{ "[rule a]\naction = reject\n", 2, "'reject' is not an action (pass, drop or reply)" },
		{ "[rule a]\naction = drop\naction = drop\n", 3, "'action' is already set at line 2" },
		{ "[rule a]\nreply = 403 Forbidden\naction = drop\n", 3, "action = drop conflicts with reply at line 2" },
		{ "[rule a]\nheader = X-A: 1\n\naction = pass\n", 4, "action = pass conflicts with header at line 2" },
		{ "[rule a]\naction = drop\nreply = 403 Forbidden\n", 3, "reply: rule 'a' has action = drop (line 2); reply needs action = reply" },
		{ "[rule a]\naction = pass\nheader = X-A: 1\n", 3, "header: rule 'a' has action = pass (line 2); header needs action = reply" },
	};

	(void)state;
	load_ok("[rule a]\naction = reply\nreply = 486\n"
		"[rule b]\naction = drop\n[rule c]\naction = pass\n"
		"[rule d]\nreply = 403 Forbidden\naction = reply\n");
	assert_int_equal(st.rules[0].action, SL_ACTION_REPLY);
	assert_int_equal(st.rules[0].reply_code, 486);
	assert_string_equal(st.replies[0].reason, "Busy Here");
	assert_int_equal(st.rules[1].action, SL_ACTION_DROP);
	assert_int_equal(st.rules[1].reply_code, 0);
	assert_int_equal(st.replies[1].code, 0);
	assert_int_equal(st.rules[2].action, SL_ACTION_PASS);
	assert_int_equal(st.rules[3].action, SL_ACTION_REPLY);
	assert_int_equal(st.rules[3].reply_code, 403);
	RUN_ERR_CASES(cases);
}

static void test_all_keys_in_rule(void **state)
{
	(void)state;
	load_ok("[sl]\nports = 5060, 5080\n"
		"[rule every]\n"
		"method = INVITE\n"
		"src = 198.18.0.0/15\n"
		"port = 5080\n"
		"ruri_user_prefix = 00\n"
		"user_agent = Bot\n"
		"reply = 503 Service Unavailable\n"
		"header = Retry-After: 60\n"
		"action = reply\n");
	assert_int_equal(st.rules[0].keys,
			 SL_KEY_METHOD | SL_KEY_SRC | SL_KEY_PORT |
			 SL_KEY_RURI_USER | SL_KEY_USER_AGENT);
	assert_int_equal(st.rules[0].reply_code, 503);
	assert_string_equal(st.replies[0].headers, "Retry-After: 60\r\n");
	assert_int_equal(st.dp.rules_need, SL_NEED_USER_AGENT | SL_NEED_RURI_USER |
			 SL_NEED_METHOD);
}

/* DESIGN.md section 5, verbatim. */
static void test_design_example(void **state)
{
	(void)state;
	load_ok("[sl]\n"
		"ports = 5060                      ; UDP ports served (comma list)\n"
		"default_code = 500                ; Kamailio's default_code\n"
		"default_reason = Internal Server Error\n"
		"server_header = Server: sl-xdp    ; whole header line; empty = no Server header\n"
		"tag_seed = KAMAILIO-stateless     ; MD5 input = tag_seed + tag_addr ip text + port text\n"
		"tag_addr = 198.18.0.1:5060        ; default: first IPv4 address of the interface, first port\n"
		"ack_window = 2s\n"
		"default_action = pass             ; for requests no rule matches: pass | drop | reply\n"
		"rate_limit = 0                    ; replies per second to any one source address; 0 = unlimited\n"
		"burst = 0                         ; token-bucket depth for rate_limit\n"
		"\n"
		"[rule options-ping]               ; rules are tried in file order; first match wins\n"
		"method = OPTIONS\n"
		"reply = 200 OK\n"
		"\n"
		"[rule scanners]\n"
		"user_agent = friendly-scanner     ; substring of the User-Agent value\n"
		"reply = 403 Forbidden\n"
		"\n"
		"[rule redirect-de]\n"
		"method = INVITE\n"
		"ruri_user_prefix = +49\n"
		"reply = 302 Moved Temporarily\n"
		"header = Contact: <sip:gw2.example.net>\n"
		"\n"
		"[rule blocked]\n"
		"src = 203.0.113.0/24, 2001:db8::/32\n"
		"action = drop\n");
	assert_string_equal(st.tag_addr_ip, "198.18.0.1");
	assert_string_equal(st.tag_addr_port, "5060");
	assert_int_equal(st.dp.n_rules, 4);
	assert_string_equal(st.replies[2].name, "redirect-de");
	assert_int_equal(st.replies[2].line, 21);
	assert_int_equal(st.rules[2].keys, SL_KEY_METHOD | SL_KEY_RURI_USER);
	assert_match(&st.rules[2].ruri_user_prefix, "+49");
	assert_string_equal(st.replies[2].headers,
			    "Contact: <sip:gw2.example.net>\r\n");
	assert_int_equal(st.rules[3].action, SL_ACTION_DROP);
	check_prefix(&st.rules[3].prefixes[1], 6, 32,
		     "20010db8000000000000000000000000",
		     "ffffffff000000000000000000000000");
}

/* ---- [forward] and [rewrite NAME] ---- */

static void check_fwd_off(const struct sl_settings *s)
{
	static const struct sl_fwd_config off;

	assert_memory_equal(&s->dp.fwd, &off, sizeof(off));
}

static void test_forward_via(void **state)
{
	static const struct {
		const char *via;
		int family;
		const char *addr_hex;
		unsigned port;
	} ok[] = {
		{ "198.18.0.1:5070", 4, "c6120001", 5070 },
		{ "198.18.0.1", 4, "c6120001", 5060 },		/* default port */
		{ "198.18.0.1:05080", 4, "c6120001", 5080 },
		{ "[2001:2::1]:5062", 6, "20010002000000000000000000000001", 5062 },
		{ "[2001:2::1]", 6, "20010002000000000000000000000001", 5060 },
		{ "2001:2::1", 6, "20010002000000000000000000000001", 5060 },
		/* without brackets the last group is part of the address */
		{ "2001:2::1:5062", 6, "20010002000000000000000000015062", 5060 },
	};
	static const __u8 zeros[16];
	char text[128];
	size_t i, n;

	(void)state;
	/* No [forward]: everything zero, reply forwarding off. */
	load_ok("[sl]\nports = 5060\n[rule a]\n");
	check_fwd_off(&st);

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text), "[forward]\nvia = %s\npeers = 198.18.0.2\n",
			 ok[i].via);
		load_ok(text);
		n = ok[i].family == 4 ? 4 : 16;
		assert_int_equal(st.dp.fwd.enabled, 1);
		assert_int_equal(st.dp.fwd.n_vias, 1);
		assert_int_equal(st.dp.fwd.vias[0].family, ok[i].family);
		assert_bytes(st.dp.fwd.vias[0].addr, ok[i].addr_hex, n);
		assert_memory_equal(st.dp.fwd.vias[0].addr + n, zeros, 16 - n);
		assert_int_equal(st.dp.fwd.vias[0].port, ok[i].port);
		assert_int_equal(st.dp.fwd.n_rewrites, 0);
		assert_memory_equal(st.dp.fwd.pad, zeros, sizeof(st.dp.fwd.pad));
		assert_int_equal(st.dp.fwd.n_peers, 1);
		assert_int_equal(st.dp.fwd.allow_redirect, 0);
		/* the rest of the settings is untouched */
		assert_int_equal(st.dp.n_ports, 1);
		assert_int_equal(st.dp.n_rules, 0);
	}

	/* A dual-stack proxy: one sent-by per family, in file order. */
	load_ok("[forward]\nvia = 198.18.0.1:5062 ,[2001:2::1], 198.18.0.2\n"
		"peers = 198.18.0.0/24\n");
	assert_int_equal(st.dp.fwd.n_vias, 3);
	assert_int_equal(st.dp.fwd.vias[0].family, 4);
	assert_int_equal(st.dp.fwd.vias[0].port, 5062);
	assert_int_equal(st.dp.fwd.vias[1].family, 6);
	assert_bytes(st.dp.fwd.vias[1].addr, "20010002000000000000000000000001", 16);
	assert_int_equal(st.dp.fwd.vias[1].port, 5060);
	assert_bytes(st.dp.fwd.vias[2].addr, "c6120002", 4);
	assert_memory_equal(st.dp.fwd.vias[2].addr + 4, zeros, 12);
	{
		static const struct sl_fwd_via unused;

		assert_memory_equal(&st.dp.fwd.vias[3], &unused, sizeof(unused));
	}

	/* [forward] anywhere in the file, between other sections. */
	load_ok("[rule a]\nmethod = OPTIONS\n[forward]\nvia = 198.18.0.2\n"
		"peers = 198.18.0.0/24\n[sl]\nports = 5070\n");
	assert_int_equal(st.dp.fwd.enabled, 1);
	assert_bytes(st.dp.fwd.vias[0].addr, "c6120002", 4);
	assert_int_equal(st.dp.fwd.vias[0].port, 5060);
	assert_int_equal(st.dp.ports[0], 5070);
	assert_string_equal(mask_names(&st.rules[0]), "OPTIONS");
}

/* [metrics] listen: where serve-metrics listens; off without it */
static void test_metrics(void **state)
{
	static const struct err_case cases[] = {
		{ "[metrics]\nlisten = 127.0.0.1\n", 2, "listen: '127.0.0.1' has no port" },
		{ "[metrics]\nlisten = [::1]\n", 2, "listen: '[::1]' has no port" },
		{ "[metrics]\nlisten = localhost:9494\n", 2, "is a host name" },
		{ "[metrics]\nlisten = 127.0.0.1:0\n", 2, "is not a port number" },
		{ "[metrics]\nlisten = 127.0.0.1:9494\nlisten = 127.0.0.1:9495\n", 3, "'listen' is already set at line 2" },
		{ "[metrics]\n[metrics]\n", 2, "second [metrics] section (the first is at line 1)" },
		{ "[metrics]\nbind = 9494\n", 2, "unknown key 'bind' in [metrics]" },
		{ "[sl]\nlisten = 127.0.0.1:9494\n", 2, "'listen' belongs in [metrics], not in [sl]" },
	};
	static struct sl_settings s;
	char err[256];

	(void)state;
	RUN_ERR_CASES(cases);
	assert_int_equal(sl_settings_load_string("[sl]\n", "t.conf", &s, err, sizeof(err)), 0);
	assert_string_equal(s.metrics_listen, "");
	assert_int_equal(sl_settings_load_string("[metrics]\nlisten = 198.18.0.1:9494\n",
						 "t.conf", &s, err, sizeof(err)), 0);
	assert_string_equal(s.metrics_listen, "198.18.0.1:9494");
	assert_int_equal(sl_settings_load_string("[metrics]\nlisten = [2001:2::1]:9494 ; v6\n",
						 "t.conf", &s, err, sizeof(err)), 0);
	assert_string_equal(s.metrics_listen, "[2001:2::1]:9494");
}

/* [hep]: where HEP3 copies go; off without the section, dest required */
static void test_hep(void **state)
{
	static const struct err_case cases[] = {
		{ "[hep]\ncapture_id = 2\n", 1, "[hep] has no 'dest'" },
		{ "[hep]\ndest = homer:9060\n", 2, "is a host name" },
		{ "[hep]\ndest = 198.18.0.9:0\n", 2, "is not a port number" },
		{ "[hep]\ndest = 198.18.0.9\ndest = 198.18.0.8\n", 3, "'dest' is already set at line 2" },
		{ "[hep]\ndest = 198.18.0.9\n[hep]\n", 3, "second [hep] section (the first is at line 1)" },
		{ "[hep]\ndest = 198.18.0.9\ncapture_id = -1\n", 3, "capture_id: '-1' is not a number" },
		{ "[hep]\ndest = 198.18.0.9\ncapture_id = 4294967296\n", 3, "capture_id: '4294967296' is not a number" },
		{ "[hep]\ndest = 198.18.0.9\nauth_key = k\xc3\xa9y\n", 3, "byte 0xc3 is not printable ASCII" },
		{ "[hep]\ndest = 198.18.0.9\nsample = 100.01\n", 3, "sample: '100.01' is not a percentage" },
		{ "[hep]\ndest = 198.18.0.9\nsample = 101\n", 3, "is not a percentage" },
		{ "[hep]\ndest = 198.18.0.9\nsample = 0.001\n", 3, "is not a percentage" },
		{ "[hep]\ndest = 198.18.0.9\nsample = 5.\n", 3, "is not a percentage" },
		{ "[hep]\ndest = 198.18.0.9\nsample = .5\n", 3, "is not a percentage" },
		{ "[hep]\ndest = 198.18.0.9\nsample = 50%\n", 3, "is not a percentage" },
		{ "[hep]\ndest = 198.18.0.9\nhost = homer\n", 3, "unknown key 'host' in [hep]" },
		{ "[sl]\ncapture_id = 1\n", 2, "'capture_id' belongs in [hep], not in [sl]" },
	};
	static struct sl_settings s;
	static const struct {
		const char *text;
		int family;
		const char *addr_hex;
		unsigned port, capture_id, sample;
		const char *auth_key;
	} ok[] = {
		{ "[hep]\ndest = 198.18.0.9\n", AF_INET, "c6120009", 9060, 1, 10000, "" },
		{ "[hep]\ndest = 198.18.0.9:9999\ncapture_id = 4294967295\nauth_key = s3cr3t!\nsample = 50\n",
		  AF_INET, "c6120009", 9999, 4294967295u, 5000, "s3cr3t!" },
		{ "[hep]\ndest = [2001:2::9]:19060\nsample = 0.01\n", AF_INET6,
		  "20010002000000000000000000000009", 19060, 1, 1, "" },
		{ "[hep]\ndest = 2001:2::9\nsample = 12.5\n", AF_INET6,
		  "20010002000000000000000000000009", 9060, 1, 1250, "" },
		{ "[hep]\ndest = 198.18.0.9\nsample = 0\n", AF_INET, "c6120009", 9060, 1, 0, "" },
		{ "[hep]\ndest = 198.18.0.9\nsample = 100.00\n", AF_INET, "c6120009", 9060, 1, 10000, "" },
	};
	char err[256], text[256];

	(void)state;
	RUN_ERR_CASES(cases);
	/* auth_key: at most 64 bytes (HEP3_AUTH_KEY_MAX), never cut short */
	snprintf(text, sizeof(text), "[hep]\ndest = 198.18.0.9\nauth_key = %s\n", rep('k', 65));
	assert_int_equal(sl_settings_load_string(text, "t.conf", &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "t.conf:3: auth_key"));
	snprintf(text, sizeof(text), "[hep]\ndest = 198.18.0.9\nauth_key = %s\n", rep('k', 64));
	assert_int_equal(sl_settings_load_string(text, "t.conf", &s, err, sizeof(err)), 0);
	assert_int_equal(strlen(s.hep.auth_key), 64);
	assert_int_equal(sl_settings_load_string("[sl]\n", "t.conf", &s, err, sizeof(err)), 0);
	assert_false(s.hep.enabled);
	assert_int_equal(s.hep.capture_id, 1);
	assert_int_equal(s.hep.sample, SL_HEP_SAMPLE_ALL);
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (sl_settings_load_string(ok[i].text, "t.conf", &s, err, sizeof(err)))
			fail_msg("%s: %s", ok[i].text, err);
		assert_true(s.hep.enabled);
		assert_int_equal(s.hep.family, ok[i].family);
		assert_bytes(s.hep.addr, ok[i].addr_hex, ok[i].family == AF_INET ? 4 : 16);
		assert_int_equal(s.hep.port, ok[i].port);
		assert_int_equal(s.hep.capture_id, ok[i].capture_id);
		assert_int_equal(s.hep.sample, ok[i].sample);
		assert_string_equal(s.hep.auth_key, ok[i].auth_key);
	}
}

/* [ban]: rate, burst, time, trusted; the image's GCRA terms; off
 * (zero) without the section */
static void test_ban(void **state)
{
	static const struct err_case cases[] = {
		{ "[ban]\nrate = fast\n", 2, "rate" },
		{ "[ban]\ntime = 0s\n", 2, "time: 0s is out of range (1s to 30d)" },
		{ "[ban]\ntime = 31d\n", 2, "time: 31d is out of range (1s to 30d)" },
		{ "[ban]\ntime = 5 minutes\n", 2, "time: '5 minutes' is not a duration" },
		{ "[ban]\ntrusted = 198.18.0.1/24\n", 2, "host bits" },
		{ "[ban]\ntrusted = 198.18.0.0/24, 198.18.0.0/24\n", 2, "198.18.0.0/24" },
		{ "[ban]\n[ban]\n", 2, "second [ban] section (the first is at line 1)" },
		{ "[ban]\nlisten = 127.0.0.1:9494\n", 2, "'listen' belongs in [metrics], not in [ban]" },
		{ "[sl]\ntime = 300s\n", 2, "'time' belongs in [ban], not in [sl]" },
		{ "[ban]\nrate = 1\nrate = 2\n", 3, "'rate' is already set at line 2" },
	};
	static struct sl_settings s;
	static struct sl_bank_image img;
	char err[256];

	(void)state;
	RUN_ERR_CASES(cases);
	assert_int_equal(sl_settings_load_string("[sl]\n", "t.conf", &s, err, sizeof(err)), 0);
	assert_int_equal(s.dp.ban.enabled, 0);
	assert_int_equal(s.dp.ban.time_ns, 0);
	/* the defaults: 100/s, burst 200, 5 minutes */
	assert_int_equal(sl_settings_load_string("[ban]\n", "t.conf", &s, err, sizeof(err)), 0);
	assert_int_equal(s.dp.ban.enabled, 1);
	assert_int_equal(s.ban_rate, 100);
	assert_int_equal(s.ban_burst, 200);
	assert_int_equal(s.dp.ban.time_ns, 300000000000ULL);
	assert_int_equal(sl_image_compile(&s, "198.18.0.1", "lo", &img, err, sizeof(err)), 0);
	assert_int_equal(img.cfg.ban.interval_ns, 10000000ULL);
	assert_int_equal(img.cfg.ban.burst_ns, 199 * 10000000ULL);
	assert_int_equal(sl_settings_load_string(
		"[ban]\nrate = 50/s\nburst = 10\ntime = 2s\n"
		"trusted = 198.18.0.0/24, 2001:2::/48\n", "t.conf", &s, err,
		sizeof(err)), 0);
	assert_int_equal(s.ban_rate, 50);
	assert_int_equal(s.ban_burst, 10);
	assert_int_equal(s.dp.ban.time_ns, 2000000000ULL);
	assert_int_equal(s.dp.ban.n_trusted, 2);
	assert_int_equal(s.dp.ban.trusted[0].family, 4);
	assert_int_equal(s.dp.ban.trusted[0].plen, 24);
	assert_int_equal(s.dp.ban.trusted[1].family, 6);
	assert_int_equal(s.dp.ban.trusted[1].plen, 48);
	assert_int_equal(sl_image_compile(&s, "198.18.0.1", "lo", &img, err, sizeof(err)), 0);
	assert_int_equal(img.cfg.ban.interval_ns, 20000000ULL);
	assert_int_equal(img.cfg.ban.burst_ns, 9 * 20000000ULL);
	/* rate = 0: sources counted for top, never banned */
	assert_int_equal(sl_settings_load_string("[ban]\nrate = 0\ntime = 1h\n", "t.conf",
						 &s, err, sizeof(err)), 0);
	assert_int_equal(s.dp.ban.time_ns, 3600000000000ULL);
	assert_int_equal(sl_image_compile(&s, "198.18.0.1", "lo", &img, err, sizeof(err)), 0);
	assert_int_equal(img.cfg.ban.enabled, 1);
	assert_int_equal(img.cfg.ban.interval_ns, 0);
}

/* [backend] and the rules' when */
static void test_backend(void **state)
{
	static const struct err_case cases[] = {
		{ "[backend]\ninterval = 1s\n", 1, "[backend] has no 'probe'" },
		{ "[backend]\nprobe = 127.0.0.1:5060\n", 2, "is not udp:ADDR:PORT" },
		{ "[backend]\nprobe = udp:127.0.0.1\n", 2, "has no port" },
		{ "[backend]\nprobe = udp:localhost:5060\n", 2, "host name" },
		{ "[backend]\nprobe = udp:127.0.0.1:5060\ninterval = 10ms\n", 3, "interval: 10ms is out of range (100ms to 60s)" },
		{ "[backend]\nprobe = udp:127.0.0.1:5060\ndown_after = 0\n", 3, "down_after: 0 is out of range (1 to 100)" },
		{ "[backend]\nprobe = udp:127.0.0.1:5060\nup_after = 101\n", 3, "up_after: 101 is out of range (1 to 100)" },
		{ "[backend]\nprobe = udp:127.0.0.1:5060\n[backend]\n", 3, "second [backend] section (the first is at line 1)" },
		{ "[rule r]\nmethod = OPTIONS\nwhen = backend-up\nreply = 200\n", 3, "when: rule 'r' needs a [backend] section" },
		{ "[backend]\nprobe = udp:127.0.0.1:5060\n[rule r]\nwhen = up\n", 4, "when: 'up' is not backend-up or backend-down" },
	};
	static struct sl_settings s;
	char err[256];

	(void)state;
	RUN_ERR_CASES(cases);
	assert_int_equal(sl_settings_load_string("[sl]\n", "t.conf", &s, err, sizeof(err)), 0);
	assert_false(s.backend.probe_set);
	assert_int_equal(sl_settings_load_string(
		"[backend]\nprobe = udp:[::1]:5070\n"
		"[rule a]\nmethod = OPTIONS\nwhen = backend-up\nreply = 200\n"
		"[rule b]\nmethod = OPTIONS\nwhen = backend-down\nreply = 503\n"
		"[rule c]\nmethod = INVITE\nreply = 486\n", "t.conf", &s, err,
		sizeof(err)), 0);
	assert_true(s.backend.probe_set);
	assert_int_equal(s.backend.port, 5070);
	assert_int_equal(s.backend.addr[15], 1);
	assert_int_equal(s.backend.interval_ns, 1000000000ULL);
	assert_int_equal(s.backend.down_after, 3);
	assert_int_equal(s.backend.up_after, 2);
	assert_int_equal(s.dp.when_up, 1);
	assert_int_equal(s.dp.when_down, 2);
	assert_int_equal(sl_settings_load_string(
		"[backend]\nprobe = udp:127.0.0.1:5060\ninterval = 250ms\n"
		"down_after = 1\nup_after = 5\n", "t.conf", &s, err, sizeof(err)), 0);
	assert_int_equal(s.backend.interval_ns, 250000000ULL);
	assert_int_equal(s.backend.down_after, 1);
	assert_int_equal(s.backend.up_after, 5);
}

static void test_forward_errors(void **state)
{
	static const struct err_case cases[] = {
		{ "[forward]\n", 1, "[forward] has no 'via' (our sent-by" },
		{ "[sl]\n[forward]\n; nothing\n[rule a]\n", 2, "[forward] has no 'via'" },
		{ "[forward]\nvia =\n", 2, "'via' needs a value" },
		{ "[forward]\nvia = 198.18.0.1\n[sl]\n[forward]\n", 4, "second [forward] section (the first is at line 1)" },
		{ "[forward]\nvia = 198.18.0.1\nvia = 198.18.0.2\n", 3, "'via' is already set at line 2" },
		{ "[forward]\nvia = proxy.example.net\n", 2, "via: 'proxy.example.net' is a host name; write an IP address (the data plane compares addresses and cannot resolve names)" },
		{ "[forward]\nvia = proxy.example.net:5060\n", 2, "'proxy.example.net' is a host name" },
		{ "[forward]\nvia = localhost\n", 2, "'localhost' is a host name" },
		{ "[forward]\nvia = 198.18.0.256\n", 2, "via: '198.18.0.256' is not an IPv4 address" },
		{ "[forward]\nvia = 198.18.0\n", 2, "'198.18.0' is not an IPv4 address" },
		{ "[forward]\nvia = 198.18.0.1a\n", 2, "'198.18.0.1a' is not an IPv4 address" },
		{ "[forward]\nvia = [proxy.example.net]:5060\n", 2, "'proxy.example.net' is not an IPv6 address" },
		{ "[forward]\nvia = [198.18.0.1]:5060\n", 2, "'198.18.0.1' is not an IPv6 address" },
		{ "[forward]\nvia = [2001:2::1\n", 2, "via: '[2001:2::1' has no closing ']'" },
		{ "[forward]\nvia = [2001:2::1]5060\n", 2, "unexpected '5060' after ']'" },
		{ "[forward]\nvia = 198.18.0.1:0\n", 2, "via: '0' is not a port number (1..65535)" },
		{ "[forward]\nvia = 198.18.0.1:65536\n", 2, "'65536' is not a port number" },
		{ "[forward]\nvia = [2001:2::1]:\n", 2, "'' is not a port number" },
		{ "[forward]\nvia = fe80::1%eth0\n", 2, "is not an IPv6 address" },
		{ "[forward x]\n", 1, "unknown section [forward x]" },
		{ "[Forward]\n", 1, "unknown section [Forward]" },
		{ "[sl]\nvia = 198.18.0.1\n", 2, "'via' belongs in [forward], not in [sl]" },
		{ "[rule a]\nvia = 198.18.0.1\n", 2, "'via' belongs in [forward], not in a [rule NAME] section" },
		{ "[forward]\nports = 5060\n", 2, "'ports' belongs in [sl], not in [forward]" },
		{ "[forward]\nreply = 404\n", 2, "'reply' belongs in a [rule NAME] section or a [rewrite NAME] section, not in [forward]" },
		{ "[forward]\ncode = 480\n", 2, "'code' belongs in a [rewrite NAME] section, not in [forward]" },
		{ "[forward]\nsent_by = 198.18.0.1\n", 2, "unknown key 'sent_by' in [forward]" },
		{ "via = 198.18.0.1\n", 1, "'via' is outside any section (put it under [forward])" },
		/* the list form */
		{ "[forward]\nvia = 198.18.0.1,\n", 2, "via: empty item in the list" },
		{ "[forward]\nvia = , 198.18.0.1\n", 2, "via: empty item in the list" },
		{ "[forward]\nvia = 198.18.0.1, 198.18.0.1:5060\n", 2, "via: '198.18.0.1:5060' is listed twice" },
		{ "[forward]\nvia = [::ffff:198.18.0.1]:5060\n", 2, "via: '[::ffff:198.18.0.1]:5060' is an IPv4-mapped IPv6 address; write the IPv4 address" },
		{ "[forward]\nvia = 198.18.0.1, proxy.example\n", 2, "'proxy.example' is a host name" },
	};

	(void)state;
	RUN_ERR_CASES(cases);
}

/* Who may use us as a relay: peers (required), allow_redirect, the
 * per-destination rate; and the GCRA terms the image gets from them. */
static void test_forward_limits(void **state)
{
	static const struct err_case errs[] = {
		{ "[forward]\nvia = 198.18.0.1\n", 1, "[forward] has no 'peers' (the upstreams whose responses may be forwarded" },
		{ "[sl]\n[forward]\nvia = 198.18.0.1\n[rule a]\n", 2, "without it anyone could make us relay" },
		{ "[forward]\nvia = 198.18.0.1\npeers =\n", 3, "'peers' needs a value" },
		{ "[forward]\nvia = 198.18.0.1\npeers = 198.18.0.1/24\n", 3, "host bits" },
		{ "[forward]\nvia = 198.18.0.1\npeers = gw.example.net\n", 3, "peers" },
		{ "[forward]\nvia = 198.18.0.1\npeers = 198.18.0.0/24, 198.18.0.0/24\n", 3, "is listed twice" },
		{ "[forward]\nvia = 198.18.0.1\npeers = 198.18.0.0/24,\n", 3, "empty item" },
		{ "[forward]\nvia = 198.18.0.1\npeers = 198.18.0.0/24\nallow_redirect = maybe\n", 4, "allow_redirect: 'maybe' is not yes or no" },
		{ "[forward]\nvia = 198.18.0.1\npeers = 198.18.0.0/24\nallow_redirect = Yes\n", 4, "is not yes or no" },
		{ "[forward]\nvia = 198.18.0.1\npeers = 198.18.0.0/24\nrate_limit = 10/m\n", 4, "rate_limit: '10/m' is not a rate" },
		{ "[forward]\nvia = 198.18.0.1\npeers = 198.18.0.0/24\nburst = -1\n", 4, "burst: '-1' is not a number" },
		{ "[sl]\npeers = 198.18.0.0/24\n", 2, "'peers' belongs in [forward], not in [sl]" },
		{ "[sl]\nallow_redirect = yes\n", 2, "'allow_redirect' belongs in [forward]" },
	};
	static struct sl_bank_image img;
	char text[1024], err2[256];
	size_t o;

	(void)state;
	load_ok("[forward]\nvia = 198.18.0.1\npeers = 198.51.100.0/24, 2001:db8:1::/48, 198.18.0.2\n");
	assert_int_equal(st.dp.fwd.n_peers, 3);
	assert_int_equal(st.dp.fwd.peers[0].family, 4);
	assert_int_equal(st.dp.fwd.peers[0].plen, 24);
	assert_int_equal(st.dp.fwd.peers[1].family, 6);
	assert_int_equal(st.dp.fwd.peers[1].plen, 48);
	assert_int_equal(st.dp.fwd.peers[2].plen, 32);
	/* defaults: this interface only, 2000/s per destination, burst 4000 */
	assert_int_equal(st.dp.fwd.allow_redirect, 0);
	assert_int_equal(st.fwd_rate_limit, SL_FWD_RATE_DEFAULT);
	assert_int_equal(st.fwd_burst, SL_FWD_BURST_DEFAULT);
	assert_int_equal(sl_image_compile(&st, "198.18.0.1", "t", &img, err2,
					  sizeof(err2)), 0);
	assert_int_equal(img.cfg.fwd.rate_interval_ns, 500000);
	assert_int_equal(img.cfg.fwd.rate_burst_ns, 3999ULL * 500000);
	load_ok("[forward]\nvia = 198.18.0.1\npeers = 198.18.0.0/24\n"
		"allow_redirect = yes\nrate_limit = 100/s\nburst = 10\n");
	assert_int_equal(st.dp.fwd.allow_redirect, 1);
	assert_int_equal(st.fwd_rate_limit, 100);
	assert_int_equal(st.fwd_burst, 10);
	assert_int_equal(sl_image_compile(&st, "198.18.0.1", "t", &img, err2,
					  sizeof(err2)), 0);
	assert_int_equal(img.cfg.fwd.rate_interval_ns, 10000000);
	assert_int_equal(img.cfg.fwd.rate_burst_ns, 9ULL * 10000000);
	/* and [sl]'s own rate limit is another one */
	assert_int_equal(img.cfg.rate_interval_ns, 20000000);
	load_ok("[forward]\nvia = 198.18.0.1\npeers = 198.18.0.0/24\nallow_redirect = no\n"
		"rate_limit = 0\n");
	assert_int_equal(st.fwd_rate_limit, 0);
	assert_int_equal(sl_image_compile(&st, "198.18.0.1", "t", &img, err2,
					  sizeof(err2)), 0);
	assert_int_equal(img.cfg.fwd.rate_interval_ns, 0);
	/* without [forward] no terms at all */
	load_ok("[sl]\nports = 5060\n");
	assert_int_equal(sl_image_compile(&st, "198.18.0.1", "t", &img, err2,
					  sizeof(err2)), 0);
	assert_int_equal(img.cfg.fwd.rate_interval_ns, 0);
	/* SL_FWD_PEERS prefixes, and one more */
	o = (size_t)snprintf(text, sizeof(text), "[forward]\nvia = 198.18.0.1\npeers = 2001:2::1");
	for (unsigned int i = 2; i <= SL_FWD_PEERS; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, ",2001:2::%x", i);
	snprintf(text + o, sizeof(text) - o, "\n");
	load_ok(text);
	assert_int_equal(st.dp.fwd.n_peers, SL_FWD_PEERS);
	snprintf(text + o, sizeof(text) - o, ",2001:2::99\n");
	assert_int_equal(load(text), -1);
	assert_non_null(strstr(err, "more than 16 prefixes"));
	run_err_cases(errs, sizeof(errs) / sizeof(errs[0]));
}

#define FWD "[forward]\nvia = 198.18.0.1\n"	/* two lines */
/* what a whole file needs: FWD and the peers (three lines); FWD alone is
 * enough where the error comes before the end of the file */
#define FWDP FWD "peers = 198.18.0.0/15\n"

static void assert_reason(const struct sl_fwd_rewrite *w, const char *want)
{
	assert_padded(w->reason_len, w->reason, SL_FWD_REASON_MAX, want);
}

static void test_rewrite_forms(void **state)
{
	static const __u16 no_codes[SL_REWRITE_CODES];
	const struct sl_fwd_rewrite *w;
	char text[256];
	unsigned d;

	(void)state;
	load_ok(FWDP
		"[rewrite hide-480]\n"		/* 4 */
		"code = 480\n"
		"reply = 404 Not Found\n");
	assert_int_equal(st.dp.fwd.n_rewrites, 1);
	assert_string_equal(st.rewrite_names[0].name, "hide-480");
	assert_int_equal(st.rewrite_names[0].line, 4);
	w = &st.dp.fwd.rewrites[0];
	assert_int_equal(w->n_codes, 1);
	assert_int_equal(w->codes[0], 480);
	assert_int_equal(w->codes[1], 0);
	assert_int_equal(w->class_digit, 0);
	assert_memory_equal(w->new_code, "404", 4);	/* NUL included */
	assert_reason(w, "Not Found");
	assert_int_equal(w->pad, 0);

	/* A list: commas, blanks or both; reply before code; no reason
	 * gives the RFC 3261 one; [forward] after the rewrite. */
	load_ok("[rewrite busy]\n"
		"reply = 486\n"
		"code = 480, 486 487,488 ,\t410\n"
		FWDP);
	w = &st.dp.fwd.rewrites[0];
	assert_int_equal(w->n_codes, 5);
	assert_int_equal(w->codes[0], 480);
	assert_int_equal(w->codes[1], 486);
	assert_int_equal(w->codes[2], 487);
	assert_int_equal(w->codes[3], 488);
	assert_int_equal(w->codes[4], 410);
	assert_int_equal(w->codes[5], 0);
	assert_memory_equal(w->new_code, "486", 4);
	assert_reason(w, "Busy Here");

	/* A class, every class 1xx..6xx. */
	for (d = 1; d <= 6; d++) {
		snprintf(text, sizeof(text),
			 FWDP "[rewrite c]\ncode = %uxx\nreply = %u99 Class %u\n",
			 d, d, d);
		load_ok(text);
		w = &st.dp.fwd.rewrites[0];
		assert_int_equal(w->class_digit, d);
		assert_int_equal(w->n_codes, 0);
		assert_memory_equal(w->codes, no_codes, sizeof(no_codes));
		assert_int_equal(w->new_code[0], '0' + d);
		assert_memory_equal(w->new_code + 1, "99", 3);
	}

	/* Reason: as written, inner blanks kept, trailing ones trimmed,
	 * ';' without a blank before it is part of it. */
	load_ok(FWDP "[rewrite r]\ncode = 503\n"
		"reply = 500   Down for  maintenance;see-www   \n");
	assert_reason(&st.dp.fwd.rewrites[0], "Down for  maintenance;see-www");

	/* SL_FWD_REASON_MAX bytes fit. */
	snprintf(text, sizeof(text), FWDP "[rewrite r]\ncode = 4xx\nreply = 400 %s\n",
		 rep('r', SL_FWD_REASON_MAX));
	load_ok(text);
	assert_int_equal(st.dp.fwd.rewrites[0].reason_len, SL_FWD_REASON_MAX);
	assert_memory_equal(st.dp.fwd.rewrites[0].reason, rep('r', SL_FWD_REASON_MAX),
			    SL_FWD_REASON_MAX);

	/* Pointless but allowed: the reply is the only code it matches. */
	load_ok(FWDP "[rewrite same]\ncode = 480\nreply = 480\n");
	assert_int_equal(st.dp.fwd.rewrites[0].codes[0], 480);
	assert_memory_equal(st.dp.fwd.rewrites[0].new_code, "480", 4);
	assert_reason(&st.dp.fwd.rewrites[0], "Temporarily Unavailable");

	/* Rule and rewrite names are separate: the same name in both. */
	load_ok("[rule x]\n" FWDP "[rewrite x]\ncode = 480\nreply = 404\n");
	assert_string_equal(st.replies[0].name, "x");
	assert_string_equal(st.rewrite_names[0].name, "x");
}

static void test_rewrite_order(void **state)
{
	static const struct sl_fwd_rewrite unused;
	const struct sl_fwd_config *f;

	(void)state;
	/* File order, whatever sections lie between; index = stats index. */
	load_ok("[rewrite second-try]\n"	/* 1 */
		"code = 480\n"
		"reply = 404 Not Found\n"
		"[rule options]\n"		/* 4 */
		"method = OPTIONS\n"
		"[rewrite all-5xx]\n"		/* 6 */
		"code = 5xx\n"
		"reply = 500 Server Error\n"
		FWDP				/* 9, 10, 11 */
		"[rewrite catch-4xx]\n"		/* 12 */
		"reply = 403 Forbidden\n"
		"code = 4xx\n");
	f = &st.dp.fwd;
	assert_int_equal(f->enabled, 1);
	assert_int_equal(f->n_rewrites, 3);
	assert_int_equal(st.dp.n_rules, 1);
	assert_string_equal(st.rewrite_names[0].name, "second-try");
	assert_int_equal(st.rewrite_names[0].line, 1);
	assert_int_equal(f->rewrites[0].codes[0], 480);
	assert_string_equal(st.rewrite_names[1].name, "all-5xx");
	assert_int_equal(st.rewrite_names[1].line, 6);
	assert_int_equal(f->rewrites[1].class_digit, 5);
	assert_memory_equal(f->rewrites[1].new_code, "500", 4);
	assert_string_equal(st.rewrite_names[2].name, "catch-4xx");
	assert_int_equal(st.rewrite_names[2].line, 12);
	assert_int_equal(f->rewrites[2].class_digit, 4);
	assert_reason(&f->rewrites[2], "Forbidden");
	/* Unused slots stay zero. */
	assert_memory_equal(&f->rewrites[3], &unused, sizeof(unused));
	assert_string_equal(st.rewrite_names[3].name, "");
}

static void test_max_rewrites(void **state)
{
	static char text[SL_MAX_REWRITES * 64 + 128];
	size_t off;
	int i;

	(void)state;
	off = snprintf(text, sizeof(text), FWDP);
	for (i = 0; i < SL_MAX_REWRITES; i++)
		off += snprintf(text + off, sizeof(text) - off,
				"[rewrite w%d]\ncode = %d\nreply = 404\n",
				i, 400 + i);
	load_ok(text);
	assert_int_equal(st.dp.fwd.n_rewrites, SL_MAX_REWRITES);
	assert_string_equal(st.rewrite_names[SL_MAX_REWRITES - 1].name, "w15");
	assert_int_equal(st.rewrite_names[SL_MAX_REWRITES - 1].line,
			 3 + 3 * (SL_MAX_REWRITES - 1) + 1);
	assert_int_equal(st.dp.fwd.rewrites[SL_MAX_REWRITES - 1].codes[0], 415);

	snprintf(text + off, sizeof(text) - off, "[rewrite one-too-many]\n");
	expect_err(text, 3 + 3 * SL_MAX_REWRITES + 1,
		   "too many rewrites (at most 16)");
}

static void test_rewrite_class(void **state)
{
	static const struct err_case cases[] = {
		{ FWD "[rewrite a]\ncode = 480\nreply = 302 Moved\n", 5,
		  "reply: 302 and code 480 (line 4) are of different classes (3xx, 4xx): sl_forward_reply cannot change the reply code class" },
		/* reported where the second of the two keys is */
		{ FWD "[rewrite a]\nreply = 404\n\ncode = 302\n", 6,
		  "code: 302 and reply 404 (line 4) are of different classes (3xx, 4xx): sl_forward_reply cannot change the reply code class" },
		{ FWD "[rewrite a]\ncode = 480, 486, 503\nreply = 404\n", 5,
		  "reply: 404 and code 503 (line 4) are of different classes (4xx, 5xx)" },
		{ FWD "[rewrite a]\ncode = 5xx\nreply = 404\n", 5,
		  "reply: 404 and code 5xx (line 4) are of different classes (4xx, 5xx)" },
		{ FWD "[rewrite a]\nreply = 183 Progress\ncode = 2xx\n", 5,
		  "code: 2xx and reply 183 (line 4) are of different classes (2xx, 1xx)" },
		{ FWD "[rewrite a]\ncode = 600\nreply = 500\n", 5,
		  "different classes (5xx, 6xx)" },
		/* also without [forward]: the class error comes first */
		{ "[rewrite a]\ncode = 404\nreply = 200 OK\n", 3,
		  "reply code class" },
	};

	(void)state;
	RUN_ERR_CASES(cases);
}

static void test_rewrite_errors(void **state)
{
	static const struct err_case cases[] = {
		{ FWD "[rewrite a]\ncode = 4xx, 480\n", 4, "code: '4xx, 480' mixes a class with other items (one class such as 4xx, or a list of codes)" },
		{ FWD "[rewrite a]\ncode = 480 4xx\n", 4, "mixes a class with other items" },
		{ FWD "[rewrite a]\ncode = 4xx 5xx\n", 4, "mixes a class with other items" },
		{ FWD "[rewrite a]\ncode = 7xx\n", 4, "code: '7xx' is not a status code (100..699) or a class (1xx..6xx)" },
		{ FWD "[rewrite a]\ncode = 0xx\n", 4, "'0xx' is not a status code" },
		{ FWD "[rewrite a]\ncode = 4XX\n", 4, "'4XX' is not a status code" },
		{ FWD "[rewrite a]\ncode = 4x\n", 4, "'4x' is not a status code" },
		{ FWD "[rewrite a]\ncode = 99\n", 4, "'99' is not a status code" },
		{ FWD "[rewrite a]\ncode = 700\n", 4, "'700' is not a status code" },
		{ FWD "[rewrite a]\ncode = 0480\n", 4, "'0480' is not a status code" },
		{ FWD "[rewrite a]\ncode = 480;486\n", 4, "'480;486' is not a status code" },
		{ FWD "[rewrite a]\ncode = 480,,486\n", 4, "code: empty item in the list" },
		{ FWD "[rewrite a]\ncode = 480, ,486\n", 4, "empty item" },
		{ FWD "[rewrite a]\ncode = 480,\n", 4, "empty item" },
		{ FWD "[rewrite a]\ncode = ,480\n", 4, "empty item" },
		{ FWD "[rewrite a]\ncode = 480 486 480\n", 4, "code: 480 is listed twice" },
		{ FWD "[rewrite a]\ncode =\n", 4, "'code' needs a value" },
		{ FWD "[rewrite a]\ncode = 480\ncode = 486\n", 5, "'code' is already set at line 4" },
		{ FWD "[rewrite a]\nreply = 4O4 Not Found\n", 4, "reply: '4O4 Not Found' is not 'CODE REASON' with CODE 100..699" },
		{ FWD "[rewrite a]\nreply = 404Not Found\n", 4, "is not 'CODE REASON'" },
		{ FWD "[rewrite a]\nreply = 4xx\n", 4, "is not 'CODE REASON'" },
		{ FWD "[rewrite a]\nreply = 499\n", 4, "reply: 499 has no standard reason phrase; write 'reply = 499 REASON'" },
		{ FWD "[rewrite a]\nreply = 404 Not\tFound\n", 4, "reply: byte 0x09 in the reason is not printable ASCII" },
		{ FWD "[rewrite a]\nreply = 404 Nicht gef\xc3\xbcnden\n", 4, "byte 0xc3 in the reason is not printable ASCII" },
		{ FWD "[rewrite a]\nreply =\n", 4, "'reply' needs a value" },
		{ FWD "[rewrite a]\nreply = 404\nreply = 404\n", 5, "'reply' is already set at line 4" },
		{ FWD "[rewrite a]\nmethod = INVITE\n", 4, "'method' belongs in a [rule NAME] section, not in a [rewrite NAME] section" },
		{ FWD "[rewrite a]\nheader = X-A: 1\n", 4, "'header' belongs in a [rule NAME] section, not in a [rewrite NAME] section" },
		{ FWD "[rewrite a]\naction = drop\n", 4, "'action' belongs in a [rule NAME] section" },
		{ FWD "[rewrite a]\nreason = Gone\n", 4, "unknown key 'reason' in a [rewrite NAME] section" },
		{ "[rule a]\ncode = 480\n", 2, "'code' belongs in a [rewrite NAME] section, not in a [rule NAME] section" },
		/* both keys are required (reported at the section line) */
		{ FWDP "[rewrite a]\nreply = 404\n", 4, "rewrite 'a' has no 'code' (the status codes or the class it rewrites)" },
		{ FWDP "[rewrite a]\ncode = 480\n", 4, "rewrite 'a' has no 'reply' (the CODE REASON put in their place)" },
		{ FWDP "[rewrite ok]\ncode = 480\nreply = 404\n[rewrite empty]\n", 7, "rewrite 'empty' has no 'code'" },
		/* a rewrite needs [forward] */
		{ "[sl]\n[rewrite a]\ncode = 480\nreply = 404\n", 2, "rewrite 'a' needs a [forward] section (without one no reply is forwarded)" },
		/* names */
		{ "[rewrite]\n", 1, "a rewrite needs a name: [rewrite NAME]" },
		{ "[rewrite  ]\n", 1, "a rewrite needs a name" },
		{ "[rewrite a b]\n", 1, "rewrite name 'a b' may only have letters, digits, '_', '.' and '-'" },
		{ "[rewrite a/b]\n", 1, "rewrite name 'a/b' may only have" },
		{ FWD "[rewrite x]\ncode = 480\nreply = 404\n[rewrite x]\n", 6, "rewrite 'x' already defined at line 3" },
		{ "[rewrites x]\n", 1, "unknown section [rewrites x]" },
	};
	char text[512];

	(void)state;
	RUN_ERR_CASES(cases);

	snprintf(text, sizeof(text), FWD "[rewrite a]\ncode = 4xx\nreply = 400 %s\n",
		 rep('r', SL_FWD_REASON_MAX + 1));
	expect_err(text, 5, "reply: the reason is too long (65 bytes, at most 64)");

	snprintf(text, sizeof(text), FWDP "[rewrite %s]\ncode = 480\nreply = 404\n",
		 rep('n', 63));
	load_ok(text);
	assert_int_equal(strlen(st.rewrite_names[0].name), 63);
	snprintf(text, sizeof(text), "[rewrite %s]\n", rep('n', 64));
	expect_err(text, 1, "rewrite name '");
	expect_err(text, 1, "is longer than 63 characters");
}

/* ---- sections and general syntax ---- */

static void test_section_errors(void **state)
{
	static const struct err_case cases[] = {
		{ "[sl]\n[kamailio]\n", 2, "unknown section [kamailio] (expected [sl], [rule NAME], [forward], [rewrite NAME], [metrics], [hep], [ban] or [backend])" },
		{ "[SL]\n", 1, "unknown section [SL]" },
		{ "[rules x]\n", 1, "unknown section [rules x]" },
		{ "[]\n", 1, "unknown section []" },
		{ "[rule]\n", 1, "a rule needs a name: [rule NAME]" },
		{ "[rule   ]\n", 1, "a rule needs a name" },
		{ "[rule a b]\n", 1, "rule name 'a b' may only have letters, digits, '_', '.' and '-'" },
		{ "[rule a/b]\n", 1, "rule name 'a/b' may only have" },
		{ "[rule x]\n\n[rule y]\n[rule x]\n", 4, "rule 'x' already defined at line 1" },
		{ "[sl]\n[rule a]\n[sl]\n", 3, "second [sl] section (the first is at line 1)" },
		{ "[sl\nports = 5060\n", 1, "section header without closing ']'" },
		{ "[sl] ports = 5060\n", 1, "unexpected 'ports = 5060' after the section header" },
		{ "[rule a]]\n", 1, "unexpected ']' after the section header" },
	};
	char text[256];

	(void)state;
	RUN_ERR_CASES(cases);

	snprintf(text, sizeof(text), "[rule %s]\n", rep('n', 63));
	load_ok(text);
	assert_int_equal(strlen(st.replies[0].name), 63);
	snprintf(text, sizeof(text), "[rule %s]\n", rep('n', 64));
	expect_err(text, 1, "is longer than 63 characters");

	load_ok("  [ rule \t spaced ]   ; comment\n[sl];x\n");
	assert_string_equal(st.replies[0].name, "spaced");
}

static void test_syntax_errors(void **state)
{
	static const struct err_case cases[] = {
		{ "ports = 5060\n", 1, "'ports' is outside any section (put it under [sl])" },
		{ "[sl]\nports 5060\n", 2, "expected 'key = value', a [section] or a comment, not 'ports 5060'" },
		{ "[sl]\nports ;= 5060\n", 2, "expected 'key = value'" },
		{ "[sl]\n= 5060\n", 2, "missing key name before '='" },
		{ "bogus = 1\n", 1, "'bogus' is outside any section (put it under [sl], [rule NAME], [forward], [rewrite NAME], [metrics], [hep], [ban] or [backend])" },
		{ "reply = 404\n", 1, "'reply' is outside any section (put it under [rule NAME] or [rewrite NAME])" },
		{ "[sl]\nport = 5060\n", 2, "'port' belongs in a [rule NAME] section, not in [sl]" },
		{ "[sl]\nserver = x\n", 2, "unknown key 'server' in [sl]" },
		{ "[sl]\nmethod = INVITE\n", 2, "'method' belongs in a [rule NAME] section, not in [sl]" },
		{ "[rule a]\nports = 5060\n", 2, "'ports' belongs in [sl], not in a [rule NAME] section" },
		{ "[rule a]\nmethods = INVITE\n", 2, "unknown key 'methods' in a [rule NAME] section" },
		{ "[sl]\nPorts = 5060\n", 2, "unknown key 'Ports'" },
		{ "[sl]\nports = 5060\n\n; c\nports = 5070\n", 5, "'ports' is already set at line 2" },
		{ "[rule a]\nsrc = 198.18.0.0/15\nsrc = 2001:2::/48\n", 3, "'src' is already set at line 2 (only 'header' and 'method' may repeat)" },
		{ "[sl]\nports = 50\r60\n", 2, "control character 0x0d in column 11" },
		{ "[sl]\nports = 5060\x7f\n", 2, "control character 0x7f" },
		{ "[sl]\nports = 5060\x01\n", 2, "control character 0x01" },
		{ "[sl]\nports = 5060\r\r\n", 2, "control character 0x0d" },
		/* The first error wins; later ones are not reported. */
		{ "[sl]\nports = 0\nbogus = 1\n", 2, "'0' is not a port number" },
		{ "[sl]\nports = 5060\n[nope]\nports = 0\n", 3, "unknown section [nope]" },
	};

	(void)state;
	RUN_ERR_CASES(cases);
}

static void test_long_lines(void **state)
{
	char text[600];
	size_t pre;

	(void)state;
	/* Exactly SL_CONFIG_MAX_LINE characters: fine, LF or CRLF. */
	pre = strlen("header = X-A: ");
	snprintf(text, sizeof(text), "[rule a]\nheader = X-A: %s\n",
		 rep('v', SL_CONFIG_MAX_LINE - pre));
	load_ok(text);
	assert_int_equal(st.replies[0].headers_len, SL_CONFIG_MAX_LINE - 9 + 2);
	snprintf(text, sizeof(text), "[rule a]\r\nheader = X-A: %s\r\n",
		 rep('v', SL_CONFIG_MAX_LINE - pre));
	load_ok(text);
	assert_int_equal(st.replies[0].headers_len, SL_CONFIG_MAX_LINE - 9 + 2);

	/* One more: an error, not a silent split into two lines. */
	snprintf(text, sizeof(text), "[rule a]\nheader = X-A: %s\n",
		 rep('v', SL_CONFIG_MAX_LINE - pre + 1));
	expect_err(text, 2, "line is too long (198 characters, at most 197)");

	/* inih would have parsed the tail of this one as "z = 1". */
	snprintf(text, sizeof(text), "[sl]\n; %s z = 1\nports = 0\n",
		 rep('c', 300));
	expect_err(text, 2, "line is too long");

	/* Last line without a newline is still a line. */
	snprintf(text, sizeof(text), "[sl]\n\n%s", rep(' ', 198));
	expect_err(text, 3, "line is too long");
}

static void test_syntax_features(void **state)
{
	(void)state;
	/* Inline comments need a blank before ';'; '#' only starts lines. */
	load_ok("# hash comment\n"
		"; semicolon comment\n"
		"   ; indented comment\n"
		"[sl]\n"
		"ports = 5070 ; the port\n"
		"default_reason = Busy #1;not-a-comment\n"
		"tag_seed = seed\t; tab then comment\n"
		"server_header = X-A: \"quoted\" value\n");
	assert_int_equal(st.dp.ports[0], 5070);
	assert_string_equal(st.default_reason, "Busy #1;not-a-comment");
	assert_string_equal(st.tag_seed, "seed");
	assert_string_equal(st.server_header, "X-A: \"quoted\" value");

	/* key: value form, blanks everywhere, CRLF, BOM. */
	load_ok("\xef\xbb\xbf[sl]\r\n"
		"  ports:5061\r\n"
		"\tdefault_code   =   404   \r\n"
		"burst\t=\t9\t\r\n");
	assert_int_equal(st.dp.ports[0], 5061);
	assert_int_equal(st.default_code, 404);
	assert_int_equal(st.burst, 9);

	/* The first '=' or ':' ends the key. */
	load_ok("[sl]\nserver_header = Server: a=b:c\n");
	assert_string_equal(st.server_header, "Server: a=b:c");

	/*
	 * Indentation is cosmetic: inih's multi-line continuation would
	 * have turned the second line into a second value of "method".
	 */
	load_ok("[rule indented]\n"
		"    method = OPTIONS\n"
		"\n"
		"    reply = 200 OK\n"
		"\theader = X-A: 1\n");
	assert_string_equal(mask_names(&st.rules[0]), "OPTIONS");
	assert_int_equal(st.replies[0].code, 200);
	assert_string_equal(st.replies[0].headers, "X-A: 1\r\n");

	/* No final newline. */
	load_ok("[sl]\nports = 5099");
	assert_int_equal(st.dp.ports[0], 5099);
}

static void test_action_names(void **state)
{
	(void)state;
	assert_string_equal(sl_action_name(SL_ACTION_PASS), "pass");
	assert_string_equal(sl_action_name(SL_ACTION_DROP), "drop");
	assert_string_equal(sl_action_name(SL_ACTION_REPLY), "reply");
	assert_string_equal(sl_action_name(7), "unknown");
}

static void test_err_buffer(void **state)
{
	char small[12];

	(void)state;
	/* No error buffer at all: still fails cleanly. */
	assert_int_equal(sl_settings_load_string("[x]\n", "t", &st, NULL, 0), -1);
	assert_memory_equal(&st, &zero_settings, sizeof(st));
	assert_int_equal(sl_settings_load_string("[sl]\n", NULL, &st, NULL, 0), 0);

	/* A short buffer truncates the message, NUL-terminated. */
	memset(small, '#', sizeof(small));
	assert_int_equal(sl_settings_load_string("[x]\n", "file.conf", &st,
						 small, sizeof(small)), -1);
	assert_string_equal(small, "file.conf:1");

	assert_int_equal(sl_settings_load_string("[x]\n", NULL, &st, err,
						 sizeof(err)), -1);
	assert_true(!strncmp(err, "<string>:1: ", 12));
	assert_int_equal(sl_settings_load_string(NULL, "n", &st, err,
						 sizeof(err)), -1);

	/* Success clears an old message. */
	strcpy(err, "stale");
	assert_int_equal(load("[sl]\n"), 0);
	assert_string_equal(err, "");
}

/* ---- files ---- */

static char *write_tmp(const void *data, size_t len)
{
	static char path[64];
	int fd;

	strcpy(path, "/tmp/test_config.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

static void test_load_file(void **state)
{
	static const char good[] = "[sl]\nports = 5062\n[rule a]\nmethod = BYE\n";
	static const char bad[] = "[sl]\n\nports = 5062\n[rule a]\nmethod = BYE,\n";
	static const char nul[] = "[sl]\nports = 5060\0\n";
	char want[128], *path, *big;

	(void)state;
	path = write_tmp(good, sizeof(good) - 1);
	assert_int_equal(sl_settings_load_file(path, &st, err, sizeof(err)), 0);
	assert_int_equal(st.dp.ports[0], 5062);
	assert_int_equal(st.dp.n_rules, 1);
	unlink(path);

	path = write_tmp(bad, sizeof(bad) - 1);
	assert_int_equal(sl_settings_load_file(path, &st, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:5: method: empty item", path);
	assert_true(!strncmp(err, want, strlen(want)));
	assert_memory_equal(&st, &zero_settings, sizeof(st));
	unlink(path);

	/* NUL bytes cannot hide the rest of a line. */
	path = write_tmp(nul, sizeof(nul) - 1);
	assert_int_equal(sl_settings_load_file(path, &st, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2: control character 0x00", path);
	assert_true(!strncmp(err, want, strlen(want)));
	unlink(path);

	assert_int_equal(sl_settings_load_file("/nonexistent/sl-xdp.conf", &st,
					       err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/sl-xdp.conf: cannot open: No such file or directory");
	assert_memory_equal(&st, &zero_settings, sizeof(st));

	assert_int_equal(sl_settings_load_file("/tmp", &st, err, sizeof(err)), -1);
	assert_string_equal(err, "/tmp: cannot read: Is a directory");

	big = malloc(SL_CONFIG_MAX_FILE + 1);
	assert_non_null(big);
	memset(big, '\n', SL_CONFIG_MAX_FILE + 1);
	path = write_tmp(big, SL_CONFIG_MAX_FILE);
	assert_int_equal(sl_settings_load_file(path, &st, err, sizeof(err)), 0);
	unlink(path);
	path = write_tmp(big, SL_CONFIG_MAX_FILE + 1);
	assert_int_equal(sl_settings_load_file(path, &st, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ": larger than 1048576 bytes"));
	unlink(path);
	free(big);
}

/* examples/sl-xdp.conf: from the cwd (make runs tests from the repo
 * root) or from a parent of the test binary's directory. */
static bool find_example(char *out, size_t size)
{
	static const char rel[] = "examples/sl-xdp.conf";
	char tmp[PATH_MAX], dir[PATH_MAX];
	int up;

	if (!access(rel, R_OK)) {
		snprintf(out, size, "%s", rel);
		return true;
	}
	snprintf(tmp, sizeof(tmp), "%s", argv0);
	snprintf(dir, sizeof(dir), "%s", dirname(tmp));
	for (up = 0; up < 6; up++) {
		snprintf(out, size, "%s/%s", dir, rel);
		if (!access(out, R_OK))
			return true;
		if (strlen(dir) + 4 >= sizeof(dir))
			break;
		strcat(dir, "/..");
	}
	return false;
}

static void test_example_file(void **state)
{
	char path[PATH_MAX + 64];
	const struct sl_rule *r;

	(void)state;
	if (!find_example(path, sizeof(path)))
		fail_msg("examples/sl-xdp.conf not found from cwd or %s", argv0);
	if (sl_settings_load_file(path, &st, err, sizeof(err)))
		fail_msg("%s", err);

	assert_int_equal(st.dp.n_ports, 1);
	assert_int_equal(st.dp.ports[0], 5060);
	assert_int_equal(st.dp.default_action, SL_ACTION_PASS);
	assert_true(st.dp.ack_window_ns == 2000000000ULL);
	assert_int_equal(st.default_code, 500);
	assert_string_equal(st.server_header, "Server: sl-xdp");
	assert_string_equal(st.tag_seed, "KAMAILIO-stateless");
	assert_false(st.tag_addr_set);
	assert_int_equal(st.rate_limit, 50);
	assert_int_equal(st.burst, 100);
	assert_int_equal(st.window_slots, 1048576);
	assert_int_equal(st.dp.rules_need, SL_NEED_USER_AGENT | SL_NEED_METHOD);
	assert_int_equal(st.dp.n_rules, 4);

	r = &st.rules[0];
	assert_string_equal(st.replies[0].name, "blocked");
	assert_int_equal(r->action, SL_ACTION_DROP);
	assert_int_equal(r->keys, SL_KEY_SRC);
	assert_int_equal(r->n_prefixes, 3);
	check_prefix(&r->prefixes[0], 4, 24, "c6134200", "ffffff00");
	check_prefix(&r->prefixes[1], 6, 64,
		     "2001000200000bad0000000000000000",
		     "ffffffffffffffff0000000000000000");

	r = &st.rules[1];
	assert_string_equal(st.replies[1].name, "friendly-scanner");
	assert_int_equal(r->keys, SL_KEY_USER_AGENT);
	assert_match(&r->user_agent, "friendly-scanner");
	assert_int_equal(r->action, SL_ACTION_DROP);	/* no reply: silence */

	r = &st.rules[2];
	assert_string_equal(st.replies[2].name, "sipvicious");
	assert_match(&r->user_agent, "sipvicious");
	assert_int_equal(r->action, SL_ACTION_DROP);

	r = &st.rules[3];
	assert_string_equal(st.replies[3].name, "options-ping");
	assert_int_equal(r->keys, SL_KEY_METHOD);
	assert_string_equal(mask_names(r), "OPTIONS");
	assert_int_equal(r->reply_code, 200);
	assert_string_equal(st.replies[3].reason, "OK");
	assert_int_equal(st.replies[3].headers_len, 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_rate_limit_default_and_off),
		cmocka_unit_test(test_sl_addresses),
		cmocka_unit_test(test_sl_all_keys),
		cmocka_unit_test(test_sl_errors),
		cmocka_unit_test(test_tag_addr),
		cmocka_unit_test(test_ack_window),
		cmocka_unit_test(test_rule_order),
		cmocka_unit_test(test_empty_rule),
		cmocka_unit_test(test_default_reply_order_independent),
		cmocka_unit_test(test_max_rules),
		cmocka_unit_test(test_method),
		cmocka_unit_test(test_method_names_limit),
		cmocka_unit_test(test_uri_part_keys),
		cmocka_unit_test(test_src_v4),
		cmocka_unit_test(test_src_v6),
		cmocka_unit_test(test_src_errors),
		cmocka_unit_test(test_list_limits),
		cmocka_unit_test(test_port),
		cmocka_unit_test(test_ruri_user_prefix),
		cmocka_unit_test(test_user_agent),
		cmocka_unit_test(test_ua_automaton_full),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_std_reasons),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_action),
		cmocka_unit_test(test_all_keys_in_rule),
		cmocka_unit_test(test_design_example),
		cmocka_unit_test(test_forward_via),
		cmocka_unit_test(test_forward_errors),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_hep),
		cmocka_unit_test(test_ban),
		cmocka_unit_test(test_backend),
		cmocka_unit_test(test_forward_limits),
		cmocka_unit_test(test_rewrite_forms),
		cmocka_unit_test(test_rewrite_order),
		cmocka_unit_test(test_max_rewrites),
		cmocka_unit_test(test_rewrite_class),
		cmocka_unit_test(test_rewrite_errors),
		cmocka_unit_test(test_section_errors),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_syntax_features),
		cmocka_unit_test(test_action_names),
		cmocka_unit_test(test_err_buffer),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_example_file),
	};

	if (argc > 0)
		argv0 = argv[0];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
