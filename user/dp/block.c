// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <bpf/bpf.h>

#include "dp/block.h"

int sl_block_open(struct sl_block *b, const struct sl_maps *m)
{
	__u32 words;

	b->m = m;
	b->bits = sl_maps_mmap(m, SL_M_BLOCK_BITS, &words, &b->len);
	if (!b->bits)
		return -errno ? -errno : -EINVAL;
	if (words != SL_BLOCK_WORDS) {
		sl_block_close(b);
		return -EPROTO;
	}
	return 0;
}

void sl_block_close(struct sl_block *b)
{
	if (b->bits)
		munmap(b->bits, b->len);
	b->bits = NULL;
}

static void set_bit(__u64 *bits, __u32 i)
{
	__atomic_fetch_or(&bits[i >> 6], 1ULL << (i & 63), __ATOMIC_SEQ_CST);
}

/* The pre-filter bits of a prefix (include/sl_block.h). */
static void set_bits(const struct sl_block *b, const struct sl_block_pfx *p)
{
	if (p->family == 4) {
		__u32 a = (__u32)p->addr[0] << 24 | (__u32)p->addr[1] << 16 |
			  (__u32)p->addr[2] << 8 | p->addr[3];
		__u32 first = a >> 8, n = p->plen >= 24 ? 1 : 1u << (24 - p->plen);

		for (__u32 i = 0; i < n; i++)
			set_bit(b->bits, first + i);
	} else if (p->plen < 48) {
		__atomic_store_n(&b->bits[SL_BLOCK_V6_SHORT], 1, __ATOMIC_SEQ_CST);
	} else {
		__u64 first8;

		memcpy(&first8, p->addr, 8);
		set_bit(b->bits, SL_BLOCK_WORDS4 * 64 + sl_block_bit6(first8));
	}
}

__u64 sl_block_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* = bpf_ktime_get_ns() */
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int sl_block_parse(const char *text, size_t len, struct sl_block_pfx *out,
		   char *err, size_t errlen)
{
	char buf[64], *slash, *end;
	unsigned long plen;
	unsigned int max, i;

	memset(out, 0, sizeof(*out));
	if (!len || len >= sizeof(buf)) {
		snprintf(err, errlen, "'%.*s' is not a prefix (ADDR or ADDR/LEN)",
			 (int)(len < 64 ? len : 64), text);
		return -1;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->family = 4;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		out->family = 6;
		max = 128;
	} else {
		snprintf(err, errlen, "'%s' is not an IPv4 or IPv6 address", buf);
		return -1;
	}
	plen = max;
	if (slash) {
		errno = 0;
		plen = strtoul(slash + 1, &end, 10);
		if (!slash[1] || *end || slash[1] < '0' || slash[1] > '9' ||
		    errno || plen > max) {
			snprintf(err, errlen, "'/%s' is not a prefix length (0..%u)",
				 slash + 1, max);
			return -1;
		}
	}
	out->plen = (__u8)plen;
	for (i = 0; i < max / 8; i++) {
		unsigned int keep = plen > i * 8 ? plen - i * 8 : 0;
		__u8 mask = keep >= 8 ? 0xff : (__u8)(0xff00 >> keep);

		if (out->addr[i] & ~mask) {
			snprintf(err, errlen,
				 "%s/%lu has host bits set (did you mean the network address?)",
				 buf, plen);
			return -1;
		}
	}
	return 0;
}

void sl_block_format(const struct sl_block_pfx *p, char *out, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(p->family == 4 ? AF_INET : AF_INET6, p->addr, ip, sizeof(ip));
	snprintf(out, len, "%s/%u", ip, p->plen);
}

/* The trie key (an IPv4 key is the first 8 bytes of it) and map. */
static int trie_of(const struct sl_maps *m, const struct sl_block_pfx *p,
		   struct sl_block_key6 *k)
{
	memset(k, 0, sizeof(*k));
	k->prefixlen = p->plen;
	memcpy(k->addr, p->addr, p->family == 4 ? 4 : 16);
	return m->fd[p->family == 4 ? SL_M_BLOCK4 : SL_M_BLOCK6];
}

static void note_key(const struct sl_block_pfx *p, struct sl_block_note_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = p->family;
	k->plen = p->plen;
	memcpy(k->addr, p->addr, 16);
}

int sl_block_get(const struct sl_maps *m, const struct sl_block_pfx *p,
		 struct sl_block_entry *e)
{
	struct sl_block_key6 k;
	int fd = trie_of(m, p, &k);

	return bpf_map_lookup_elem(fd, &k, e) ? -errno : 0;
}

int sl_block_put(const struct sl_block *b, const struct sl_block_pfx *p,
		 const struct sl_block_entry *e, const char *note)
{
	const struct sl_maps *m = b->m;
	struct sl_block_note_key nk;
	struct sl_block_note n = { 0 };
	struct sl_block_key6 k;
	int fd = trie_of(m, p, &k);

	set_bits(b, p);
	note_key(p, &nk);
	if (note && *note) {
		snprintf(n.text, sizeof(n.text), "%s", note);
		if (bpf_map_update_elem(m->fd[SL_M_BLOCK_NOTE], &nk, &n, BPF_ANY))
			return -errno;
	} else {
		bpf_map_delete_elem(m->fd[SL_M_BLOCK_NOTE], &nk);
	}
	if (bpf_map_update_elem(fd, &k, e, BPF_ANY)) {
		int ret = -errno;

		bpf_map_delete_elem(m->fd[SL_M_BLOCK_NOTE], &nk);
		return ret;
	}
	return 0;
}

int sl_block_del(const struct sl_maps *m, const struct sl_block_pfx *p)
{
	struct sl_block_note_key nk;
	struct sl_block_key6 k;
	int fd = trie_of(m, p, &k);

	note_key(p, &nk);
	bpf_map_delete_elem(m->fd[SL_M_BLOCK_NOTE], &nk);
	return bpf_map_delete_elem(fd, &k) ? -errno : 0;
}

static void pfx_of_key(int family, const struct sl_block_key6 *k,
		       struct sl_block_pfx *p)
{
	memset(p, 0, sizeof(*p));
	p->family = family;
	p->plen = (__u8)k->prefixlen;
	memcpy(p->addr, k->addr, family == 4 ? 4 : 16);
}

/* The next key of a trie after cur (NULL: the first); 0, or -ENOENT at
 * the end.  A key no longer there starts again at the first. */
static int next_key(int fd, const struct sl_block_key6 *cur,
		    struct sl_block_key6 *next)
{
	memset(next, 0, sizeof(*next));
	return bpf_map_get_next_key(fd, cur, next) ? -errno : 0;
}

int sl_block_walk(const struct sl_maps *m, sl_block_fn fn, void *arg)
{
	for (int f = 0; f < 2; f++) {
		int fd = m->fd[f ? SL_M_BLOCK6 : SL_M_BLOCK4];
		struct sl_block_key6 k, prev;
		int have = 0, ret;

		while (!(ret = next_key(fd, have ? &prev : NULL, &k))) {
			struct sl_block_note_key nk;
			struct sl_block_note n = { 0 };
			struct sl_block_entry e;
			struct sl_block_pfx p;

			prev = k;
			have = 1;
			if (bpf_map_lookup_elem(fd, &k, &e))
				continue;	/* gone in between */
			pfx_of_key(f ? 6 : 4, &k, &p);
			note_key(&p, &nk);
			bpf_map_lookup_elem(m->fd[SL_M_BLOCK_NOTE], &nk, &n);
			n.text[sizeof(n.text) - 1] = '\0';
			ret = fn(&p, &e, n.text, arg);
			if (ret)
				return ret;
		}
		if (ret != -ENOENT)
			return ret;
	}
	return 0;
}

int sl_block_flush(const struct sl_block *b, unsigned long *n)
{
	const struct sl_maps *m = b->m;

	/* the bits first: a ban written while the tries are emptied keeps
	 * the bit it sets after this */
	for (__u32 i = 0; i < SL_BLOCK_WORDS; i++)
		__atomic_store_n(&b->bits[i], 0, __ATOMIC_SEQ_CST);
	*n = 0;
	for (int f = 0; f < 2; f++) {
		int fd = m->fd[f ? SL_M_BLOCK6 : SL_M_BLOCK4];
		struct sl_block_key6 k;

		/* the first key, deleted, until none: a deleted key would
		 * restart get_next_key at the first anyway */
		while (!next_key(fd, NULL, &k)) {
			if (bpf_map_delete_elem(fd, &k))
				return -errno;
			(*n)++;
		}
	}
	for (;;) {
		struct sl_block_note_key nk;

		if (bpf_map_get_next_key(m->fd[SL_M_BLOCK_NOTE], NULL, &nk))
			break;
		if (bpf_map_delete_elem(m->fd[SL_M_BLOCK_NOTE], &nk))
			return -errno;
	}
	return 0;
}

/* What a prefix held before put_all wrote it. */
struct prior {
	struct sl_block_entry e;
	struct sl_block_note n;
	int had;
};

int sl_block_put_all(const struct sl_block *b, const struct sl_block_pfx *list,
		     size_t n, const struct sl_block_entry *e, const char *note,
		     size_t *failed)
{
	const struct sl_maps *m = b->m;
	struct prior *old = calloc(n ? n : 1, sizeof(*old));
	size_t i;
	int ret = 0;

	if (!old)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct sl_block_note_key nk;

		old[i].had = !sl_block_get(m, &list[i], &old[i].e);
		note_key(&list[i], &nk);
		bpf_map_lookup_elem(m->fd[SL_M_BLOCK_NOTE], &nk, &old[i].n);
		ret = sl_block_put(b, &list[i], e, note);
		if (ret)
			break;
	}
	if (ret) {
		*failed = i;
		/* back to what was there, the failed one included */
		for (size_t j = 0; j <= i && j < n; j++) {
			if (old[j].had)
				sl_block_put(b, &list[j], &old[j].e, old[j].n.text);
			else
				sl_block_del(m, &list[j]);
		}
	}
	free(old);
	return ret;
}

unsigned long sl_block_sweep_step(const struct sl_maps *m,
				  struct sl_block_sweep *s, __u64 now,
				  unsigned int budget)
{
	unsigned long gone = 0;

	for (int f = 0; f < 2; f++) {
		int fd = m->fd[f ? SL_M_BLOCK6 : SL_M_BLOCK4];
		struct sl_block_key6 cur, k;
		int have = s->have[f];

		memcpy(&cur, s->key[f], sizeof(cur));
		for (unsigned int i = 0; i < budget; i++) {
			struct sl_block_entry e;
			struct sl_block_pfx p;

			if (next_key(fd, have ? &cur : NULL, &k)) {
				have = 0;	/* the end: the first next time */
				break;
			}
			if (bpf_map_lookup_elem(fd, &k, &e) ||
			    !e.expires_ns || e.expires_ns > now) {
				cur = k;	/* stays: go on from it */
				have = 1;
				continue;
			}
			pfx_of_key(f ? 6 : 4, &k, &p);
			if (!sl_block_del(m, &p))
				gone++;
		}
		memcpy(s->key[f], &cur, sizeof(cur));
		s->have[f] = (__u8)have;
	}
	return gone;
}
