// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The XDP program under test and its maps, see fixture_env.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fixture_env.h"
#include "conf/config.h"
#include "dp/bank.h"
#include "dp/local_addrs.h"
#include "sl_xdp.skel.h"
#include "sip/totag.h"

struct fx_env fx = { .prog_fd = -1 };
__u32 fx_window_mask = FX_WINDOW_MASK;

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int fx_load(void)
{
	struct bpf_map *map;
	int err, i;

	libbpf_set_print(libbpf_quiet);
	sl_maps_init(&fx.maps);
	fx.skel = sl_xdp__open();
	if (!fx.skel) {
		err = -errno;
		fprintf(stderr, "fixture: cannot open the skeleton: %s\n",
			strerror(-err));
		return err;
	}
	/* never pin (and never pick up a stale pin) from a test */
	bpf_object__for_each_map(map, fx.skel->obj) {
		err = bpf_map__set_pin_path(map, NULL);
		if (err) {
			fprintf(stderr, "fixture: unpin %s: %s\n",
				bpf_map__name(map), strerror(-err));
			goto fail;
		}
	}
	/* as sl-ctl does from window_slots: the mask the maps get is the
	 * map's size - 1, so size the store for the tests' mask */
	err = bpf_map__set_max_entries(fx.skel->maps.sl_window, fx_window_mask + 1);
	if (err)
		goto fail;
	err = sl_xdp__load(fx.skel);
	if (err) {
		fprintf(stderr, "fixture: cannot load sl_xdp: %s\n",
			strerror(-err));
		goto fail;
	}
	fx.prog_fd = bpf_program__fd(fx.skel->progs.sl_xdp);
	/* every map of SL_MAP_NAMES, in that order, by name */
	for (i = 0; i < SL_N_MAPS; i++) {
		map = bpf_object__find_map_by_name(fx.skel->obj,
						   sl_map_names[i]);
		if (!map) {
			fprintf(stderr, "fixture: no map %s in sl_xdp\n",
				sl_map_names[i]);
			err = -ENOENT;
			goto fail;
		}
		fx.maps.fd[i] = bpf_map__fd(map);
	}
	bpf_object__for_each_map(map, fx.skel->obj) {
		if (bpf_map__is_pinned(map)) {
			fprintf(stderr, "fixture: map %s got pinned\n",
				bpf_map__name(map));
			err = -EEXIST;
			goto fail;
		}
	}
	fx.n_window_slots = 0;
	{
		static const __u8 mac[6] = FRAME_MAC_DST;
		__u32 v4 = htonl(FRAME_V4_DST);
		__u8 v6[16];

		inet_pton(AF_INET6, FRAME_V6_DST, v6);
		err = fx_local_put(0, mac);
		if (!err)
			err = fx_local_put(4, &v4);
		if (!err)
			err = fx_local_put(6, v6);
		if (err)
			goto fail;
	}
	return 0;
fail:
	sl_maps_init(&fx.maps);
	sl_xdp__destroy(fx.skel);
	fx.skel = NULL;
	return err;
}

void fx_unload(void)
{
	/* the fds belong to the skeleton: do not close them twice */
	sl_maps_init(&fx.maps);
	sl_xdp__destroy(fx.skel);
	fx.skel = NULL;
	fx.prog_fd = -1;
}

static int fx_vcompile(struct sl_bank_image *img, const char *fmt,
		       va_list ap)
{
	static char text[1 << 16];
	static struct sl_settings s;
	char err[512];
	int n;

	n = vsnprintf(text, sizeof(text), fmt, ap);
	if (n < 0 || (size_t)n >= sizeof(text)) {
		fprintf(stderr, "fixture: config text longer than %zu bytes\n",
			sizeof(text));
		return -1;
	}
	if (sl_settings_load_string(text, "fixture", &s, err, sizeof(err))) {
		fprintf(stderr, "fixture: config error: %s\n--- the text:\n%s---\n",
			err, text);
		return -1;
	}
	if (sl_image_compile(&s, FX_SIG_IP, "fixture", img, err, sizeof(err))) {
		fprintf(stderr, "fixture: compile error: %s\n", err);
		return -1;
	}
	return 0;
}

int fx_compile(struct sl_bank_image *img, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = fx_vcompile(img, fmt, ap);
	va_end(ap);
	return err;
}

int fx_write(const struct sl_bank_image *img)
{
	int err = sl_bank_write(&fx.maps, img);

	if (err)
		fprintf(stderr, "fixture: sl_bank_write: %s\n", strerror(-err));
	return err;
}

int fx_config(const char *fmt, ...)
{
	static struct sl_bank_image img;
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = fx_vcompile(&img, fmt, ap);
	va_end(ap);
	return err ? err : fx_write(&img);
}

int fx_sh(const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0)
		fprintf(stderr, "fixture: '%s' failed (%d)\n", cmd, rc);
	return rc;
}

int fx_local_put(int family, const void *addr)
{
	struct sl_local_key k;
	__u32 one = 1;

	sl_local_key(&k, family, addr, SL_LOCAL_IFACE);
	if (bpf_map_update_elem(fx.maps.fd[SL_M_LOCAL], &k, &one, BPF_ANY))
		return -errno;
	return sl_local_changed(&fx.maps);
}

int fx_local_del(int family, const void *addr)
{
	struct sl_local_key k;

	sl_local_key(&k, family, addr, SL_LOCAL_IFACE);
	if (bpf_map_delete_elem(fx.maps.fd[SL_M_LOCAL], &k))
		return -errno;
	return sl_local_changed(&fx.maps);
}

int fx_group_setup(void **state)
{
	(void)state;
	return fx_load() ? -1 : 0;
}

int fx_group_teardown(void **state)
{
	(void)state;
	fx_unload();
	return 0;
}

int fx_zero_config(void)
{
	struct sl_config cfg;
	struct sl_rule rule;
	struct sl_active act;
	__u32 k;

	memset(&cfg, 0, sizeof(cfg));
	memset(&rule, 0, sizeof(rule));
	memset(&act, 0, sizeof(act));
	for (k = 0; k < SL_RULE_BANKS; k++)
		if (bpf_map_update_elem(fx.maps.fd[SL_M_CONFIG], &k, &cfg, BPF_ANY))
			return -errno;
	for (k = 0; k < SL_RULE_BANKS * SL_MAX_RULES; k++)
		if (bpf_map_update_elem(fx.maps.fd[SL_M_RULES], &k, &rule, BPF_ANY))
			return -errno;
	k = 0;
	if (bpf_map_update_elem(fx.maps.fd[SL_M_ACTIVE], &k, &act, BPF_ANY))
		return -errno;
	return 0;
}

int fx_reset(void)
{
	int err = sl_maps_reset_counters(&fx.maps);

	if (err)
		return err;
	return fx_window_clear();
}

__u64 fx_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

int fx_window_put_raw(__u32 slot, __u32 key_suffix, __u32 key_tag,
		      __u64 sent_ns)
{
	struct sl_window_entry e = {
		.sent_ns = sent_ns, .key_suffix = key_suffix, .key_tag = key_tag,
	};

	if (fx.n_window_slots >= FX_MAX_WINDOW_PUTS)
		return -ENOSPC;
	if (bpf_map_update_elem(fx.maps.fd[SL_M_WINDOW], &slot, &e, BPF_ANY))
		return -errno;
	fx.window_slots[fx.n_window_slots++] = slot;
	return 0;
}

int fx_window_put(__u32 mask, __u32 key_suffix, __u32 key_tag, __u64 sent_ns)
{
	__u32 slot = sl_window_slot(key_suffix, key_tag, mask);
	int err;

	if (fx.n_window_slots >= FX_MAX_WINDOW_PUTS)
		return -ENOSPC;
	/* through the product's own API, which must pick the same slot */
	err = sl_maps_window_put(&fx.maps, mask, key_suffix, key_tag, sent_ns);
	if (err)
		return err;
	fx.window_slots[fx.n_window_slots++] = slot;
	return 0;
}

int fx_window_clear(void)
{
	struct sl_window_entry e;
	unsigned int i;

	memset(&e, 0, sizeof(e));
	/* the whole bucket: a put may have taken any of its ways */
	for (i = 0; i < fx.n_window_slots; i++)
		for (__u32 w = 0; w < SL_WINDOW_WAYS; w++) {
			__u32 k = (fx.window_slots[i] & ~(SL_WINDOW_WAYS - 1)) + w;

			if (bpf_map_update_elem(fx.maps.fd[SL_M_WINDOW], &k, &e,
						BPF_ANY))
				return -errno;
		}
	fx.n_window_slots = 0;
	return 0;
}

int fx_run(const void *frame, size_t len, struct fx_result *res)
{
	struct xdp_md ctx_in, ctx_out;
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	memset(&ctx_in, 0, sizeof(ctx_in));
	memset(&ctx_out, 0, sizeof(ctx_out));
	ctx_in.data_end = (__u32)len;
	ctx_in.ingress_ifindex = fx.ingress_ifindex;
	opts.data_in = frame;
	opts.data_size_in = (__u32)len;
	opts.data_out = res->out;
	opts.data_size_out = sizeof(res->out);
	opts.ctx_in = &ctx_in;
	opts.ctx_size_in = sizeof(ctx_in);
	opts.ctx_out = &ctx_out;
	opts.ctx_size_out = sizeof(ctx_out);
	opts.repeat = 1;

	res->verdict = ~0u;
	res->out_len = 0;
	res->meta_len = 0;
	res->has_meta = false;
	memset(&res->meta, 0, sizeof(res->meta));
	res->err = bpf_prog_test_run_opts(fx.prog_fd, &opts) ? -errno : 0;
	if (res->err)
		return res->err;
	res->verdict = opts.retval;
	res->out_len = opts.data_size_out;
	/* ctx_out.data is the offset of the frame after the metadata */
	res->meta_len = ctx_out.data - ctx_out.data_meta;
	if (res->meta_len == sizeof(res->meta) &&
	    res->out_len >= res->meta_len) {
		memcpy(&res->meta, res->out, sizeof(res->meta));
		res->has_meta = true;
	}
	return 0;
}

int fx_run_counted(const void *frame, size_t len, struct fx_result *res,
		   struct sl_dp_counters *delta)
{
	struct sl_dp_counters before, after;
	int err = fx_counters(&before);

	if (!err)
		err = fx_run(frame, len, res);
	if (!err)
		err = fx_counters(&after);
	if (!err)
		fx_counters_sub(&after, &before, delta);
	return err;
}

int fx_counters(struct sl_dp_counters *c)
{
	return sl_maps_read_counters(&fx.maps, c);
}

int fx_rule_hits(__u64 hits[SL_MAX_RULES])
{
	return sl_maps_read_rule_hits(&fx.maps, hits);
}

/* every data-plane counter, from the one list (include/sl_counters.h) */
#define FX_FIELD(f, help) { #f, offsetof(struct sl_dp_counters, f) },
static const struct {
	const char *name;
	size_t off;
} fx_fields[] = {
	SL_DP_COUNTERS(FX_FIELD)
};
#undef FX_FIELD
_Static_assert(sizeof(fx_fields) / sizeof(fx_fields[0]) ==
	       sizeof(struct sl_dp_counters) / sizeof(__u64),
	       "every counter has a name here");

static __u64 field(const struct sl_dp_counters *c, size_t off)
{
	__u64 v;

	memcpy(&v, (const char *)c + off, sizeof(v));
	return v;
}

int fx_counters_diff(const struct sl_dp_counters *want,
		     const struct sl_dp_counters *got, char *buf, size_t cap)
{
	size_t i, o = 0;
	int n = 0;

	if (cap)
		buf[0] = '\0';
	for (i = 0; i < sizeof(fx_fields) / sizeof(fx_fields[0]); i++) {
		__u64 w = field(want, fx_fields[i].off);
		__u64 g = field(got, fx_fields[i].off);
		int k;

		if (w == g)
			continue;
		n++;
		if (o >= cap)
			continue;
		k = snprintf(buf + o, cap - o, "  %s: want %llu, got %llu\n",
			     fx_fields[i].name, (unsigned long long)w,
			     (unsigned long long)g);
		if (k > 0)
			o += (size_t)k;
	}
	return n;
}

void fx_counters_sub(const struct sl_dp_counters *after,
		     const struct sl_dp_counters *before,
		     struct sl_dp_counters *delta)
{
	const __u64 *a = (const __u64 *)after, *b = (const __u64 *)before;
	__u64 *d = (__u64 *)delta;
	size_t i;

	for (i = 0; i < sizeof(*delta) / sizeof(__u64); i++)
		d[i] = a[i] - b[i];
}

const char *fx_verdict_name(__u32 verdict)
{
	switch (verdict) {
	case XDP_ABORTED:	return "XDP_ABORTED";
	case XDP_DROP:		return "XDP_DROP";
	case XDP_PASS:		return "XDP_PASS";
	case XDP_TX:		return "XDP_TX";
	case XDP_REDIRECT:	return "XDP_REDIRECT";
	}
	return "XDP_?";
}
