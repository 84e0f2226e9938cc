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
#include <bpf/libbpf.h>
#include "dp/maps.h"
#include "sip/kam_stats.h"

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

int sl_maps_open_pinned(struct sl_maps *m, const char *dir)
{
	char path[PATH_MAX];

	sl_maps_init(m);
	for (int i = 0; i < SL_N_MAPS; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, sl_map_names[i]);
		m->fd[i] = bpf_obj_get(path);
		if (m->fd[i] < 0) {
			int err = -errno;

			sl_maps_close(m);
			return err;
		}
	}
	return 0;
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
