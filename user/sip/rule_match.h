/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The rule table's decision for a request (DESIGN.md 5): rules tried in
 * order, the first whose every key matches wins; none: default_action.
 * The reference that bpf/rules.h is held to (tests/bpf/test_xdp_fuzz.c)
 * and what the responder evaluates for a frame without XDP metadata.
 * Written for clarity, not speed: the method by a search of the bank's
 * names, User-Agent patterns by a plain substring search.  Plain C, no
 * I/O.
 *
 * A key on a part the window does not show (rule_view.h "unseen")
 * matches when the rule drops or replies and does not when it passes: a
 * message that hides a part past what the data plane reads gets no
 * more than one that shows it.
 */
#ifndef SL_SIP_RULE_MATCH_H
#define SL_SIP_RULE_MATCH_H

#include <linux/types.h>

#include "sl_xdp_shared.h"
#include "sip/rule_view.h"

#define SL_RULE_NONE	0xffffffffu

/* The number of the view's method in cfg's table of names
 * (SL_METHOD_OTHER when no rule names it). */
unsigned int sl_rule_method_number(const struct sl_config *cfg,
				   const struct sl_rule_view *v);

/* Does rule r take the request of v? */
bool sl_rule_matches(const struct sl_config *cfg, const struct sl_rule *r,
		     const struct sl_rule_view *v);

/* Index of the first of cfg->n_rules rules that takes v, SL_RULE_NONE if
 * none; *action: its action, or cfg->default_action. */
__u32 sl_rule_match(const struct sl_config *cfg, const struct sl_rule *rules,
		    const struct sl_rule_view *v, __u8 *action);

/*
 * For a frame read only up to its source address (an IPv6 header chain
 * longer than the data plane follows): the first rule that has no key
 * but src and takes the source (or has no key at all), SL_RULE_NONE if
 * none; *action: its
 * action (the data plane drops on drop and passes otherwise).
 */
__u32 sl_rule_match_source(const struct sl_config *cfg,
			   const struct sl_rule *rules, __u8 family,
			   const __u8 src[16], __u8 *action);

#endif /* SL_SIP_RULE_MATCH_H */
