// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * sl-bench: SIP load generator for stateless responders (sl-xdp, Kamailio's
 * sl module).  Sends OPTIONS, INVITE (+ the ACK of the final reply),
 * REGISTER, bare ACKs or a mix from templates, each request with a unique
 * Call-ID and branch; fixed rate or flat out; for a duration or a count;
 * one UDP socket per sender thread (--flows: several, one source port
 * each), sendmmsg/recvmmsg batches.  At a fixed rate each thread sends
 * on the clock, evenly, and sleeps in between (ppoll with a timer slack
 * of 1 us): it never spins, so its CPU use follows the rate and leaves
 * the rest of the machine to the server.  Replies are matched by
 * Call-ID; reports offered and reply rate, loss, status codes, latency
 * percentiles and ACKs sent.  Always stops by itself.
 *
 * --ack-flood N: N INVITEs first (at PRIME_RATE), the ACK of each reply
 * kept, then those ACKs over and over, flat out (or at -r), for -t
 * seconds: the load for ACK absorption.  A server that answered none (a
 * drop program) gets synthetic ACKs of the same size instead.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS	64
#define MAX_FLOWS	64			/* sockets per thread */
#define SLEEP_MIN_NS	5000			/* shorter waits: no sleep */
#define MAX_BATCH	256
#define PKT_MAX		2048
#define SLOT_BITS	20			/* in-flight table per thread */
#define SLOTS		(1u << SLOT_BITS)
#define HIST_SUB_BITS	5			/* 32 sub-buckets per power of 2 */
#define HIST_SUB	(1u << HIST_SUB_BITS)
#define HIST_BUCKETS	(64 * HIST_SUB)
#define NCODES		700
#define FLOOD_PKT	1024			/* bytes per kept ACK */
#define FLOOD_MAX	(1u << 20)		/* --ack-flood INVITEs */
#define PRIME_RATE	20000.0			/* their rate, all threads */

/* M_REPLY is not a request: a response for a proxy to forward (below). */
enum method { M_OPTIONS, M_INVITE, M_REGISTER, M_ACK, M_REPLY, M_NR };
static const char *const method_name[M_NR] = {
	"OPTIONS", "INVITE", "REGISTER", "ACK", "REPLY"
};

struct config {
	struct sockaddr_storage dst;
	socklen_t dst_len;
	struct sockaddr_storage src;
	bool have_src;
	char dst_host[INET6_ADDRSTRLEN + 2];	/* brackets for v6 */
	unsigned int weight[M_NR];		/* mix */
	unsigned int weight_sum;
	double rate;				/* requests/s, 0: flat out */
	double duration;			/* s, 0: count */
	uint64_t count;
	unsigned int threads;
	unsigned int flows;			/* sockets per thread */
	int cpus[MAX_THREADS];			/* --cpus: thread i on cpus[i % n] */
	unsigned int n_cpus;
	unsigned int batch;
	double drain;				/* s to wait for replies */
	double max_time;			/* hard stop */
	bool json;
	bool spin_wait;				/* --spin-wait: the old pacing */
	int progress;				/* -1 auto */
	bool quiet;
	uint32_t run_id;
	uint64_t flood_n;			/* --ack-flood: INVITEs */
	double flood_secs;			/* flood duration */
};

struct slot {
	uint64_t seq;				/* seq + 1, 0: free */
	uint64_t sent_ns;
};

struct thread {
	pthread_t tid;
	bool joined;
	unsigned int idx;
	int fd[MAX_FLOWS];			/* request seq on fd[seq % flows] */
	char via_host[INET6_ADDRSTRLEN + 2];
	unsigned int lport[MAX_FLOWS];
	uint64_t quota;				/* count mode */
	double rate;
	struct slot *slots;
	/* results, written by this thread only; read with relaxed atomics */
	_Atomic uint64_t sent, replies, finals, acks, send_err, unmatched,
		dups, late;
	uint64_t sent_m[M_NR];
	uint64_t codes[NCODES];
	uint64_t hist[HIST_BUCKETS];
	/* ACK queue */
	char ackbuf[MAX_BATCH][PKT_MAX];
	unsigned int acklen[MAX_BATCH];
	unsigned int ackflow[MAX_BATCH];
	unsigned int nack;
	/* --ack-flood: the ACK of request seq at pool + seq * FLOOD_PKT */
	bool priming;
	char *pool;
	unsigned int *pool_len;			/* 0: no reply (yet) */
	uint64_t flood_real, flood_synth;
	_Atomic uint64_t flood_acks;
	uint64_t flood_start_ns, flood_end_ns;
};

static struct config cfg;
static struct thread *thr;
static atomic_bool stop_send, stop_all;
static uint64_t t_start_ns;
static _Atomic uint64_t t_send_end_ns;

static int send_all(struct thread *t, uint64_t seq, struct mmsghdr *mm,
		    unsigned int n);
static void receive_flow(struct thread *t, unsigned int f);

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("sl-bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* ---- latency histogram: log-linear, ~3 % resolution ---------------- */

static unsigned int hist_bucket(uint64_t v)
{
	unsigned int msb, shift;

	if (v < HIST_SUB)
		return (unsigned int)v;
	msb = 63 - (unsigned int)__builtin_clzll(v);
	shift = msb - HIST_SUB_BITS;
	return (shift + 1) * HIST_SUB +
	       (unsigned int)((v >> shift) & (HIST_SUB - 1));
}

static uint64_t hist_value(unsigned int b)
{
	unsigned int shift;

	if (b < HIST_SUB)
		return b;
	shift = b / HIST_SUB - 1;
	/* middle of the bucket */
	return ((uint64_t)(HIST_SUB + b % HIST_SUB) << shift) +
	       ((1ull << shift) >> 1);
}

static double hist_pct(const uint64_t *h, uint64_t total, double p)
{
	uint64_t want, acc = 0;
	unsigned int b;

	if (!total)
		return 0;
	want = (uint64_t)(p / 100.0 * (double)total);
	if (want >= total)
		want = total - 1;
	for (b = 0; b < HIST_BUCKETS; b++) {
		acc += h[b];
		if (acc > want)
			return (double)hist_value(b);
	}
	return 0;
}

/* ---- request templates ---------------------------------------------- */

static enum method pick_method(uint64_t seq)
{
	/* deterministic spread of the mix: a multiplicative hash of seq */
	uint64_t x = (seq * 0x9E3779B97F4A7C15ull) >> 32;
	unsigned int r = (unsigned int)(x % cfg.weight_sum), m;

	for (m = 0; m < M_NR; m++) {
		if (r < cfg.weight[m])
			return (enum method)m;
		r -= cfg.weight[m];
	}
	return M_OPTIONS;
}

#define SDP "v=0\r\no=bench 1 1 IN IP4 198.18.0.2\r\ns=-\r\n" \
	    "c=IN IP4 198.18.0.2\r\nt=0 0\r\n" \
	    "m=audio 40000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\n" \
	    "a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n" \
	    "a=sendrecv\r\n"

/*
 * -m reply: a 480 as a UAS would send it back through a stateless proxy
 * at the destination: the proxy's Via on top, ours below.  A proxy doing
 * sl_forward_reply (Kamailio, sl-xdp's [forward]) removes its Via and
 * sends the rest to us, where it is matched by Call-ID like a reply.
 * CSeq OPTIONS, so that no ACK follows.
 */
static int build_fwd_reply(const struct thread *t, const char *ids,
			   unsigned int dport, unsigned int lport, char *buf,
			   size_t cap)
{
	const char *h = cfg.dst_host;
	int n = snprintf(buf, cap,
		"SIP/2.0 480 Temporarily Unavailable\r\n"
		"Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK-slp-%s\r\n"
		"Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK-slb-%s;rport\r\n"
		"From: <sip:bench@%s>;tag=f%s\r\n"
		"To: <sip:svc@%s>;tag=t%s\r\n"
		"Call-ID: %s@sl-bench\r\n"
		"CSeq: 1 OPTIONS\r\n"
		"Server: sl-bench-uas\r\n"
		"Content-Length: 0\r\n\r\n",
		h, dport, ids, t->via_host, lport, ids, t->via_host, ids,
		h, ids, ids);

	return n < 0 || (size_t)n >= cap ? -1 : n;
}

/*
 * Via branch, From tag and Call-ID all carry thread, seq and run id, so an
 * ACK can be rebuilt from the reply alone.  to_hdr: the reply's To value
 * (ACK only, NULL for a stand-alone ACK).
 */
static int build_req(const struct thread *t, enum method m, uint64_t seq,
		     const char *to_val, size_t to_len, char *buf, size_t cap)
{
	const char *h = cfg.dst_host;
	unsigned int dport = ntohs(((const struct sockaddr_in *)&cfg.dst)->sin_port);
	unsigned int lport = t->lport[seq % cfg.flows];
	char ids[96];
	int n, body_len = 0;
	const char *body = "";

	snprintf(ids, sizeof(ids), "%u.%" PRIu64 ".%08x", t->idx, seq,
		 cfg.run_id);
	if (m == M_REPLY)
		return build_fwd_reply(t, ids, dport, lport, buf, cap);
	if (m == M_INVITE) {
		body = SDP;
		body_len = (int)strlen(SDP);
	}
	n = snprintf(buf, cap,
		"%s sip:%s@%s:%u SIP/2.0\r\n"
		"Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK-slb-%s;rport\r\n"
		"Max-Forwards: 70\r\n"
		"From: <sip:bench@%s>;tag=f%s\r\n",
		method_name[m], m == M_REGISTER ? "bench" : "svc", h, dport,
		t->via_host, lport, ids, t->via_host, ids);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	if (to_val)
		n += snprintf(buf + n, cap - (size_t)n, "To: %.*s\r\n",
			      (int)to_len, to_val);
	else if (m == M_ACK)
		n += snprintf(buf + n, cap - (size_t)n,
			      "To: <sip:svc@%s>;tag=nosuchtag\r\n", h);
	else
		n += snprintf(buf + n, cap - (size_t)n, "To: <sip:%s@%s>\r\n",
			      m == M_REGISTER ? "bench" : "svc", h);
	if ((size_t)n >= cap)
		return -1;
	n += snprintf(buf + n, cap - (size_t)n,
		"Call-ID: %s@sl-bench\r\n"
		"CSeq: 1 %s\r\n",
		ids, m == M_ACK ? "ACK" : method_name[m]);
	if ((size_t)n >= cap)
		return -1;
	if (m != M_ACK)
		n += snprintf(buf + n, cap - (size_t)n,
			"Contact: <sip:bench@%s:%u>\r\n"
			"User-Agent: sl-bench\r\n",
			t->via_host, lport);
	if (m == M_REGISTER && (size_t)n < cap)
		n += snprintf(buf + n, cap - (size_t)n, "Expires: 3600\r\n");
	if (m == M_INVITE && (size_t)n < cap)
		n += snprintf(buf + n, cap - (size_t)n,
			      "Content-Type: application/sdp\r\n");
	if ((size_t)n >= cap)
		return -1;
	n += snprintf(buf + n, cap - (size_t)n,
		      "Content-Length: %d\r\n\r\n%s", body_len, body);
	if ((size_t)n >= cap)
		return -1;
	return n;
}

/* ---- reply parsing: bounds-checked, never reads past len ------------ */

struct reply {
	unsigned int code;
	const char *callid;
	size_t callid_len;
	const char *to;
	size_t to_len;
	bool cseq_invite;
};

static bool hdr_is(const char *name, size_t nlen, const char *lng,
		   const char *cmp)
{
	size_t l = strlen(lng);

	if (nlen == l && !strncasecmp(name, lng, l))
		return true;
	return cmp && nlen == 1 && (name[0] | 0x20) == cmp[0];
}

static int parse_reply(const char *p, size_t len, struct reply *r)
{
	const char *end = p + len, *line, *eol, *colon, *v, *ve;
	unsigned int i;

	memset(r, 0, sizeof(*r));
	if (len < 12 || memcmp(p, "SIP/2.0 ", 8))
		return -1;
	for (i = 8; i < 11; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		r->code = r->code * 10 + (unsigned int)(p[i] - '0');
	}
	line = memchr(p, '\n', len);
	if (!line)
		return -1;
	line++;
	while (line < end) {
		eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol)
			eol = end;
		ve = eol;
		if (ve > line && ve[-1] == '\r')
			ve--;
		if (ve == line)			/* empty line: end of headers */
			break;
		colon = memchr(line, ':', (size_t)(ve - line));
		if (colon) {
			const char *ne = colon;

			while (ne > line && (ne[-1] == ' ' || ne[-1] == '\t'))
				ne--;
			v = colon + 1;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			if (hdr_is(line, (size_t)(ne - line), "Call-ID", "i")) {
				r->callid = v;
				r->callid_len = (size_t)(ve - v);
			} else if (hdr_is(line, (size_t)(ne - line), "To", "t")) {
				r->to = v;
				r->to_len = (size_t)(ve - v);
			} else if (hdr_is(line, (size_t)(ne - line), "CSeq", NULL)) {
				size_t vl = (size_t)(ve - v);

				r->cseq_invite = vl >= 6 &&
					!strncasecmp(ve - 6, "INVITE", 6);
			}
		}
		line = eol + 1;
	}
	return r->callid ? 0 : -1;
}

/* "<thread>.<seq>.<runid hex>@..." */
static int parse_callid(const char *s, size_t len, unsigned int *ti,
			uint64_t *seq, uint32_t *run)
{
	const char *e = s + len;
	uint64_t a = 0, b = 0;
	uint32_t c = 0;
	unsigned int digits = 0;

	while (s < e && *s >= '0' && *s <= '9' && digits++ < 6)
		a = a * 10 + (uint64_t)(*s++ - '0');
	if (!digits || s >= e || *s++ != '.')
		return -1;
	digits = 0;
	while (s < e && *s >= '0' && *s <= '9' && digits++ < 19)
		b = b * 10 + (uint64_t)(*s++ - '0');
	if (!digits || s >= e || *s++ != '.')
		return -1;
	digits = 0;
	while (s < e && digits < 8) {
		char ch = *s;
		unsigned int d;

		if (ch >= '0' && ch <= '9')
			d = (unsigned int)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			d = (unsigned int)(ch - 'a' + 10);
		else
			break;
		c = c << 4 | d;
		s++;
		digits++;
	}
	if (digits != 8 || s >= e || *s != '@')
		return -1;
	*ti = (unsigned int)a;
	*seq = b;
	*run = c;
	return 0;
}

/* ---- per-thread send/receive loop ----------------------------------- */

/* sendmmsg all n on flow f, waiting for room while allowed (stop flag
 * *until); what cannot be sent is added to *err.  Returns how many. */
static unsigned int send_flow(struct thread *t, unsigned int f,
			      struct mmsghdr *mm, unsigned int n,
			      atomic_bool *until, _Atomic uint64_t *err,
			      unsigned int max_waits)
{
	unsigned int done = 0, waits = 0;

	while (done < n) {
		int r = sendmmsg(t->fd[f], mm + done, n - done, MSG_DONTWAIT);

		if (r <= 0) {
			/* an ICMP error on the connected socket */
			if (r < 0 && (errno == EINTR || errno == ECONNREFUSED))
				continue;
			if (r < 0 && (errno == EAGAIN || errno == ENOBUFS) &&
			    !atomic_load_explicit(until, memory_order_relaxed) &&
			    (!max_waits || ++waits < max_waits)) {
				struct pollfd pf = { .fd = t->fd[f],
						     .events = POLLOUT };

				/* requests: the replies keep coming meanwhile */
				if (until == &stop_send)
					receive_flow(t, f);
				poll(&pf, 1, 10);
				continue;
			}
			/* ENOBUFS/EAGAIN: count the rest as lost */
			atomic_fetch_add_explicit(err, n - done,
						  memory_order_relaxed);
			break;
		}
		done += (unsigned int)r;
	}
	return done;
}

/* The ACKs queued by handle_reply, each on the socket its INVITE left
 * from (the same 5-tuple, as a UA sends it). */
static void flush_acks(struct thread *t)
{
	struct mmsghdr mm[MAX_BATCH];
	struct iovec iov[MAX_BATCH];
	unsigned int i, f, n;

	if (!t->nack)
		return;
	for (f = 0; f < cfg.flows; f++) {
		for (i = 0, n = 0; i < t->nack; i++) {
			if (t->ackflow[i] != f)
				continue;
			iov[n].iov_base = t->ackbuf[i];
			iov[n].iov_len = t->acklen[i];
			memset(&mm[n], 0, sizeof(mm[n]));
			mm[n].msg_hdr.msg_iov = &iov[n];
			mm[n].msg_hdr.msg_iovlen = 1;
			n++;
		}
		if (n)
			atomic_fetch_add_explicit(&t->acks,
				send_flow(t, f, mm, n, &stop_all, &t->send_err, 100),
				memory_order_relaxed);
	}
	t->nack = 0;
}

static void handle_reply(struct thread *t, const char *p, size_t len,
			 uint64_t now)
{
	struct reply r;
	unsigned int ti;
	uint64_t seq;
	uint32_t run;
	struct slot *s;

	if (parse_reply(p, len, &r) ||
	    parse_callid(r.callid, r.callid_len, &ti, &seq, &run) ||
	    run != cfg.run_id || ti != t->idx) {
		atomic_fetch_add_explicit(&t->unmatched, 1, memory_order_relaxed);
		return;
	}
	if (r.code < NCODES)
		t->codes[r.code]++;
	atomic_fetch_add_explicit(&t->replies, 1, memory_order_relaxed);
	if (r.code < 200)
		return;
	s = &t->slots[seq & (SLOTS - 1)];
	if (s->seq != seq + 1) {
		/* answered already, or pushed out of the table */
		atomic_fetch_add_explicit(s->seq ? &t->late : &t->dups, 1,
					  memory_order_relaxed);
		return;
	}
	t->hist[hist_bucket((now - s->sent_ns) / 1000)]++;
	s->seq = 0;
	atomic_fetch_add_explicit(&t->finals, 1, memory_order_relaxed);
	if (t->priming) {
		if (r.cseq_invite && r.to && seq < t->quota &&
		    !t->pool_len[seq]) {
			int n = build_req(t, M_ACK, seq, r.to, r.to_len,
					  t->pool + seq * FLOOD_PKT, FLOOD_PKT);

			if (n > 0)
				t->pool_len[seq] = (unsigned int)n;
		}
		return;
	}
	if (r.cseq_invite && r.to && t->nack < MAX_BATCH) {
		int n = build_req(t, M_ACK, seq, r.to, r.to_len,
				  t->ackbuf[t->nack], PKT_MAX);

		if (n > 0) {
			t->ackflow[t->nack] = (unsigned int)(seq % cfg.flows);
			t->acklen[t->nack++] = (unsigned int)n;
		}
		if (t->nack == MAX_BATCH)
			flush_acks(t);
	}
}

static char rxbuf[MAX_THREADS][MAX_BATCH][PKT_MAX];

/* What is waiting on flow f, read now. */
static void receive_flow(struct thread *t, unsigned int f)
{
	struct mmsghdr mm[MAX_BATCH];
	struct iovec iov[MAX_BATCH];
	unsigned int i;
	int r, rounds = 0;

	for (i = 0; i < MAX_BATCH; i++) {
		iov[i].iov_base = rxbuf[t->idx][i];
		iov[i].iov_len = PKT_MAX - 1;
		memset(&mm[i], 0, sizeof(mm[i]));
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	do {
		uint64_t now;

		r = recvmmsg(t->fd[f], mm, MAX_BATCH, MSG_DONTWAIT, NULL);
		if (r < 0 && errno == ECONNREFUSED && ++rounds < 16) {
			r = MAX_BATCH;
			continue;
		}
		if (r <= 0)
			break;
		now = now_ns();
		for (i = 0; i < (unsigned int)r; i++)
			handle_reply(t, rxbuf[t->idx][i], mm[i].msg_len, now);
		flush_acks(t);
	} while (r == MAX_BATCH && ++rounds < 16);
}

/*
 * Replies: wait up to timeout_ns for one (0: do not wait), then read
 * every socket that has some.  The wait is a ppoll (this thread's timer
 * slack is 1 us, so it wakes when asked): a paced sender sleeps here
 * until its next request is due instead of spinning.
 */
static void receive_ns(struct thread *t, uint64_t timeout_ns)
{
	struct pollfd pfd[MAX_FLOWS];
	unsigned int f;

	if (!timeout_ns && cfg.flows == 1) {
		receive_flow(t, 0);
		return;
	}
	for (f = 0; f < cfg.flows; f++) {
		pfd[f].fd = t->fd[f];
		pfd[f].events = POLLIN;
		pfd[f].revents = 0;
	}
	{
		struct timespec ts = {
			(time_t)(timeout_ns / 1000000000ull),
			(long)(timeout_ns % 1000000000ull),
		};

		if (ppoll(pfd, cfg.flows, &ts, NULL) <= 0)
			return;
	}
	for (f = 0; f < cfg.flows; f++)
		if (pfd[f].revents & POLLIN)
			receive_flow(t, f);
}

static void receive(struct thread *t, int timeout_ms)
{
	receive_ns(t, timeout_ms > 0 ? (uint64_t)timeout_ms * 1000000ull : 0);
}

/* Requests seq .. seq + n - 1 in mm: each on its flow (seq % flows),
 * waiting for room while sending goes on.  Returns how many were sent. */
static int send_all(struct thread *t, uint64_t seq, struct mmsghdr *mm,
		    unsigned int n)
{
	struct mmsghdr part[MAX_BATCH];
	unsigned int f, i, k, sent = 0;

	if (cfg.flows == 1)
		return (int)send_flow(t, 0, mm, n, &stop_send, &t->send_err, 0);
	for (f = 0; f < cfg.flows && f < n; f++) {
		for (i = f, k = 0; i < n; i += cfg.flows)
			part[k++] = mm[i];
		sent += send_flow(t, (unsigned int)((seq + f) % cfg.flows), part,
				  k, &stop_send, &t->send_err, 0);
	}
	return (int)sent;
}

/* No ACK kept on any thread: no server answered, synthesize them. */
static bool flood_synthetic(void)
{
	unsigned int i;
	uint64_t k;

	for (i = 0; i < cfg.threads; i++)
		for (k = 0; k < thr[i].quota; k++)
			if (thr[i].pool_len[k])
				return false;
	return true;
}

static pthread_barrier_t prime_done;

/* --ack-flood, after the INVITEs: the kept ACKs round and round for
 * flood_secs, flat out or at this thread's share of -r. */
static void flood(struct thread *t)
{
	struct mmsghdr mm[MAX_BATCH];
	struct iovec iov[MAX_BATCH];
	char to[128];
	uint64_t n = 0, i, next = 0, sent = 0, start, end;
	bool synth;

	/* every thread's replies are in before anyone decides */
	pthread_barrier_wait(&prime_done);
	t->priming = false;
	synth = flood_synthetic();
	pthread_barrier_wait(&prime_done);
	/* the same ACK with a To-tag of the same length as ours */
	snprintf(to, sizeof(to), "<sip:svc@%s>;tag=%032d.%08d", cfg.dst_host,
		 0, 0);
	for (i = 0; i < t->quota; i++) {
		char *dst = t->pool + n * FLOOD_PKT;
		int len;

		if (t->pool_len[i]) {
			/* kept ACKs to the front */
			if (n != i)
				memcpy(dst, t->pool + i * FLOOD_PKT,
				       t->pool_len[i]);
			t->pool_len[n++] = t->pool_len[i];
			t->flood_real++;
			continue;
		}
		if (!synth)
			continue;
		len = build_req(t, M_ACK, i, to, strlen(to), dst, FLOOD_PKT);
		if (len < 0)
			die("ACK template too long");
		t->pool_len[n++] = (unsigned int)len;
		t->flood_synth++;
	}
	t->rate = cfg.rate / cfg.threads;
	memset(mm, 0, sizeof(mm));
	start = now_ns();
	end = start + (uint64_t)(cfg.flood_secs * 1e9);
	t->flood_start_ns = start;
	while (!atomic_load_explicit(&stop_send, memory_order_relaxed)) {
		uint64_t now = now_ns();
		unsigned int b = cfg.batch, k;

		if (now >= end || !n)
			break;
		if (t->rate > 0) {
			uint64_t due = (uint64_t)((double)(now - start) / 1e9 *
						  t->rate) + 1;

			if (due <= sent) {
				usleep(200);
				continue;
			}
			if (due - sent < b)
				b = (unsigned int)(due - sent);
		}
		for (k = 0; k < b; k++) {
			uint64_t idx = next++ % n;

			iov[k].iov_base = t->pool + idx * FLOOD_PKT;
			iov[k].iov_len = t->pool_len[idx];
			mm[k].msg_hdr.msg_iov = &iov[k];
			mm[k].msg_hdr.msg_iovlen = 1;
		}
		sent += (uint64_t)send_all(t, 0, mm, b);
		atomic_store_explicit(&t->flood_acks, sent, memory_order_relaxed);
	}
	t->flood_end_ns = now_ns();
}

static void *worker(void *arg)
{
	struct thread *t = arg;
	static __thread char txbuf[MAX_BATCH][PKT_MAX];
	struct mmsghdr mm[MAX_BATCH];
	struct iovec iov[MAX_BATCH];
	uint64_t seq = 0, start = t_start_ns;
	uint64_t end_ns = cfg.duration > 0 ?
		start + (uint64_t)(cfg.duration * 1e9) : UINT64_MAX;

	/* ppoll wakes within 1 us of when it is asked to, not 50 */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	if (cfg.n_cpus) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cfg.cpus[t->idx % cfg.n_cpus], &set);
		if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
			die("thread %u: cannot run on CPU %d", t->idx,
			    cfg.cpus[t->idx % cfg.n_cpus]);
	}

	while (!atomic_load_explicit(&stop_send, memory_order_relaxed)) {
		uint64_t now = now_ns(), due;
		unsigned int n, i;

		if (now >= end_ns || (cfg.count && seq >= t->quota))
			break;
		if (t->rate > 0) {
			due = (uint64_t)((double)(now - start) / 1e9 * t->rate) + 1;
			if (due <= seq) {
				/* asleep until the next request is due (or a
				 * reply comes): never a spin, so the CPU this
				 * thread takes follows the rate (the old loop
				 * polled without sleeping whenever the next
				 * request was less than 1 ms away: a whole CPU
				 * per thread at any rate above 1000/s) */
				uint64_t next = start +
					(uint64_t)((double)(seq) / t->rate * 1e9);
				uint64_t wait = next > now ? next - now : 0;

				if (wait > 50000000ull)
					wait = 50000000ull;
				/* --spin-wait: before issue 12, a wait of
				 * less than 1 ms was a non-blocking poll */
				if (cfg.spin_wait && wait < 1000000ull)
					wait = 0;
				receive_ns(t, wait >= SLEEP_MIN_NS ? wait : 0);
				continue;
			}
			n = (unsigned int)(due - seq);
		} else {
			n = cfg.batch;
		}
		if (n > cfg.batch)
			n = cfg.batch;
		if (cfg.count && seq + n > t->quota)
			n = (unsigned int)(t->quota - seq);
		for (i = 0; i < n; i++) {
			enum method m = pick_method(seq + i);
			int len = build_req(t, m, seq + i, NULL, 0, txbuf[i],
					    PKT_MAX);

			if (len < 0)
				die("request template too long");
			iov[i].iov_base = txbuf[i];
			iov[i].iov_len = (size_t)len;
			memset(&mm[i], 0, sizeof(mm[i]));
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
			t->sent_m[m]++;
		}
		now = now_ns();
		for (i = 0; i < n; i++) {
			struct slot *s = &t->slots[(seq + i) & (SLOTS - 1)];

			/* ACKs get no reply: no slot */
			if (pick_method(seq + i) == M_ACK) {
				s->seq = 0;
				continue;
			}
			s->seq = seq + i + 1;
			s->sent_ns = now;
		}
		send_all(t, seq, mm, n);
		seq += n;
		atomic_store_explicit(&t->sent, seq, memory_order_relaxed);
		receive(t, 0);
	}
	{
		uint64_t e = now_ns(), cur = atomic_load(&t_send_end_ns);

		while (e > cur &&
		       !atomic_compare_exchange_weak(&t_send_end_ns, &cur, e))
			;
	}
	/* drain: until everything is answered or the drain time is up */
	{
		uint64_t deadline = now_ns() + (uint64_t)(cfg.drain * 1e9);

		while (!atomic_load_explicit(&stop_all, memory_order_relaxed) &&
		       now_ns() < deadline) {
			uint64_t want = seq - t->sent_m[M_ACK] -
				atomic_load_explicit(&t->send_err,
						     memory_order_relaxed);

			if (atomic_load_explicit(&t->finals,
						 memory_order_relaxed) >= want)
				break;
			receive(t, 20);
		}
	}
	flush_acks(t);
	if (cfg.flood_n)
		flood(t);
	return NULL;
}

/* ---- options, setup, report ----------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
"usage: sl-bench -d ADDR[:PORT]|[ADDR6]:PORT [options]\n"
"  -d, --dst ADDR          server address (default port 5060)\n"
"  -s, --src ADDR          local address to bind (default: chosen by the kernel)\n"
"  -m, --method SPEC       options | invite | register | ack | a mix such as\n"
"                          options=50,invite=30,register=20 (default options)\n"
"                          invite: the ACK for each final reply is sent;\n"
"                          ack: stand-alone ACKs (nothing to answer)\n"
"                          reply: 480 responses with the server's Via on top\n"
"                          and ours below, for a proxy to forward back to us\n"
"                          (sl_forward_reply); counted like replies\n"
"  -r, --rate N            requests/s over all threads, each thread evenly\n"
"                          paced and asleep in between (0 or absent: flat out)\n"
"  -t, --duration S        send for S seconds (default 5)\n"
"  -n, --count N           send N requests instead (stops at --max-time)\n"
"  -T, --threads N         sender threads (default 1)\n"
"  -f, --flows N           sockets per thread, one source port each, used\n"
"                          in turn (default 1: one 5-tuple per thread)\n"
"  -b, --batch N           sendmmsg batch (default 32, max %d)\n"
"  -w, --drain S           wait up to S s for replies after sending (0.5)\n"
"      --max-time S        hard stop (default duration + drain + 5, or 60)\n"
"  -j, --json              JSON result on stdout\n"
"  -p, --progress          progress line every second on stderr (auto > 5 s)\n"
"  -q, --quiet             no progress line\n"
"      --ack-flood N       send N INVITEs (-w: wait for replies, default 1 s),\n"
"                          keep the ACK of each reply (same-size synthetic\n"
"                          ACKs for the unanswered), then send these ACKs\n"
"                          over and over for -t S, flat out or at -r\n"
"      --cpus LIST         sender thread i runs on the i-th CPU of LIST\n"
"                          (\"8-15\", \"2,4\"; round robin)\n"
"      --spin-wait         at -r, wait for a request due in less than 1 ms\n"
"                          by polling without sleeping, as sl-bench did before\n"
"                          issue 12 (a whole CPU per thread at any rate; for\n"
"                          comparisons with the old harness only)\n"
"Exit status: 0 done, 1 runtime error, 2 usage.\n", MAX_BATCH);
}

static void parse_dst(const char *arg)
{
	char host[128];
	const char *port = NULL;
	unsigned long p = 5060;

	if (strlen(arg) >= sizeof(host))
		die("address too long: %s", arg);
	if (arg[0] == '[') {
		const char *rb = strchr(arg, ']');

		if (!rb)
			die("bad address: %s", arg);
		memcpy(host, arg + 1, (size_t)(rb - arg - 1));
		host[rb - arg - 1] = 0;
		if (rb[1] == ':')
			port = rb + 2;
	} else {
		const char *c = strchr(arg, ':');

		if (c && strchr(c + 1, ':'))	/* bare IPv6 */
			c = NULL;
		if (c) {
			memcpy(host, arg, (size_t)(c - arg));
			host[c - arg] = 0;
			port = c + 1;
		} else {
			strcpy(host, arg);
		}
	}
	if (port) {
		char *e;

		p = strtoul(port, &e, 10);
		if (*e || !p || p > 65535)
			die("bad port: %s", port);
	}
	memset(&cfg.dst, 0, sizeof(cfg.dst));
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)&cfg.dst)->sin_addr) == 1) {
		struct sockaddr_in *s = (struct sockaddr_in *)&cfg.dst;

		s->sin_family = AF_INET;
		s->sin_port = htons((uint16_t)p);
		cfg.dst_len = sizeof(*s);
		snprintf(cfg.dst_host, sizeof(cfg.dst_host), "%s", host);
	} else if (inet_pton(AF_INET6, host,
			     &((struct sockaddr_in6 *)&cfg.dst)->sin6_addr) == 1) {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&cfg.dst;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons((uint16_t)p);
		cfg.dst_len = sizeof(*s);
		snprintf(cfg.dst_host, sizeof(cfg.dst_host), "[%s]", host);
	} else {
		die("bad address: %s", host);
	}
}

static void parse_src(const char *arg)
{
	memset(&cfg.src, 0, sizeof(cfg.src));
	if (inet_pton(AF_INET, arg, &((struct sockaddr_in *)&cfg.src)->sin_addr) == 1)
		cfg.src.ss_family = AF_INET;
	else if (inet_pton(AF_INET6, arg,
			   &((struct sockaddr_in6 *)&cfg.src)->sin6_addr) == 1)
		cfg.src.ss_family = AF_INET6;
	else
		die("bad source address: %s", arg);
	cfg.have_src = true;
}

/* "0,2-5": thread i runs on the i-th CPU listed (round robin). */
static void parse_cpus(const char *arg)
{
	const char *p = arg;

	cfg.n_cpus = 0;
	while (*p) {
		char *e;
		long a = strtol(p, &e, 10), b = a;

		if (e == p || a < 0 || a >= CPU_SETSIZE)
			die("bad CPU list: %s", arg);
		p = e;
		if (*p == '-') {
			b = strtol(p + 1, &e, 10);
			if (e == p + 1 || b < a || b >= CPU_SETSIZE)
				die("bad CPU list: %s", arg);
			p = e;
		}
		for (; a <= b; a++) {
			if (cfg.n_cpus == MAX_THREADS)
				die("CPU list: at most %d CPUs", MAX_THREADS);
			cfg.cpus[cfg.n_cpus++] = (int)a;
		}
		if (*p == ',')
			p++;
		else if (*p)
			die("bad CPU list: %s", arg);
	}
}

static void parse_method(const char *arg)
{
	char buf[256], *tok, *save = NULL;
	unsigned int m;

	if (strlen(arg) >= sizeof(buf))
		die("method spec too long");
	strcpy(buf, arg);
	memset(cfg.weight, 0, sizeof(cfg.weight));
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		unsigned long w = 1;

		if (eq) {
			char *e;

			*eq = 0;
			w = strtoul(eq + 1, &e, 10);
			if (*e || w > 1000000)
				die("bad weight in %s", arg);
		}
		for (m = 0; m < M_NR; m++)
			if (!strcasecmp(tok, method_name[m]))
				break;
		if (m == M_NR)
			die("unknown method: %s", tok);
		cfg.weight[m] += (unsigned int)w;
	}
	cfg.weight_sum = 0;
	for (m = 0; m < M_NR; m++)
		cfg.weight_sum += cfg.weight[m];
	if (!cfg.weight_sum)
		die("empty method mix");
}

static double num_arg(const char *s, const char *what)
{
	char *e;
	double v = strtod(s, &e);

	if (*e || v < 0 || v != v)
		die("bad %s: %s", what, s);
	return v;
}

/* Flow f of thread t: a connected UDP socket, its own source port. */
static void open_socket(struct thread *t, unsigned int f)
{
	int one = 1, sz = 8 << 20, fd;
	struct sockaddr_storage la;
	socklen_t ll = sizeof(la);

	fd = socket(cfg.dst.ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	t->fd[f] = fd;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	if (cfg.have_src) {
		if (cfg.src.ss_family != cfg.dst.ss_family)
			die("source and destination families differ");
		if (bind(fd, (struct sockaddr *)&cfg.src,
			 cfg.src.ss_family == AF_INET ?
			 sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)))
			die("bind: %s", strerror(errno));
	}
	if (connect(fd, (struct sockaddr *)&cfg.dst, cfg.dst_len))
		die("connect: %s", strerror(errno));
	if (getsockname(fd, (struct sockaddr *)&la, &ll))
		die("getsockname: %s", strerror(errno));
	if (la.ss_family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&la;

		inet_ntop(AF_INET, &s->sin_addr, t->via_host, sizeof(t->via_host));
		t->lport[f] = ntohs(s->sin_port);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&la;
		char a[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof(a));
		snprintf(t->via_host, sizeof(t->via_host), "[%s]", a);
		t->lport[f] = ntohs(s->sin6_port);
	}
}

struct totals {
	uint64_t sent, replies, finals, acks, send_err, unmatched, dups, late;
	uint64_t flood_acks;
	uint64_t sent_m[M_NR];
};

static void sum(struct totals *s)
{
	unsigned int i, m;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < cfg.threads; i++) {
		struct thread *t = &thr[i];

		s->sent += atomic_load_explicit(&t->sent, memory_order_relaxed);
		s->replies += atomic_load_explicit(&t->replies, memory_order_relaxed);
		s->finals += atomic_load_explicit(&t->finals, memory_order_relaxed);
		s->acks += atomic_load_explicit(&t->acks, memory_order_relaxed);
		s->send_err += atomic_load_explicit(&t->send_err, memory_order_relaxed);
		s->unmatched += atomic_load_explicit(&t->unmatched, memory_order_relaxed);
		s->dups += atomic_load_explicit(&t->dups, memory_order_relaxed);
		s->late += atomic_load_explicit(&t->late, memory_order_relaxed);
		s->flood_acks += atomic_load_explicit(&t->flood_acks,
						      memory_order_relaxed);
		for (m = 0; m < M_NR; m++)
			s->sent_m[m] += t->sent_m[m];
	}
}

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop_send, true);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dst", required_argument, NULL, 'd' },
		{ "src", required_argument, NULL, 's' },
		{ "method", required_argument, NULL, 'm' },
		{ "rate", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 't' },
		{ "count", required_argument, NULL, 'n' },
		{ "threads", required_argument, NULL, 'T' },
		{ "flows", required_argument, NULL, 'f' },
		{ "batch", required_argument, NULL, 'b' },
		{ "drain", required_argument, NULL, 'w' },
		{ "max-time", required_argument, NULL, 'M' },
		{ "json", no_argument, NULL, 'j' },
		{ "progress", no_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "ack-flood", required_argument, NULL, 'F' },
		{ "spin-wait", no_argument, NULL, 'S' },
		{ "cpus", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static uint64_t hist[HIST_BUCKETS], codes[NCODES];
	struct totals s;
	struct rusage ru;
	uint64_t deadline, last_p = 0, last_sent = 0, last_fin = 0, t_end;
	double send_s, offered, reply_rate, loss, p50, p99, p999, pmax;
	unsigned int i, b, f;
	uint64_t expected;
	int c;
	bool have_dst = false, drain_set = false;
	uint64_t fl_acks = 0, fl_real = 0, fl_synth = 0, fl_start = 0, fl_end = 0;
	double fl_s = 0;

	cfg.threads = 1;
	cfg.flows = 1;
	cfg.batch = 32;
	cfg.drain = 0.5;
	cfg.progress = -1;
	cfg.weight[M_OPTIONS] = 1;
	cfg.weight_sum = 1;
	while ((c = getopt_long(argc, argv, "d:s:m:r:t:n:T:f:b:w:jpqh", lo,
				NULL)) != -1) {
		switch (c) {
		case 'd': parse_dst(optarg); have_dst = true; break;
		case 's': parse_src(optarg); break;
		case 'm': parse_method(optarg); break;
		case 'r': cfg.rate = num_arg(optarg, "rate"); break;
		case 't': cfg.duration = num_arg(optarg, "duration"); break;
		case 'n': cfg.count = (uint64_t)num_arg(optarg, "count"); break;
		case 'T': cfg.threads = (unsigned int)num_arg(optarg, "threads"); break;
		case 'f': cfg.flows = (unsigned int)num_arg(optarg, "flows"); break;
		case 'b': cfg.batch = (unsigned int)num_arg(optarg, "batch"); break;
		case 'w': cfg.drain = num_arg(optarg, "drain"); drain_set = true; break;
		case 'M': cfg.max_time = num_arg(optarg, "max-time"); break;
		case 'j': cfg.json = true; break;
		case 'p': cfg.progress = 1; break;
		case 'q': cfg.quiet = true; break;
		case 'F': cfg.flood_n = (uint64_t)num_arg(optarg, "ack-flood"); break;
		case 'S': cfg.spin_wait = true; break;
		case 'C': parse_cpus(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || !have_dst) {
		usage(stderr);
		return 2;
	}
	if (!cfg.threads || cfg.threads > MAX_THREADS)
		die("threads: 1..%d", MAX_THREADS);
	if (!cfg.batch || cfg.batch > MAX_BATCH)
		die("batch: 1..%d", MAX_BATCH);
	if (!cfg.flows || cfg.flows > MAX_FLOWS)
		die("flows: 1..%d", MAX_FLOWS);
	if (cfg.flows > 1 && cfg.flood_n)
		die("--flows and --ack-flood exclude each other");
	if (cfg.flood_n) {
		if (cfg.count)
			die("--ack-flood and --count exclude each other");
		if (cfg.flood_n < cfg.threads || cfg.flood_n > FLOOD_MAX)
			die("--ack-flood: %u..%u", cfg.threads, FLOOD_MAX);
		/* the INVITEs are a count run, flat out; -t and -r are the
		 * flood's */
		cfg.flood_secs = cfg.duration > 0 ? cfg.duration : 5;
		cfg.duration = 0;
		cfg.count = cfg.flood_n;
		if (!drain_set)
			cfg.drain = 1;
		memset(cfg.weight, 0, sizeof(cfg.weight));
		cfg.weight[M_INVITE] = 1;
		cfg.weight_sum = 1;
		if (cfg.max_time <= 0)
			cfg.max_time = cfg.flood_secs + cfg.drain +
				(double)cfg.flood_n / PRIME_RATE + 15;
	}
	if (cfg.count && cfg.duration > 0)
		die("--count and --duration exclude each other");
	if (!cfg.count && cfg.duration <= 0)
		cfg.duration = 5;
	if (cfg.max_time <= 0)
		cfg.max_time = cfg.duration > 0 ? cfg.duration + cfg.drain + 5 : 60;
	if (cfg.progress < 0)
		cfg.progress = cfg.duration > 5 || cfg.count > 0;
	if (cfg.quiet)
		cfg.progress = 0;
	cfg.run_id = (uint32_t)(now_ns() ^ ((uint64_t)getpid() << 16));

	thr = calloc(cfg.threads, sizeof(*thr));
	if (!thr)
		die("out of memory");
	for (i = 0; i < cfg.threads; i++) {
		thr[i].idx = i;
		thr[i].rate = cfg.rate / cfg.threads;
		thr[i].quota = cfg.count / cfg.threads +
			(i < cfg.count % cfg.threads);
		thr[i].slots = calloc(SLOTS, sizeof(struct slot));
		if (!thr[i].slots)
			die("out of memory");
		if (cfg.flood_n) {
			thr[i].pool = malloc(thr[i].quota * FLOOD_PKT);
			thr[i].pool_len = calloc(thr[i].quota, sizeof(unsigned int));
			if (!thr[i].pool || !thr[i].pool_len)
				die("out of memory");
			thr[i].priming = true;
			thr[i].rate = PRIME_RATE / cfg.threads;
		}
		for (f = 0; f < cfg.flows; f++)
			open_socket(&thr[i], f);
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);

	if (pthread_barrier_init(&prime_done, NULL, cfg.threads))
		die("pthread_barrier_init failed");
	t_start_ns = now_ns();
	deadline = t_start_ns + (uint64_t)(cfg.max_time * 1e9);
	for (i = 0; i < cfg.threads; i++)
		if (pthread_create(&thr[i].tid, NULL, worker, &thr[i]))
			die("pthread_create failed");

	/* supervise: progress, hard stop */
	for (;;) {
		uint64_t now;
		bool all_done = true;

		usleep(50000);
		now = now_ns();
		for (i = 0; i < cfg.threads; i++) {
			if (thr[i].joined)
				continue;
			if (pthread_tryjoin_np(thr[i].tid, NULL) == EBUSY)
				all_done = false;
			else
				thr[i].joined = true;
		}
		if (all_done)
			break;
		if (now >= deadline + 2000000000ull) {
			fprintf(stderr, "sl-bench: threads stuck past --max-time,"
				" reporting what they have\n");
			break;
		}
		if (now >= deadline) {
			atomic_store(&stop_send, true);
			atomic_store(&stop_all, true);
		}
		if (now - t_start_ns >= 1000000000ull * (last_p + 1) &&
		    cfg.progress) {
			sum(&s);
			last_p = (now - t_start_ns) / 1000000000ull;
			fprintf(stderr,
				"[%3" PRIu64 "s] sent %" PRIu64 " (%" PRIu64
				"/s)  answered %" PRIu64 " (%" PRIu64
				"/s)  acks %" PRIu64 "\n",
				last_p, s.sent, s.sent - last_sent, s.finals,
				s.finals - last_fin, s.acks + s.flood_acks);
			last_sent = s.sent;
			last_fin = s.finals;
		}
	}
	/* a thread stuck past the hard stop is never waited for: the
	 * loop above only ends when all have returned */
	t_end = atomic_load(&t_send_end_ns);
	if (!t_end)
		t_end = now_ns();

	sum(&s);
	for (i = 0; i < cfg.threads && cfg.flood_n; i++) {
		const struct thread *t = &thr[i];

		fl_acks += atomic_load_explicit(&t->flood_acks, memory_order_relaxed);
		fl_real += t->flood_real;
		fl_synth += t->flood_synth;
		if (t->flood_start_ns && (!fl_start || t->flood_start_ns < fl_start))
			fl_start = t->flood_start_ns;
		if (t->flood_end_ns > fl_end)
			fl_end = t->flood_end_ns;
	}
	if (fl_end > fl_start)
		fl_s = (double)(fl_end - fl_start) / 1e9;
	for (i = 0; i < cfg.threads; i++) {
		for (b = 0; b < HIST_BUCKETS; b++)
			hist[b] += thr[i].hist[b];
		for (b = 0; b < NCODES; b++)
			codes[b] += thr[i].codes[b];
	}
	send_s = (double)(t_end - t_start_ns) / 1e9;
	if (send_s <= 0)
		send_s = 1e-9;
	expected = s.sent - s.sent_m[M_ACK];
	offered = (double)s.sent / send_s;
	reply_rate = (double)s.finals / send_s;
	loss = expected ? 100.0 * (double)(expected - s.finals) / (double)expected : 0;
	p50 = hist_pct(hist, s.finals, 50);
	p99 = hist_pct(hist, s.finals, 99);
	p999 = hist_pct(hist, s.finals, 99.9);
	pmax = 0;
	for (b = HIST_BUCKETS; b-- > 0;)
		if (hist[b]) {
			pmax = (double)hist_value(b);
			break;
		}
	getrusage(RUSAGE_SELF, &ru);

	if (cfg.json) {
		bool first = true;

		printf("{\"sent\": %" PRIu64 ", \"send_errors\": %" PRIu64
		       ", \"duration_s\": %.3f, \"target_rate\": %.0f"
		       ", \"offered_rate\": %.1f, \"replies\": %" PRIu64
		       ", \"final_replies\": %" PRIu64 ", \"reply_rate\": %.1f"
		       ", \"loss_pct\": %.4f, \"acks_sent\": %" PRIu64
		       ", \"ack_rate\": %.1f, \"unmatched\": %" PRIu64
		       ", \"duplicates\": %" PRIu64 ", \"late\": %" PRIu64
		       ", \"threads\": %u, \"flows\": %u, \"batch\": %u",
		       s.sent, s.send_err, send_s, cfg.rate, offered, s.replies,
		       s.finals, reply_rate, loss, s.acks,
		       (double)s.acks / send_s, s.unmatched, s.dups, s.late,
		       cfg.threads, cfg.flows, cfg.batch);
		printf(", \"sent_by_method\": {");
		for (i = 0; i < M_NR; i++)
			printf("%s\"%s\": %" PRIu64, i ? ", " : "",
			       method_name[i], s.sent_m[i]);
		printf("}, \"codes\": {");
		for (b = 0; b < NCODES; b++)
			if (codes[b]) {
				printf("%s\"%u\": %" PRIu64, first ? "" : ", ",
				       b, codes[b]);
				first = false;
			}
		printf("}, \"latency_us\": {\"p50\": %.0f, \"p99\": %.0f"
		       ", \"p99_9\": %.0f, \"max\": %.0f}",
		       p50, p99, p999, pmax);
		if (cfg.flood_n)
			printf(", \"flood\": {\"invites\": %" PRIu64
			       ", \"acks_from_replies\": %" PRIu64
			       ", \"acks_synthetic\": %" PRIu64
			       ", \"acks_sent\": %" PRIu64 ", \"duration_s\": %.3f"
			       ", \"rate\": %.1f}", cfg.flood_n, fl_real, fl_synth,
			       fl_acks, fl_s, fl_s > 0 ? (double)fl_acks / fl_s : 0);
		printf(", \"client_cpu_s\": %.3f}\n",
		       (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	} else {
		printf("sl-bench: %s, %u thread(s), batch %u, %s\n",
		       cfg.dst_host, cfg.threads, cfg.batch,
		       cfg.rate > 0 ? "fixed rate" : "flat out");
		printf("  sent        %" PRIu64 " in %.2f s = %.0f/s offered"
		       " (%" PRIu64 " send errors)\n",
		       s.sent, send_s, offered, s.send_err);
		for (i = 0; i < M_NR; i++)
			if (s.sent_m[i])
				printf("    %-9s %" PRIu64 "\n", method_name[i],
				       s.sent_m[i]);
		printf("  answered    %" PRIu64 " = %.0f/s, loss %.3f %%"
		       " (%" PRIu64 " replies, %" PRIu64 " unmatched,"
		       " %" PRIu64 " duplicate)\n",
		       s.finals, reply_rate, loss, s.replies, s.unmatched,
		       s.dups);
		printf("  ACKs sent   %" PRIu64 " (%.0f/s)\n", s.acks,
		       (double)s.acks / send_s);
		printf("  latency     p50 %.0f us  p99 %.0f us  p99.9 %.0f us"
		       "  max %.0f us\n", p50, p99, p999, pmax);
		if (cfg.flood_n)
			printf("  ACK flood   %" PRIu64 " ACKs in %.2f s = %.0f/s"
			       " (kept from %" PRIu64 " replies, %" PRIu64
			       " synthetic)\n", fl_acks, fl_s,
			       fl_s > 0 ? (double)fl_acks / fl_s : 0, fl_real,
			       fl_synth);
		printf("  status codes:");
		for (b = 0; b < NCODES; b++)
			if (codes[b])
				printf("  %u x %" PRIu64, b, codes[b]);
		printf("\n");
	}
	return 0;
}
