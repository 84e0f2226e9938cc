// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The thread of one AF_XDP socket (xsk_io.h, xsk_int.h): read a batch of
 * requests, let the handler write each reply into a TX frame, hand the
 * replies to the kernel a slice at a time, give the request frames back
 * to the fill ring; when idle, look again for spin_us, then sleep in
 * poll().  Each request is either answered or counted (tx_ring_full,
 * umem_exhausted, rx_bad_desc, or by the handler itself): nothing is
 * lost silently, and no frame leaks.
 */
#define _GNU_SOURCE	/* sched_setaffinity, CPU_SET */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "dp/xsk_int.h"

/* Single writer: a plain add, stored so that readers never see it torn. */
static void stat_add(__u64 *field, __u64 n)
{
	if (n)
		__atomic_store_n(field, *field + n, __ATOMIC_RELAXED);
}

static bool stopping(const struct xsk_io *x)
{
	return __atomic_load_n(x->stop, __ATOMIC_RELAXED) ||
	       __atomic_load_n(&x->abort, __ATOMIC_RELAXED);
}

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* vDSO: no system call */
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static __u64 frame_base(const struct xsk_io *x, __u64 addr)
{
	return addr & ~(__u64)(x->frame_size - 1);
}

/* ---- what the sockets of a queue share (under pool->lock) ---- */

/* Completed TX frames back to the free list. */
static void pool_reclaim_locked(struct xsk_io *x, struct xsk_pool *p)
{
	__u64 tx_base = (__u64)x->rx_frames * x->frame_size;
	__u32 idx = 0, i, n;

	n = xsk_ring_cons__peek(&p->comp, x->ring_size, &idx);
	for (i = 0; i < n; i++) {
		__u64 addr = *xsk_ring_cons__comp_addr(&p->comp, idx + i);

		/* the kernel only returns what we gave it; check anyway */
		if (addr >= tx_base && addr < p->area_len &&
		    p->n_free_tx < x->tx_frames)
			p->free_tx[p->n_free_tx++] = frame_base(x, addr);
	}
	if (n)
		xsk_ring_cons__release(&p->comp, n);
}

/* Up to want free TX frames into the socket's cache (reclaiming first
 * when the list runs short).  Returns how many it holds now. */
static __u32 q_take_tx(struct xsk_q *q, __u32 want)
{
	struct xsk_pool *p = q->pool;

	if (want > RX_BATCH)
		want = RX_BATCH;
	pthread_mutex_lock(&p->lock);
	/* always: a completion ring left full stops the kernel's TX (it
	 * sends a frame only once it has a completion slot for it) */
	pool_reclaim_locked(q->io, p);
	while (q->n_tx_cache < want && p->n_free_tx)
		q->tx_cache[q->n_tx_cache++] = p->free_tx[--p->n_free_tx];
	pthread_mutex_unlock(&p->lock);
	q->tx_starved = q->n_tx_cache == 0;
	return q->n_tx_cache;
}

/* Completed frames back to the free list (which gives the kernel
 * completion slots again); whether any TX frame is free now.  (The
 * kernel completes a frame once the device or the peer took it.) */
static void q_reclaim(struct xsk_q *q)
{
	struct xsk_pool *p = q->pool;

	pthread_mutex_lock(&p->lock);
	pool_reclaim_locked(q->io, p);
	q->tx_starved = p->n_free_tx == 0 && q->n_tx_cache == 0;
	pthread_mutex_unlock(&p->lock);
}

/* The batch's unused TX frames back to the free list and the stashed
 * RX frames back to the fill ring, under one lock. */
static void q_give_back(struct xsk_q *q)
{
	struct xsk_io *x = q->io;
	struct xsk_pool *p = q->pool;
	__u32 idx = 0, i, n = q->n_stash;

	if (!q->n_tx_cache && !n)
		return;
	pthread_mutex_lock(&p->lock);
	while (q->n_tx_cache && p->n_free_tx < x->tx_frames)
		p->free_tx[p->n_free_tx++] = q->tx_cache[--q->n_tx_cache];
	/* the fill ring has room for every receive frame there is; halving
	 * is only a guard */
	while (n && xsk_ring_prod__reserve(&p->fill, n, &idx) != n)
		n /= 2;
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&p->fill, idx + i) =
			q->stash[q->n_stash - n + i];
	if (n) {
		xsk_ring_prod__submit(&p->fill, n);
		q->n_stash -= n;
	}
	pthread_mutex_unlock(&p->lock);
	if (xsk_ring_prod__needs_wakeup(&p->fill))
		recvfrom(q->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

/* ---- one socket ---- */

/*
 * Lets the kernel take what is on the TX ring, if it wants a kick.  Each
 * sendto() sends up to the socket's budget (32 before Linux 6.17, more
 * when XDP_MAX_TX_SKB_BUDGET was accepted) and says EAGAIN when more
 * is left or the completion ring is full; EBUSY/ENOBUFS when the device
 * dropped or refused a frame.  Whatever is left is retried by the thread
 * loop (q_sleep waits at most TX_WAIT_NS for it).
 */
static void q_kick(struct xsk_q *q)
{
	__u64 kicks = 0;
	int i;

	q->kick_pending = false;
	q->link_down = false;
	for (i = 0; i < KICK_TRIES; i++) {
		if (!xsk_ring_prod__needs_wakeup(&q->tx))
			goto out;
		kicks++;
		if (sendto(q->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
			goto out;
		if (errno != EAGAIN && errno != EINTR)
			break;
	}
	q->kick_pending = true;
	/* nothing leaves until the link is back: no point in a retry
	 * every 50 us meanwhile */
	q->link_down = errno == ENETDOWN || errno == ENXIO;
out:
	stat_add(&q->st.tx_kicks, kicks);
}

/* Replies written but not yet on the ring: submit them, and kick. */
static void q_flush_tx(struct xsk_q *q, __u32 *pending)
{
	if (*pending) {
		xsk_ring_prod__submit(&q->tx, *pending);
		*pending = 0;
	}
	q_kick(q);
}

/* The TX ring is full: send what is on it, with completion slots freed
 * first; whether a descriptor is free now. */
static bool q_tx_room(struct xsk_q *q, __u32 *pending)
{
	if (*pending) {
		xsk_ring_prod__submit(&q->tx, *pending);
		*pending = 0;
	}
	q_reclaim(q);
	q_kick(q);
	return xsk_prod_nb_free(&q->tx, 1) > 0;
}

/* The XDP program's metadata in front of the packet at addr, or NULL.
 * Wiped after reading: stale bytes must not pass for a later frame's. */
static const struct sl_xdp_meta *q_meta(struct xsk_q *q, __u64 addr,
					struct sl_xdp_meta *m)
{
	__u8 *p;

	if (addr - frame_base(q->io, addr) < sizeof(*m))
		return NULL;
	p = q->pool->area + addr - sizeof(*m);
	memcpy(m, p, sizeof(*m));
	memset(p, 0, sizeof(*m));
	if (m->magic != SL_META_MAGIC || m->bank >= SL_RULE_BANKS ||
	    (m->rule >= SL_MAX_RULES && m->rule != SL_META_DEFAULT_RULE))
		return NULL;
	return m;
}

/* Handles up to RX_BATCH received frames; returns how many. */
static __u32 q_rx_batch(struct xsk_q *q)
{
	struct xsk_io *x = q->io;
	__u8 *area = q->pool->area;
	size_t area_len = q->pool->area_len;
	struct xsk_io_stats d = {};
	__u32 idx_rx = 0, i, rcvd, pending = 0;

	rcvd = xsk_ring_cons__peek(&q->rx, RX_BATCH, &idx_rx);
	if (!rcvd)
		return 0;
	q_take_tx(q, rcvd);
	for (i = 0; i < rcvd; i++) {
		const struct xdp_desc *desc = xsk_ring_cons__rx_desc(&q->rx, idx_rx + i);
		__u64 addr = desc->addr, base = frame_base(x, addr), tx_addr;
		__u32 len = desc->len, idx_tx = 0;
		const struct sl_xdp_meta *meta;
		struct sl_xdp_meta m;
		struct xdp_desc *td;
		size_t out;

		d.rx++;
		if (addr >= area_len) {
			d.rx_bad_desc++;	/* not a frame of ours */
			continue;
		}
		if (addr - base + len > x->frame_size) {
			d.rx_bad_desc++;	/* runs past its frame */
			goto recycle;
		}
		meta = q_meta(q, addr, &m);
		/* A TX frame and a TX descriptor before the handler runs: it
		 * counts the reply as sent and records its ACK window entry,
		 * so the reply must not be dropped after it. */
		if (!q->n_tx_cache) {
			q_flush_tx(q, &pending);
			q_take_tx(q, rcvd - i);
		}
		if (!q->n_tx_cache) {
			d.umem_exhausted++;
			goto recycle;
		}
		if (!xsk_prod_nb_free(&q->tx, 1) && !q_tx_room(q, &pending)) {
			d.tx_ring_full++;
			goto recycle;
		}
		tx_addr = q->tx_cache[--q->n_tx_cache];
		out = x->handler(x->user, q->index, area + addr, len, meta,
				 area + tx_addr, x->frame_size);
		if (!out || out > x->frame_size) {
			q->tx_cache[q->n_tx_cache++] = tx_addr;
			d.handler_zero++;
			goto recycle;
		}
		/* cannot fail: single producer, room checked above */
		xsk_ring_prod__reserve(&q->tx, 1, &idx_tx);
		td = xsk_ring_prod__tx_desc(&q->tx, idx_tx);
		td->addr = tx_addr;
		td->len = out;
		td->options = 0;
		d.tx++;
		/* the first replies leave while the rest are composed */
		if (++pending == TX_SLICE)
			q_flush_tx(q, &pending);
recycle:
		/* the stash has room for every RX frame there is */
		if (q->n_stash < x->rx_frames)
			q->stash[q->n_stash++] = base;
	}
	xsk_ring_cons__release(&q->rx, rcvd);
	if (pending)
		q_flush_tx(q, &pending);
	q_give_back(q);

	stat_add(&q->st.rx, d.rx);
	stat_add(&q->st.tx, d.tx);
	stat_add(&q->st.tx_ring_full, d.tx_ring_full);
	stat_add(&q->st.umem_exhausted, d.umem_exhausted);
	stat_add(&q->st.handler_zero, d.handler_zero);
	stat_add(&q->st.rx_bad_desc, d.rx_bad_desc);
	return rcvd;
}

/*
 * Nothing to read.  Sleep until a frame arrives (poll also drives a
 * copy-mode TX and wakes a zero-copy driver that asked for it), at most
 * POLL_MS so that *stop is seen.  A TX that the kernel did not take, or
 * that waits for frames to complete, has no event of its own but for a
 * TX ring more than half full (POLLOUT once the kernel drained it), so
 * the sleep is then at most TX_WAIT_NS: the kick is retried soon, not
 * after the next request or a millisecond.
 */
static void q_sleep(struct xsk_q *q)
{
	struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
	struct timespec ts = { POLL_MS / 1000, (POLL_MS % 1000) * 1000000L };

	if ((q->kick_pending || q->tx_starved) && !q->link_down) {
		ts.tv_sec = 0;
		ts.tv_nsec = TX_WAIT_NS;
		if (xsk_prod_nb_free(&q->tx, q->io->ring_size) <
		    q->io->ring_size / 2)
			pfd.events |= POLLOUT;
	}
	ppoll(&pfd, 1, &ts, NULL);
	stat_add(&q->st.sleeps, 1);
}

/* Busy polling: one pass of the device's NAPI context on this CPU (the
 * socket's SO_BUSY_POLL); without it, a pause. */
static void q_idle_step(struct xsk_q *q)
{
	if (q->io->busy_poll)
		recvfrom(q->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
	else
		__builtin_ia32_pause();
}

/* Name and CPU of this thread.  Both are system calls the responder
 * makes after entering its sandbox (prctl PR_SET_NAME and
 * sched_setaffinity on itself, allowed by user/run/sandbox.c). */
static void q_thread_setup(struct xsk_q *q)
{
	char name[16];
	cpu_set_t set;

	if (q->io->per_queue > 1)
		snprintf(name, sizeof(name), "sl-xdp/q%u.%u", q->queue, q->k);
	else
		snprintf(name, sizeof(name), "sl-xdp/q%u", q->queue);
	prctl(PR_SET_NAME, name, 0, 0, 0);
	if (q->cpu >= 0 && q->cpu < CPU_SETSIZE) {
		CPU_ZERO(&set);
		CPU_SET(q->cpu, &set);
		/* a CPU gone offline since the check: run anywhere */
		sched_setaffinity(0, sizeof(set), &set);
	}
	if (!pthread_getcpuclockid(pthread_self(), &q->cpu_clock))
		__atomic_store_n(&q->have_clock, true, __ATOMIC_RELEASE);
}

void *xsk_q_thread(void *arg)
{
	struct xsk_q *q = arg;
	struct xsk_io *x = q->io;
	__u64 idle_since = 0;
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	q_thread_setup(q);

	while (!stopping(x)) {
		if (q->kick_pending || q->tx_starved) {
			q_reclaim(q);
			q_kick(q);
		}
		if (q_rx_batch(q)) {
			idle_since = 0;
			continue;
		}
		/* spin_us: a request arriving soon is read without the
		 * wake-up of a sleeping thread (a few microseconds) */
		if (x->spin_ns || (x->busy_poll && !idle_since)) {
			__u64 now = mono_ns();

			if (!idle_since)
				idle_since = now;
			if (now - idle_since <= x->spin_ns) {
				q_idle_step(q);
				continue;
			}
		}
		q_sleep(q);
		idle_since = 0;
	}
	return NULL;
}
