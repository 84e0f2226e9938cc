// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer target: the configuration parser on arbitrary text.
 *
 * The input goes to sl_settings_load_string() as a C string (up to its
 * first NUL) and, whole, to sl_settings_load_file() through a memfd,
 * which sees the NULs too.  Checked (config.h):
 *  - 0 or -1, nothing else, and no crash, leak or sanitizer report;
 *  - -1: the struct is zeroed (every byte: window_slots == 0 marks it)
 *    and err holds "NAME:..." , NUL-terminated within errlen, also for a
 *    tiny errlen (an exact-size heap buffer: no byte written past it);
 *  - 0: err is empty and the settings keep the documented limits:
 *    window_slots a power of two in range and window_mask = slots - 1,
 *    1..SL_MAX_PORTS distinct non-zero ports, rule ports among them,
 *    codes 100..699, actions known, methods / prefixes / match strings
 *    within their sizes, prefixes without host bits, strings
 *    NUL-terminated, extra header lines "Name: value" CRLF with no other
 *    control character, so no value can inject a line into a reply;
 *    reply forwarding all zero without [forward], else a family, a port
 *    and rewrites of one class each: codes 100..699 or a class digit,
 *    a 3-digit new code of that class, a printable zero-padded reason;
 *  - deterministic: the same text loads to the same bytes twice.
 */
#define _GNU_SOURCE	/* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "conf/config.h"

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_config: %s:%d: check failed: %s\n", \
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

#define NAME	"fuzz.conf"

static struct sl_settings s1, s2, zero;
static int memfd = -1;
static char memfd_path[64];

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

/* No CR, LF or other control character but HT. */
static bool clean(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return false;
	return true;
}

static bool in_ports(const struct sl_config *dp, __u16 port)
{
	unsigned int i;

	for (i = 0; i < dp->n_ports && i < SL_MAX_PORTS; i++)
		if (dp->ports[i] == port)
			return true;
	return false;
}

static void check_headers(const struct sl_rule_reply *rep)
{
	const char *p = rep->headers, *end = rep->headers + rep->headers_len;
	const char *eol;

	CHECK(rep->headers_len < sizeof(rep->headers));
	CHECK(rep->headers[rep->headers_len] == '\0');
	CHECK(strlen(rep->headers) == rep->headers_len);
	while (p < end) {
		eol = memchr(p, '\r', (size_t)(end - p));
		CHECK(eol && eol + 1 < end && eol[1] == '\n');
		CHECK(eol > p);		/* a name at least */
		for (; p < eol; p++)
			CHECK(((unsigned char)*p >= 0x20 || *p == '\t') &&
			      *p != 0x7f);
		p = eol + 2;
	}
}

static void check_fwd(const struct sl_settings *s)
{
	const struct sl_fwd_config *f = &s->dp.fwd;
	unsigned int i, j, k;

	if (!f->enabled) {
		CHECK(!memcmp(f, &zero.dp.fwd, sizeof(*f)));
		return;
	}
	CHECK(f->enabled == 1);
	CHECK(f->n_vias >= 1 && f->n_vias <= SL_FWD_VIAS);
	for (i = 0; i < SL_FWD_VIAS; i++) {
		const struct sl_fwd_via *w = &f->vias[i];

		if (i >= f->n_vias) {
			CHECK(!memcmp(w, &zero.dp.fwd.vias[i], sizeof(*w)));
			continue;
		}
		CHECK(w->family == 4 || w->family == 6);
		CHECK(w->port != 0);
		for (k = w->family == 4 ? 4 : 16; k < 16; k++)
			CHECK(w->addr[k] == 0);
	}
	CHECK(f->n_rewrites <= SL_MAX_REWRITES);
	for (i = 0; i < f->n_rewrites; i++) {
		const struct sl_fwd_rewrite *w = &f->rewrites[i];
		const char *name = s->rewrite_names[i].name;
		unsigned int cls = w->new_code[0] - '0';

		CHECK(terminated(name, sizeof(s->rewrite_names[i].name)) && name[0]);
		for (j = 0; j < i; j++)
			CHECK(strcmp(name, s->rewrite_names[j].name));
		CHECK(cls >= 1 && cls <= 6);
		for (k = 1; k < 3; k++)
			CHECK(w->new_code[k] >= '0' && w->new_code[k] <= '9');
		CHECK(w->new_code[3] == 0);
		CHECK(w->reason_len >= 1 && w->reason_len <= SL_FWD_REASON_MAX);
		for (k = 0; k < SL_FWD_REASON_MAX; k++)
			CHECK(k < w->reason_len ?
			      w->reason[k] >= 0x20 && w->reason[k] <= 0x7e :
			      w->reason[k] == 0);
		/* one class, or 1..SL_REWRITE_CODES codes, all in cls */
		CHECK(!w->class_digit != !w->n_codes);
		CHECK(!w->class_digit || w->class_digit == cls);
		CHECK(w->n_codes <= SL_REWRITE_CODES);
		for (j = 0; j < SL_REWRITE_CODES; j++) {
			if (j >= w->n_codes) {
				CHECK(w->codes[j] == 0);
				continue;
			}
			CHECK(w->codes[j] >= 100 && w->codes[j] <= 699);
			CHECK(w->codes[j] / 100 == cls);
			for (k = 0; k < j; k++)
				CHECK(w->codes[k] != w->codes[j]);
		}
	}
	for (; i < SL_MAX_REWRITES; i++)
		CHECK(!memcmp(&f->rewrites[i], &zero.dp.fwd.rewrites[i],
			      sizeof(f->rewrites[i])));
}

static void check_ok(const struct sl_settings *s)
{
	const struct sl_config *dp = &s->dp;
	unsigned int i, j, k;

	CHECK(s->window_slots >= SL_WINDOW_SLOTS_MIN &&
	      s->window_slots <= SL_WINDOW_SLOTS_MAX);
	CHECK((s->window_slots & (s->window_slots - 1)) == 0);
	CHECK(dp->window_mask == s->window_slots - 1);
	CHECK(dp->n_ports >= 1 && dp->n_ports <= SL_MAX_PORTS);
	for (i = 0; i < dp->n_ports; i++) {
		CHECK(dp->ports[i] != 0);
		for (j = 0; j < i; j++)
			CHECK(dp->ports[i] != dp->ports[j]);
	}
	for (; i < SL_MAX_PORTS; i++)
		CHECK(dp->ports[i] == 0);
	CHECK(dp->default_action <= SL_ACTION_REPLY);
	CHECK(dp->ack_window_ns > 0 && dp->ack_window_ns <= SL_ACK_WINDOW_MAX_NS);
	CHECK(dp->n_rules <= SL_MAX_RULES);
	CHECK(dp->has_signature == 0);
	CHECK(s->default_code >= 100 && s->default_code <= 699);
	CHECK(terminated(s->default_reason, sizeof(s->default_reason)));
	CHECK(clean(s->default_reason));
	CHECK(terminated(s->server_header, sizeof(s->server_header)));
	CHECK(clean(s->server_header));
	CHECK(terminated(s->tag_seed, sizeof(s->tag_seed)));
	CHECK(terminated(s->tag_addr_ip, sizeof(s->tag_addr_ip)));
	CHECK(terminated(s->tag_addr_port, sizeof(s->tag_addr_port)));
	if (s->tag_addr_set)
		CHECK(s->tag_addr_ip[0] && s->tag_addr_port[0]);

	for (i = 0; i < dp->n_rules; i++) {
		const struct sl_rule *r = &s->rules[i];
		const struct sl_rule_reply *rep = &s->replies[i];

		CHECK(r->action <= SL_ACTION_REPLY);
		CHECK(terminated(rep->name, sizeof(rep->name)) && rep->name[0]);
		for (j = 0; j < i; j++)
			CHECK(strcmp(rep->name, s->replies[j].name));
		CHECK(terminated(rep->reason, sizeof(rep->reason)));
		CHECK(clean(rep->reason));
		if (r->action == SL_ACTION_REPLY) {
			CHECK(rep->code >= 100 && rep->code <= 699);
			CHECK(r->reply_code == rep->code);
		} else {
			CHECK(r->reply_code == 0);
			CHECK(rep->headers_len == 0);
		}
		check_headers(rep);

		/* the mask names only methods the file numbered, or any
		 * other (SL_METHOD_OTHER) */
		if (r->keys & SL_KEY_METHOD)
			CHECK(r->method_mask);
		else
			CHECK(r->method_mask == 0);
		for (j = dp->n_method_names; j < SL_METHOD_OTHER; j++)
			CHECK(((r->method_mask >> j) & 1) ==
			      ((r->method_mask >> SL_METHOD_OTHER) & 1));
		CHECK(r->n_prefixes <= SL_MAX_PREFIXES);
		for (j = 0; j < r->n_prefixes; j++) {
			const struct sl_prefix *p = &r->prefixes[j];
			unsigned int bytes = p->family == 4 ? 4 : 16;

			CHECK(p->family == 4 || p->family == 6);
			CHECK(p->plen <= bytes * 8);
			for (k = 0; k < 16; k++) {
				CHECK((p->addr[k] & ~p->mask[k]) == 0);
				if (k >= bytes)
					CHECK(p->addr[k] == 0 && p->mask[k] == 0);
			}
		}
		CHECK(r->n_ports <= SL_MAX_PORTS);
		for (j = 0; j < r->n_ports; j++)
			CHECK(in_ports(dp, r->ports[j]));
		CHECK(r->ruri_user_prefix.len <= SL_MATCH_STR_MAX);
		CHECK(r->user_agent.len <= SL_MATCH_STR_MAX);
		for (j = 0; j < r->user_agent.len; j++)
			CHECK(r->user_agent.bytes[j] < 'A' ||
			      r->user_agent.bytes[j] > 'Z');
		if (r->user_agent.len)
			CHECK(dp->rules_need & SL_NEED_USER_AGENT);
		for (j = 0; j < r->from_domain.len; j++)
			CHECK(r->from_domain.bytes[j] < 'A' ||
			      r->from_domain.bytes[j] > 'Z');
		if (r->from_user.len || r->from_domain.len)
			CHECK(dp->rules_need & SL_NEED_FROM);
		if (r->to_user.len)
			CHECK(dp->rules_need & SL_NEED_TO);
	}
	CHECK(dp->n_method_names <= SL_METHOD_NAMES);
	for (i = 0; i < dp->n_method_names; i++) {
		const struct sl_method_slot *mn = &s->method_names[i];

		CHECK(mn->len >= 1 && mn->len <= SL_METHOD_MAX_LEN);
		CHECK(mn->id == i);
		for (k = mn->len; k < SL_METHOD_MAX_LEN; k++)
			CHECK(((const __u8 *)mn->name)[k] == 0);	/* BPF compares words */
		for (j = 0; j < i; j++)
			CHECK(mn->len != s->method_names[j].len ||
			      memcmp(mn->name, s->method_names[j].name,
				     sizeof(mn->name)));
	}
	check_fwd(s);
}

static void check_failed(int rc, const struct sl_settings *s, const char *err,
			 size_t errlen)
{
	CHECK(rc == -1);
	CHECK(!memcmp(s, &zero, sizeof(*s)));
	CHECK(s->window_slots == 0);
	CHECK(terminated(err, errlen));
	if (errlen > sizeof(NAME))
		CHECK(!strncmp(err, NAME ":", sizeof(NAME)));
}

static __u32 hash(const uint8_t *d, size_t n)
{
	__u32 h = 2166136261u;

	while (n--)
		h = (h ^ *d++) * 16777619u;
	return h;
}

/* The string loader with an err buffer of exactly errlen bytes. */
static int load(const char *text, struct sl_settings *s, size_t errlen,
		char **err)
{
	int rc;

	*err = malloc(errlen ? errlen : 1);
	CHECK(*err);
	rc = sl_settings_load_string(text, NAME, s, errlen ? *err : NULL,
				     errlen);
	CHECK(rc == 0 || rc == -1);
	return rc;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	memfd = memfd_create("fuzz_config", 0);
	if (memfd >= 0)
		snprintf(memfd_path, sizeof(memfd_path), "/proc/self/fd/%d",
			 memfd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *err, *err2;
	int rc, rc2;

	if (size > SL_CONFIG_MAX_FILE + 1)
		return -1;
	text = malloc(size + 1);
	CHECK(text);
	memcpy(text, data, size);
	text[size] = '\0';

	rc = load(text, &s1, 256, &err);
	if (rc == 0) {
		CHECK(err[0] == '\0');
		check_ok(&s1);
	} else {
		check_failed(rc, &s1, err, 256);
		CHECK(strlen(err) > sizeof(NAME));
	}

	/* the same again, with an err buffer of 7 bytes, then none */
	rc2 = load(text, &s2, 7, &err2);
	CHECK(rc2 == rc);
	CHECK(!memcmp(&s1, &s2, sizeof(s1)));
	if (rc2)
		check_failed(rc2, &s2, err2, 7);
	if (rc)
		CHECK(!strncmp(err, err2, 6));
	free(err2);
	rc2 = load(text, &s2, 0, &err2);
	CHECK(rc2 == rc);
	CHECK(!memcmp(&s1, &s2, sizeof(s1)));
	free(err2);

	/* the file loader sees every byte, NULs included (a control
	 * character: refused); it reads into a fresh 1 MiB block, three
	 * milliseconds under ASan, so only for one input in 32 */
	if (memfd >= 0 && hash(data, size) % 32 == 0 &&
	    ftruncate(memfd, 0) == 0 &&
	    pwrite(memfd, data, size, 0) == (ssize_t)size) {
		char ferr[256];

		rc2 = sl_settings_load_file(memfd_path, &s2, ferr, sizeof(ferr));
		CHECK(rc2 == 0 || rc2 == -1);
		if (rc2 == 0) {
			CHECK(!memchr(data, '\0', size));
			check_ok(&s2);
			/* without a NUL the file is the string */
			if (!memchr(data, '\0', size))
				CHECK(rc == 0 && !memcmp(&s1, &s2, sizeof(s1)));
		} else {
			CHECK(!memcmp(&s2, &zero, sizeof(s2)));
			CHECK(terminated(ferr, sizeof(ferr)) && ferr[0]);
			if (!memchr(data, '\0', size))
				CHECK(rc == -1);
		}
	}
	free(err);
	free(text);
	return 0;
}
