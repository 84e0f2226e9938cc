// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>

#include "dp/bank.h"
#include "dp/local_addrs.h"

int sl_bank_write(const struct sl_maps *m, const struct sl_bank_image *img)
{
	struct sl_config cfg = img->cfg;
	struct bpf_map_info info = {};
	__u32 zero = 0, bank, info_len = sizeof(info);
	struct sl_active act;
	int err;

	if (cfg.n_rules > SL_MAX_RULES)
		return -EINVAL;
	/* a map made by an earlier attach or by iproute2 keeps its size */
	if (bpf_obj_get_info_by_fd(m->fd[SL_M_WINDOW], &info, &info_len))
		return -errno;
	if (!info.max_entries || (info.max_entries & (info.max_entries - 1)))
		return -EINVAL;
	cfg.window_mask = info.max_entries - 1;
	err = sl_maps_read_active(m, &act);
	if (err)
		return err;
	bank = (act.bank & 1) ^ 1;
	for (__u32 i = 0; i < SL_MAX_RULES; i++) {
		__u32 key = bank * SL_MAX_RULES + i;

		/* rules past n_rules are zero in the image */
		if (bpf_map_update_elem(m->fd[SL_M_RULES], &key, &img->rules[i],
					BPF_ANY))
			return -errno;
	}
	if (bpf_map_update_elem(m->fd[SL_M_CONFIG], &bank, &cfg, BPF_ANY) ||
	    bpf_map_update_elem(m->fd[SL_M_NAMES], &bank, &img->names, BPF_ANY) ||
	    bpf_map_update_elem(m->fd[SL_M_UA_DFA], &bank, &img->ua, BPF_ANY))
		return -errno;
	/* the bank's own local addresses, switched with it */
	err = sl_local_write_bank(m, bank, &img->addresses);
	if (err)
		return err;
	/* the hits of a bank count for the configuration in it: start the
	 * new one at zero (it may hold the counts of two reloads ago) */
	err = sl_maps_zero_percpu(m, SL_M_RULE_HITS, bank * SL_MAX_RULES,
				  SL_MAX_RULES);
	if (!err)
		err = sl_maps_zero_percpu(m, SL_M_FWD_HITS, bank * SL_MAX_REWRITES,
					  SL_MAX_REWRITES);
	if (err)
		return err;
	act.bank = bank;
	act.generation++;
	act.layout = sl_maps_layout();
	if (bpf_map_update_elem(m->fd[SL_M_ACTIVE], &zero, &act, BPF_ANY))
		return -errno;
	return 0;
}

int sl_bank_read_names(const struct sl_maps *m, struct sl_bank_names *names)
{
	__u32 bank;
	int err = sl_maps_active_bank(m, &bank);

	if (err)
		return err;
	if (bpf_map_lookup_elem(m->fd[SL_M_NAMES], &bank, names))
		return -errno;
	/* never trust a map to be terminated */
	for (unsigned int i = 0; i < SL_MAX_RULES; i++)
		names->rules[i][SL_NAME_MAX - 1] = 0;
	for (unsigned int i = 0; i < SL_MAX_REWRITES; i++)
		names->rewrites[i][SL_NAME_MAX - 1] = 0;
	return 0;
}
