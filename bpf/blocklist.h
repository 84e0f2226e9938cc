/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The live blocklist (include/sl_block.h): a bit of the pre-filter, then,
 * if it is set, one LPM lookup in the trie of the datagram's family; a
 * match that has not expired drops it.  A miss costs one or two array
 * loads, and a trie walk (at most 32 or 128 levels) only when another
 * entry shares the source's IPv4 /24 or IPv6 /48 hash bit.
 */
#ifndef SL_BLOCKLIST_H
#define SL_BLOCKLIST_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sl_xdp_shared.h"
#include "net/packet.h"
#include "maps.h"

/* The pre-filter word and bit of the source; NULL: no such word. */
static __always_inline __u64 *block_bit(const struct pkt *p, __u64 *bit)
{
	__u32 i, k;

	if (p->family == 4) {
		i = bpf_ntohl((__u32)p->src[0]) >> 8;	/* the /24 */
		k = i >> 6;
	} else {
		i = sl_block_bit6(p->src[0]);
		k = SL_BLOCK_WORDS4 + (i >> 6);
	}
	*bit = 1ULL << (i & 63);
	return bpf_map_lookup_elem(&sl_block_bits, &k);
}

/* The entry whose prefix holds the source, or NULL. */
static __always_inline struct sl_block_entry *block_find(const struct pkt *p)
{
	__u32 short6 = SL_BLOCK_V6_SHORT;
	__u64 *w, bit;

	w = block_bit(p, &bit);
	if (w && !(*w & bit)) {
		/* IPv6: unless an entry is shorter than /48 */
		if (p->family == 4)
			return NULL;
		w = bpf_map_lookup_elem(&sl_block_bits, &short6);
		if (w && !*w)
			return NULL;
	}
	if (p->family == 4) {
		struct sl_block_key4 k = { .prefixlen = 32 };

		__builtin_memcpy(k.addr, p->src, 4);
		return bpf_map_lookup_elem(&sl_block4, &k);
	} else {
		struct sl_block_key6 k = { .prefixlen = 128 };

		__builtin_memcpy(k.addr, p->src, 16);
		return bpf_map_lookup_elem(&sl_block6, &k);
	}
}

/* 1 if the source is blocked now (its entry's hit counted), else 0. */
static __always_inline int block_match(const struct pkt *p)
{
	struct sl_block_entry *e = block_find(p);
	__u64 exp;

	if (!e)
		return 0;
	exp = e->expires_ns;
	if (exp && exp <= bpf_ktime_get_ns())
		return 0;	/* the responder's sweep removes it */
	__sync_fetch_and_add(&e->hits, 1);
	return 1;
}

/* Puts the source (IPv4 /32, IPv6 /64) in the blocklist until
 * now + time_ns, reason ban; 0 or a negative error (a full trie). */
static __always_inline long block_ban(const struct pkt *p, __u64 now,
				      __u64 time_ns)
{
	struct sl_block_entry e = {
		.expires_ns = now + time_ns,
		.added_ns = now,
		.reason = SL_BLOCK_BAN,
	};
	__u64 *w, bit;

	/* the pre-filter first: an entry without its bit would not match */
	w = block_bit(p, &bit);
	if (w)
		__sync_fetch_and_or(w, bit);

	if (p->family == 4) {
		struct sl_block_key4 k = { .prefixlen = 32 };

		__builtin_memcpy(k.addr, p->src, 4);
		return bpf_map_update_elem(&sl_block4, &k, &e, BPF_ANY);
	} else {
		struct sl_block_key6 k = { .prefixlen = 64 };

		__builtin_memcpy(k.addr, p->src, 8);
		return bpf_map_update_elem(&sl_block6, &k, &e, BPF_ANY);
	}
}

#endif /* SL_BLOCKLIST_H */
