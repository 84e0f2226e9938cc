// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * AF_XDP sockets, one per RX queue, around a reply handler (xsk_io.h).
 *
 * Frame ownership in a queue's UMEM (ring size R, N frames, by default
 * N = 2R; NR = min(N/2, R) receive frames, NT = N - NR transmit frames):
 *   frames 0 .. NR-1    receive: fill ring -> RX ring -> handler -> stash
 *                       -> fill ring.  The fill ring holds R >= NR
 *                       entries, so it always has room for the stash.
 *   frames NR .. N-1    transmit: free list -> handler -> TX ring ->
 *                       completion ring -> free list.  The kernel takes a
 *                       descriptor off the TX ring only once it has a
 *                       completion slot for it, so the completion ring
 *                       never overflows whatever NT is.
 * NT < R: the free list can run dry before the TX ring fills (counted as
 * umem_exhausted); NT > R: the TX ring can fill while frames are free
 * (tx_ring_full).  Either way the request is not answered, its RX frame
 * goes back to the fill ring, and nothing is lost.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/if_xdp.h>
#include <linux/sockios.h>
#include <bpf/bpf.h>
#include <xdp/xsk.h>

#include "dp/xsk_io.h"

#define RX_BATCH	64
#define POLL_MS		100
#define KICK_TRIES	8	/* copy mode sends 32 descriptors per kick */
#define DEF_FRAME_SIZE	4096
#define DEF_RING_SIZE	2048
#define MIN_UMEM_FRAMES	8

struct xsk_q {
	struct xsk_io *io;
	unsigned int queue;
	bool zc;
	bool in_map;
	bool started;
	bool kick_pending;	/* TX descriptors the kernel has not taken */
	__u8 *area;
	size_t area_len;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	int fd;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
	__u64 *free_tx;		/* TX frames we own (io->tx_frames slots) */
	__u32 n_free_tx;
	__u64 *stash;		/* RX frames waiting for the fill ring
				 * (io->rx_frames slots) */
	__u32 n_stash;
	pthread_t thread;
	struct xsk_io_stats st;	/* written by this queue's thread only */
} __attribute__((aligned(64)));

struct xsk_io {
	char ifname[IF_NAMESIZE];
	int map_fd;
	unsigned int n;
	unsigned int frame_size;
	unsigned int ring_size;
	unsigned int rx_frames;	/* frames 0 .. rx_frames-1 of a UMEM */
	unsigned int tx_frames;	/* the tx_frames after them */
	xsk_handler_fn handler;
	void *user;
	volatile int *stop;
	int abort;
	struct xsk_q *q;	/* n entries */
};

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

/* RX queues of the device: combined + RX-only channels; 0 if unknown. */
static unsigned int device_queues(const char *ifname)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr = {};
	unsigned int n = 0;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ch;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0)
		n = ch.combined_count + ch.rx_count;
	close(fd);
	return n;
}

/* ---- setup ---- */

static void q_free_umem(struct xsk_q *q)
{
	if (q->xsk) {
		xsk_socket__delete(q->xsk);
		q->xsk = NULL;
	}
	if (q->umem) {
		xsk_umem__delete(q->umem);
		q->umem = NULL;
	}
}

/* A fresh UMEM on q->area and a socket bound with bind_flags. */
static int q_bind(struct xsk_io *x, struct xsk_q *q, __u16 bind_flags)
{
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

	ret = xsk_umem__create(&q->umem, q->area, q->area_len, &q->fill,
			       &q->comp, &ucfg);
	if (ret) {
		q->umem = NULL;
		return ret;
	}
	ret = xsk_socket__create(&q->xsk, x->ifname, q->queue, q->umem,
				 &q->rx, &q->tx, &scfg);
	if (ret) {
		q->xsk = NULL;
		q_free_umem(q);
		return ret;
	}
	return 0;
}

static int q_open(struct xsk_io *x, struct xsk_q *q, bool try_zc,
		  char *err, size_t errlen)
{
	__u32 i, idx = 0, nr = x->rx_frames, nt = x->tx_frames;
	int ret = -EOPNOTSUPP, fd;

	q->area_len = (size_t)(nr + nt) * x->frame_size;
	q->area = mmap(NULL, q->area_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (q->area == MAP_FAILED) {
		q->area = NULL;
		return fail(err, errlen, "queue %u: cannot map %zu bytes of UMEM: %s",
			    q->queue, q->area_len, strerror(errno));
	}
	q->free_tx = calloc(nt, sizeof(*q->free_tx));
	q->stash = calloc(nr, sizeof(*q->stash));
	if (!q->free_tx || !q->stash)
		return fail(err, errlen, "out of memory");

	if (try_zc) {
		ret = q_bind(x, q, XDP_ZEROCOPY | XDP_USE_NEED_WAKEUP);
		q->zc = ret == 0;
	}
	if (ret)
		ret = q_bind(x, q, XDP_COPY | XDP_USE_NEED_WAKEUP);
	if (ret) {
		const char *hint = "";

		if (ret == -ENOBUFS || ret == -EPERM)
			hint = " (UMEM is locked memory: CAP_IPC_LOCK or a higher RLIMIT_MEMLOCK needed)";
		return fail(err, errlen,
			    "cannot bind an AF_XDP socket to %s queue %u: %s%s",
			    x->ifname, q->queue, strerror(-ret), hint);
	}
	q->fd = xsk_socket__fd(q->xsk);

	/* receive frames into the fill ring, transmit frames free */
	if (xsk_ring_prod__reserve(&q->fill, nr, &idx) != nr)
		return fail(err, errlen, "queue %u: fill ring smaller than %u",
			    q->queue, nr);
	for (i = 0; i < nr; i++)
		*xsk_ring_prod__fill_addr(&q->fill, idx + i) =
			(__u64)i * x->frame_size;
	xsk_ring_prod__submit(&q->fill, nr);
	for (i = 0; i < nt; i++)
		q->free_tx[i] = (__u64)(nr + i) * x->frame_size;
	q->n_free_tx = nt;

	fd = q->fd;
	ret = bpf_map_update_elem(x->map_fd, &q->queue, &fd, 0);
	if (ret)
		return fail(err, errlen,
			    "cannot insert the socket of queue %u into the sl_xsks map: %s",
			    q->queue, strerror(errno));
	q->in_map = true;
	return 0;
}

static void q_close(struct xsk_io *x, struct xsk_q *q)
{
	if (q->in_map) {
		bpf_map_delete_elem(x->map_fd, &q->queue);
		q->in_map = false;
	}
	q_free_umem(q);
	if (q->area)
		munmap(q->area, q->area_len);
	q->area = NULL;
	free(q->free_tx);
	free(q->stash);
	q->free_tx = NULL;
	q->stash = NULL;
}

int xsk_io_open(const struct xsk_io_opts *o, struct xsk_io **out, char *err,
		size_t errlen)
{
	struct xsk_io *x;
	unsigned int i, n, frame_size, ring_size, frames;
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
	n = o->n_queues;
	if (!n) {
		n = device_queues(o->ifname);
		if (!n)
			n = 1;
		if (n > SL_MAX_QUEUES)
			n = SL_MAX_QUEUES;	/* the map's size */
	}
	if (n > SL_MAX_QUEUES)
		return fail(err, errlen, "%u queues: at most %u", n, SL_MAX_QUEUES);

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
	/* one cache line group per queue: its thread writes the counters */
	if (posix_memalign((void **)&x->q, 64, n * sizeof(*x->q))) {
		free(x);
		return fail(err, errlen, "out of memory");
	}
	memset(x->q, 0, n * sizeof(*x->q));
	x->n = n;
	try_zc = !o->skb_mode;
	for (i = 0; i < n; i++) {
		x->q[i].io = x;
		x->q[i].queue = i;
		x->q[i].fd = -1;
		if (q_open(x, &x->q[i], try_zc, err, errlen)) {
			xsk_io_close(x);
			return -1;
		}
		/* a driver that refuses zero-copy on one queue refuses it on
		 * the next one too: do not ask again */
		if (!x->q[i].zc)
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
	for (i = 0; x->q && i < x->n; i++)
		q_close(x, &x->q[i]);
	free(x->q);
	free(x);
}

unsigned int xsk_io_queues(struct xsk_io *x)
{
	return x ? x->n : 0;
}

const char *xsk_io_mode(struct xsk_io *x)
{
	unsigned int i;

	if (!x || !x->n)
		return "copy";
	for (i = 0; i < x->n; i++)
		if (!x->q[i].zc)
			return "copy";
	return "zero-copy";
}

void xsk_io_get_stats(struct xsk_io *x, unsigned int queue,
		      struct xsk_io_stats *st)
{
	const struct xsk_io_stats *s;

	memset(st, 0, sizeof(*st));
	if (!x || queue >= x->n)
		return;
	s = &x->q[queue].st;
	st->rx = __atomic_load_n(&s->rx, __ATOMIC_RELAXED);
	st->tx = __atomic_load_n(&s->tx, __ATOMIC_RELAXED);
	st->tx_ring_full = __atomic_load_n(&s->tx_ring_full, __ATOMIC_RELAXED);
	st->umem_exhausted = __atomic_load_n(&s->umem_exhausted, __ATOMIC_RELAXED);
	st->handler_zero = __atomic_load_n(&s->handler_zero, __ATOMIC_RELAXED);
}

/* ---- data path ---- */

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

static __u64 frame_base(const struct xsk_io *x, __u64 addr)
{
	return addr & ~(__u64)(x->frame_size - 1);
}

/* Lets the kernel take what is on the TX ring, if it wants a kick. */
static void q_kick(struct xsk_q *q)
{
	int i;

	q->kick_pending = false;
	for (i = 0; i < KICK_TRIES; i++) {
		if (!xsk_ring_prod__needs_wakeup(&q->tx))
			return;
		if (sendto(q->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
			return;
		/* EAGAIN: more than one kick's worth, or the device is
		 * busy; ENOBUFS/EBUSY/ENETDOWN: try again later */
		if (errno != EAGAIN && errno != EINTR)
			break;
	}
	q->kick_pending = true;
}

/* Completed TX frames back to the free list. */
static void q_reclaim(struct xsk_q *q)
{
	struct xsk_io *x = q->io;
	__u64 tx_base = (__u64)x->rx_frames * x->frame_size;
	__u32 idx = 0, i, n;

	n = xsk_ring_cons__peek(&q->comp, x->ring_size, &idx);
	for (i = 0; i < n; i++) {
		__u64 addr = *xsk_ring_cons__comp_addr(&q->comp, idx + i);

		/* the kernel only returns what we gave it; check anyway */
		if (addr >= tx_base && addr < q->area_len &&
		    q->n_free_tx < x->tx_frames)
			q->free_tx[q->n_free_tx++] = frame_base(x, addr);
	}
	if (n)
		xsk_ring_cons__release(&q->comp, n);
}

/* Stashed RX frames back to the fill ring. */
static void q_refill(struct xsk_q *q)
{
	__u32 idx = 0, i, n = q->n_stash;

	if (!n)
		return;
	while (n && xsk_ring_prod__reserve(&q->fill, n, &idx) != n)
		n /= 2;
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&q->fill, idx + i) =
			q->stash[q->n_stash - n + i];
	if (n) {
		xsk_ring_prod__submit(&q->fill, n);
		q->n_stash -= n;
	}
	if (xsk_ring_prod__needs_wakeup(&q->fill))
		recvfrom(q->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

/* The XDP program's metadata in front of the packet at addr, or NULL.
 * Wiped after reading: stale bytes must not pass for a later frame's. */
static const struct sl_xdp_meta *q_meta(struct xsk_q *q, __u64 addr,
					struct sl_xdp_meta *m)
{
	__u8 *p;

	if (addr - frame_base(q->io, addr) < sizeof(*m))
		return NULL;
	p = q->area + addr - sizeof(*m);
	memcpy(m, p, sizeof(*m));
	memset(p, 0, sizeof(*m));
	if (m->magic != SL_META_MAGIC || m->bank >= SL_RULE_BANKS ||
	    (m->rule >= SL_MAX_RULES && m->rule != SL_META_DEFAULT_RULE))
		return NULL;
	return m;
}

/* Every TX frame in flight or the TX ring full: push out what is
 * pending (reserved, not yet submitted), then take back what the kernel
 * has finished. */
static void q_tx_make_room(struct xsk_q *q, __u32 *pending)
{
	if (*pending) {
		xsk_ring_prod__submit(&q->tx, *pending);
		*pending = 0;
	}
	q_kick(q);
	q_reclaim(q);
}

/* Handles up to RX_BATCH received frames; returns how many. */
static __u32 q_rx_batch(struct xsk_q *q)
{
	struct xsk_io *x = q->io;
	struct xsk_io_stats d = {};
	__u32 idx_rx = 0, i, rcvd, pending = 0, sent = 0;

	rcvd = xsk_ring_cons__peek(&q->rx, RX_BATCH, &idx_rx);
	for (i = 0; i < rcvd; i++) {
		const struct xdp_desc *desc = xsk_ring_cons__rx_desc(&q->rx, idx_rx + i);
		__u64 addr = desc->addr, base = frame_base(x, addr), tx_addr;
		__u32 len = desc->len, idx_tx = 0;
		const struct sl_xdp_meta *meta;
		struct sl_xdp_meta m;
		struct xdp_desc *td;
		size_t out;

		d.rx++;
		if (addr >= q->area_len)
			continue;	/* not a frame of ours: cannot happen */
		if (addr - base + len > x->frame_size)
			goto recycle;	/* runs past its frame: neither */
		meta = q_meta(q, addr, &m);
		/* A TX frame and a TX descriptor before the handler runs: it
		 * counts the reply as sent and records its ACK window entry,
		 * so the reply must not be dropped after it. */
		if (!q->n_free_tx || !xsk_prod_nb_free(&q->tx, 1))
			q_tx_make_room(q, &pending);
		if (!q->n_free_tx) {
			d.umem_exhausted++;
			goto recycle;
		}
		if (!xsk_prod_nb_free(&q->tx, 1)) {
			d.tx_ring_full++;
			goto recycle;
		}
		tx_addr = q->free_tx[--q->n_free_tx];
		out = x->handler(x->user, q->queue, q->area + addr, len, meta,
				 q->area + tx_addr, x->frame_size);
		if (!out || out > x->frame_size) {
			q->free_tx[q->n_free_tx++] = tx_addr;
			d.handler_zero++;
			goto recycle;
		}
		/* cannot fail: single producer, room checked above */
		xsk_ring_prod__reserve(&q->tx, 1, &idx_tx);
		td = xsk_ring_prod__tx_desc(&q->tx, idx_tx);
		td->addr = tx_addr;
		td->len = out;
		td->options = 0;
		pending++;
		sent++;
recycle:
		/* the stash has room for every RX frame there is */
		if (q->n_stash < x->rx_frames)
			q->stash[q->n_stash++] = base;
	}
	if (rcvd)
		xsk_ring_cons__release(&q->rx, rcvd);
	if (pending)
		xsk_ring_prod__submit(&q->tx, pending);
	if (sent)
		q_kick(q);
	q_refill(q);

	d.tx = sent;
	stat_add(&q->st.rx, d.rx);
	stat_add(&q->st.tx, d.tx);
	stat_add(&q->st.tx_ring_full, d.tx_ring_full);
	stat_add(&q->st.umem_exhausted, d.umem_exhausted);
	stat_add(&q->st.handler_zero, d.handler_zero);
	return rcvd;
}

static void *q_thread(void *arg)
{
	struct xsk_q *q = arg;
	struct xsk_io *x = q->io;
	struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);

	while (!stopping(x)) {
		q_reclaim(q);
		if (q->kick_pending)
			q_kick(q);
		if (q_rx_batch(q))
			continue;
		/* idle: sleep until a frame arrives (poll also drives copy
		 * mode TX and wakes a zero-copy driver that asked for it) */
		pfd.revents = 0;
		poll(&pfd, 1, q->kick_pending ? 1 : POLL_MS);
	}
	return NULL;
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
		ret = -pthread_create(&x->q[i].thread, NULL, q_thread, &x->q[i]);
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
	}
	return ret;
}
