/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * AF_XDP I/O for the responder (DESIGN.md section 4): sockets_per_queue
 * sockets on each RX queue of the interface (one by default), the sockets
 * of a queue sharing its UMEM, one thread per socket, each socket
 * inserted into the pinned sl_xsks map at queue * sockets_per_queue + k
 * (the XDP program picks k by a hash of the Call-ID, xsk_dispatch.h).
 * The XDP program itself is attached by sl-ctl: libxdp is told not to
 * load one.
 *
 * UMEM of a queue: umem_frames frames of frame_size bytes (default 2 *
 * ring_size).  The first min(umem_frames / 2, ring_size) frames only ever
 * receive (fill ring -> RX ring -> handler -> back to the fill ring); the
 * others only ever transmit (free list -> handler writes the reply -> TX
 * ring -> completion ring -> free list).  So a reply is composed straight
 * into the frame that is sent, and a request is read where the kernel put
 * it: no copies.
 *
 * A received packet starts at an offset inside its frame (the kernel's
 * XDP_PACKET_HEADROOM, 256 bytes); struct sl_xdp_meta, when the XDP
 * program set it with bpf_xdp_adjust_meta(), is the 8 bytes right before
 * the packet.  It is checked (magic, bank, rule range) and then wiped in
 * the UMEM, so a later packet in the same frame without metadata cannot
 * be mistaken for one with it.
 */
#ifndef SL_XSK_IO_H
#define SL_XSK_IO_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>

#include "sl_xdp_shared.h"

/*
 * Called by the thread of socket `sock` (0 .. xsk_io_sockets() - 1: the
 * socket's sl_xsks index, queue * sockets_per_queue + k; with one socket
 * per queue, the RX queue id) for each frame received there.  frame/len:
 * the packet, read-only, valid during the call.  meta: the XDP program's metadata, or NULL if the frame carried
 * none that is valid.  tx_buf/tx_cap: a free TX frame of the same UMEM
 * (tx_cap = frame_size); write the whole reply frame at tx_buf and return
 * its length, or 0 to send nothing.  A return value above tx_cap is
 * treated as 0.  A reply returned is always placed on the TX ring: the
 * handler is not called for a frame when no TX frame or no TX ring entry
 * is free (counted as umem_exhausted / tx_ring_full).  Handlers of
 * different queues run concurrently.
 */
typedef size_t (*xsk_handler_fn)(void *user, unsigned int sock,
				 const __u8 *frame, size_t len,
				 const struct sl_xdp_meta *meta,
				 __u8 *tx_buf, size_t tx_cap);

/* Counters of one socket since it was opened. */
struct xsk_io_stats {
	__u64 rx;		/* frames received */
	__u64 tx;		/* replies placed on the TX ring */
	__u64 tx_ring_full;	/* requests not handled: TX ring full */
	__u64 umem_exhausted;	/* requests not handled: no free TX frame */
	__u64 handler_zero;	/* handler returned 0 (or too much) */
	__u64 rx_bad_desc;	/* RX descriptor outside its frame: dropped */
	__u64 tx_kicks;		/* sendto() calls made to transmit */
	__u64 sleeps;		/* times the thread slept in poll() */
	/* the kernel's XDP_STATISTICS of the socket (0 if unreadable) */
	__u64 rx_dropped;	/* no fill-ring frame, or too large */
	__u64 rx_ring_full;	/* RX ring full */
	__u64 rx_fill_ring_empty; /* fill ring found empty */
	__u64 rx_invalid_descs;
	__u64 tx_invalid_descs;
	/* the thread's CPU time (user + system) so far */
	__u64 busy_ns;
};

struct xsk_io_opts {
	const char *ifname;
	int xsks_map_fd;	/* the pinned sl_xsks map */
	unsigned int n_queues;	/* 0: from the device (ETHTOOL_GCHANNELS:
				 * combined + rx), 1 if it cannot tell */
	unsigned int sockets_per_queue; /* 0 = 1; at most
				 * SL_MAX_SOCKETS_PER_QUEUE, and queues x
				 * sockets at most SL_MAX_SOCKETS */
	bool skb_mode;		/* force copy mode (XDP_COPY) */
	unsigned int frame_size; /* 0: 4096; a power of two, 2048..page */
	unsigned int ring_size;	/* 0: 2048; a power of two, 64..65536;
				 * every ring of a queue has this many
				 * entries */
	unsigned int umem_frames; /* 0: 2 * ring_size; a power of two, from
				   * 8 to 4 * ring_size; fewer TX frames than
				   * ring entries (< 2 * ring_size) let the
				   * UMEM run dry first, more (4 * ring_size)
				   * the TX ring fill first */
	unsigned int spin_us;	/* idle: look again this long before
				 * sleeping in poll() (0..SL_SPIN_US_MAX) */
	bool busy_poll;		/* SO_PREFER_BUSY_POLL, SO_BUSY_POLL and
				 * SO_BUSY_POLL_BUDGET on every socket, and
				 * the idle loop drives the NAPI context
				 * with recvfrom() */
	const int *cpus;	/* socket i's thread runs on cpus[i];
				 * -1 or no array: not pinned */
	xsk_handler_fn handler;
	void *user;
};

struct xsk_io;

/*
 * Creates the sockets (queues 0 .. n-1, sockets_per_queue on each),
 * binds them with need_wakeup, zero-copy first unless skb_mode (then copy
 * mode if the driver refuses), asks for a larger copy-mode TX budget
 * (XDP_MAX_TX_SKB_BUDGET, Linux 6.17+; older kernels keep 32 per kick),
 * sets the busy-polling options if asked, and inserts the sockets into
 * the map.  Uses the network namespace of the calling thread; needs the
 * privileges of binding AF_XDP sockets (and CAP_NET_ADMIN for
 * busy_poll): call it before dropping them.  0 or -1 with a message in
 * err.
 */
int xsk_io_open(const struct xsk_io_opts *o, struct xsk_io **out, char *err,
		size_t errlen);

/*
 * Runs one thread per socket (all signals blocked in them, named
 * "sl-xdp/qQ" or "sl-xdp/qQ.K", pinned to their CPU if they have one)
 * until *stop becomes non-zero, then joins them; each notices within
 * 100 ms.  RX in batches of up to 64, replies handed to the kernel 16 at
 * a time with a sendto() when it asks for one (need_wakeup); an idle
 * thread looks again for spin_us, then sleeps in poll(); a blocked TX is
 * retried within 50 us.  TX ring and UMEM exhaustion are counted, never
 * fatal.  0, or -errno if a thread could not be started (the others are
 * then stopped and joined).  Not re-entrant.
 */
int xsk_io_run(struct xsk_io *x, volatile int *stop);

/* Counters of socket `sock` (zero for one that does not exist), with the
 * kernel's XDP_STATISTICS and the thread's CPU time read now; called by
 * one thread at a time (the responder's main thread) while xsk_io_run()
 * runs, or after. */
void xsk_io_get_stats(struct xsk_io *x, unsigned int sock,
		      struct xsk_io_stats *st);
/* RX queues served, sockets in all (queues x sockets per queue). */
unsigned int xsk_io_queues(struct xsk_io *x);
unsigned int xsk_io_sockets(struct xsk_io *x);
/* Whether the kernel took the larger copy-mode TX budget (6.17+). */
bool xsk_io_tx_budget_raised(struct xsk_io *x);
/* "zero-copy" if every socket is bound zero-copy, else "copy". */
const char *xsk_io_mode(struct xsk_io *x);
/* Removes the map entries, closes the sockets, frees everything.  Not
 * while xsk_io_run() runs.  NULL is fine. */
void xsk_io_close(struct xsk_io *x);

#endif /* SL_XSK_IO_H */
