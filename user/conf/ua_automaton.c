// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/ua_automaton.h"

#define SL_UA_CLASSES	128	/* byte classes while building, 0 included */

static __u8 ascii_lower(__u8 c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* The trie's edges before the automaton is complete, over the classes
 * of bytes the patterns use (0: in no pattern; the root is never a
 * target, so 0 is also "no edge"). */
struct build {
	__u16 go[SL_UA_STATES][SL_UA_CLASSES];
	__u16 fail[SL_UA_STATES];
	__u16 queue[SL_UA_STATES];
	__u8 cls[256];
};

int sl_ua_automaton_build(const struct sl_rule *rules, unsigned int n_rules,
			  struct sl_ua_dfa *dfa, char *err, size_t errlen)
{
	unsigned int n_cls = 1, n_states = 1, r, i, c, head = 0, tail = 0;
	struct build *b;

	memset(dfa, 0, sizeof(*dfa));
	b = calloc(1, sizeof(*b));
	if (!b) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* classes: each byte of a pattern (either case for letters) */
	for (r = 0; r < n_rules && r < SL_MAX_RULES; r++) {
		const struct sl_match_str *p = &rules[r].user_agent;

		if (!(rules[r].keys & SL_KEY_USER_AGENT))
			continue;
		for (i = 0; i < p->len && i < SL_MATCH_STR_MAX; i++) {
			__u8 ch = ascii_lower(p->bytes[i]);

			if (b->cls[ch])
				continue;
			if (n_cls == SL_UA_CLASSES) {
				snprintf(err, errlen,
					 "the user_agent patterns use more than %d distinct characters",
					 SL_UA_CLASSES - 1);
				free(b);
				return -1;
			}
			b->cls[ch] = (__u8)n_cls;
			if (ch >= 'a' && ch <= 'z')
				b->cls[ch - 'a' + 'A'] = (__u8)n_cls;
			n_cls++;
		}
	}
	if (n_cls == 1) {
		free(b);
		return 0;	/* no user_agent key */
	}
	/* the trie */
	for (r = 0; r < n_rules && r < SL_MAX_RULES; r++) {
		const struct sl_match_str *p = &rules[r].user_agent;
		unsigned int s = 0;

		if (!(rules[r].keys & SL_KEY_USER_AGENT))
			continue;
		for (i = 0; i < p->len && i < SL_MATCH_STR_MAX; i++) {
			c = b->cls[ascii_lower(p->bytes[i])];
			if (!b->go[s][c])
				b->go[s][c] = (__u16)n_states++;	/* < SL_UA_STATES */
			s = b->go[s][c];
		}
		dfa->out[s] |= 1ULL << r;
	}
	/* breadth first: failure links, out masks along them, and every
	 * missing edge filled from the failure state's */
	for (c = 0; c < n_cls; c++)
		if (b->go[0][c])
			b->queue[tail++] = b->go[0][c];
	while (head < tail) {
		unsigned int s = b->queue[head++];

		dfa->out[s] |= dfa->out[b->fail[s]];
		for (c = 0; c < n_cls; c++) {
			unsigned int t = b->go[s][c];

			if (t) {
				b->fail[t] = b->go[b->fail[s]][c];
				b->queue[tail++] = (__u16)t;
			} else {
				b->go[s][c] = b->go[b->fail[s]][c];
			}
		}
	}
	/* one entry per byte value: the data plane needs no class table */
	for (i = 0; i < n_states; i++)
		for (c = 0; c < 256; c++) {
			unsigned int t = b->go[i][b->cls[c]];

			dfa->next[i << 8 | c] =
				(__u16)(t | (dfa->out[t] ? SL_UA_OUT : 0));
		}
	dfa->n_states = n_states;
	free(b);
	return 0;
}

__u64 sl_ua_automaton_run(const struct sl_ua_dfa *dfa, const __u8 *s,
			  size_t len)
{
	__u64 hits = 0;
	__u32 st = 0;

	if (!dfa->n_states)
		return 0;
	for (size_t i = 0; i < len; i++) {
		__u16 e = dfa->next[(st << 8 | s[i]) & (SL_UA_STATES * 256 - 1)];

		st = e & (SL_UA_STATES - 1);
		if (e & SL_UA_OUT)
			hits |= dfa->out[st];
	}
	return hits;
}
