// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/ua_automaton.h"

#define SL_UA_CLASSES	128	/* byte classes while building, 0 included */
#define SL_UA_STATES	(SL_MAX_RULES * SL_MATCH_STR_MAX + 1)

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
	__u16 row[SL_UA_STATES];
	__u8 inner[SL_UA_STATES];	/* the state has an edge of its own */
	__u8 outi[SL_UA_STATES];	/* index of its out mask in dfa->out */
	__u64 out[SL_UA_STATES];
	__u8 cls[256];
};

/* The index of mask in dfa->out, added when new (n: those in use). */
static int out_index(struct sl_ua_dfa *dfa, unsigned int *n, __u64 mask)
{
	unsigned int i;

	if (!mask)
		return 0;
	for (i = 1; i < *n; i++)
		if (dfa->out[i] == mask)
			return (int)i;
	if (*n == SL_UA_OUTS)
		return -1;
	dfa->out[*n] = mask;
	return (int)(*n)++;
}

int sl_ua_automaton_build(const struct sl_rule *rules, unsigned int n_rules,
			  struct sl_ua_dfa *dfa, char *err, size_t errlen)
{
	unsigned int n_cls = 1, n_states = 1, r, i, c, head = 0, tail = 0;
	unsigned int n_rows = 0, n_outs = 1;
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
			b->inner[s] = 1;
			s = b->go[s][c];
		}
		b->out[s] |= 1ULL << r;
	}
	/* breadth first: failure links, out masks along them, and every
	 * missing edge filled from the failure state's */
	for (c = 0; c < n_cls; c++)
		if (b->go[0][c])
			b->queue[tail++] = b->go[0][c];
	while (head < tail) {
		unsigned int s = b->queue[head++];

		b->out[s] |= b->out[b->fail[s]];
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
	/* rows (breadth first, so a failure state's row is known first)
	 * and out indices; the root has an edge (n_cls > 1) */
	for (i = 0; i < n_states; i++) {
		unsigned int s = i ? b->queue[i - 1] : 0;
		int o = out_index(dfa, &n_outs, b->out[s]);

		if (o < 0 || (b->inner[s] && n_rows == SL_UA_ROWS)) {
			/* neither can happen: 64 patterns give at most 64
			 * masks, and a state without an edge */
			snprintf(err, errlen, "the user_agent automaton is too large");
			free(b);
			return -1;
		}
		b->outi[s] = (__u8)o;
		b->row[s] = b->inner[s] ? (__u16)n_rows++ : b->row[b->fail[s]];
	}
	/* one entry per byte value: the data plane needs no class table */
	for (i = 0; i < n_states; i++) {
		if (!b->inner[i])
			continue;
		for (c = 0; c < 256; c++) {
			unsigned int t = b->go[i][b->cls[c]];

			dfa->next[(__u32)b->row[i] << 8 | c] =
				(__u32)b->row[t] << SL_UA_ROW_SHIFT |
				(__u32)b->outi[t] << SL_UA_OUT_SHIFT;
		}
	}
	dfa->n_states = n_states;
	free(b);
	return 0;
}

__u64 sl_ua_automaton_run(const struct sl_ua_dfa *dfa, const __u8 *s,
			  size_t len)
{
	__u64 hits = 0;
	__u32 e = 0;

	if (!dfa->n_states)
		return 0;
	for (size_t i = 0; i < len; i++) {
		e = dfa->next[(e & SL_UA_ROW_MASK) >> SL_UA_ROW_SHIFT << 8 |
			      s[i]];
		hits |= dfa->out[(e >> SL_UA_OUT_SHIFT) & (SL_UA_OUTS - 1)];
	}
	return hits;
}
