/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Inside xsk_io: the state that setup (xsk_io.c) and the queue threads
 * (xsk_loop.c) share.  Internal to user/dp/.
 *
 * A queue's UMEM is one area cut into frames (ring size R, N frames,
 * NR = min(N/2, R) of them receive, NT = N - NR transmit), shared by the
 * sockets_per_queue sockets bound to that queue.  The kernel gives them
 * one fill ring and one completion ring (XDP_SHARED_UMEM on the same
 * device and queue shares the buffer pool), each socket has its own RX
 * and TX ring and its own thread.  What the threads of a queue share -
 * the fill ring, the completion ring and the list of free TX frames - is
 * taken under the queue's lock, a few times per batch of up to RX_BATCH
 * frames; with one socket per queue the lock is never contended.
 *
 *   receive frames:  fill ring -> kernel -> RX ring of the socket the XDP
 *                    program chose -> handler -> stash -> fill ring
 *   transmit frames: free list -> handler writes the reply -> TX ring ->
 *                    kernel -> completion ring -> free list
 *
 * The fill ring has R >= NR entries, so every stash always fits into it;
 * the kernel takes a TX descriptor only once it has a completion slot
 * for it, so the completion ring never overflows whatever NT is.
 */
#ifndef SL_DP_XSK_INT_H
#define SL_DP_XSK_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>
#include <net/if.h>
#include <xdp/xsk.h>

#include "dp/xsk_io.h"

#define RX_BATCH	64	/* frames read from an RX ring at a time */
#define TX_SLICE	16	/* replies handed to the kernel at a time */
#define POLL_MS		100	/* longest sleep: *stop is seen this soon */
#define TX_WAIT_NS	50000	/* a blocked TX is retried this soon */
#define KICK_TRIES	8	/* sendto()s per kick: the kernel sends
				 * max_tx_budget (32 before 6.17) each */
#define TX_BUDGET	256	/* XDP_MAX_TX_SKB_BUDGET asked for (6.17+) */

/* What the threads of one queue share. */
struct xsk_pool {
	pthread_mutex_t lock;	/* fill, comp, free_tx */
	bool lock_init;
	unsigned int queue;
	bool zc;
	__u8 *area;
	size_t area_len;
	struct xsk_umem *umem;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	__u64 *free_tx;		/* TX frames nobody holds (io->tx_frames) */
	__u32 n_free_tx;
	int wake_fd;		/* a socket of the queue, for fill wakeups */
} __attribute__((aligned(64)));

/* One socket and its thread. */
struct xsk_q {
	struct xsk_io *io;
	struct xsk_pool *pool;
	unsigned int index;	/* in sl_xsks: queue * per_queue + k */
	unsigned int queue;
	unsigned int k;		/* socket k of its queue */
	int cpu;		/* pinned to; -1: not pinned */
	bool in_map;
	bool started;
	bool kick_pending;	/* the last kick left descriptors behind */
	bool link_down;		/* ... because the interface is down */
	bool tx_starved;	/* no free TX frame: completions outstanding */
	struct xsk_socket *xsk;
	int fd;
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
	__u64 *stash;		/* RX frames for the fill ring (rx_frames) */
	__u32 n_stash;
	__u64 tx_cache[RX_BATCH]; /* TX frames taken from the pool */
	__u32 n_tx_cache;
	pthread_t thread;
	clockid_t cpu_clock;	/* the thread's CPU-time clock */
	bool have_clock;
	__u64 busy_ns;		/* last read of it (reader's own) */
	struct xsk_io_stats st;	/* written by this queue's thread only */
} __attribute__((aligned(64)));

struct xsk_io {
	char ifname[IF_NAMESIZE];
	int map_fd;
	unsigned int n_queues;
	unsigned int per_queue;	/* sockets per queue */
	unsigned int n;		/* sockets: n_queues * per_queue */
	unsigned int frame_size;
	unsigned int ring_size;
	unsigned int rx_frames;	/* frames 0 .. rx_frames-1 of a UMEM */
	unsigned int tx_frames;	/* the tx_frames after them */
	__u64 spin_ns;
	bool busy_poll;
	bool tx_budget_raised;	/* XDP_MAX_TX_SKB_BUDGET accepted */
	xsk_handler_fn handler;
	void *user;
	volatile int *stop;
	int abort;
	struct xsk_pool *pool;	/* n_queues entries */
	struct xsk_q *q;	/* n entries */
};

/* The thread of one socket (xsk_loop.c). */
void *xsk_q_thread(void *arg);

#endif /* SL_DP_XSK_INT_H */
