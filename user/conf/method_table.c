// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <string.h>

#include "conf/method_table.h"

#define SEEDS_TRIED	4096

static int place_all(const struct sl_method_slot *names, unsigned int n,
		     __u32 seed, struct sl_method_slot *slots)
{
	memset(slots, 0, SL_METHOD_SLOTS * sizeof(*slots));
	for (unsigned int i = 0; i < n; i++) {
		__u32 h = sl_method_hash(names[i].name, names[i].len, seed);
		unsigned int k;

		for (k = 0; k < SL_METHOD_PROBES; k++) {
			struct sl_method_slot *s =
				&slots[(h + k) & (SL_METHOD_SLOTS - 1)];

			if (!s->len) {
				*s = names[i];
				s->id = (__u8)i;
				break;
			}
		}
		if (k == SL_METHOD_PROBES)
			return -1;
	}
	return 0;
}

int sl_method_table_place(const struct sl_method_slot *names, unsigned int n,
			  struct sl_config *cfg, char *err, size_t errlen)
{
	if (n > SL_METHOD_NAMES) {
		snprintf(err, errlen, "more than %d method names", SL_METHOD_NAMES);
		return -1;
	}
	cfg->n_method_names = (__u8)n;
	for (__u32 seed = 0; seed < SEEDS_TRIED; seed++) {
		if (!place_all(names, n, seed, cfg->methods)) {
			cfg->method_seed = seed;
			return 0;
		}
	}
	snprintf(err, errlen, "cannot place %u method names in the lookup table",
		 n);
	return -1;
}

unsigned int sl_method_table_find(const struct sl_config *cfg,
				  const char *name, size_t len)
{
	__u64 w[SL_METHOD_MAX_LEN / 8] = { 0 };
	__u32 h;

	if (!len || len > SL_METHOD_MAX_LEN || !cfg->n_method_names)
		return SL_METHOD_OTHER;
	memcpy(w, name, len);
	h = sl_method_hash(w, (__u32)len, cfg->method_seed);
	for (unsigned int k = 0; k < SL_METHOD_PROBES; k++) {
		const struct sl_method_slot *s =
			&cfg->methods[(h + k) & (SL_METHOD_SLOTS - 1)];

		if (!s->len)
			break;
		if (s->len == len && !memcmp(s->name, w, sizeof(w)))
			return s->id;
	}
	return SL_METHOD_OTHER;
}
