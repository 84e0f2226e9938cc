/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The map sl_local: this host's MACs and addresses as the XDP program
 * sees them (include/sl_edge.h).  Each owner replaces its own entries:
 * the responder's sync those of the interface (SL_LOCAL_IFACE), the bank
 * writer those of a bank (`addresses =`).
 */
#ifndef SL_DP_LOCAL_ADDRS_H
#define SL_DP_LOCAL_ADDRS_H

#include "dp/maps.h"
#include "dp/rtnl.h"

/* A key for an IPv4/IPv6 address (family 4 or 6) or a MAC (family 0). */
void sl_local_key(struct sl_local_key *k, int family, const void *addr,
		  __u8 owner);

/* After any change of sl_local: a new random value in sl_local_gen, so
 * that the XDP program's memo of the last frame it found local
 * (bpf/local_dst.h) no longer holds.  sl_local_replace() calls it; a
 * writer of its own must too.  0 or -errno. */
int sl_local_changed(const struct sl_maps *m);

/* The entries of owner become keys[0..n) (all of the same owner): the new
 * ones are written first, then the owner's others deleted, so an address
 * kept is never missing.  0, or -errno; -E2BIG: the map (SL_LOCAL_MAX)
 * was full for some of them, all the others were written (those missing
 * are not answered for). */
int sl_local_replace(const struct sl_maps *m, __u8 owner,
		     const struct sl_local_key *keys, unsigned int n);

/* The `addresses =` of bank (0/1) as its entries. */
int sl_local_write_bank(const struct sl_maps *m, __u32 bank,
			const struct sl_addr_list *l);

/* The interface's MAC and every address it has now, read with a dump
 * socket, as the SL_LOCAL_IFACE entries.  *n: how many.  0 or -errno. */
int sl_local_sync_iface(const struct sl_maps *m, struct sl_rtnl *dump,
			int ifindex, unsigned int *n);

#endif /* SL_DP_LOCAL_ADDRS_H */
