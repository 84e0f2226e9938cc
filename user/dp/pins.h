/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Where an interface's program and maps are pinned, and what every
 * command needs before it touches them. */
#ifndef SL_DP_PINS_H
#define SL_DP_PINS_H

#include <stddef.h>

/* Root, and bpffs at /sys/fs/bpf (mounted if missing), SL_PIN_BASE made.
 * 0, or -1 with what to do in err. */
int sl_check_env(char *err, size_t errlen);
/* SL_PIN_BASE/<ifname> */
void sl_pin_dir(const char *ifname, char *out, size_t outlen);

#define SL_PROG_PIN_NAME "sl_xdp_prog"

#endif /* SL_DP_PINS_H */
