/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Every map of the XDP program.  Everything sl-ctl and the responder touch
 * is pinned by name, so that a program loaded by iproute2 leaves maps that
 * sl-ctl can pick up; sl-ctl itself pins under SL_PIN_BASE/<ifname>/.
 */
#ifndef SL_MAPS_H
#define SL_MAPS_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sl_xdp_shared.h"
#include "sip/scratch.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sl_active);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_active SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SL_RULE_BANKS);
	__type(key, __u32);
	__type(value, struct sl_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SL_RULE_BANKS * SL_MAX_RULES);
	__type(key, __u32);
	__type(value, struct sl_rule);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SL_RULE_BANKS * SL_MAX_RULES);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_rule_hits SEC(".maps");

/* Replies forwarded through each rewrite, as sl_rule_hits. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SL_RULE_BANKS * SL_MAX_REWRITES);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_fwd_hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sl_dp_counters);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_counters SEC(".maps");

/* mmap-able so the responder records replies without a system call. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SL_WINDOW_SLOTS_DEFAULT);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct sl_window_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_window SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, SL_MAX_SOCKETS);	/* queue * sockets_per_queue + k */
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_xsks SEC(".maps");

/* Per-source GCRA state for rate_limit: theoretical arrival time, ns. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SL_RATE_SOURCES);
	__type(key, struct sl_rate_key);
	__type(value, __u64);
} sl_rate SEC(".maps");

/* Kamailio's sl counters, written by the responder threads through
 * mmap (one slot each); the XDP program does not touch it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SL_STATS_SLOTS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct sl_kam_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_stats SEC(".maps");

/* Rule and rewrite names of each bank, written by sl-ctl with the bank
 * (sl-ctl stats names the hits by them); the XDP program does not touch
 * it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SL_RULE_BANKS);
	__type(key, __u32);
	__type(value, struct sl_bank_names);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_names SEC(".maps");

/* This host's MACs and addresses (include/sl_edge.h): the interface's,
 * kept by the responder's netlink sync, and each bank's `addresses =`. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SL_LOCAL_MAX);
	__type(key, struct sl_local_key);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_local SEC(".maps");

/* A new random value after every change of sl_local (its writers,
 * user/dp/local_addrs.c): the XDP program's memo of the last frame found
 * local (bpf/local_dst.h) holds while the value it was made under is
 * still here.  0: never written. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_local_gen SEC(".maps");

/* What the netlink sync did last (struct sl_sync_state). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sl_sync_state);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_sync SEC(".maps");

/* Next hops for reply forwarding (include/sl_edge.h), kept by the
 * responder's netlink sync: routes of the tables local and main, both
 * families in one trie (the family byte leads the key) ... */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, SL_ROUTES_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct sl_route_key);
	__type(value, struct sl_route);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_routes SEC(".maps");

/* ... and resolved neighbours, with the MAC of their device. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SL_NEIGH_MAX);
	__type(key, struct sl_neigh_key);
	__type(value, struct sl_neigh);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_neigh SEC(".maps");

/* Per-destination GCRA state of reply forwarding ([forward] rate_limit),
 * as sl_rate. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SL_RATE_SOURCES);
	__type(key, struct sl_rate_key);
	__type(value, __u64);
} sl_fwd_rate SEC(".maps");
/* The user_agent automaton of each bank (include/sl_xdp_shared.h),
 * written by sl-ctl with the bank. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SL_RULE_BANKS);
	__type(key, __u32);
	__type(value, struct sl_ua_dfa);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_ua_dfa SEC(".maps");

/* The live blocklist (include/sl_block.h): one trie per family, nodes
 * allocated as entries come; written by sl-ctl and by bans. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, SL_BLOCK_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct sl_block_key4);
	__type(value, struct sl_block_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_block4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, SL_BLOCK_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct sl_block_key6);
	__type(value, struct sl_block_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_block6 SEC(".maps");

/* The blocklist's pre-filter (include/sl_block.h), mmap-ed by sl-ctl. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SL_BLOCK_WORDS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_block_bits SEC(".maps");

/* Comments of blocklist entries, by prefix; the XDP program does not
 * touch it. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SL_BLOCK_NOTES_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct sl_block_note_key);
	__type(value, struct sl_block_note);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_block_note SEC(".maps");

/* The backend's state, kept by the responder's probe (include/sl_backend.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sl_backend_state);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_backend SEC(".maps");

/* Per-source ban state and minute counts ([ban], `sl-ctl top`). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SL_RATE_SOURCES);
	__type(key, struct sl_rate_key);
	__type(value, struct sl_src_state);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_src SEC(".maps");
/* HEP3 reports of ACKs absorbed and requests dropped by a rule
 * (hep_report.h), drained by the responder's HEP thread. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SL_HEP_RING_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sl_hep_ring SEC(".maps");

/* The payload copy and parser state (sip/scratch.h); not pinned: nothing
 * outside the program reads it. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sl_scratch);
} sl_scratch SEC(".maps");

#endif /* SL_MAPS_H */
