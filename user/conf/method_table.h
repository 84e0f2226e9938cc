/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The method names of a rule bank placed for the data plane's lookup:
 * an open-addressed table of SL_METHOD_SLOTS (sl_config.methods), each
 * name within SL_METHOD_PROBES slots of sl_method_hash(name, seed), with
 * a seed that makes every name fit.  Plain C, no I/O.
 */
#ifndef SL_CONF_METHOD_TABLE_H
#define SL_CONF_METHOD_TABLE_H

#include <stddef.h>
#include <linux/types.h>

#include "sl_xdp_shared.h"

/* names[0..n) (id = index) into cfg->methods, cfg->method_seed and
 * cfg->n_method_names.  0, or -1 with a message in err when no seed
 * fits them (never seen: 63 names in 128 slots). */
int sl_method_table_place(const struct sl_method_slot *names, unsigned int n,
			  struct sl_config *cfg, char *err, size_t errlen);

/* The number of the method [name, name + len) in cfg's table as the data
 * plane finds it, SL_METHOD_OTHER if absent.  For the tests. */
unsigned int sl_method_table_find(const struct sl_config *cfg,
				  const char *name, size_t len);

#endif /* SL_CONF_METHOD_TABLE_H */
