/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Rule banks: the data plane runs with one of two banks of sl_config,
 * sl_rules and sl_names; sl_active says which.  A new configuration is
 * written into the idle bank and made active with one 4-byte map update,
 * so a packet meets either the whole old or the whole new rule set.
 * sl_bank_write is the only code that writes a bank.
 */
#ifndef SL_DP_BANK_H
#define SL_DP_BANK_H

#include "conf/image.h"
#include "dp/maps.h"

/* Writes img into the bank not in use (config, rules, names, its
 * `addresses =` in sl_local; its rule and rewrite hits start at zero),
 * then flips to it.  The reply-window
 * mask is the map's own size, not the file's (both sides must hash into
 * the same slots).  0 or -errno; on failure the active bank is unchanged. */
int sl_bank_write(const struct sl_maps *m, const struct sl_bank_image *img);

/* The names stored with the active bank. */
int sl_bank_read_names(const struct sl_maps *m, struct sl_bank_names *names);

#endif /* SL_DP_BANK_H */
