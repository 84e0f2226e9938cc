// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include "dp/bank.h"
#include "dp/iface.h"
#include "dp/maps.h"
#include "dp/xsk_io.h"
#include "run/answer.h"
#include "run/frame_rule.h"
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
	__u32 mtu;			/* largest IP packet out; 0 = unknown */
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

static size_t handle_frame(void *user, unsigned int queue, const __u8 *frame,
			   size_t len, const struct sl_xdp_meta *meta,
			   __u8 *tx_buf, size_t tx_cap)
{
	struct responder *r = user;
	struct sl_kam_stats *st = &r->stats[queue % SL_STATS_SLOTS];
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
	return a.len;
}

/*
 * AF_XDP sizing knobs, read from the environment when the responder
 * starts (sl-ctl attach; under systemd, Environment= in a drop-in of
 * sl-xdp@.service).  Unset or empty: the defaults.  Both apply to every
 * queue; an invalid value makes attach fail with a message.
 *
 *   SL_XDP_RING_SIZE=N    entries of each AF_XDP ring of a queue (fill,
 *                         completion, RX, TX): a power of two from 64 to
 *                         65536, default 2048.
 *   SL_XDP_UMEM_FRAMES=N  frames (4 KiB each) in a queue's UMEM: a power
 *                         of two from 8 to 4 x SL_XDP_RING_SIZE, default
 *                         2 x SL_XDP_RING_SIZE.  min(N/2, ring size) of
 *                         them receive, the rest transmit.  Fewer TX
 *                         frames than ring entries save memory (N = 4096
 *                         frames is 16 MiB per queue) at the price of
 *                         requests left unanswered in bursts (counted as
 *                         resp:umem_exhausted); more (N = 4 x ring size)
 *                         keep frames free while the TX ring is full
 *                         (resp:tx_ring_full).
 *
 * The tests use tiny values to exhaust both on purpose.
 */
static int io_size_from_env(const char *name, unsigned int *out, char *err,
			    size_t errlen)
{
	const char *v = getenv(name);
	unsigned long n;
	char *end;

	*out = 0;
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
	if (io_size_from_env("SL_XDP_RING_SIZE", &xo.ring_size, err, errlen) ||
	    io_size_from_env("SL_XDP_UMEM_FRAMES", &xo.umem_frames, err,
			     errlen)) {
		responder_close(r);
		return -1;
	}
	if (xsk_io_open(&xo, &r->xio, err, errlen)) {
		size_t n = strlen(err);

		if ((xo.ring_size || xo.umem_frames) && n < errlen)
			snprintf(err + n, errlen - n,
				 " (SL_XDP_RING_SIZE=%u, SL_XDP_UMEM_FRAMES=%u from the environment, 0: default)",
				 xo.ring_size, xo.umem_frames);
		responder_close(r);
		return -1;
	}
	*out = r;
	return 0;
}

/* TX ring and UMEM exhaustion happen inside xsk_io: copy its per-queue
 * counts into the stats slots, where `stats` folds them into failures. */
static void publish_io_stats(struct responder *r)
{
	struct xsk_io_stats xs;
	int mtu = sl_iface_mtu(r->ifname);

	/* an MTU change applies within a tick */
	__atomic_store_n(&r->mtu, mtu > 0 ? (__u32)mtu : 0, __ATOMIC_RELAXED);

	for (unsigned int q = 0; q < xsk_io_queues(r->xio) && q < SL_STATS_SLOTS; q++) {
		xsk_io_get_stats(r->xio, q, &xs);
		__atomic_store_n(&r->stats[q].tx_ring_full, xs.tx_ring_full,
				 __ATOMIC_RELAXED);
		__atomic_store_n(&r->stats[q].umem_exhausted, xs.umem_exhausted,
				 __ATOMIC_RELAXED);
	}
}

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

	/* pthread_create returns the error, errno is not set */
	ret = pthread_create(&t, NULL, run_queues, &a);
	if (ret)
		return -ret;
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

void responder_close(struct responder *r)
{
	if (!r)
		return;
	if (r->xio)
		xsk_io_close(r->xio);
	if (r->window)
		munmap(r->window, r->window_len);
	if (r->stats)
		munmap(r->stats, r->stats_len);
	sl_maps_close(&r->maps);
	free(r);
}
