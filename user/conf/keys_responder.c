// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The [sl] keys that shape the responder: sockets and threads per queue,
 * their CPUs, idle spinning, busy polling, ring and UMEM sizes.  What
 * each accepts is in conf/config.h (struct sl_responder_settings).
 */
#include <stdio.h>
#include <string.h>

#include "conf/parse.h"

int conf_sl_sockets_per_queue(struct parse_ctx *c, const char *key,
			      const char *val)
{
	unsigned long long v;

	if (!conf_parse_num(val, strlen(val), SL_MAX_SOCKETS_PER_QUEUE, &v) || !v)
		return conf_fail(c, "%s: '%s' is not a number of sockets from 1 to %u",
				 key, val, SL_MAX_SOCKETS_PER_QUEUE);
	c->s->dp.xsk_per_queue = (__u8)v;
	return 0;
}

/* One CPU number or range "A-B" of a cpus list into r. */
static int add_cpus(struct parse_ctx *c, const char *key, const char *it,
		    size_t len, struct sl_responder_settings *r)
{
	const char *dash = memchr(it, '-', len);
	unsigned long long a, b, cpu;

	if (dash ? !conf_parse_num(it, dash - it, SL_CPU_ID_MAX, &a) ||
		   !conf_parse_num(dash + 1, len - (dash + 1 - it), SL_CPU_ID_MAX, &b) :
		   !conf_parse_num(it, len, SL_CPU_ID_MAX, &a))
		return conf_fail(c, "%s: '%.*s' is not a CPU number (0..%u) or a range of them (2-9)",
				 key, (int)len, it, SL_CPU_ID_MAX);
	if (!dash)
		b = a;
	if (b < a)
		return conf_fail(c, "%s: '%.*s' is a range that runs backwards",
				 key, (int)len, it);
	for (cpu = a; cpu <= b; cpu++) {
		for (unsigned int i = 0; i < r->n_cpus; i++)
			if (r->cpus[i] == cpu)
				return conf_fail(c, "%s: CPU %llu is listed twice",
						 key, cpu);
		if (r->n_cpus >= SL_MAX_CPU_LIST)
			return conf_fail(c, "%s: more than %u CPUs", key,
					 SL_MAX_CPU_LIST);
		r->cpus[r->n_cpus++] = (__u16)cpu;
	}
	return 0;
}

int conf_sl_cpus(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_responder_settings *r = &c->s->resp;
	const char *p = val, *it;
	size_t len;

	r->n_cpus = 0;
	if (!strcmp(val, "auto")) {
		r->cpus_mode = SL_CPUS_AUTO;
		return 0;
	}
	if (!strcmp(val, "none")) {
		r->cpus_mode = SL_CPUS_NONE;
		return 0;
	}
	r->cpus_mode = SL_CPUS_LIST;
	while (conf_next_item(&p, &it, &len))
		if (add_cpus(c, key, it, len, r))
			return -1;
	if (!r->n_cpus)
		return conf_fail(c, "%s: '%s' names no CPU (auto, none, or a list such as 2-9,12)",
				 key, val);
	return 0;
}

int conf_sl_spin_us(struct parse_ctx *c, const char *key, const char *val)
{
	unsigned long long v;

	if (!conf_parse_num(val, strlen(val), SL_SPIN_US_MAX, &v))
		return conf_fail(c, "%s: '%s' is not a number of microseconds from 0 to %u",
				 key, val, SL_SPIN_US_MAX);
	c->s->resp.spin_us = (__u32)v;
	return 0;
}

int conf_sl_busy_poll(struct parse_ctx *c, const char *key, const char *val)
{
	if (!strcmp(val, "on"))
		c->s->resp.busy_poll = true;
	else if (!strcmp(val, "off"))
		c->s->resp.busy_poll = false;
	else
		return conf_fail(c, "%s: '%s' is neither on nor off", key, val);
	return 0;
}

/* A power of two in [min, max]. */
static int pow2_in(struct parse_ctx *c, const char *key, const char *val,
		   unsigned int min, unsigned int max, __u32 *out)
{
	unsigned long long v;

	if (!conf_parse_num(val, strlen(val), max, &v) || v < min ||
	    (v & (v - 1)))
		return conf_fail(c, "%s: '%s' is not a power of two from %u to %u",
				 key, val, min, max);
	*out = (__u32)v;
	return 0;
}

int conf_sl_ring_size(struct parse_ctx *c, const char *key, const char *val)
{
	return pow2_in(c, key, val, SL_RING_SIZE_MIN, SL_RING_SIZE_MAX,
		       &c->s->resp.ring_size);
}

int conf_sl_umem_frames(struct parse_ctx *c, const char *key,
			const char *val)
{
	return pow2_in(c, key, val, SL_UMEM_FRAMES_MIN, 4 * SL_RING_SIZE_MAX,
		       &c->s->resp.umem_frames);
}

int conf_sl_responder_finish(struct parse_ctx *c)
{
	const struct sl_responder_settings *r = &c->s->resp;
	__u32 ring = r->ring_size ? r->ring_size : 2048;

	if (r->umem_frames > 4 * ring)
		return conf_fail_at(c, c->sl_seen[K_UMEM_FRAMES],
				    "umem_frames: %u is more than 4 x ring_size (%u): the frames beyond could never be in use",
				    r->umem_frames, 4 * ring);
	return 0;
}
