// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#define _GNU_SOURCE	/* sched_getaffinity, CPU_COUNT */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include "dp/bank.h"
#include "dp/iface.h"
#include "dp/irq_cpus.h"
#include "dp/maps.h"
#include "dp/xsk_io.h"
#include "run/answer.h"
#include "run/frame_rule.h"
#include "run/hep_mirror.h"
#include "run/prepare.h"
#include "run/responder.h"
#include "run/run_dir.h"
#include "sip/sl_engine.h"

/* What a bank's rules answer with: the settings applied to that bank,
 * and each rule's reply (spec[SL_MAX_RULES]: default_action = reply)
 * worked out once when the bank is set, not per reply. */
struct bank_cfg {
	struct sl_settings s;
	struct sl_config cfg;	/* as compiled: a frame without metadata */
	struct sl_engine_cfg ecfg;
	struct sl_reply_spec spec[SL_MAX_RULES + 1];
	struct hep_target hep;	/* [hep]: where copies go, which calls */
};

struct responder {
	struct bank_cfg bank[SL_RULE_BANKS];
	__u32 cur_bank;
	char ifname[64];
	char config_path[4096];
	struct sl_maps maps;
	struct sl_window_entry *window;
	size_t window_len;
	__u32 window_mask;
	struct sl_kam_stats *stats;	/* SL_STATS_SLOTS slots */
	size_t stats_len;
	struct xsk_io *xio;
	/* what publish_io_stats() has added to each socket's slot so far */
	struct xsk_io_stats published[SL_MAX_SOCKETS];
	int cpu[SL_MAX_SOCKETS];	/* each socket's thread's CPU, -1 */
	__u32 mtu;			/* largest IP packet out; 0 = unknown */
	struct hep_mirror *hep;		/* HEP3 copies ([hep]) */
};

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* = bpf_ktime_get_ns() */
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* One entry, no system call, before the reply goes to the TX ring.  The
 * XDP reader may run concurrently: clear the time first so that a
 * half-written key is never live. */
static void window_record(struct responder *r, __u32 suffix, __u32 key_tag)
{
	struct sl_window_entry *b =
		&r->window[sl_window_slot(suffix, key_tag, r->window_mask)];
	struct sl_window_entry *e = &b[sl_window_way(b, suffix, key_tag)];

	__atomic_store_n(&e->sent_ns, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&e->key_suffix, suffix, __ATOMIC_RELAXED);
	__atomic_store_n(&e->key_tag, key_tag, __ATOMIC_RELAXED);
	__atomic_store_n(&e->sent_ns, mono_ns(), __ATOMIC_RELEASE);
}

/* The reply of rule i of s (i = SL_MAX_RULES: default_action = reply),
 * pointing into s. */
static void reply_spec_make(const struct sl_settings *s, unsigned int rule,
			    struct sl_reply_spec *spec)
{
	if (rule < s->dp.n_rules && s->rules[rule].action == SL_ACTION_REPLY) {
		const struct sl_rule_reply *rr = &s->replies[rule];

		spec->code = rr->code;
		spec->reason = rr->reason;
		spec->reason_len = strlen(rr->reason);
		spec->extra_hdrs = rr->headers;
		spec->extra_len = rr->headers_len;
		return;
	}
	/* default_action = reply: Kamailio's default */
	spec->code = s->default_code;
	spec->reason = s->default_reason;
	spec->reason_len = strlen(s->default_reason);
	spec->extra_hdrs = NULL;
	spec->extra_len = 0;
}

static const struct sl_reply_spec *reply_spec_for(const struct bank_cfg *b,
						  const struct sl_xdp_meta *meta)
{
	unsigned int rule = meta ? meta->rule : SL_META_DEFAULT_RULE;

	return &b->spec[rule < SL_MAX_RULES ? rule : SL_MAX_RULES];
}

static size_t handle_frame(void *user, unsigned int sock, const __u8 *frame,
			   size_t len, const struct sl_xdp_meta *meta,
			   __u8 *tx_buf, size_t tx_cap)
{
	struct responder *r = user;
	struct sl_kam_stats *st = &r->stats[sock % SL_STATS_SLOTS];
	const struct sl_reply_spec *spec;
	const struct bank_cfg *b;
	struct sl_frame_answer a;

	b = &r->bank[(meta ? meta->bank :
		      __atomic_load_n(&r->cur_bank, __ATOMIC_ACQUIRE)) & 1];
	spec = reply_spec_for(b, meta);
	if (!meta) {
		/* no metadata: the rules are evaluated here */
		int rule = sl_frame_rule(&b->cfg, b->s.rules, frame, len, st);

		if (rule < 0)
			return 0;
		spec = &b->spec[rule];
	}
	sl_answer_frame(&b->ecfg, spec, frame, len, tx_buf, tx_cap,
			__atomic_load_n(&r->mtu, __ATOMIC_RELAXED), st, &a);
	/* before the reply goes to the TX ring: its ACK may come at once */
	if (a.record_window)
		window_record(r, a.window_suffix, a.window_key_tag);
	if (a.len)
		hep_mirror_answer(r->hep, sock, &b->hep, frame, tx_buf, &a);
	return a.len;
}

/*
 * AF_XDP sizes: the [sl] keys ring_size and umem_frames (conf/config.h),
 * overridden by the environment variables SL_XDP_RING_SIZE and
 * SL_XDP_UMEM_FRAMES when they are set and not empty (the tests use tiny
 * values to exhaust both on purpose; under systemd, Environment= in a
 * drop-in of sl-xdp@.service).  xsk_io checks the ranges: an invalid
 * value makes attach fail with a message.
 */
static int io_size_from_env(const char *name, unsigned int *out, char *err,
			    size_t errlen)
{
	const char *v = getenv(name);
	unsigned long n;
	char *end;

	if (!v || !*v)
		return 0;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (*v < '0' || *v > '9' || *end || errno || n > 1u << 20 || !n)
		return fail(err, errlen, "%s=%s: not a number from 1 to %u",
			    name, v, 1u << 20);
	*out = (unsigned int)n;
	return 0;
}

/*
 * The CPU of each socket's thread (r->cpu, sockets queue-major): the
 * cpus list round robin, or with cpus = auto and one socket per queue
 * each queue's interrupt CPU where the kernel names it.  A listed CPU
 * this process may not run on is an error now, not a thread that
 * silently runs elsewhere.
 */
static int plan_cpus(struct responder *r, const struct sl_responder_settings *rs,
		     unsigned int queues, unsigned int per_queue, char *err,
		     size_t errlen)
{
	unsigned int n = queues * per_queue;
	char allowed[256];

	for (unsigned int i = 0; i < SL_MAX_SOCKETS; i++)
		r->cpu[i] = -1;
	if (rs->cpus_mode == SL_CPUS_LIST) {
		for (unsigned int i = 0; i < rs->n_cpus; i++)
			if (!sl_cpu_allowed(rs->cpus[i], allowed, sizeof(allowed)))
				return fail(err, errlen,
					    "cpus: CPU %u is not one the responder may run on (allowed: %s)",
					    rs->cpus[i], allowed);
		for (unsigned int i = 0; i < n; i++)
			r->cpu[i] = rs->cpus[i % rs->n_cpus];
	} else if (rs->cpus_mode == SL_CPUS_AUTO && per_queue == 1 &&
		   queues <= SL_MAX_QUEUES) {
		int irq_cpu[SL_MAX_QUEUES];

		sl_irq_queue_cpus(r->ifname, irq_cpu, queues);
		for (unsigned int q = 0; q < queues; q++)
			if (irq_cpu[q] >= 0 &&
			    sl_cpu_allowed(irq_cpu[q], allowed, sizeof(allowed)))
				r->cpu[q] = irq_cpu[q];
	}
	return 0;
}

/* The responder's other threads (this one, and the HEP thread, the
 * backend probe and the address sync, all made after this) keep off the
 * CPUs that queue threads are pinned to, when any CPU they may run on is
 * left: a CPU given to a queue is its own. */
static void keep_off_queue_cpus(const struct responder *r, unsigned int n)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return;
	for (unsigned int i = 0; i < n && i < SL_MAX_SOCKETS; i++)
		if (r->cpu[i] >= 0 && r->cpu[i] < CPU_SETSIZE)
			CPU_CLR(r->cpu[i], &set);
	if (CPU_COUNT(&set))
		sched_setaffinity(0, sizeof(set), &set);
}

static void bank_set(struct bank_cfg *b, const struct sl_settings *s,
		     const struct sl_bank_image *img)
{
	b->s = *s;
	b->cfg = img->cfg;
	memcpy(b->ecfg.signature, img->cfg.signature, SL_SIG_LEN);
	b->ecfg.server_hdr = b->s.server_header;
	b->ecfg.server_len = strlen(b->s.server_header);
	for (unsigned int i = 0; i <= SL_MAX_RULES; i++)
		reply_spec_make(&b->s, i, &b->spec[i]);
	hep_target_make(&b->s.hep, &b->hep);
}

static int reload_locked(struct responder *r, char *err, size_t errlen)
{
	/* large; one reload at a time */
	static struct sl_settings s;
	static struct sl_bank_image img;
	__u32 active, idle;
	int ret;

	/* sl-ctl reload -c FILE records a new path before it signals */
	sl_run_read_config_path(r->ifname, r->config_path,
				sizeof(r->config_path));
	if (sl_prepare(r->config_path, r->ifname, &s, &img, err, errlen))
		return -1;
	/* the sockets are open: the data plane must keep choosing among
	 * as many (sl-ctl reload refuses such a file first) */
	if ((s.dp.xsk_per_queue ? s.dp.xsk_per_queue : 1) !=
	    xsk_io_sockets(r->xio) / xsk_io_queues(r->xio))
		return fail(err, errlen,
			    "sockets_per_queue cannot change on a reload (it is %u): detach and attach",
			    xsk_io_sockets(r->xio) / xsk_io_queues(r->xio));
	ret = sl_maps_active_bank(&r->maps, &active);
	if (ret)
		return fail(err, errlen, "cannot read the active bank: %s",
			    strerror(-ret));
	idle = active ^ 1;
	bank_set(&r->bank[idle], &s, &img);
	/* writes the idle bank and flips to it */
	ret = sl_bank_write(&r->maps, &img);
	if (ret)
		return fail(err, errlen, "cannot write the configuration maps: %s",
			    strerror(-ret));
	__atomic_store_n(&r->cur_bank, idle, __ATOMIC_RELEASE);
	hep_mirror_set_active(r->hep, s.hep.enabled);
	return 0;
}

int responder_reload(struct responder *r, char *err, size_t errlen)
{
	int ret;

	/* one bank writer at a time; sl-ctl reload holds the command lock
	 * while it waits for us, not this one */
	if (sl_run_lock(r->ifname, SL_LOCK_BANK, 5000, err, errlen) < 0)
		return -1;
	ret = reload_locked(r, err, errlen);
	sl_run_unlock(SL_LOCK_BANK);
	return ret;
}

int responder_open(const char *ifname, const char *pin_dir,
		   const char *config_path, const struct sl_settings *s,
		   const struct sl_bank_image *img, bool skb_mode,
		   struct responder **out, char *err, size_t errlen)
{
	struct responder *r = calloc(1, sizeof(*r));
	struct xsk_io_opts xo = {};
	bool env_ring, env_frames;
	__u32 entries;
	int ret;

	if (!r)
		return fail(err, errlen, "out of memory");
	snprintf(r->ifname, sizeof(r->ifname), "%s", ifname);
	snprintf(r->config_path, sizeof(r->config_path), "%s", config_path);
	/* both banks: a packet still carrying the other bank's number
	 * gets the same answers */
	bank_set(&r->bank[0], s, img);
	bank_set(&r->bank[1], s, img);
	ret = sl_maps_open_pinned(&r->maps, pin_dir, err, errlen);
	if (ret) {
		free(r);
		return -1;
	}
	if (sl_maps_active_bank(&r->maps, &r->cur_bank))
		r->cur_bank = 0;
	r->window = sl_maps_mmap(&r->maps, SL_M_WINDOW, &entries, &r->window_len);
	if (!r->window || (entries & (entries - 1))) {
		responder_close(r);
		return fail(err, errlen, "cannot mmap the reply-window map: %s",
			    strerror(errno));
	}
	r->window_mask = entries - 1;
	r->stats = sl_maps_mmap(&r->maps, SL_M_STATS, &entries, &r->stats_len);
	if (!r->stats || entries < SL_STATS_SLOTS) {
		responder_close(r);
		return fail(err, errlen, "cannot mmap the sl_stats map: %s",
			    strerror(errno));
	}

	{
		int mtu = sl_iface_mtu(ifname);

		r->mtu = mtu > 0 ? (__u32)mtu : 0;
	}
	xo.ifname = ifname;
	xo.xsks_map_fd = r->maps.fd[SL_M_XSKS];
	xo.skb_mode = skb_mode;
	xo.handler = handle_frame;
	xo.user = r;
	xo.ring_size = s->resp.ring_size;
	xo.umem_frames = s->resp.umem_frames;
	xo.spin_us = s->resp.spin_us;
	xo.busy_poll = s->resp.busy_poll;
	xo.sockets_per_queue = s->dp.xsk_per_queue ? s->dp.xsk_per_queue : 1;
	xo.n_queues = sl_iface_rx_queues(ifname);
	if (!xo.n_queues)
		xo.n_queues = 1;
	if (xo.n_queues > SL_MAX_QUEUES)
		xo.n_queues = SL_MAX_QUEUES;	/* the rest fall back */
	env_ring = getenv("SL_XDP_RING_SIZE") && *getenv("SL_XDP_RING_SIZE");
	env_frames = getenv("SL_XDP_UMEM_FRAMES") && *getenv("SL_XDP_UMEM_FRAMES");
	if (io_size_from_env("SL_XDP_RING_SIZE", &xo.ring_size, err, errlen) ||
	    io_size_from_env("SL_XDP_UMEM_FRAMES", &xo.umem_frames, err,
			     errlen) ||
	    plan_cpus(r, &s->resp, xo.n_queues, xo.sockets_per_queue, err,
		      errlen)) {
		responder_close(r);
		return -1;
	}
	xo.cpus = r->cpu;
	keep_off_queue_cpus(r, xo.n_queues * xo.sockets_per_queue);
	if (xsk_io_open(&xo, &r->xio, err, errlen)) {
		size_t n = strlen(err);

		if ((env_ring || env_frames) && n < errlen)
			snprintf(err + n, errlen - n,
				 " (SL_XDP_RING_SIZE=%u, SL_XDP_UMEM_FRAMES=%u from the environment, 0: default)",
				 xo.ring_size, xo.umem_frames);
		responder_close(r);
		return -1;
	}
	/* always, [hep] or not: a reload may add it (the socket cannot be
	 * made in the sandbox) */
	if (hep_mirror_open(xsk_io_sockets(r->xio), r->stats, &r->hep, err,
			    errlen)) {
		responder_close(r);
		return -1;
	}
	{
		const struct hep_target *t[SL_RULE_BANKS] = {
			&r->bank[0].hep, &r->bank[1].hep };

		if (hep_mirror_attach_dp(r->hep, r->maps.fd[SL_M_HEP_RING], t,
					 err, errlen)) {
			responder_close(r);
			return -1;
		}
	}
	hep_mirror_set_active(r->hep, s->hep.enabled);
	*out = r;
	return 0;
}

/* Adds what a socket's counter grew by since the last call to its slot's
 * field.  Deltas, not the value: a new responder's sockets count from 0
 * and `stats --reset` zeroes the slot, and the totals go on from both. */
#define PUBLISH(slot_field, io_field) do {				\
	__u64 d = now.io_field - last->io_field;			\
									\
	if (now.io_field > last->io_field)				\
		__atomic_store_n(&st->slot_field, st->slot_field + d,	\
				 __ATOMIC_RELAXED);			\
} while (0)

/*
 * What the sockets and their threads count inside xsk_io and the kernel
 * (TX ring and UMEM exhaustion, frames read, XDP_STATISTICS, CPU time)
 * into the stats slots, where `stats` prints them (and folds the
 * exhaustion into failures).  Called every tick by the main thread.
 */
static void publish_io_stats(struct responder *r)
{
	int mtu = sl_iface_mtu(r->ifname);

	/* an MTU change applies within a tick */
	__atomic_store_n(&r->mtu, mtu > 0 ? (__u32)mtu : 0, __ATOMIC_RELAXED);

	for (unsigned int i = 0; i < xsk_io_sockets(r->xio) && i < SL_STATS_SLOTS; i++) {
		struct sl_kam_stats *st = &r->stats[i];
		struct xsk_io_stats *last = &r->published[i], now;

		xsk_io_get_stats(r->xio, i, &now);
		PUBLISH(tx_ring_full, tx_ring_full);
		PUBLISH(umem_exhausted, umem_exhausted);
		PUBLISH(rx_frames, rx);
		PUBLISH(rx_ring_full, rx_ring_full);
		PUBLISH(rx_dropped, rx_dropped);
		PUBLISH(rx_fill_ring_empty, rx_fill_ring_empty);
		PUBLISH(rx_invalid_descs, rx_invalid_descs);
		PUBLISH(tx_invalid_descs, tx_invalid_descs);
		PUBLISH(rx_bad_desc, rx_bad_desc);
		PUBLISH(tx_kicks, tx_kicks);
		PUBLISH(sleeps, sleeps);
		PUBLISH(busy_ns, busy_ns);
		*last = now;
	}
}
#undef PUBLISH

struct run_arg {
	struct xsk_io *xio;
	volatile int *stop;
	int ret;
};

static void *run_queues(void *p)
{
	struct run_arg *a = p;

	a->ret = xsk_io_run(a->xio, a->stop);
	return NULL;
}

int responder_run(struct responder *r, volatile int *stop,
		  volatile int *reload)
{
	char err[512];

	struct run_arg a = { .xio = r->xio, .stop = stop };
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	pthread_t t;
	int ret;

	ret = hep_mirror_start(r->hep, stop);
	if (ret)
		return ret;
	/* pthread_create returns the error, errno is not set */
	ret = pthread_create(&t, NULL, run_queues, &a);
	if (ret) {
		*stop = 1;
		hep_mirror_join(r->hep);
		return -ret;
	}
	while (!*stop) {
		if (*reload) {
			*reload = 0;
			/* a bad file keeps the old rules; sl-ctl reload
			 * validates first and reports */
			if (responder_reload(r, err, sizeof(err)))
				fprintf(stderr, "sl-xdp: reload failed: %s\n", err);
		}
		publish_io_stats(r);
		nanosleep(&tick, NULL);	/* EINTR on SIGTERM: fine */
	}
	pthread_join(t, NULL);
	hep_mirror_join(r->hep);
	publish_io_stats(r);
	return a.ret;
}

const char *responder_mode(struct responder *r)
{
	return xsk_io_mode(r->xio);
}

unsigned int responder_queues(struct responder *r)
{
	return xsk_io_queues(r->xio);
}

int responder_hep_fd(struct responder *r)
{
	return hep_mirror_fd(r->hep);
}

void responder_close(struct responder *r)
{
	if (!r)
		return;
	if (r->xio)
		xsk_io_close(r->xio);
	hep_mirror_close(r->hep);
	if (r->window)
		munmap(r->window, r->window_len);
	if (r->stats)
		munmap(r->stats, r->stats_len);
	sl_maps_close(&r->maps);
	free(r);
}
