/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The data plane's maps seen from userspace: open (from a skeleton or
 * from pins), apply a configuration atomically, read counters.
 */
#ifndef SL_DP_MAPS_H
#define SL_DP_MAPS_H

#include <linux/types.h>
#include <stddef.h>
#include "sl_xdp_shared.h"

/* Map names, as pinned. */
#define SL_MAP_NAMES { "sl_active", "sl_config", "sl_rules", "sl_rule_hits", \
		       "sl_fwd_hits", "sl_counters", "sl_window", "sl_xsks", \
		       "sl_stats", "sl_names", "sl_local", "sl_sync", \
		       "sl_routes", "sl_neigh", "sl_ua_dfa", "sl_block4", \
		       "sl_block6", "sl_block_note", "sl_src", "sl_block_bits", \
		       "sl_backend", "sl_hep_ring", "sl_local_gen" }
#define SL_N_MAPS 23

struct sl_maps {
	int fd[SL_N_MAPS];	/* in SL_MAP_NAMES order; -1 = not open */
};
enum { SL_M_ACTIVE, SL_M_CONFIG, SL_M_RULES, SL_M_RULE_HITS, SL_M_FWD_HITS,
       SL_M_COUNTERS, SL_M_WINDOW, SL_M_XSKS, SL_M_STATS, SL_M_NAMES,
       SL_M_LOCAL, SL_M_SYNC, SL_M_ROUTES, SL_M_NEIGH, SL_M_UA_DFA,
       SL_M_BLOCK4, SL_M_BLOCK6, SL_M_BLOCK_NOTE, SL_M_SRC, SL_M_BLOCK_BITS,
       SL_M_BACKEND, SL_M_HEP_RING, SL_M_LOCAL_GEN };

extern const char *const sl_map_names[SL_N_MAPS];

void sl_maps_init(struct sl_maps *m);
/* Opens dir/<name> for every map and verifies them (sl_maps_verify);
 * dir and SL_PIN_BASE must be root's directories with mode 0700.
 * -errno (all closed) and a message saying what to do on failure. */
int sl_maps_open_pinned(struct sl_maps *m, const char *dir, char *err,
			size_t errlen);
/* Each map has the type, key and value size (and, but for sl_window,
 * number of entries) this build's XDP object gives it, and sl_active
 * names no other layout (sl_maps_layout): maps of another version of
 * sl-xdp are refused instead of read with the wrong struct layouts.  0,
 * or -errno (-EPROTO: another version) with a message. */
int sl_maps_verify(const struct sl_maps *m, char *err, size_t errlen);
/* The layout of this build's maps: a hash of every map's name, type,
 * sizes and the BTF of its key and value types (field names, offsets,
 * types), so any change to a shared struct changes it and nothing else
 * does; sl_bank_write stores it in sl_active.layout.  0 on error. */
__u32 sl_maps_layout(void);
/* Pins every map fd under dir (created); -errno on failure. */
int sl_maps_pin(const struct sl_maps *m, const char *dir);
/* Removes dir/<name> for every map, then dir; missing ones are fine. */
void sl_maps_unpin(const char *dir);
void sl_maps_close(struct sl_maps *m);

/* The sl_active entry (bank and generation); -errno on failure. */
int sl_maps_read_active(const struct sl_maps *m, struct sl_active *act);
int sl_maps_active_bank(const struct sl_maps *m, __u32 *bank);
/* What the responder's netlink sync did last (include/sl_edge.h). */
int sl_maps_read_sync(const struct sl_maps *m, struct sl_sync_state *st);
/* The settings of the active bank (what the data plane runs with). */
int sl_maps_read_config(const struct sl_maps *m, struct sl_config *cfg);

/* Sums of the per-CPU counters. */
int sl_maps_read_counters(const struct sl_maps *m, struct sl_dp_counters *sum);
/* Hits of the rules of the active bank, summed over CPUs. */
int sl_maps_read_rule_hits(const struct sl_maps *m, __u64 hits[SL_MAX_RULES]);
/* Replies forwarded through each rewrite of the active bank, summed. */
int sl_maps_read_fwd_hits(const struct sl_maps *m, __u64 hits[SL_MAX_REWRITES]);
/* Zeroes keys first_key .. first_key + n - 1 of a per-CPU map on every
 * CPU; -errno on failure. */
int sl_maps_zero_percpu(const struct sl_maps *m, int which, __u32 first_key,
			__u32 n);
/* Zeroes sl_counters, sl_rule_hits and sl_fwd_hits (both banks) and the
 * responder slots of sl_stats. */
int sl_maps_reset_counters(const struct sl_maps *m);

/* One reply-window entry through a map update (tests, tools).  The
 * responder writes the mmap-ed map directly instead. */
int sl_maps_window_put(const struct sl_maps *m, __u32 window_mask,
		       __u32 key_suffix, __u32 key_tag, __u64 sent_ns);

/* mmap of an mmap-able array map (sl_window, sl_stats); NULL on error.
 * *entries gets max_entries.  Unmap with munmap(ptr, *len). */
void *sl_maps_mmap(const struct sl_maps *m, int which, __u32 *entries,
		   size_t *len);

/* Kamailio sl counters summed over the responder slots of sl_stats. */
int sl_maps_read_kam_stats(const struct sl_maps *m, struct sl_kam_stats *sum);
/* The first n slots of sl_stats, one per responder thread (socket k of
 * queue q in slot q * sockets_per_queue + k). */
int sl_maps_read_stats_slots(const struct sl_maps *m, struct sl_kam_stats *slots,
			     __u32 n);

#endif /* SL_DP_MAPS_H */
