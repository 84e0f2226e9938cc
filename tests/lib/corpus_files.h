/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The tests' access to the shared corpus (../shared/corpus): found from
 * SL_CORPUS_DIR (the corpus root or its rfc4475 folder), the working
 * directory, SL_ROOT or the binary's path.  Used by the unit tests and
 * the BPF tests (tests/bpf).  Static functions, marked unused: each test
 * binary is one translation unit and takes what it needs.
 */
#ifndef SL_TEST_CORPUS_FILES_H
#define SL_TEST_CORPUS_FILES_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CORPUS_FN	static __attribute__((unused))

static char corpus[PATH_MAX];

CORPUS_FN bool is_corpus(const char *dir)
{
	char p[PATH_MAX + 32];
	struct stat st;

	if (snprintf(p, sizeof(p), "%s/rfc4475/index.tsv", dir) >= (int)sizeof(p))
		return false;
	return !stat(p, &st);
}

CORPUS_FN bool find_corpus(void)
{
	const char *env = getenv("SL_CORPUS_DIR");
	char exe[PATH_MAX], cand[PATH_MAX + 32], *slash;
	ssize_t n;
	int up;

	if (env && is_corpus(env))
		return snprintf(corpus, sizeof(corpus), "%s", env) < (int)sizeof(corpus);
	/* the rfc4475 folder itself */
	if (env && snprintf(cand, sizeof(cand), "%s/..", env) < (int)sizeof(cand) &&
	    is_corpus(cand))
		goto found;
	if (is_corpus("../shared/corpus"))
		return snprintf(corpus, sizeof(corpus), "../shared/corpus") > 0;
	/* run_tests.sh exports the repo root */
	env = getenv("SL_ROOT");
	if (env && snprintf(cand, sizeof(cand), "%s/../shared/corpus", env) <
			   (int)sizeof(cand) && is_corpus(cand))
		goto found;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = 0;
	for (up = 0; up < 8 && (slash = strrchr(exe, '/')); up++) {
		*slash = 0;
		snprintf(cand, sizeof(cand), "%s/../shared/corpus", exe);
		if (is_corpus(cand))
			goto found;
		snprintf(cand, sizeof(cand), "%s/shared/corpus", exe);
		if (is_corpus(cand))
			goto found;
	}
	return false;
found:
	return snprintf(corpus, sizeof(corpus), "%s", cand) < (int)sizeof(corpus);
}

/* sub/name of the corpus, malloc'ed; NULL if unreadable. */
CORPUS_FN char *load(const char *sub, const char *name, size_t *len)
{
	char p[PATH_MAX + 300];
	FILE *f;
	char *buf;
	long sz;

	snprintf(p, sizeof(p), "%s/%s/%s", corpus, sub, name);
	f = fopen(p, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(sz > 0 ? (size_t)sz : 1);
	if (buf && fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)sz;
	return buf;
}

/* fn(msg, cut, arg) for every prefix (cut 0..len) of sub/name, each in a
 * malloc'ed copy of exactly cut bytes, so that a read past the end is
 * caught (ASan).  0, or -1 if the file is unreadable or malloc fails. */
CORPUS_FN int corpus_for_each_prefix(const char *sub, const char *name,
				     void (*fn)(const char *msg, size_t len, void *arg),
				     void *arg)
{
	size_t len, cut;
	char *buf, *copy;

	buf = load(sub, name, &len);
	if (!buf)
		return -1;
	for (cut = 0; cut <= len; cut++) {
		copy = malloc(cut ? cut : 1);
		if (!copy) {
			free(buf);
			return -1;
		}
		memcpy(copy, buf, cut);
		fn(copy, cut, arg);
		free(copy);
	}
	free(buf);
	return 0;
}

CORPUS_FN int setup_corpus(void **state)
{
	(void)state;
	if (!find_corpus()) {
		fprintf(stderr, "corpus not found: set SL_CORPUS_DIR\n");
		return -1;
	}
	return 0;
}

#endif /* SL_TEST_CORPUS_FILES_H */
