/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The rule of a frame that reached the responder without the XDP
 * program's metadata (a driver or kernel path that does not carry it):
 * the rule table evaluated here, on the frame's addresses and payload,
 * exactly as the data plane evaluates it (user/sip/rule_view.h,
 * user/sip/rule_match.h).  Pure: no I/O.
 */
#ifndef SL_RUN_FRAME_RULE_H
#define SL_RUN_FRAME_RULE_H

#include <stddef.h>
#include <linux/types.h>

#include "sl_xdp_shared.h"

/*
 * Which reply a frame gets: the index of the rule that answers it
 * (0..n_rules - 1), SL_MAX_RULES for default_action = reply (also for a
 * frame that does not parse: answering it counts why), or -1 when the
 * rules drop or pass it, which the data plane would not have redirected:
 * the bank changed in between.  Such a frame is counted in
 * st->not_answered_by_rule and not answered.
 */
int sl_frame_rule(const struct sl_config *cfg, const struct sl_rule *rules,
		  const __u8 *frame, size_t len, struct sl_kam_stats *st);

#endif /* SL_RUN_FRAME_RULE_H */
