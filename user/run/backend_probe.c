// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <bpf/bpf.h>

#include "dp/maps.h"
#include "run/backend_probe.h"

#define POLL_MS		100	/* how soon a stop is seen */

struct backend_probe {
	struct sl_backend_settings cfg;
	struct sockaddr_storage to;
	socklen_t to_len;
	int fd;
	struct sl_maps maps;
	struct sl_backend_state st;
	__u32 run_ok, run_missed;	/* in a row */
	volatile int stop;
	pthread_t thread;
	int running;
};

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void publish(struct backend_probe *p)
{
	__u32 zero = 0;

	bpf_map_update_elem(p->maps.fd[SL_M_BACKEND], &zero, &p->st, BPF_ANY);
}

/* Sends probe number n: an OPTIONS whose Call-ID names it. */
static void send_probe(struct backend_probe *p, __u64 n, char *cid,
		       size_t cid_len)
{
	char msg[512];
	int len;

	snprintf(cid, cid_len, "sl-xdp-probe-%d-%llu", (int)getpid(),
		 (unsigned long long)n);
	len = snprintf(msg, sizeof(msg),
		       "OPTIONS sip:%s SIP/2.0\r\n"
		       "Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK-slx%llu\r\n"
		       "Max-Forwards: 70\r\n"
		       "From: <sip:sl-xdp@localhost>;tag=slxprobe\r\n"
		       "To: <sip:%s>\r\n"
		       "Call-ID: %s\r\nCSeq: %llu OPTIONS\r\n"
		       "Content-Length: 0\r\n\r\n",
		       p->cfg.probe + 4, (unsigned long long)n, p->cfg.probe + 4,
		       cid, (unsigned long long)(n + 1));
	if (sendto(p->fd, msg, (size_t)len, MSG_DONTWAIT,
		   (struct sockaddr *)&p->to, p->to_len) == len)
		p->st.probes++;
}

/* Is one of the datagrams waiting a response to this probe? */
static int answered(struct backend_probe *p, const char *cid)
{
	char buf[2048];
	int got = 0;
	ssize_t n;

	while ((n = recv(p->fd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) > 0) {
		buf[n] = '\0';
		if (!strncmp(buf, "SIP/2.0 ", 8) && strstr(buf, cid))
			got = 1;
	}
	return got;
}

/* One probe's outcome into the state. */
static void account(struct backend_probe *p, int ok)
{
	__u32 was = p->st.down;

	if (ok) {
		p->st.answers++;
		p->run_ok++;
		p->run_missed = 0;
		if (p->st.down && p->run_ok >= p->cfg.up_after)
			p->st.down = 0;
	} else {
		p->run_missed++;
		p->run_ok = 0;
		if (!p->st.down && p->run_missed >= p->cfg.down_after)
			p->st.down = 1;
	}
	if (was != p->st.down) {
		p->st.changes++;
		p->st.last_change_ns = mono_ns();
	}
	publish(p);
}

static void *probe_thread(void *arg)
{
	struct backend_probe *p = arg;
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	char cid[64];
	__u64 n = 0;

	prctl(PR_SET_NAME, "sl-xdp/probe", 0, 0, 0);	/* ps -L, top -H */

	while (!p->stop) {
		__u64 due = mono_ns() + p->cfg.interval_ns;
		int ok = 0;

		send_probe(p, n++, cid, sizeof(cid));
		for (__u64 now = mono_ns(); now < due && !p->stop; now = mono_ns()) {
			__u64 left_ms = (due - now + 999999) / 1000000;

			if (poll(&pfd, 1, left_ms < POLL_MS ? (int)left_ms : POLL_MS) > 0 &&
			    answered(p, cid))
				ok = 1;
		}
		if (!p->stop)
			account(p, ok);
	}
	return NULL;
}

int backend_probe_open(const struct sl_backend_settings *b,
		       const char *pin_dir, struct backend_probe **out,
		       char *err, size_t errlen)
{
	struct backend_probe *p;

	*out = NULL;
	if (!b->probe_set)
		return 0;
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	p->cfg = *b;
	sl_maps_init(&p->maps);
	if (b->family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&p->to;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(b->port);
		memcpy(&a->sin6_addr, b->addr, 16);
		p->to_len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&p->to;

		a->sin_family = AF_INET;
		a->sin_port = htons(b->port);
		memcpy(&a->sin_addr, b->addr, 4);
		p->to_len = sizeof(*a);
	}
	p->fd = socket(b->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (p->fd < 0) {
		snprintf(err, errlen, "cannot make the [backend] probe's socket: %s",
			 strerror(errno));
		free(p);
		return -1;
	}
	if (sl_maps_open_pinned(&p->maps, pin_dir, err, errlen)) {
		close(p->fd);
		free(p);
		return -1;
	}
	p->st.probing = 1;	/* up until down_after probes are missed */
	publish(p);
	*out = p;
	return 0;
}

int backend_probe_start(struct backend_probe *p)
{
	int ret;

	if (!p)
		return 0;
	ret = pthread_create(&p->thread, NULL, probe_thread, p);
	if (ret)
		return -ret;
	p->running = 1;
	return 0;
}

void backend_probe_close(struct backend_probe *p)
{
	if (!p)
		return;
	if (p->running) {
		p->stop = 1;
		pthread_join(p->thread, NULL);
	}
	p->st.probing = 0;
	publish(p);
	sl_maps_close(&p->maps);
	close(p->fd);
	free(p);
}
