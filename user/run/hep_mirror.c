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
#include <bpf/libbpf.h>

#include "sl_callid_hash.h"
#include "run/hep_mirror.h"
#include "run/hep_ring.h"
#include "sip/hep3.h"
#include "sip/sip_msg.h"

#define HEP_BATCH	64		/* datagrams per sendmmsg() */
#define HEP_IDLE_MIN_NS	100000		/* first sleep when the rings are empty */
#define HEP_IDLE_MAX_NS	5000000		/* longest: 5 ms at ~400 MB/s fits a ring */
#define HEP_OFF_NS	100000000	/* no [hep]: a look every 100 ms */
/* a HEP3 packet of an XDP report: the chunks, the auth key, and a
 * Call-ID and payload of at most SL_HEP_REPORT_PAYLOAD bytes each */
#define HEP_DP_PKT_MAX	(2 * SL_HEP_REPORT_PAYLOAD + 256)

/* The XDP program's reports (map sl_hep_ring), one batch encoded here
 * before it is sent. */
struct hep_dp {
	struct ring_buffer *rb;
	const struct hep_target *target[SL_RULE_BANKS];
	__s64 real_minus_mono;		/* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */
	unsigned int n;			/* packets in the batch */
	unsigned int failed;		/* reports not encoded */
	struct sip_msg msg;		/* the Call-ID's parser */
	struct sockaddr_in6 to[HEP_BATCH];
	size_t len[HEP_BATCH];
	__u8 pkt[HEP_BATCH][HEP_DP_PKT_MAX];
};

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
	struct hep_dp *dp;		/* NULL: no XDP reports */
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
	__u64 h = SL_CALLID_HASH_SEED ^ len;
	size_t i = 0;

	/* the XDP program's bound (bpf/hep_report.h) */
	if (len > SL_HEP_CALLID_HASH_MAX)
		len = SL_HEP_CALLID_HASH_MAX;
	for (; i + 8 <= len; i += 8)
		h = sl_callid_hash_step(h, le64(p + i));
	if (i < len) {		/* the last word, padded with zeros */
		__u8 b[8] = { 0 };

		memcpy(b, p + i, len - i);
		h = sl_callid_hash_step(h, le64(b));
	}
	return sl_callid_hash_final(h);
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
/* The chunks every copy and report has: addresses, ports, time, the
 * target's capture id and auth key; the rest zero. */
static void event_init(struct sl_hep3_event *ev, const struct hep_target *t,
		       int family, const __u8 *src, const __u8 *dst,
		       __u16 sport, __u16 dport, __s64 sec, long usec)
{
	memset(ev, 0, sizeof(*ev));
	ev->family = family;
	memcpy(ev->src, src, sizeof(ev->src));
	memcpy(ev->dst, dst, sizeof(ev->dst));
	ev->sport = sport;
	ev->dport = dport;
	ev->ts_sec = sec;
	ev->ts_usec = usec;
	ev->capture_id = t->capture_id;
	ev->auth_key = t->auth_key;
}

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
	event_init(&req, t, fi->family, fi->src, fi->dst, fi->sport, fi->dport,
		   ts.tv_sec, ts.tv_nsec / 1000);
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

/* msg of one packet to *to (iov and to4: its storage); on an IPv4-only
 * host, an IPv4-mapped destination unmapped (an IPv6 one then fails in
 * send_batch() and is counted) */
static void msg_fill(const struct hep_mirror *m, struct mmsghdr *msg,
		     struct iovec *iov, struct sockaddr_in *to4,
		     struct sockaddr_in6 *to, void *pkt, size_t len)
{
	memset(msg, 0, sizeof(*msg));
	iov->iov_base = pkt;
	iov->iov_len = len;
	msg->msg_hdr.msg_iov = iov;
	msg->msg_hdr.msg_iovlen = 1;
	msg->msg_hdr.msg_name = to;
	msg->msg_hdr.msg_namelen = sizeof(*to);
	if (m->family == AF_INET && IN6_IS_ADDR_V4MAPPED(&to->sin6_addr)) {
		memset(to4, 0, sizeof(*to4));
		to4->sin_family = AF_INET;
		to4->sin_port = to->sin6_port;
		memcpy(&to4->sin_addr, &to->sin6_addr.s6_addr[12], 4);
		msg->msg_hdr.msg_name = to4;
		msg->msg_hdr.msg_namelen = sizeof(*to4);
	}
}

/* Sends msg[0..n): how many were handled (sent, or refused and counted
 * in *failed); fewer than n when the socket's buffer is full. */
static unsigned int send_batch(struct hep_mirror *m, struct mmsghdr *msg,
			       unsigned int n, unsigned int *sent,
			       unsigned int *failed)
{
	unsigned int done = 0;

	while (done < n) {
		int k = sendmmsg(m->fd, msg + done, n - done, MSG_DONTWAIT);

		if (k > 0) {
			done += k;
			*sent += k;
		} else if (k < 0 && (errno == EAGAIN || errno == ENOBUFS ||
				     errno == EINTR)) {
			break;
		} else {
			/* this one cannot be sent (no route, an IPv6
			 * destination on an IPv4-only host): skip it */
			done++;
			(*failed)++;
		}
	}
	return done;
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
	unsigned int n = 0, done, sent = 0;
	struct hep_rec *rec;
	size_t len;

	while (n < HEP_BATCH && (rec = hep_ring_next(r, &pos, &len))) {
		msg_fill(m, &msg[n], &iov[n], &to4[n], &rec->to, rec->pkt,
			 len - sizeof(*rec));
		after[n++] = pos;
	}
	*again = n == HEP_BATCH;
	done = send_batch(m, msg, n, &sent, failed);
	/* the socket's buffer is full: keep the rest for the next pass
	 * (the rings absorb it, or drop) */
	if (done < n)
		*again = false;
	if (done)
		hep_ring_release(r, after[done - 1]);
	return sent;
}

/* libbpf's callback for one XDP report: encoded into the batch; a
 * negative return (the record is consumed all the same) ends the batch */
static int dp_record(void *ctx, void *data, size_t size)
{
	struct hep_mirror *m = ctx;
	struct hep_dp *dp = m->dp;
	const struct sl_hep_report *rep = data;
	const struct hep_target *t;
	struct sl_hep3_event ev;
	__s64 real_ns;
	size_t n;

	if (size < sizeof(*rep) || rep->payload_len > SL_HEP_REPORT_PAYLOAD ||
	    rep->bank >= SL_RULE_BANKS) {
		dp->failed++;
		return 0;
	}
	t = dp->target[rep->bank];
	/* a report of a bank whose [hep] a reload has removed */
	if (!t || !t->enabled)
		return 0;
	real_ns = (__s64)rep->mono_ns + dp->real_minus_mono;
	event_init(&ev, t, rep->family, rep->src, rep->dst, rep->sport,
		   rep->dport, real_ns / 1000000000, real_ns % 1000000000 / 1000);
	ev.payload = rep->payload;
	ev.payload_len = rep->payload_len;
	/* the correlation id, as for the responder's copies */
	if (!sip_msg_parse(&dp->msg, (const char *)rep->payload,
			   rep->payload_len) && dp->msg.callid.len) {
		ev.correlation = (const char *)rep->payload + dp->msg.callid.off;
		ev.correlation_len = dp->msg.callid.len;
	}
	n = sl_hep3_encode(&ev, dp->pkt[dp->n], HEP_DP_PKT_MAX);
	if (!n) {
		dp->failed++;
		return 0;
	}
	dp->to[dp->n] = t->to;
	dp->len[dp->n++] = n;
	return dp->n == HEP_BATCH ? -E2BIG : 0;
}

/* Up to a few batches of the XDP program's reports: sent; *failed
 * those dropped (not encoded, the socket refused or was full: the BPF
 * ring cannot keep them for later). */
static unsigned int drain_dp(struct hep_mirror *m, unsigned int *failed)
{
	struct hep_dp *dp = m->dp;
	struct mmsghdr msg[HEP_BATCH];
	struct iovec iov[HEP_BATCH];
	struct sockaddr_in to4[HEP_BATCH];
	struct timespec real, mono;
	unsigned int sent = 0;
	int ret = -E2BIG;

	if (!dp)
		return 0;
	clock_gettime(CLOCK_REALTIME, &real);	/* vDSO: no system call */
	clock_gettime(CLOCK_MONOTONIC, &mono);
	dp->real_minus_mono = ((__s64)real.tv_sec - mono.tv_sec) * 1000000000 +
			      real.tv_nsec - mono.tv_nsec;
	for (int b = 0; ret == -E2BIG && b < 4; b++) {
		unsigned int done;

		dp->n = 0;
		/* reads the shared pages only: no system call */
		ret = ring_buffer__consume(dp->rb);
		for (unsigned int k = 0; k < dp->n; k++)
			msg_fill(m, &msg[k], &iov[k], &to4[k], &dp->to[k],
				 dp->pkt[k], dp->len[k]);
		done = send_batch(m, msg, dp->n, &sent, failed);
		*failed += dp->n - done + dp->failed;
		dp->failed = 0;
	}
	return sent;
}

int hep_mirror_attach_dp(struct hep_mirror *m, int ring_fd,
			 const struct hep_target *const target[SL_RULE_BANKS],
			 char *err, size_t errlen)
{
	struct hep_dp *dp = calloc(1, sizeof(*dp));

	if (!dp)
		return fail(err, errlen, "memory");
	for (int i = 0; i < SL_RULE_BANKS; i++)
		dp->target[i] = target[i];
	dp->rb = ring_buffer__new(ring_fd, dp_record, m, NULL);
	if (!dp->rb) {
		free(dp);
		return fail(err, errlen, "ring buffer sl_hep_ring");
	}
	m->dp = dp;
	return 0;
}

unsigned int hep_mirror_drain(struct hep_mirror *m)
{
	unsigned int total = 0, dp_failed = 0, dp_sent = drain_dp(m, &dp_failed);

	/* the XDP program's reports count in the first slot */
	if (m->stats && (dp_sent || dp_failed)) {
		stat_add(&m->stats[0].hep_sent, dp_sent);
		stat_add(&m->stats[0].hep_dropped, dp_failed);
	}
	total += dp_sent;

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
	if (m->dp) {
		ring_buffer__free(m->dp->rb);
		free(m->dp);
	}
	free(m->dropped_seen);
	free(m);
}
