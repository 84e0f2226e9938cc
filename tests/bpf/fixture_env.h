/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The XDP program under test, loaded once per test binary from its
 * skeleton (nothing pinned), run on crafted frames with
 * bpf_prog_test_run_opts, plus map helpers: configure, reset counters,
 * reply-window entries, counter snapshots and diffs.  No cmocka here, so
 * that the benchmark can use it too.
 *
 * Configuration goes the product's way, from config text as an operator
 * writes it: sl_settings_load_string() (user/conf/config.h) ->
 * sl_image_compile() (user/conf/image.h) -> sl_bank_write()
 * (user/dp/bank.h).  The tests have no rule encoder of their own, so a
 * rule the product encodes wrongly fails them.
 */
#ifndef SL_TEST_FIXTURE_ENV_H
#define SL_TEST_FIXTURE_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <linux/bpf.h>

#include "sl_xdp_shared.h"
#include "conf/image.h"
#include "dp/maps.h"
#include "frame.h"

/* The to-tag signature of the spec's Kamailio captures (spec 1.4 / 7). */
#define FX_SEED			"KAMAILIO-stateless"
#define FX_SIG_IP		"127.0.0.1"
#define FX_SIG_PORT		"5070"
#define FX_SIG			"df673b98c9e0bd9172cfc0d849035098"

/* Opens the [sl] section of a test's config text with that signature's
 * tag address; more [sl] keys may follow, then other sections.  FX_SL
 * switches the per-source rate limit off (rate_limit = 0): the tests send
 * hundreds of requests from one address and measure something else;
 * tests/bpf/test_ratelimit.c starts from FX_SL_TAG and tests the default. */
#define FX_SL_TAG		"[sl]\ntag_addr = " FX_SIG_IP ":" FX_SIG_PORT "\n"
#define FX_SL			FX_SL_TAG "rate_limit = 0\n"

#define FX_WINDOW_MASK		1023u	/* window slots the tests use */

/* The reply-window map's size - 1 that fx_load() gives it: FX_WINDOW_MASK
 * unless set before (bench_xdp takes the product's default size). */
extern __u32 fx_window_mask;

/*
 * bpf_prog_test_run keeps at most PAGE_SIZE - XDP_PACKET_HEADROOM -
 * sizeof(skb_shared_info) = 4096 - 256 - 320 bytes of a frame linear
 * (x86-64); the rest goes into XDP fragments, even for a program that
 * is not declared frags-aware.
 */
#define FX_LINEAR_MAX		3520
#define FX_MAX_WINDOW_PUTS	64

struct sl_xdp;

struct fx_env {
	struct sl_xdp *skel;
	int prog_fd;
	struct sl_maps maps;
	/* window slots written since the last fx_window_clear() */
	__u32 window_slots[FX_MAX_WINDOW_PUTS];
	unsigned int n_window_slots;
	/* ctx ingress_ifindex of fx_run (0: none); reply forwarding looks
	 * routes up from that device */
	__u32 ingress_ifindex;
};

extern struct fx_env fx;

/* Result of one bpf_prog_test_run_opts call. */
struct fx_result {
	int err;		/* 0, or -errno of the test run */
	__u32 verdict;		/* XDP_* */
	__u32 out_len;		/* bytes in out: metadata + frame */
	__u32 meta_len;		/* ctx_out.data: metadata bytes before the frame */
	bool has_meta;		/* meta_len == sizeof(struct sl_xdp_meta) */
	struct sl_xdp_meta meta;	/* valid if has_meta */
	__u8 out[FRAME_MAX + 256];
};

/* Opens the skeleton with every map's pinning off, loads it (one
 * verification).  0 or -errno; a message on stderr on failure. */
int fx_load(void);
void fx_unload(void);
/* The same as a (cmocka) group setup and teardown: -1 / 0. */
int fx_group_setup(void **state);
int fx_group_teardown(void **state);

/*
 * The config text fmt (printf) through sl_settings_load_string() and
 * sl_image_compile() (interface address FX_SIG_IP) into img.  0, or -1
 * with the config error on stderr.
 */
int fx_compile(struct sl_bank_image *img, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* sl_bank_write() of img: fills the idle bank, flips.  0 or -errno. */
int fx_write(const struct sl_bank_image *img);
/* fx_compile() then fx_write(): the text is what the maps run with. */
int fx_config(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An entry of the interface (SL_LOCAL_IFACE) in sl_local, as the
 * responder's netlink sync writes it: family 4 or 6, or 0 for a MAC.
 * fx_load() puts the frame builder's destination MAC and addresses
 * there (FRAME_MAC_DST, FRAME_V4_DST, FRAME_V6_DST): the frames are for
 * this host.  0 or -errno. */
int fx_local_put(int family, const void *addr);
int fx_local_del(int family, const void *addr);
/* Both banks, all rules and the active bank zeroed: the state of a
 * program that iproute2 loaded and nobody configured. */
int fx_zero_config(void);
/* Counters and rule hits zeroed, window slots written by us cleared. */
int fx_reset(void);


/* system(cmd) (ip, sysctl in a test's own namespace); its status, and
 * the command on stderr when that is not 0. */
int fx_sh(const char *cmd);

/* CLOCK_MONOTONIC in ns: the clock of bpf_ktime_get_ns(). */
__u64 fx_now_ns(void);

/* Window entry at its slot for mask (recorded for fx_window_clear). */
int fx_window_put(__u32 mask, __u32 key_suffix, __u32 key_tag, __u64 sent_ns);
int fx_window_put_raw(__u32 slot, __u32 key_suffix, __u32 key_tag,
		      __u64 sent_ns);
int fx_window_clear(void);

/* One test run of the frame (repeat 1). */
int fx_run(const void *frame, size_t len, struct fx_result *res);
/* fx_run, and what it added to the counters into *delta.  0 or -errno. */
int fx_run_counted(const void *frame, size_t len, struct fx_result *res,
		   struct sl_dp_counters *delta);

int fx_counters(struct sl_dp_counters *c);
int fx_rule_hits(__u64 hits[SL_MAX_RULES]);

/* Writes "field: want W, got G" lines for every field that differs into
 * buf; returns the number of differing fields. */
int fx_counters_diff(const struct sl_dp_counters *want,
		     const struct sl_dp_counters *got, char *buf, size_t cap);
/* after - before, field by field. */
void fx_counters_sub(const struct sl_dp_counters *after,
		     const struct sl_dp_counters *before,
		     struct sl_dp_counters *delta);

const char *fx_verdict_name(__u32 verdict);

#endif /* SL_TEST_FIXTURE_ENV_H */
