// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Every counter sl-xdp keeps, through its maps (the program loaded by the
 * fixture, nothing pinned).  Each family gets a distinct non-zero value in
 * every field, on every CPU or responder slot, and in both banks: the
 * data plane's counters (per CPU), the rule hits and the rewrite hits
 * (per CPU, two banks each), the responder slots of sl_stats (Kamailio's
 * counters and the responder's own).  The product's readers must return
 * the sums, field by field, and sl_maps_reset_counters() (what `sl-ctl
 * stats --reset` calls) must leave every one of them at 0.  The fields
 * come from the X-macro lists of include/sl_counters.h, so a counter
 * added there is covered here without a line changed.
 */
#include <errno.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fixture_env.h"
#include "dp/maps.h"

struct field {
	const char *name;
	size_t off;
};

#define DP_FIELD(f, help) { "dp:" #f, offsetof(struct sl_dp_counters, f) },
static const struct field dp_fields[] = { SL_DP_COUNTERS(DP_FIELD) };
#undef DP_FIELD

/* the stored fields of struct sl_kam_stats: Kamailio's buckets and
 * fields (sent_replies and received_ACKs are not stored), the
 * responder's own */
#define KAM_BUCKET(f) { "sl:" #f, offsetof(struct sl_kam_stats, f) },
#define KAM_FIELD(f) KAM_BUCKET(f)
#define KAM_SENT(f)
#define KAM_EXTERNAL(f)
#define KAM_F(f, name, kind, help) KAM_##kind(f)
#define RESP_F(f, help) { "resp:" #f, offsetof(struct sl_kam_stats, f) },
static const struct field slot_fields[] = {
	SL_KAM_COUNTERS(KAM_F)
	SL_RESP_COUNTERS(RESP_F)
};

_Static_assert(sizeof(dp_fields) / sizeof(dp_fields[0]) ==
	       sizeof(struct sl_dp_counters) / sizeof(__u64),
	       "every field of struct sl_dp_counters is in SL_DP_COUNTERS");
_Static_assert(sizeof(slot_fields) / sizeof(slot_fields[0]) ==
	       SL_KAM_N_STORED + SL_RESP_N, "every stored slot field");

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static int ncpu;

static __u64 get(const void *base, size_t off)
{
	__u64 v;

	memcpy(&v, (const char *)base + off, sizeof(v));
	return v;
}

static void put(void *base, size_t off, __u64 v)
{
	memcpy((char *)base + off, &v, sizeof(v));
}

/* distinct per family, field (or index), CPU (or slot) */
static __u64 value(unsigned int family, unsigned int f, unsigned int c)
{
	return (__u64)family * 1000000 + (__u64)(f + 1) * 100 + c + 1;
}

static __u64 value_sum(unsigned int family, unsigned int f, unsigned int n)
{
	__u64 s = 0;

	for (unsigned int c = 0; c < n; c++)
		s += value(family, f, c);
	return s;
}

/* ---- giving every counter a value ---- */

static void fill_dp(void)
{
	struct sl_dp_counters *per = calloc(ncpu, sizeof(*per));
	__u32 zero = 0;

	assert_non_null(per);
	for (int c = 0; c < ncpu; c++)
		for (size_t f = 0; f < ARRAY_SIZE(dp_fields); f++)
			put(&per[c], dp_fields[f].off, value(1, f, c));
	assert_int_equal(bpf_map_update_elem(fx.maps.fd[SL_M_COUNTERS], &zero,
					     per, BPF_ANY), 0);
	free(per);
}

/* family 2 + bank: rule hits; 4 + bank: rewrite hits */
static void fill_hits(int which, __u32 per_bank, unsigned int family)
{
	__u64 *per = calloc(ncpu, sizeof(*per));

	assert_non_null(per);
	for (__u32 bank = 0; bank < SL_RULE_BANKS; bank++)
		for (__u32 i = 0; i < per_bank; i++) {
			__u32 key = bank * per_bank + i;

			for (int c = 0; c < ncpu; c++)
				per[c] = value(family + bank, i, c);
			assert_int_equal(bpf_map_update_elem(fx.maps.fd[which], &key,
							     per, BPF_ANY), 0);
		}
	free(per);
}

static void fill_slots(void)
{
	for (__u32 k = 0; k < SL_STATS_SLOTS; k++) {
		struct sl_kam_stats slot;

		memset(&slot, 0, sizeof(slot));
		for (size_t f = 0; f < ARRAY_SIZE(slot_fields); f++)
			put(&slot, slot_fields[f].off, value(6, f, k));
		assert_int_equal(bpf_map_update_elem(fx.maps.fd[SL_M_STATS], &k,
						     &slot, BPF_ANY), 0);
	}
}

static void fill_all(void)
{
	fill_dp();
	fill_hits(SL_M_RULE_HITS, SL_MAX_RULES, 2);
	fill_hits(SL_M_FWD_HITS, SL_MAX_REWRITES, 4);
	fill_slots();
}

/* ---- what is left: raw map contents, every CPU, slot and bank ---- */

static int nonzero_dp(bool quiet)
{
	struct sl_dp_counters *per = calloc(ncpu, sizeof(*per));
	__u32 zero = 0;
	int n = 0;

	assert_non_null(per);
	assert_int_equal(bpf_map_lookup_elem(fx.maps.fd[SL_M_COUNTERS], &zero,
					     per), 0);
	for (int c = 0; c < ncpu; c++)
		for (size_t f = 0; f < ARRAY_SIZE(dp_fields); f++)
			if (get(&per[c], dp_fields[f].off)) {
				if (!quiet)
					print_error("%s on CPU %d: %llu\n", dp_fields[f].name, c,
					    (unsigned long long)get(&per[c], dp_fields[f].off));
				n++;
			}
	free(per);
	return n;
}

static int nonzero_hits(int which, __u32 per_bank, const char *what)
{
	__u64 *per = calloc(ncpu, sizeof(*per));
	int n = 0;

	assert_non_null(per);
	for (__u32 key = 0; key < SL_RULE_BANKS * per_bank; key++) {
		assert_int_equal(bpf_map_lookup_elem(fx.maps.fd[which], &key, per), 0);
		for (int c = 0; c < ncpu; c++)
			if (per[c]) {
				if (n < 4)
					print_error("%s: bank %u index %u on CPU %d: %llu\n",
						    what, key / per_bank, key % per_bank,
						    c, (unsigned long long)per[c]);
				n++;
			}
	}
	free(per);
	return n;
}

static int nonzero_slots(bool quiet)
{
	struct sl_kam_stats slot;
	int n = 0;

	for (__u32 k = 0; k < SL_STATS_SLOTS; k++) {
		assert_int_equal(bpf_map_lookup_elem(fx.maps.fd[SL_M_STATS], &k,
						     &slot), 0);
		for (size_t f = 0; f < ARRAY_SIZE(slot_fields); f++)
			if (get(&slot, slot_fields[f].off)) {
				if (n < 4 && !quiet)
					print_error("%s in slot %u: %llu\n",
						    slot_fields[f].name, k,
						    (unsigned long long)get(&slot, slot_fields[f].off));
				n++;
			}
	}
	return n;
}

/* ---- the tests ---- */

/* The fields of a summed struct of value family fam over n CPUs (slots):
 * how many are wrong. */
static int bad_fields(const void *sum, const struct field *fields, size_t nf,
		      unsigned int fam, unsigned int n)
{
	int bad = 0;

	for (size_t f = 0; f < nf; f++)
		if (get(sum, fields[f].off) != value_sum(fam, f, n)) {
			print_error("%s: read %llu, want %llu\n", fields[f].name,
				    (unsigned long long)get(sum, fields[f].off),
				    (unsigned long long)value_sum(fam, f, n));
			bad++;
		}
	return bad;
}

/* Hits read for n indexes of value family fam: how many are wrong. */
static int bad_hits(const char *what, const __u64 *hits, unsigned int n,
		    unsigned int fam)
{
	int bad = 0;

	for (unsigned int i = 0; i < n; i++)
		if (hits[i] != value_sum(fam, i, ncpu)) {
			print_error("%s %u hits: read %llu, want %llu\n", what, i,
				    (unsigned long long)hits[i],
				    (unsigned long long)value_sum(fam, i, ncpu));
			bad++;
		}
	return bad;
}

/* The readers sum every field over the CPUs (slots), the active bank's
 * hits only. */
static void test_readers_sum_every_field(void **state)
{
	struct sl_dp_counters dp;
	struct sl_kam_stats kam;
	__u64 hits[SL_MAX_RULES], fwd[SL_MAX_REWRITES];
	__u32 bank;
	int bad = 0;

	(void)state;
	assert_int_equal(fx_config(FX_SL), 0);	/* some bank is active */
	fill_all();
	assert_int_equal(sl_maps_active_bank(&fx.maps, &bank), 0);
	assert_int_equal(sl_maps_read_counters(&fx.maps, &dp), 0);
	bad += bad_fields(&dp, dp_fields, ARRAY_SIZE(dp_fields), 1, ncpu);
	assert_int_equal(sl_maps_read_rule_hits(&fx.maps, hits), 0);
	bad += bad_hits("rule", hits, SL_MAX_RULES, 2 + bank);
	assert_int_equal(sl_maps_read_fwd_hits(&fx.maps, fwd), 0);
	bad += bad_hits("rewrite", fwd, SL_MAX_REWRITES, 4 + bank);
	assert_int_equal(sl_maps_read_kam_stats(&fx.maps, &kam), 0);
	bad += bad_fields(&kam, slot_fields, ARRAY_SIZE(slot_fields), 6,
			  SL_STATS_SLOTS);
	if (bad)
		fail_msg("%d counters read wrong", bad);
}

/* What `sl-ctl stats --reset` does: every family, every field, every
 * CPU, slot and bank back to 0. */
static void test_reset_every_counter(void **state)
{
	int dp, rules, fwd, slots;

	(void)state;
	fill_all();
	/* the values are there before the reset */
	assert_true(nonzero_dp(true) == (int)ARRAY_SIZE(dp_fields) * ncpu);
	assert_true(nonzero_slots(true) > 0);
	assert_int_equal(sl_maps_reset_counters(&fx.maps), 0);
	dp = nonzero_dp(false);
	rules = nonzero_hits(SL_M_RULE_HITS, SL_MAX_RULES, "rule hits");
	fwd = nonzero_hits(SL_M_FWD_HITS, SL_MAX_REWRITES, "rewrite hits");
	slots = nonzero_slots(false);
	if (dp || rules || fwd || slots)
		fail_msg("left after the reset: %d data-plane, %d rule-hit, %d rewrite-hit, %d responder-slot values",
			 dp, rules, fwd, slots);
}

static int group_setup(void **state)
{
	ncpu = libbpf_num_possible_cpus();
	return ncpu <= 0 ? -1 : fx_group_setup(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readers_sum_every_field),
		cmocka_unit_test(test_reset_every_counter),
	};

	return cmocka_run_group_tests_name("counters", tests, group_setup,
					   fx_group_teardown);
}
