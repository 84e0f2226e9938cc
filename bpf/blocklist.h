/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The live blocklist (include/sl_block.h): one LPM lookup per datagram
 * in the trie of its family; a match that has not expired drops it.  The
 * cost of a miss is that lookup, whatever the number of entries (a trie
 * walk, at most 32 or 128 levels deep).
 */
#ifndef SL_BLOCKLIST_H
#define SL_BLOCKLIST_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "sl_xdp_shared.h"
#include "net/packet.h"
#include "maps.h"

/* The entry whose prefix holds the source, or NULL. */
static __always_inline struct sl_block_entry *block_find(const struct pkt *p)
{
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
