/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The XDP program on an interface: load and attach it (or adopt the one
 * iproute2 loaded), pin it and its maps under SL_PIN_BASE/IFACE, detach
 * and unpin.  Nothing is left half-made on failure.
 */
#ifndef SL_DP_PROG_H
#define SL_DP_PROG_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "conf/image.h"

/*
 * Loads the program with a reply-window map of window_slots entries,
 * writes img into its first bank, attaches it (native XDP, or generic
 * with skb_mode) and pins program and maps under dir.  A program of ours
 * that iproute2 attached is taken over instead (its maps are used as
 * they are).  0, or -1 with what to do in err.
 */
int sl_prog_attach(const char *ifname, bool skb_mode, __u32 window_slots,
		   const char *dir, const struct sl_bank_image *img, char *err,
		   size_t errlen);

/*
 * Resuming on an interface whose pins exist: 0 when the pinned program is
 * the one attached; when nothing is attached (removed by hand, or the
 * interface was recreated) the pinned program is attached again (native,
 * or generic with skb_mode), counters kept; -1 with what to do in err
 * when another program holds the interface or the pins are incomplete.
 */
int sl_prog_resume(const char *ifname, bool skb_mode, const char *dir,
		   char *err, size_t errlen);

/* Detaches our program from ifname if it is still the attached one, then
 * removes every pin under dir and dir itself.  0, or -1 with err. */
int sl_prog_detach(const char *ifname, const char *dir, char *err,
		   size_t errlen);

/* The attached XDP program's id (0 if none) and its mode flags
 * (XDP_FLAGS_DRV_MODE, ...); -errno if the kernel cannot tell. */
int sl_prog_attached(int ifindex, __u32 *id, __u32 *mode_flags);

#endif /* SL_DP_PROG_H */
