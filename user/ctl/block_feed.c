// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "ctl/block_feed.h"

#define FEED_MAX	(64u << 20)	/* bytes: 2M prefixes of text and more */

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Appends one prefix of text; -1 with why in err. */
static int push(struct sl_block_pfx **v, size_t *n, size_t *cap,
		const char *text, size_t len, char *err, size_t errlen)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 1024;
		struct sl_block_pfx *nv = realloc(*v, c * sizeof(**v));

		if (!nv) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		*v = nv;
		*cap = c;
	}
	if (sl_block_parse(text, len, &(*v)[*n], err, errlen))
		return -1;
	(*n)++;
	return 0;
}

static int read_plain(const char *path, const char *text, size_t size,
		      struct sl_block_pfx **v, size_t *n)
{
	size_t cap = 0, line_no = 0, pos = 0;
	char err[160];

	while (pos < size) {
		const char *s = text + pos, *nl = memchr(s, '\n', size - pos);
		size_t l = nl ? (size_t)(nl - s) : size - pos;
		const char *hash = memchr(s, '#', l);

		pos += l + 1;
		line_no++;
		if (hash)
			l = (size_t)(hash - s);
		while (l && (*s == ' ' || *s == '\t'))
			s++, l--;
		while (l && (s[l - 1] == ' ' || s[l - 1] == '\t' || s[l - 1] == '\r'))
			l--;
		if (!l)
			continue;
		if (push(v, n, &cap, s, l, err, sizeof(err))) {
			fprintf(stderr, "sl-ctl: %s:%zu: %s: nothing imported\n",
				path, line_no, err);
			return -1;
		}
	}
	return 0;
}

/*
 * APIBAN: {"ipaddress": ["192.0.2.1", ...], "ID": "1234"}.  With nothing
 * new since the ID asked for it answers {"ipaddress": ["no new bans"],
 * "ID": "none"}: no prefix.
 */
static int read_apiban(const char *path, const char *text, size_t size,
		       struct sl_block_pfx **v, size_t *n)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root = NULL, *ips, *id;
	size_t cap = 0, count, off;
	const char *id_text = NULL;
	char err[160];
	int ret = -1;

	if (!tok) {
		fprintf(stderr, "sl-ctl: %s: out of memory\n", path);
		return -1;
	}
	root = json_tokener_parse_ex(tok, text, (int)size);
	if (!root) {
		fprintf(stderr, "sl-ctl: %s: not an APIBAN answer: JSON %s at byte %zu: nothing imported\n",
			path, json_tokener_error_desc(json_tokener_get_error(tok)),
			json_tokener_get_parse_end(tok));
		goto out;
	}
	for (off = json_tokener_get_parse_end(tok); off < size; off++)
		if (!blank(text[off])) {
			fprintf(stderr, "sl-ctl: %s: not an APIBAN answer: more after the JSON object at byte %zu: nothing imported\n",
				path, off);
			goto out;
		}
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "ipaddress", &ips) ||
	    !json_object_is_type(ips, json_type_array)) {
		fprintf(stderr, "sl-ctl: %s: not an APIBAN answer (no \"ipaddress\" array): nothing imported\n",
			path);
		goto out;
	}
	if (json_object_object_get_ex(root, "ID", &id))
		id_text = json_object_get_string(id);
	count = json_object_array_length(ips);
	if (id_text && !strcmp(id_text, "none")) {
		ret = 0;	/* "no new bans" */
		goto out;
	}
	for (size_t i = 0; i < count; i++) {
		struct json_object *e = json_object_array_get_idx(ips, i);
		const char *s = json_object_is_type(e, json_type_string) ?
				json_object_get_string(e) : NULL;

		if (!s) {
			fprintf(stderr, "sl-ctl: %s: ipaddress[%zu]: not a string: nothing imported\n",
				path, i);
			goto out;
		}
		if (push(v, n, &cap, s, strlen(s), err, sizeof(err))) {
			fprintf(stderr, "sl-ctl: %s: ipaddress[%zu]: %s: nothing imported\n",
				path, i, err);
			goto out;
		}
	}
	ret = 0;
out:
	if (!ret && id_text)
		printf("apiban ID: %s\n", id_text);
	json_object_put(root);
	json_tokener_free(tok);
	return ret;
}

int ctl_block_read_feed(const char *path, struct sl_block_pfx **out, size_t *n)
{
	FILE *f = fopen(path, "rb");
	struct sl_block_pfx *v = NULL;
	char *text;
	size_t size = 0, skip = 0;
	int ret;

	*n = 0;
	*out = NULL;
	if (!f) {
		fprintf(stderr, "sl-ctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	text = malloc(FEED_MAX + 1);
	if (!text) {
		fclose(f);
		fprintf(stderr, "sl-ctl: %s: out of memory\n", path);
		return -1;
	}
	size = fread(text, 1, FEED_MAX + 1, f);
	if (ferror(f) || size > FEED_MAX) {
		fprintf(stderr, "sl-ctl: %s: %s\n", path,
			ferror(f) ? strerror(errno) : "larger than 64 MiB");
		fclose(f);
		free(text);
		return -1;
	}
	fclose(f);
	text[size] = '\0';
	while (skip < size && blank(text[skip]))
		skip++;
	if (skip < size && text[skip] == '{')
		ret = read_apiban(path, text, size, &v, n);
	else
		ret = read_plain(path, text, size, &v, n);
	free(text);
	if (ret) {
		free(v);
		*n = 0;
		return -1;
	}
	*out = v;
	return 0;
}
