// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "dp/frame_io.h"
#include "run/frame_rule.h"
#include "sip/rule_match.h"
#include "sip/rule_view.h"

int sl_frame_rule(const struct sl_config *cfg, const struct sl_rule *rules,
		  const __u8 *frame, size_t len, struct sl_kam_stats *st)
{
	struct sl_rule_view v;
	struct frame_info fi;
	__u32 rule;
	__u8 action;

	/* not a request the rules meet: sl_answer_frame() says why */
	if (frame_parse(frame, len, &fi) ||
	    sl_rule_view_read(&v, frame + fi.payload_off, fi.payload_len,
			      false, fi.family, fi.src, fi.dport))
		return SL_MAX_RULES;
	rule = sl_rule_match(cfg, rules, &v, &action);
	if (action != SL_ACTION_REPLY) {
		/* one writer per slot, as in answer.c */
		__atomic_store_n(&st->not_answered_by_rule,
				 st->not_answered_by_rule + 1, __ATOMIC_RELAXED);
		return -1;
	}
	return rule == SL_RULE_NONE ? SL_MAX_RULES : (int)rule;
}
