/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The live blocklist seen from userspace (include/sl_block.h): prefixes
 * in text, entries and their comments in the maps sl_block4, sl_block6
 * and sl_block_note, the walk `sl-ctl block list` prints, an import that
 * is all or nothing, and the responder's sweep of expired entries.
 */
#ifndef SL_DP_BLOCK_H
#define SL_DP_BLOCK_H

#include <linux/types.h>
#include <stddef.h>
#include "dp/maps.h"

struct sl_block_pfx {
	__u8 family;			/* 4 or 6 */
	__u8 plen;
	__u8 addr[16];			/* network order, host bits zero */
};

/* The maps and the pre-filter's words, mmap-ed: what writes need. */
struct sl_block {
	const struct sl_maps *m;
	__u64 *bits;			/* SL_BLOCK_WORDS words */
	size_t len;
};
/* 0, or -errno (the pre-filter cannot be mapped). */
int sl_block_open(struct sl_block *b, const struct sl_maps *m);
void sl_block_close(struct sl_block *b);

/* CLOCK_MONOTONIC in ns: the clock of the entries' times. */
__u64 sl_block_now(void);
/* "ADDR/LEN" or a bare ADDR (a host prefix), IPv4 or IPv6, text of len
 * bytes; host bits set are an error.  0, or -1 with why in err. */
int sl_block_parse(const char *text, size_t len, struct sl_block_pfx *out,
		   char *err, size_t errlen);
/* "ADDR/LEN" */
void sl_block_format(const struct sl_block_pfx *p, char *out, size_t len);

/* Writes (adds or replaces) an entry and its comment (NULL or "": none),
 * its pre-filter bits first.  0 or -errno (-E2BIG: the trie is full). */
int sl_block_put(const struct sl_block *b, const struct sl_block_pfx *p,
		 const struct sl_block_entry *e, const char *note);
/* The entry of exactly this prefix; -ENOENT if none. */
int sl_block_get(const struct sl_maps *m, const struct sl_block_pfx *p,
		 struct sl_block_entry *e);
/* Removes the entry and its comment (its pre-filter bits stay: see
 * include/sl_block.h); -ENOENT if there is none. */
int sl_block_del(const struct sl_maps *m, const struct sl_block_pfx *p);

/* Every entry, IPv4 first; note is "" without a comment.  A callback
 * that returns nonzero stops the walk with that value. */
typedef int (*sl_block_fn)(const struct sl_block_pfx *p,
			   const struct sl_block_entry *e, const char *note,
			   void *arg);
int sl_block_walk(const struct sl_maps *m, sl_block_fn fn, void *arg);
/* Removes every entry and comment and clears the pre-filter; *n gets how
 * many entries went. */
int sl_block_flush(const struct sl_block *b, unsigned long *n);

/* Writes all n prefixes with the same entry and comment, or none: on a
 * failure the entries written are put back as they were.  0, or -errno
 * with *failed the index of the prefix that failed. */
int sl_block_put_all(const struct sl_block *b, const struct sl_block_pfx *list,
		     size_t n, const struct sl_block_entry *e, const char *note,
		     size_t *failed);

/* Where the sweep goes on next time, per family. */
struct sl_block_sweep {
	__u8 key[2][20];		/* the last key looked at that stays */
	__u8 have[2];			/* key[i] is valid */
};
/* Looks at up to budget entries of each trie from where the last call
 * stopped (the first ones when it reached the end) and removes those
 * expired by now with their comments; returns how many went. */
unsigned long sl_block_sweep_step(const struct sl_maps *m,
				  struct sl_block_sweep *s, __u64 now,
				  unsigned int budget);

#endif /* SL_DP_BLOCK_H */
