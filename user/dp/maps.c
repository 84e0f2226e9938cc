// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "dp/maps.h"
#include "sip/kam_stats.h"
#include "sl_xdp.skel.h"

const char *const sl_map_names[SL_N_MAPS] = SL_MAP_NAMES;

void sl_maps_init(struct sl_maps *m)
{
	for (int i = 0; i < SL_N_MAPS; i++)
		m->fd[i] = -1;
}

void sl_maps_close(struct sl_maps *m)
{
	for (int i = 0; i < SL_N_MAPS; i++) {
		if (m->fd[i] >= 0)
			close(m->fd[i]);
		m->fd[i] = -1;
	}
}

/* What this build's XDP object says each map is: read from the embedded
 * object (opened, not loaded), so there is one definition, bpf/'s. */
struct map_shape {
	__u32 type, key_size, value_size, max_entries;
};

static struct map_shape want_shapes[SL_N_MAPS];
static __u32 want_layout;

/* FNV-1a over what a BTF type is made of: kind, size, member names,
 * offsets and types, array lengths, integer encodings, recursively
 * (depth-bounded; the map values are plain structs and arrays). */
static __u32 fnv(__u32 h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--)
		h = (h ^ *b++) * 16777619u;
	return h;
}

static __u32 btf_type_hash(const struct btf *btf, __u32 id, __u32 h, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	__u32 v[3];

	if (!t || depth > 8)
		return fnv(h, "?", 1);
	while (btf_is_mod(t) || btf_is_typedef(t)) {
		id = t->type;
		t = btf__type_by_id(btf, id);
		if (!t)
			return fnv(h, "?", 1);
	}
	v[0] = btf_kind(t);
	v[1] = btf_is_composite(t) || btf_is_int(t) ? t->size : 0;
	v[2] = btf_vlen(t);
	h = fnv(h, v, sizeof(v));
	if (btf_is_int(t)) {
		v[0] = btf_int_encoding(t);
		v[1] = btf_int_bits(t);
		h = fnv(h, v, 2 * sizeof(v[0]));
	} else if (btf_is_array(t)) {
		h = fnv(h, &btf_array(t)->nelems, sizeof(__u32));
		h = btf_type_hash(btf, btf_array(t)->type, h, depth + 1);
	} else if (btf_is_composite(t)) {
		const struct btf_member *m = btf_members(t);

		for (__u16 i = 0; i < btf_vlen(t); i++, m++) {
			const char *name = btf__name_by_offset(btf, m->name_off);

			h = fnv(h, name ? name : "", name ? strlen(name) + 1 : 1);
			h = fnv(h, &m->offset, sizeof(m->offset));
			h = btf_type_hash(btf, m->type, h, depth + 1);
		}
	}
	return h;
}

/* want_shapes[] and want_layout, once per process */
static int expected_shapes(void)
{
	static int have;
	struct sl_xdp *skel;
	const struct btf *btf;
	__u32 h = 2166136261u;

	if (have)
		return 0;
	skel = sl_xdp__open();
	if (!skel)
		return -errno;
	btf = bpf_object__btf(skel->obj);
	for (int i = 0; i < SL_N_MAPS; i++) {
		struct bpf_map *map =
			bpf_object__find_map_by_name(skel->obj, sl_map_names[i]);

		if (!map || !btf) {
			sl_xdp__destroy(skel);
			return -ENOENT;
		}
		want_shapes[i].type = bpf_map__type(map);
		want_shapes[i].key_size = bpf_map__key_size(map);
		want_shapes[i].value_size = bpf_map__value_size(map);
		/* the reply-window store is sized at attach */
		want_shapes[i].max_entries = i == SL_M_WINDOW ? 0 :
					     bpf_map__max_entries(map);
		h = fnv(h, sl_map_names[i], strlen(sl_map_names[i]) + 1);
		h = fnv(h, &want_shapes[i], sizeof(want_shapes[i]));
		h = btf_type_hash(btf, bpf_map__btf_key_type_id(map), h, 0);
		h = btf_type_hash(btf, bpf_map__btf_value_type_id(map), h, 0);
	}
	sl_xdp__destroy(skel);
	want_layout = h ? h : 1;	/* 0 means "not configured yet" */
	have = 1;
	return 0;
}

__u32 sl_maps_layout(void)
{
	return expected_shapes() ? 0 : want_layout;
}

int sl_maps_verify(const struct sl_maps *m, char *err, size_t errlen)
{
	const struct map_shape *want = want_shapes;
	struct sl_active act = { 0 };
	__u32 zero = 0;
	int ret = expected_shapes();

	if (ret) {
		snprintf(err, errlen, "cannot read the maps of the built-in XDP object: %s",
			 strerror(-ret));
		return ret;
	}
	for (int i = 0; i < SL_N_MAPS; i++) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);

		if (bpf_obj_get_info_by_fd(m->fd[i], &info, &len)) {
			ret = -errno;
			snprintf(err, errlen, "cannot inspect map %s: %s",
				 sl_map_names[i], strerror(errno));
			return ret;
		}
		if (info.type != want[i].type || info.key_size != want[i].key_size ||
		    info.value_size != want[i].value_size ||
		    (want[i].max_entries && info.max_entries != want[i].max_entries) ||
		    (i == SL_M_WINDOW && (!info.max_entries ||
					  (info.max_entries & (info.max_entries - 1))))) {
			snprintf(err, errlen,
				 "map %s is not what this sl-ctl expects (type %u, key %u, value %u, %u entries; expected type %u, key %u, value %u, %u entries): it was made by another version of sl-xdp: run 'sl-ctl detach' and attach again",
				 sl_map_names[i], info.type, info.key_size,
				 info.value_size, info.max_entries, want[i].type,
				 want[i].key_size, want[i].value_size,
				 want[i].max_entries);
			return -EPROTO;
		}
	}
	if (bpf_map_lookup_elem(m->fd[SL_M_ACTIVE], &zero, &act)) {
		ret = -errno;
		snprintf(err, errlen, "cannot read sl_active: %s", strerror(errno));
		return ret;
	}
	if (act.layout && act.layout != want_layout) {
		snprintf(err, errlen,
			 "the maps were configured by a version of sl-xdp whose map layout differs (layout %08x, this one %08x): run 'sl-ctl detach' and attach again",
			 act.layout, want_layout);
		return -EPROTO;
	}
	return 0;
}

/* dir and SL_PIN_BASE: directories of root's that nobody else may write
 * or read (the maps steer what the data plane does with packets). */
static int check_pin_dir(const char *dir, char *err, size_t errlen)
{
	const char *dirs[] = { SL_PIN_BASE, dir };
	struct stat st;

	for (unsigned int i = 0; i < 2; i++) {
		if (lstat(dirs[i], &st)) {
			int ret = -errno;

			snprintf(err, errlen, "%s: %s", dirs[i], strerror(errno));
			return ret;
		}
		if (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
		    (st.st_mode & 077)) {
			snprintf(err, errlen,
				 "%s must be a directory of root's with mode 0700 (it is %s, uid %u, mode %04o): remove it, or fix it with chown root:root and chmod 0700",
				 dirs[i], S_ISDIR(st.st_mode) ? "a directory" :
				 S_ISLNK(st.st_mode) ? "a symbolic link" : "not a directory",
				 (unsigned int)st.st_uid, (unsigned int)(st.st_mode & 07777));
			return -EPERM;
		}
	}
	return 0;
}

int sl_maps_open_pinned(struct sl_maps *m, const char *dir, char *err,
			size_t errlen)
{
	char path[PATH_MAX];
	int ret = check_pin_dir(dir, err, errlen);

	sl_maps_init(m);
	if (ret)
		return ret;
	for (int i = 0; i < SL_N_MAPS; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, sl_map_names[i]);
		m->fd[i] = bpf_obj_get(path);
		if (m->fd[i] < 0) {
			ret = -errno;
			snprintf(err, errlen,
				 "%s is incomplete (%s: %s): run 'sl-ctl detach' and attach again",
				 dir, sl_map_names[i], strerror(errno));
			sl_maps_close(m);
			return ret;
		}
	}
	ret = sl_maps_verify(m, err, errlen);
	if (ret)
		sl_maps_close(m);
	return ret;
}

int sl_maps_pin(const struct sl_maps *m, const char *dir)
{
	char path[PATH_MAX];

	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	for (int i = 0; i < SL_N_MAPS; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, sl_map_names[i]);
		unlink(path);	/* a stale pin of an earlier run */
		if (bpf_obj_pin(m->fd[i], path))
			return -errno;
	}
	return 0;
}

void sl_maps_unpin(const char *dir)
{
	char path[PATH_MAX];

	for (int i = 0; i < SL_N_MAPS; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, sl_map_names[i]);
		unlink(path);
	}
	rmdir(dir);
}

int sl_maps_read_active(const struct sl_maps *m, struct sl_active *act)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(m->fd[SL_M_ACTIVE], &zero, act))
		return -errno;
	return 0;
}

int sl_maps_active_bank(const struct sl_maps *m, __u32 *bank)
{
	struct sl_active act;
	int err = sl_maps_read_active(m, &act);

	if (err)
		return err;
	*bank = act.bank & 1;
	return 0;
}

int sl_maps_read_sync(const struct sl_maps *m, struct sl_sync_state *st)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(m->fd[SL_M_SYNC], &zero, st))
		return -errno;
	return 0;
}

int sl_maps_read_config(const struct sl_maps *m, struct sl_config *cfg)
{
	__u32 bank;
	int err = sl_maps_active_bank(m, &bank);

	if (err)
		return err;
	if (bpf_map_lookup_elem(m->fd[SL_M_CONFIG], &bank, cfg))
		return -errno;
	return 0;
}

static int ncpus(void)
{
	int n = libbpf_num_possible_cpus();

	return n > 0 ? n : 1;
}

int sl_maps_zero_percpu(const struct sl_maps *m, int which, __u32 first_key,
			__u32 n)
{
	struct bpf_map_info info = {};
	__u32 info_len = sizeof(info);
	void *zeros;
	int err = 0;

	if (bpf_obj_get_info_by_fd(m->fd[which], &info, &info_len))
		return -errno;
	/* a per-CPU value is value_size rounded up to 8 bytes per CPU */
	zeros = calloc(ncpus(), (info.value_size + 7) & ~7u);
	if (!zeros)
		return -ENOMEM;
	for (__u32 k = first_key; !err && k < first_key + n; k++)
		if (bpf_map_update_elem(m->fd[which], &k, zeros, BPF_ANY))
			err = -errno;
	free(zeros);
	return err;
}

int sl_maps_read_counters(const struct sl_maps *m, struct sl_dp_counters *sum)
{
	int n = ncpus();
	struct sl_dp_counters *per = calloc(n, sizeof(*per));
	__u32 zero = 0;
	const size_t nf = sizeof(*sum) / sizeof(__u64);

	if (!per)
		return -ENOMEM;
	if (bpf_map_lookup_elem(m->fd[SL_M_COUNTERS], &zero, per)) {
		int err = -errno;

		free(per);
		return err;
	}
	memset(sum, 0, sizeof(*sum));
	/* all fields are __u64: sum them as an array */
	for (int c = 0; c < n; c++)
		for (size_t f = 0; f < nf; f++)
			((__u64 *)sum)[f] += ((__u64 *)&per[c])[f];
	free(per);
	return 0;
}

/* A per-CPU u64 array of per_bank entries per bank (sl_rule_hits,
 * sl_fwd_hits): the active bank's, summed over CPUs. */
static int read_bank_hits(const struct sl_maps *m, int which, __u32 per_bank,
			  __u64 *hits)
{
	int n = ncpus();
	__u64 *per;
	__u32 bank = 0;
	int err = sl_maps_active_bank(m, &bank);

	if (err)
		return err;
	per = calloc(n, sizeof(*per));
	if (!per)
		return -ENOMEM;
	for (__u32 i = 0; !err && i < per_bank; i++) {
		__u32 key = bank * per_bank + i;

		if (bpf_map_lookup_elem(m->fd[which], &key, per)) {
			err = -errno;
			break;
		}
		hits[i] = 0;
		for (int c = 0; c < n; c++)
			hits[i] += per[c];
	}
	free(per);
	return err;
}

int sl_maps_read_rule_hits(const struct sl_maps *m, __u64 hits[SL_MAX_RULES])
{
	return read_bank_hits(m, SL_M_RULE_HITS, SL_MAX_RULES, hits);
}

int sl_maps_read_fwd_hits(const struct sl_maps *m, __u64 hits[SL_MAX_REWRITES])
{
	return read_bank_hits(m, SL_M_FWD_HITS, SL_MAX_REWRITES, hits);
}

int sl_maps_reset_counters(const struct sl_maps *m)
{
	int err = sl_maps_zero_percpu(m, SL_M_COUNTERS, 0, 1);

	if (!err)
		err = sl_maps_zero_percpu(m, SL_M_RULE_HITS, 0,
				       SL_RULE_BANKS * SL_MAX_RULES);
	if (!err)
		err = sl_maps_zero_percpu(m, SL_M_FWD_HITS, 0,
				       SL_RULE_BANKS * SL_MAX_REWRITES);
	for (__u32 k = 0; !err && k < SL_STATS_SLOTS; k++) {
		struct sl_kam_stats none = {};

		if (bpf_map_update_elem(m->fd[SL_M_STATS], &k, &none, BPF_ANY))
			err = -errno;
	}
	return err;
}

int sl_maps_window_put(const struct sl_maps *m, __u32 window_mask,
		       __u32 key_suffix, __u32 key_tag, __u64 sent_ns)
{
	struct sl_window_entry e = {
		.sent_ns = sent_ns, .key_suffix = key_suffix, .key_tag = key_tag,
	};
	struct sl_window_entry b[SL_WINDOW_WAYS];
	__u32 slot = sl_window_slot(key_suffix, key_tag, window_mask), i;

	/* the responder's choice of way (sl_window_way), through syscalls */
	for (i = 0; i < SL_WINDOW_WAYS; i++) {
		__u32 k = slot + i;

		if (bpf_map_lookup_elem(m->fd[SL_M_WINDOW], &k, &b[i]))
			return -errno;
	}
	slot += sl_window_way(b, key_suffix, key_tag);
	if (bpf_map_update_elem(m->fd[SL_M_WINDOW], &slot, &e, BPF_ANY))
		return -errno;
	return 0;
}

void *sl_maps_mmap(const struct sl_maps *m, int which, __u32 *entries,
		   size_t *len)
{
	struct bpf_map_info info = {};
	__u32 info_len = sizeof(info);
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	if (bpf_obj_get_info_by_fd(m->fd[which], &info, &info_len))
		return NULL;
	*entries = info.max_entries;
	*len = ((size_t)info.max_entries * info.value_size + page - 1) &
	       ~((size_t)page - 1);
	p = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd[which], 0);
	return p == MAP_FAILED ? NULL : p;
}

int sl_maps_read_kam_stats(const struct sl_maps *m, struct sl_kam_stats *sum)
{
	struct sl_kam_stats slot;

	memset(sum, 0, sizeof(*sum));
	for (__u32 k = 0; k < SL_STATS_SLOTS; k++) {
		if (bpf_map_lookup_elem(m->fd[SL_M_STATS], &k, &slot))
			return -errno;
		sl_stats_add(sum, &slot);
	}
	return 0;
}

int sl_maps_read_stats_slots(const struct sl_maps *m, struct sl_kam_stats *slots,
			     __u32 n)
{
	for (__u32 k = 0; k < n && k < SL_STATS_SLOTS; k++)
		if (bpf_map_lookup_elem(m->fd[SL_M_STATS], &k, &slots[k]))
			return -errno;
	return 0;
}
