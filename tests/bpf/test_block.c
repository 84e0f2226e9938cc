// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The live blocklist and automatic bans in the XDP program: a source in
 * the blocklist (IPv4 or IPv6 prefix) is dropped and counted, in its
 * entry and in dp:blocked, first fragments and frames read only to
 * their source included; an expired entry no longer matches; a miss is
 * not dropped; a source over [ban] rate is banned (its /32 or /64 put in
 * the blocklist with reason ban and expiry now + time); a trusted one is
 * neither banned nor limited by [sl] rate_limit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include "fixture_env.h"
#include "frame.h"
#include "conf/config.h"
#include "dp/block.h"

static __u8 frame[FRAME_MAX];
static struct fx_result res;
static struct sl_block blk;	/* the fixture's maps, pre-filter mapped */

static size_t options_frame(const struct frame_spec *fs, int n)
{
	char sip[512];
	size_t len = sip_fmt(sip, sizeof(sip), true,
			     "OPTIONS sip:ping@198.18.0.1 SIP/2.0\n"
			     "Via: SIP/2.0/UDP 198.18.0.2:5060;branch=z9hG4bK-bl%d\n"
			     "From: <sip:p@198.18.0.2>;tag=1\nTo: <sip:ping@198.18.0.1>\n"
			     "Call-ID: bl-%d@198.18.0.2\nCSeq: 1 OPTIONS\n"
			     "Content-Length: 0\n\n", n, n);

	return frame_build(frame, sizeof(frame), fs, sip, len);
}

static __u32 send_spec(const struct frame_spec *fs, int n)
{
	size_t len = options_frame(fs, n);

	assert_true(len > 0);
	assert_int_equal(fx_run(frame, len, &res), 0);
	return res.verdict;
}

static __u32 send_from(__u8 family, __u32 src4, const char *src6, int n)
{
	struct frame_spec fs = { .family = family, .src4 = src4, .src6 = src6 };

	return send_spec(&fs, n);
}

static void pfx(const char *text, struct sl_block_pfx *p)
{
	char err[128];

	assert_int_equal(sl_block_parse(text, strlen(text), p, err, sizeof(err)), 0);
}

/* Adds text to the blocklist, expiring at expires (0: never). */
static void block(const char *text, __u64 expires)
{
	struct sl_block_entry e = { .expires_ns = expires,
				    .added_ns = fx_now_ns() };
	struct sl_block_pfx p;

	pfx(text, &p);
	assert_int_equal(sl_block_put(&blk, &p, &e, "test"), 0);
}

static __u64 hits(const char *text)
{
	struct sl_block_entry e;
	struct sl_block_pfx p;

	pfx(text, &p);
	assert_int_equal(sl_block_get(&fx.maps, &p, &e), 0);
	return e.hits;
}

/* A reply rule for OPTIONS, rate_limit off, more text after [sl]'s;
 * the blocklist empty and the counters zero. */
static void setup(const char *extra)
{
	unsigned long n;

	assert_int_equal(fx_config(FX_SL "%s[rule options]\nmethod = OPTIONS\n"
				   "reply = 200 OK\n", extra), 0);
	assert_int_equal(fx_reset(), 0);
	if (!blk.bits)
		assert_int_equal(sl_block_open(&blk, &fx.maps), 0);
	assert_int_equal(sl_block_flush(&blk, &n), 0);
}

static void test_blocked_v4_v6_and_miss(void **state)
{
	struct sl_dp_counters c;

	(void)state;
	setup("");
	block("198.18.0.0/28", 0);
	block("2001:2:0:5::/64", 0);
	assert_int_equal(send_from(4, 0xc6120005, NULL, 1), XDP_DROP);
	assert_int_equal(send_from(4, 0xc612000f, NULL, 2), XDP_DROP);
	assert_int_equal(send_from(6, 0, "2001:2:0:5::20", 3), XDP_DROP);
	/* misses: the next /28, another /64 */
	assert_int_equal(send_from(4, 0xc6120010, NULL, 4), XDP_PASS);
	assert_int_equal(send_from(6, 0, "2001:2:0:6::20", 5), XDP_PASS);
	assert_int_equal(fx_counters(&c), 0);
	assert_int_equal(c.blocked, 3);
	assert_int_equal(c.banned, 0);
	assert_int_equal(c.redirect_fallback, 2);	/* the misses, answered */
	assert_int_equal(hits("198.18.0.0/28"), 2);
	assert_int_equal(hits("2001:2:0:5::/64"), 1);
}

/* Prefixes shorter than the pre-filter's /24 (IPv4) and /48 (IPv6) set
 * all their bits; an entry removed leaves its bit, which costs a lookup
 * but drops nothing. */
static void test_short_prefixes_and_stale_bits(void **state)
{
	struct sl_block_pfx p;
	struct sl_dp_counters c;

	(void)state;
	setup("");
	block("198.18.0.0/15", 0);
	block("2001:2::/32", 0);
	assert_int_equal(send_from(4, 0xc6130405, NULL, 1), XDP_DROP);	/* 198.19.4.5 */
	assert_int_equal(send_from(4, 0xc612ff01, NULL, 2), XDP_DROP);
	assert_int_equal(send_from(6, 0, "2001:2:ffff:1::5", 3), XDP_DROP);
	pfx("198.18.0.0/15", &p);
	assert_int_equal(sl_block_del(&fx.maps, &p), 0);
	pfx("2001:2::/32", &p);
	assert_int_equal(sl_block_del(&fx.maps, &p), 0);
	assert_true(blk.bits[(0xc61304u >> 6)] != 0);	/* stays set */
	assert_int_equal(send_from(4, 0xc6130405, NULL, 4), XDP_PASS);
	assert_int_equal(send_from(6, 0, "2001:2:ffff:1::5", 5), XDP_PASS);
	assert_int_equal(fx_counters(&c), 0);
	assert_int_equal(c.blocked, 3);
	/* flush clears the pre-filter */
	setup("");
	assert_int_equal(blk.bits[(0xc61304u >> 6)], 0);
	assert_int_equal(blk.bits[SL_BLOCK_V6_SHORT], 0);
}

/* The longest prefix wins; an entry that expired no longer matches. */
static void test_expiry(void **state)
{
	struct sl_dp_counters c;
	__u64 now;

	(void)state;
	setup("");
	now = fx_now_ns();
	block("198.18.0.32/32", now - 1);		/* expired */
	block("198.18.0.33/32", now + 3600000000000ULL);	/* an hour */
	block("2001:2:0:8::/64", now - 1);
	assert_int_equal(send_from(4, 0xc6120020, NULL, 1), XDP_PASS);
	assert_int_equal(send_from(4, 0xc6120021, NULL, 2), XDP_DROP);
	assert_int_equal(send_from(6, 0, "2001:2:0:8::1", 3), XDP_PASS);
	assert_int_equal(fx_counters(&c), 0);
	assert_int_equal(c.blocked, 1);
	assert_int_equal(hits("198.18.0.32/32"), 0);
	/* the sweep removes the expired ones only */
	{
		struct sl_block_sweep sw = { 0 };
		struct sl_block_entry e;
		struct sl_block_pfx p;

		assert_int_equal(sl_block_sweep_step(&fx.maps, &sw, fx_now_ns(), 100), 2);
		pfx("198.18.0.32/32", &p);
		assert_int_equal(sl_block_get(&fx.maps, &p, &e), -ENOENT);
		pfx("198.18.0.33/32", &p);
		assert_int_equal(sl_block_get(&fx.maps, &p, &e), 0);
	}
}

/* First fragments and frames read only up to their source are checked
 * too. */
static void test_fragments_and_src_only(void **state)
{
	struct frame_spec frag4 = { .src4 = 0xc6120041, .ip_frag = FRAME_IP_MF };
	struct frame_spec frag6 = { .family = 6, .src6 = "2001:2:0:9::1",
				    .frag6 = true, .frag6_mf = true };
	struct frame_spec deep6 = { .family = 6, .src6 = "2001:2:0:9::2",
				    .n_dest6 = 9 };
	struct sl_dp_counters c;

	(void)state;
	setup("");
	block("198.18.0.64/26", 0);
	block("2001:2:0:9::/64", 0);
	assert_int_equal(send_spec(&frag4, 1), XDP_DROP);
	assert_int_equal(send_spec(&frag6, 2), XDP_DROP);
	assert_int_equal(send_spec(&deep6, 3), XDP_DROP);
	assert_int_equal(fx_counters(&c), 0);
	assert_int_equal(c.blocked, 3);
}

/* rate 1/s, burst 3: the fourth datagram at once bans the source for
 * `time`; the ban is an entry of the blocklist that drops the rest. */
static void test_ban(void **state)
{
	struct sl_block_entry e;
	struct sl_block_pfx p;
	struct sl_dp_counters c;
	__u64 t0;
	int i;

	(void)state;
	setup("[ban]\nrate = 1/s\nburst = 3\ntime = 60s\n");
	t0 = fx_now_ns();
	for (i = 0; i < 3; i++)
		assert_int_equal(send_from(4, 0xc6120080, NULL, i), XDP_PASS);
	for (i = 0; i < 3; i++)
		assert_int_equal(send_from(6, 0, "2001:2:0:a::1", 10 + i), XDP_PASS);
	if (fx_now_ns() - t0 >= 1000000000ull) {
		print_message("the machine stalled: the ban cannot be checked\n");
		skip();
	}
	assert_int_equal(send_from(4, 0xc6120080, NULL, 3), XDP_DROP);
	assert_int_equal(send_from(4, 0xc6120080, NULL, 4), XDP_DROP);
	/* another address of the /64 is the same source */
	assert_int_equal(send_from(6, 0, "2001:2:0:a::2", 13), XDP_DROP);
	assert_int_equal(send_from(6, 0, "2001:2:0:a::3", 14), XDP_DROP);
	/* others are not affected */
	assert_int_equal(send_from(4, 0xc6120081, NULL, 20), XDP_PASS);
	assert_int_equal(fx_counters(&c), 0);
	assert_int_equal(c.banned, 2);
	assert_int_equal(c.blocked, 4);
	pfx("198.18.0.128", &p);
	assert_int_equal(sl_block_get(&fx.maps, &p, &e), 0);
	assert_int_equal(e.reason, SL_BLOCK_BAN);
	assert_true(e.expires_ns >= e.added_ns + 60000000000ULL);
	assert_true(e.expires_ns <= fx_now_ns() + 60000000000ULL);
	assert_int_equal(e.hits, 1);
	pfx("2001:2:0:a::/64", &p);
	assert_int_equal(sl_block_get(&fx.maps, &p, &e), 0);
	assert_int_equal(e.reason, SL_BLOCK_BAN);
	/* lifted (here by hand, as the sweep does when it expires) */
	assert_int_equal(sl_block_del(&fx.maps, &p), 0);
}

/* Trusted sources are never banned, nor limited by [sl] rate_limit. */
static void test_trusted(void **state)
{
	struct sl_dp_counters c;
	int i;

	(void)state;
	assert_int_equal(fx_config(FX_SL_TAG "rate_limit = 1/s\nburst = 1\n"
				   "[rule options]\nmethod = OPTIONS\nreply = 200 OK\n"
				   "[ban]\nrate = 1/s\nburst = 1\ntime = 60s\n"
				   "trusted = 198.18.0.192/26, 2001:2:0:b::/64\n"), 0);
	assert_int_equal(fx_reset(), 0);
	for (i = 0; i < 10; i++) {
		assert_int_equal(send_from(4, 0xc61200c1, NULL, i), XDP_PASS);
		assert_int_equal(send_from(6, 0, "2001:2:0:b::1", i), XDP_PASS);
	}
	/* an untrusted neighbour: its second is over both */
	assert_int_equal(send_from(4, 0xc61200bf, NULL, 20), XDP_PASS);
	assert_int_equal(send_from(4, 0xc61200bf, NULL, 21), XDP_DROP);
	assert_int_equal(fx_counters(&c), 0);
	assert_int_equal(c.banned, 1);
	assert_int_equal(c.rate_limited, 0);
	assert_int_equal(c.redirect_fallback, 21);
}

/* Without [ban] nothing is counted per source, nothing banned. */
static void test_no_ban_section(void **state)
{
	struct sl_dp_counters c;
	struct sl_rate_key k = { .family = 4 };
	struct sl_src_state st;
	int i;

	(void)state;
	setup("");
	for (i = 0; i < 20; i++)
		assert_int_equal(send_from(4, 0xc61200d0, NULL, i), XDP_PASS);
	assert_int_equal(fx_counters(&c), 0);
	assert_int_equal(c.banned, 0);
	k.addr[0] = htonl(0xc61200d0);
	assert_int_not_equal(bpf_map_lookup_elem(fx.maps.fd[SL_M_SRC], &k, &st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocked_v4_v6_and_miss),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_short_prefixes_and_stale_bits),
		cmocka_unit_test(test_fragments_and_src_only),
		cmocka_unit_test(test_ban),
		cmocka_unit_test(test_trusted),
		cmocka_unit_test(test_no_ban_section),
	};

	return cmocka_run_group_tests(tests, fx_group_setup, fx_group_teardown);
}
