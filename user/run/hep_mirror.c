// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "run/hep_mirror.h"
#include "run/hep_ring.h"
#include "sip/hep3.h"

#define HEP_BATCH	64		/* datagrams per sendmmsg() */
#define HEP_IDLE_MIN_NS	100000		/* first sleep when the rings are empty */
#define HEP_IDLE_MAX_NS	5000000		/* longest: 5 ms at ~400 MB/s fits a ring */
#define HEP_OFF_NS	100000000	/* no [hep]: a look every 100 ms */

/* A ring record: where the packet goes, then the HEP3 packet. */
struct hep_rec {
	struct sockaddr_in6 to;
	__u32 pad;
	__u8 pkt[];
};

struct hep_mirror {
	int fd;
	int family;			/* of fd: AF_INET6 (dual-stack) or AF_INET */
	unsigned int n_rings;
	struct sl_kam_stats *stats;
	pthread_t thread;
	bool started;
	bool active;			/* a [hep] section is configured */
	volatile int *stop;
	__u64 *dropped_seen;		/* each ring's dropped, already published */
	struct hep_ring ring[];
};

/* Single writer per field (this thread): a plain add published whole. */
static void stat_add(__u64 *field, __u64 n)
{
	if (n)
		__atomic_store_n(field, *field + n, __ATOMIC_RELAXED);
}

void hep_target_make(const struct sl_hep_settings *h, struct hep_target *t)
{
	memset(t, 0, sizeof(*t));
	t->enabled = h->enabled;
	t->sample = h->sample;
	t->capture_id = h->capture_id;
	snprintf(t->auth_key, sizeof(t->auth_key), "%s", h->auth_key);
	t->to.sin6_family = AF_INET6;
	t->to.sin6_port = htons(h->port);
	if (h->family == AF_INET) {
		t->to.sin6_addr.s6_addr[10] = 0xff;
		t->to.sin6_addr.s6_addr[11] = 0xff;
		memcpy(&t->to.sin6_addr.s6_addr[12], h->addr, 4);
	} else {
		memcpy(&t->to.sin6_addr, h->addr, 16);
	}
}

/* 8 bytes at a time: about 10 ns for a typical Call-ID, where a
 * byte-wise hash takes 60 (a multiply chain per byte) */
static __u64 le64(const __u8 *b)
{
	return (__u64)b[0] | (__u64)b[1] << 8 | (__u64)b[2] << 16 |
	       (__u64)b[3] << 24 | (__u64)b[4] << 32 | (__u64)b[5] << 40 |
	       (__u64)b[6] << 48 | (__u64)b[7] << 56;	/* one load on x86 */
}

__u64 hep_callid_hash(const char *callid, size_t len)
{
	const __u8 *p = (const __u8 *)callid;
	__u64 h = 0x9e3779b97f4a7c15ULL ^ len;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		h = (h ^ le64(p + i)) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	if (i < len) {		/* the last word, padded with zeros */
		__u8 b[8] = { 0 };

		memcpy(b, p + i, len - i);
		h = (h ^ le64(b)) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	/* murmur3's finaliser: every input bit reaches the low digits */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

bool hep_sampled(const char *callid, size_t len, __u32 sample)
{
	if (sample >= SL_HEP_SAMPLE_ALL)
		return true;
	if (!sample)
		return false;
	return hep_callid_hash(callid, len) % SL_HEP_SAMPLE_ALL < sample;
}

static int fail(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "HEP mirror: %s: %s", what, strerror(errno));
	return -1;
}

int hep_mirror_open(unsigned int n_rings, struct sl_kam_stats *stats,
		    struct hep_mirror **out, char *err, size_t errlen)
{
	/* the rings' producer and consumer halves on their own cache lines */
	size_t size = (sizeof(struct hep_mirror) +
		       n_rings * sizeof(struct hep_ring) + 63) & ~(size_t)63;
	struct hep_mirror *m = aligned_alloc(64, size);
	int off = 0;

	if (!m)
		return fail(err, errlen, "memory");
	memset(m, 0, size);
	m->fd = -1;
	m->n_rings = n_rings;
	m->stats = stats;
	m->dropped_seen = calloc(n_rings ? n_rings : 1, sizeof(__u64));
	m->family = AF_INET6;
	m->fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (m->fd >= 0 &&
	    setsockopt(m->fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off))) {
		close(m->fd);
		m->fd = -1;
	}
	if (m->fd < 0) {	/* a host without IPv6: IPv4 destinations only */
		m->family = AF_INET;
		m->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	}
	if (m->fd < 0 || !m->dropped_seen) {
		int e = errno;

		hep_mirror_close(m);
		errno = e;
		return fail(err, errlen, "socket");
	}
	for (unsigned int i = 0; i < n_rings; i++)
		if (hep_ring_init(&m->ring[i], HEP_RING_BYTES)) {
			hep_mirror_close(m);
			return fail(err, errlen, "ring");
		}
	*out = m;
	return 0;
}

int hep_mirror_fd(const struct hep_mirror *m)
{
	return m ? m->fd : -1;
}

/* One copy into the ring; false if it has no room. */
static bool put(struct hep_ring *r, const struct hep_target *t,
		const struct sl_hep3_event *ev)
{
	size_t n = sl_hep3_encode(ev, NULL, HEP3_MAX_LEN);
	struct hep_rec *rec;

	if (!n)
		return false;
	rec = hep_ring_reserve(r, sizeof(*rec) + n);
	if (!rec)
		return false;
	rec->to = t->to;
	return sl_hep3_encode(ev, rec->pkt, n) == n;
}

void hep_mirror_answer(struct hep_mirror *m, unsigned int ring,
		       const struct hep_target *t, const __u8 *frame,
		       const __u8 *tx_buf, const struct sl_frame_answer *a)
{
	const struct frame_info *fi = &a->req;
	const char *callid;
	struct sl_hep3_event req, rep;
	struct hep_ring *r;
	struct timespec ts;

	if (!m || !t->enabled || !a->len || !a->callid_len || ring >= m->n_rings)
		return;
	callid = (const char *)frame + fi->payload_off + a->callid_off;
	if (!hep_sampled(callid, a->callid_len, t->sample))
		return;
	clock_gettime(CLOCK_REALTIME, &ts);	/* vDSO: no system call */
	memset(&req, 0, sizeof(req));
	req.family = fi->family;
	memcpy(req.src, fi->src, sizeof(req.src));
	memcpy(req.dst, fi->dst, sizeof(req.dst));
	req.sport = fi->sport;
	req.dport = fi->dport;
	req.ts_sec = ts.tv_sec;
	req.ts_usec = ts.tv_nsec / 1000;
	req.capture_id = t->capture_id;
	req.auth_key = t->auth_key;
	req.correlation = callid;
	req.correlation_len = a->callid_len;
	req.payload = frame + fi->payload_off;
	req.payload_len = fi->payload_len;
	/* the reply: from where the request went, to where it is sent */
	rep = req;
	memcpy(rep.src, fi->dst, sizeof(rep.src));
	memcpy(rep.dst, fi->src, sizeof(rep.dst));
	rep.sport = fi->dport;
	rep.dport = a->reply_dport;
	rep.payload = tx_buf + a->reply_payload_off;
	rep.payload_len = a->reply_payload_len;

	r = &m->ring[ring];
	if (put(r, t, &req) && put(r, t, &rep)) {
		hep_ring_publish(r);
		return;
	}
	hep_ring_abort(r);
	__atomic_store_n(&r->dropped, r->dropped + 2, __ATOMIC_RELAXED);
}

/* One batch of ring i: sent, and *failed those the kernel refused. */
static unsigned int drain_ring(struct hep_mirror *m, unsigned int i,
			       unsigned int *failed, bool *again)
{
	struct hep_ring *r = &m->ring[i];
	struct mmsghdr msg[HEP_BATCH];
	struct iovec iov[HEP_BATCH];
	struct sockaddr_in to4[HEP_BATCH];
	__u64 pos = hep_ring_tail(r), after[HEP_BATCH];
	unsigned int n = 0, done = 0, sent = 0;
	struct hep_rec *rec;
	size_t len;

	memset(msg, 0, sizeof(msg));
	while (n < HEP_BATCH && (rec = hep_ring_next(r, &pos, &len))) {
		iov[n].iov_base = rec->pkt;
		iov[n].iov_len = len - sizeof(*rec);
		msg[n].msg_hdr.msg_iov = &iov[n];
		msg[n].msg_hdr.msg_iovlen = 1;
		msg[n].msg_hdr.msg_name = &rec->to;
		msg[n].msg_hdr.msg_namelen = sizeof(rec->to);
		if (m->family == AF_INET) {
			/* an IPv4-only host: the mapped address, unmapped
			 * (an IPv6 one fails below and is counted) */
			memset(&to4[n], 0, sizeof(to4[n]));
			to4[n].sin_family = AF_INET;
			to4[n].sin_port = rec->to.sin6_port;
			memcpy(&to4[n].sin_addr, &rec->to.sin6_addr.s6_addr[12], 4);
			if (IN6_IS_ADDR_V4MAPPED(&rec->to.sin6_addr)) {
				msg[n].msg_hdr.msg_name = &to4[n];
				msg[n].msg_hdr.msg_namelen = sizeof(to4[n]);
			}
		}
		after[n++] = pos;
	}
	*again = n == HEP_BATCH;
	while (done < n) {
		int k = sendmmsg(m->fd, msg + done, n - done, MSG_DONTWAIT);

		if (k > 0) {
			done += k;
			sent += k;
		} else if (k < 0 && (errno == EAGAIN || errno == ENOBUFS ||
				     errno == EINTR)) {
			/* the socket's buffer is full: keep the rest for
			 * the next pass (the rings absorb it, or drop) */
			*again = false;
			break;
		} else {
			/* this one cannot be sent (no route, an IPv6
			 * destination on an IPv4-only host): skip it */
			done++;
			(*failed)++;
		}
	}
	if (done)
		hep_ring_release(r, after[done - 1]);
	return sent;
}

unsigned int hep_mirror_drain(struct hep_mirror *m)
{
	unsigned int total = 0;

	for (unsigned int i = 0; i < m->n_rings; i++) {
		unsigned int failed = 0, sent = 0;
		bool again = true;
		__u64 dropped;

		/* at most a few batches of one ring before the next */
		for (int b = 0; again && b < 4; b++)
			sent += drain_ring(m, i, &failed, &again);
		dropped = __atomic_load_n(&m->ring[i].dropped, __ATOMIC_RELAXED);
		if (m->stats && i < SL_STATS_SLOTS) {
			stat_add(&m->stats[i].hep_sent, sent);
			stat_add(&m->stats[i].hep_dropped,
				 failed + dropped - m->dropped_seen[i]);
		}
		m->dropped_seen[i] = dropped;
		total += sent;
	}
	return total;
}

static void *run(void *p)
{
	struct hep_mirror *m = p;
	long idle_ns = HEP_IDLE_MIN_NS;

	prctl(PR_SET_NAME, "sl-xdp/hep", 0, 0, 0);
	while (!*m->stop) {
		if (hep_mirror_drain(m)) {
			idle_ns = HEP_IDLE_MIN_NS;
			continue;
		}
		/* nothing to send: sleep, longer and longer up to a bound
		 * the rings can hold at line rate */
		struct timespec ts = { 0, idle_ns };

		if (!__atomic_load_n(&m->active, __ATOMIC_RELAXED))
			ts.tv_nsec = HEP_OFF_NS;
		nanosleep(&ts, NULL);
		if (idle_ns < HEP_IDLE_MAX_NS)
			idle_ns *= 2;
	}
	return NULL;
}

void hep_mirror_set_active(struct hep_mirror *m, bool on)
{
	if (m)
		__atomic_store_n(&m->active, on, __ATOMIC_RELAXED);
}

int hep_mirror_start(struct hep_mirror *m, volatile int *stop)
{
	sigset_t all, old;
	int ret;

	m->stop = stop;
	/* signals go to the main thread */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ret = pthread_create(&m->thread, NULL, run, m);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		return -ret;
	m->started = true;
	return 0;
}

void hep_mirror_join(struct hep_mirror *m)
{
	if (!m || !m->started)
		return;
	pthread_join(m->thread, NULL);
	m->started = false;
	hep_mirror_drain(m);	/* what the queue threads left */
}

void hep_mirror_close(struct hep_mirror *m)
{
	if (!m)
		return;
	if (m->fd >= 0)
		close(m->fd);
	for (unsigned int i = 0; i < m->n_rings; i++)
		hep_ring_free(&m->ring[i]);
	free(m->dropped_seen);
	free(m);
}
