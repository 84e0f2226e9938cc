// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * AF_XDP sockets around a reply handler (xsk_io.h): setup, teardown,
 * counters.  The queue threads' data path is in xsk_loop.c; what both
 * share, and how frames move, in xsk_int.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <linux/if_xdp.h>
#include <bpf/bpf.h>
#include <xdp/xsk.h>

#include "dp/iface.h"
#include "dp/xsk_int.h"

#ifndef SOL_XDP
#define SOL_XDP			283
#endif
/* Linux 6.17 (include/uapi/linux/if_xdp.h); Debian 12's headers are 6.1 */
#ifndef XDP_MAX_TX_SKB_BUDGET
#define XDP_MAX_TX_SKB_BUDGET	9
#endif
/* Linux 5.11 (include/uapi/asm-generic/socket.h) */
#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL	69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET	70
#endif

#define DEF_FRAME_SIZE	SL_XSK_FRAME_SIZE
#define DEF_RING_SIZE	2048
#define MIN_UMEM_FRAMES	8
#define BUSY_POLL_US	20	/* SO_BUSY_POLL: makes the socket eligible;
				 * non-blocking calls poll once anyway */

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool is_pow2(unsigned int v)
{
	return v && !(v & (v - 1));
}

/* ---- setup ---- */

static void q_delete_socket(struct xsk_q *q)
{
	if (q->xsk) {
		xsk_socket__delete(q->xsk);
		q->xsk = NULL;
	}
	q->fd = -1;
}

static void pool_delete_umem(struct xsk_pool *p)
{
	if (p->umem) {
		xsk_umem__delete(p->umem);
		p->umem = NULL;
	}
}

/*
 * Socket k of its queue.  The first one creates the queue's UMEM (fill and
 * completion rings) and is bound with bind_flags; the others share it
 * (XDP_SHARED_UMEM: same device and queue, so the same buffer pool, and
 * the mode of the first).
 */
static int q_bind(struct xsk_io *x, struct xsk_q *q, __u16 bind_flags)
{
	struct xsk_pool *p = q->pool;
	struct xsk_umem_config ucfg = {
		.fill_size = x->ring_size,
		.comp_size = x->ring_size,
		.frame_size = x->frame_size,
		.frame_headroom = 0,
		.flags = 0,
	};
	struct xsk_socket_config scfg = {
		.rx_size = x->ring_size,
		.tx_size = x->ring_size,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.xdp_flags = 0,
		.bind_flags = bind_flags,
	};
	int ret;

	if (q->k == 0) {
		ret = xsk_umem__create(&p->umem, p->area, p->area_len, &p->fill,
				       &p->comp, &ucfg);
		if (ret) {
			p->umem = NULL;
			return ret;
		}
	}
	ret = xsk_socket__create_shared(&q->xsk, x->ifname, q->queue, p->umem,
					&q->rx, &q->tx, &p->fill, &p->comp,
					&scfg);
	if (ret) {
		q->xsk = NULL;
		if (q->k == 0)
			pool_delete_umem(p);
		return ret;
	}
	return 0;
}

/* The queue's UMEM area and free TX list (before its first socket). */
static int pool_open(struct xsk_io *x, struct xsk_pool *p, char *err,
		     size_t errlen)
{
	__u32 i, nr = x->rx_frames, nt = x->tx_frames;

	if (pthread_mutex_init(&p->lock, NULL))
		return fail(err, errlen, "queue %u: cannot make a lock", p->queue);
	p->lock_init = true;
	p->wake_fd = -1;
	p->area_len = (size_t)(nr + nt) * x->frame_size;
	p->area = mmap(NULL, p->area_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p->area == MAP_FAILED) {
		p->area = NULL;
		return fail(err, errlen, "queue %u: cannot map %zu bytes of UMEM: %s",
			    p->queue, p->area_len, strerror(errno));
	}
	p->free_tx = calloc(nt, sizeof(*p->free_tx));
	if (!p->free_tx)
		return fail(err, errlen, "out of memory");
	for (i = 0; i < nt; i++)
		p->free_tx[i] = (__u64)(nr + i) * x->frame_size;
	p->n_free_tx = nt;
	return 0;
}

/* Receive frames into the fill ring, once the queue's UMEM exists. */
static int pool_fill(struct xsk_io *x, struct xsk_pool *p, char *err,
		     size_t errlen)
{
	__u32 i, idx = 0, nr = x->rx_frames;

	if (xsk_ring_prod__reserve(&p->fill, nr, &idx) != nr)
		return fail(err, errlen, "queue %u: fill ring smaller than %u",
			    p->queue, nr);
	for (i = 0; i < nr; i++)
		*xsk_ring_prod__fill_addr(&p->fill, idx + i) =
			(__u64)i * x->frame_size;
	xsk_ring_prod__submit(&p->fill, nr);
	return 0;
}

/* Per-socket options: all best effort but busy polling, which was asked
 * for and needs CAP_NET_ADMIN (held here, before the sandbox). */
static int q_tune(struct xsk_io *x, struct xsk_q *q, char *err,
		  size_t errlen)
{
	unsigned int budget = TX_BUDGET < x->ring_size ? TX_BUDGET : x->ring_size;
	int one = 1, usec = BUSY_POLL_US, nb = RX_BATCH;

	/* 6.17+: more descriptors per sendto() in copy mode; ENOPROTOOPT
	 * before (32 per call, KICK_TRIES calls per kick) */
	if (!setsockopt(q->fd, SOL_XDP, XDP_MAX_TX_SKB_BUDGET, &budget,
			sizeof(budget)) && q->index == 0)
		x->tx_budget_raised = true;
	if (!x->busy_poll)
		return 0;
	if (setsockopt(q->fd, SOL_SOCKET, SO_PREFER_BUSY_POLL, &one, sizeof(one)) ||
	    setsockopt(q->fd, SOL_SOCKET, SO_BUSY_POLL, &usec, sizeof(usec)) ||
	    setsockopt(q->fd, SOL_SOCKET, SO_BUSY_POLL_BUDGET, &nb, sizeof(nb)))
		return fail(err, errlen,
			    "busy_poll: cannot set the busy-polling options of the socket of queue %u: %s",
			    q->queue, strerror(errno));
	return 0;
}

static int q_open(struct xsk_io *x, struct xsk_q *q, bool try_zc,
		  char *err, size_t errlen)
{
	struct xsk_pool *p = q->pool;
	int ret = -EOPNOTSUPP, fd;

	q->stash = calloc(x->rx_frames, sizeof(*q->stash));
	if (!q->stash)
		return fail(err, errlen, "out of memory");

	if (q->k > 0) {
		/* mode and flags are the first socket's */
		ret = q_bind(x, q, 0);
	} else {
		if (try_zc) {
			ret = q_bind(x, q, XDP_ZEROCOPY | XDP_USE_NEED_WAKEUP);
			p->zc = ret == 0;
		}
		if (ret)
			ret = q_bind(x, q, XDP_COPY | XDP_USE_NEED_WAKEUP);
	}
	if (ret) {
		const char *hint = "";

		if (ret == -ENOBUFS || ret == -EPERM)
			hint = " (UMEM is locked memory: CAP_IPC_LOCK or a higher RLIMIT_MEMLOCK needed)";
		return fail(err, errlen,
			    "cannot bind AF_XDP socket %u of %s queue %u: %s%s",
			    q->k, x->ifname, q->queue, strerror(-ret), hint);
	}
	q->fd = xsk_socket__fd(q->xsk);
	if (q->k == 0) {
		p->wake_fd = q->fd;
		if (pool_fill(x, p, err, errlen))
			return -1;
	}
	if (q_tune(x, q, err, errlen))
		return -1;

	fd = q->fd;
	ret = bpf_map_update_elem(x->map_fd, &q->index, &fd, 0);
	if (ret)
		return fail(err, errlen,
			    "cannot insert socket %u of queue %u into the sl_xsks map: %s",
			    q->k, q->queue, strerror(errno));
	q->in_map = true;
	return 0;
}

static void q_close(struct xsk_io *x, struct xsk_q *q)
{
	if (q->in_map) {
		bpf_map_delete_elem(x->map_fd, &q->index);
		q->in_map = false;
	}
	q_delete_socket(q);
	free(q->stash);
	q->stash = NULL;
}

static void pool_close(struct xsk_pool *p)
{
	pool_delete_umem(p);
	if (p->area)
		munmap(p->area, p->area_len);
	p->area = NULL;
	free(p->free_tx);
	p->free_tx = NULL;
	if (p->lock_init)
		pthread_mutex_destroy(&p->lock);
	p->lock_init = false;
}

int xsk_io_open(const struct xsk_io_opts *o, struct xsk_io **out, char *err,
		size_t errlen)
{
	struct xsk_io *x;
	unsigned int i, n, per, frame_size, ring_size, frames;
	unsigned int page = (unsigned int)sysconf(_SC_PAGESIZE);
	bool try_zc;

	*out = NULL;
	if (!o || !o->ifname || !o->handler)
		return fail(err, errlen, "xsk_io_open: no interface or no handler");
	if (strlen(o->ifname) >= IF_NAMESIZE || !if_nametoindex(o->ifname))
		return fail(err, errlen, "no such interface: %s", o->ifname);
	if (o->xsks_map_fd < 0)
		return fail(err, errlen, "no sl_xsks map");

	frame_size = o->frame_size ? o->frame_size : DEF_FRAME_SIZE;
	ring_size = o->ring_size ? o->ring_size : DEF_RING_SIZE;
	if (!is_pow2(frame_size) || frame_size < 2048 || frame_size > page)
		return fail(err, errlen,
			    "frame size %u: must be a power of two from 2048 to %u",
			    frame_size, page);
	if (!is_pow2(ring_size) || ring_size < RX_BATCH || ring_size > 65536)
		return fail(err, errlen,
			    "ring size %u: must be a power of two from %u to 65536",
			    ring_size, RX_BATCH);
	frames = o->umem_frames ? o->umem_frames : 2 * ring_size;
	if (!is_pow2(frames) || frames < MIN_UMEM_FRAMES ||
	    frames > 4 * ring_size)
		return fail(err, errlen,
			    "UMEM frames %u: must be a power of two from %u to 4 x the ring size (%u)",
			    frames, MIN_UMEM_FRAMES, 4 * ring_size);
	per = o->sockets_per_queue ? o->sockets_per_queue : 1;
	if (per > SL_MAX_SOCKETS_PER_QUEUE)
		return fail(err, errlen, "%u sockets per queue: at most %u",
			    per, SL_MAX_SOCKETS_PER_QUEUE);
	n = o->n_queues;
	if (!n) {
		n = sl_iface_rx_queues(o->ifname);
		if (!n)
			n = 1;
		if (n > SL_MAX_QUEUES)
			n = SL_MAX_QUEUES;
	}
	if (n > SL_MAX_QUEUES)
		return fail(err, errlen, "%u queues: at most %u", n, SL_MAX_QUEUES);
	if (n * per > SL_MAX_SOCKETS)
		return fail(err, errlen,
			    "%s has %u queues: %u sockets per queue would make %u sockets, at most %u (sockets_per_queue = %u at most)",
			    o->ifname, n, per, n * per, SL_MAX_SOCKETS,
			    SL_MAX_SOCKETS / n);

	x = calloc(1, sizeof(*x));
	if (!x)
		return fail(err, errlen, "out of memory");
	snprintf(x->ifname, sizeof(x->ifname), "%s", o->ifname);
	x->map_fd = o->xsks_map_fd;
	x->handler = o->handler;
	x->user = o->user;
	x->frame_size = frame_size;
	x->ring_size = ring_size;
	x->rx_frames = frames / 2 < ring_size ? frames / 2 : ring_size;
	x->tx_frames = frames - x->rx_frames;
	x->spin_ns = (__u64)o->spin_us * 1000;
	x->busy_poll = o->busy_poll;
	/* a cache line group each: its thread writes the counters */
	if (posix_memalign((void **)&x->q, 64, n * per * sizeof(*x->q)) ||
	    posix_memalign((void **)&x->pool, 64, n * sizeof(*x->pool))) {
		free(x->q);
		free(x);
		return fail(err, errlen, "out of memory");
	}
	memset(x->q, 0, n * per * sizeof(*x->q));
	memset(x->pool, 0, n * sizeof(*x->pool));
	x->n_queues = n;
	x->per_queue = per;
	x->n = n * per;
	for (i = 0; i < x->n; i++) {
		struct xsk_q *q = &x->q[i];

		q->io = x;
		q->index = i;
		q->queue = i / per;
		q->k = i % per;
		q->pool = &x->pool[q->queue];
		q->fd = -1;
		q->cpu = o->cpus ? o->cpus[i] : -1;
	}
	try_zc = !o->skb_mode;
	for (i = 0; i < x->n; i++) {
		struct xsk_q *q = &x->q[i];

		if (q->k == 0) {
			q->pool->queue = q->queue;
			if (pool_open(x, q->pool, err, errlen)) {
				xsk_io_close(x);
				return -1;
			}
		}
		if (q_open(x, q, try_zc, err, errlen)) {
			xsk_io_close(x);
			return -1;
		}
		/* a driver that refuses zero-copy on one queue refuses it on
		 * the next one too: do not ask again */
		if (!q->pool->zc)
			try_zc = false;
	}
	*out = x;
	return 0;
}

void xsk_io_close(struct xsk_io *x)
{
	unsigned int i;

	if (!x)
		return;
	/* every socket of a queue before the UMEM they share */
	for (i = 0; x->q && i < x->n; i++)
		q_close(x, &x->q[i]);
	for (i = 0; x->pool && i < x->n_queues; i++)
		pool_close(&x->pool[i]);
	free(x->q);
	free(x->pool);
	free(x);
}

unsigned int xsk_io_queues(struct xsk_io *x)
{
	return x ? x->n_queues : 0;
}

unsigned int xsk_io_sockets(struct xsk_io *x)
{
	return x ? x->n : 0;
}

bool xsk_io_tx_budget_raised(struct xsk_io *x)
{
	return x && x->tx_budget_raised;
}

const char *xsk_io_mode(struct xsk_io *x)
{
	unsigned int i;

	if (!x || !x->n_queues)
		return "copy";
	for (i = 0; i < x->n_queues; i++)
		if (!x->pool[i].zc)
			return "copy";
	return "zero-copy";
}

/* The socket's drop counters as the kernel keeps them. */
static void read_xdp_statistics(const struct xsk_q *q, struct xsk_io_stats *st)
{
	struct xdp_statistics xs = {};
	socklen_t len = sizeof(xs);

	if (q->fd < 0 ||
	    getsockopt(q->fd, SOL_XDP, XDP_STATISTICS, &xs, &len) ||
	    len < sizeof(xs))
		return;
	st->rx_dropped = xs.rx_dropped;
	st->rx_ring_full = xs.rx_ring_full;
	st->rx_fill_ring_empty = xs.rx_fill_ring_empty_descs;
	st->rx_invalid_descs = xs.rx_invalid_descs;
	st->tx_invalid_descs = xs.tx_invalid_descs;
}

void xsk_io_get_stats(struct xsk_io *x, unsigned int sock,
		      struct xsk_io_stats *st)
{
	struct xsk_q *q;
	const struct xsk_io_stats *s;
	struct timespec ts;

	memset(st, 0, sizeof(*st));
	if (!x || sock >= x->n)
		return;
	q = &x->q[sock];
	s = &q->st;
	st->rx = __atomic_load_n(&s->rx, __ATOMIC_RELAXED);
	st->tx = __atomic_load_n(&s->tx, __ATOMIC_RELAXED);
	st->tx_ring_full = __atomic_load_n(&s->tx_ring_full, __ATOMIC_RELAXED);
	st->umem_exhausted = __atomic_load_n(&s->umem_exhausted, __ATOMIC_RELAXED);
	st->handler_zero = __atomic_load_n(&s->handler_zero, __ATOMIC_RELAXED);
	st->rx_bad_desc = __atomic_load_n(&s->rx_bad_desc, __ATOMIC_RELAXED);
	st->tx_kicks = __atomic_load_n(&s->tx_kicks, __ATOMIC_RELAXED);
	st->sleeps = __atomic_load_n(&s->sleeps, __ATOMIC_RELAXED);
	read_xdp_statistics(q, st);
	/* the thread publishes its clock once it runs; an ended thread's
	 * clock is gone (EINVAL): its last reading stands */
	if (__atomic_load_n(&q->have_clock, __ATOMIC_ACQUIRE) &&
	    !clock_gettime(q->cpu_clock, &ts))
		q->busy_ns = (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	st->busy_ns = q->busy_ns;
}

int xsk_io_run(struct xsk_io *x, volatile int *stop)
{
	unsigned int i;
	int ret = 0;

	if (!x || !stop)
		return -EINVAL;
	x->stop = stop;
	__atomic_store_n(&x->abort, 0, __ATOMIC_RELAXED);
	for (i = 0; i < x->n; i++) {
		x->q[i].started = false;
		ret = -pthread_create(&x->q[i].thread, NULL, xsk_q_thread, &x->q[i]);
		if (ret) {
			__atomic_store_n(&x->abort, 1, __ATOMIC_RELAXED);
			break;
		}
		x->q[i].started = true;
	}
	for (i = 0; i < x->n; i++) {
		if (x->q[i].started)
			pthread_join(x->q[i].thread, NULL);
		x->q[i].started = false;
		__atomic_store_n(&x->q[i].have_clock, false, __ATOMIC_RELEASE);
	}
	return ret;
}
