/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The user_agent patterns of a rule bank compiled into one automaton
 * (struct sl_ua_dfa, include/sl_xdp_shared.h): Aho-Corasick, as a full
 * transition table over byte classes, so that the data plane takes one
 * table step per byte of a User-Agent value whatever the number of
 * rules.  Plain C, no I/O.
 */
#ifndef SL_CONF_UA_AUTOMATON_H
#define SL_CONF_UA_AUTOMATON_H

#include <stddef.h>
#include <linux/types.h>

#include "sl_xdp_shared.h"

/*
 * Fills dfa from the user_agent keys of rules[0..n_rules): bit r of the
 * out mask of a state is set when rule r's pattern (lower case) ends
 * there.  No user_agent key: n_states = 0.  0, or -1 with a message in
 * err (more than 127 distinct bytes in the patterns).
 */
int sl_ua_automaton_build(const struct sl_rule *rules, unsigned int n_rules,
			  struct sl_ua_dfa *dfa, char *err, size_t errlen);

/* The automaton run over [s, s + len) as the data plane runs it: the OR
 * of the out masks of every state entered.  For the tests. */
__u64 sl_ua_automaton_run(const struct sl_ua_dfa *dfa, const __u8 *s,
			  size_t len);

#endif /* SL_CONF_UA_AUTOMATON_H */
