// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Configuration parser (DESIGN.md section 5).
 *
 * libinih splits "key = value" lines and strips inline comments.  The
 * reader callback below feeds it one physical line at a time, which is
 * how we know line numbers (Debian's build has no lineno in the handler)
 * and where sections, over-long lines, control characters and indented
 * "continuation" lines are dealt with; see config.h.
 *
 * This file is the reader: lines, sections and the dispatch of each key
 * to its table (keys_*.c); the values are parsed in values.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ini.h>

#include "conf/parse.h"

const char *sl_action_name(__u8 action)
{
	switch (action) {
	case SL_ACTION_PASS:
		return "pass";
	case SL_ACTION_DROP:
		return "drop";
	case SL_ACTION_REPLY:
		return "reply";
	}
	return "unknown";
}

void sl_settings_defaults(struct sl_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->dp.ports[0] = SL_DEFAULT_PORT;
	s->dp.n_ports = 1;
	s->dp.default_action = SL_ACTION_PASS;
	s->dp.ack_window_ns = SL_DEFAULT_ACK_WINDOW_NS;
	s->window_slots = SL_WINDOW_SLOTS_DEFAULT;
	s->dp.window_mask = SL_WINDOW_SLOTS_DEFAULT - 1;
	s->default_code = 500;
	strcpy(s->default_reason, "Internal Server Error");
	strcpy(s->server_header, "Server: sl-xdp");
	strcpy(s->tag_seed, "KAMAILIO-stateless");
	s->rate_limit = SL_RATE_LIMIT_DEFAULT;
	s->burst = SL_BURST_DEFAULT;
	s->fwd_rate_limit = SL_FWD_RATE_DEFAULT;
	s->fwd_burst = SL_FWD_BURST_DEFAULT;
	s->hep.capture_id = 1;
	s->hep.sample = SL_HEP_SAMPLE_ALL;
	s->ban_rate = SL_BAN_RATE_DEFAULT;
	s->ban_burst = SL_BAN_BURST_DEFAULT;
}

/* What handle_key() needs to know about each kind of section. */
static const struct {
	const char *in;		/* "... in %s": a [rule NAME] section */
	const char *under;	/* "put it under %s": [rule NAME] */
	const struct key_def *keys;
	int n;
} sects[SECT_N] = {
	[SECT_SL]	= { "[sl]", "[sl]", conf_sl_keys, K_SL_N },
	[SECT_RULE]	= { "a [rule NAME] section", "[rule NAME]", conf_rule_keys, R_N },
	[SECT_FORWARD]	= { "[forward]", "[forward]", conf_fwd_keys, F_N },
	[SECT_METRICS]	= { "[metrics]", "[metrics]", conf_metrics_keys, M_N },
	[SECT_HEP]	= { "[hep]", "[hep]", conf_hep_keys, H_N },
	[SECT_BAN]	= { "[ban]", "[ban]", conf_ban_keys, B_N },
	[SECT_BACKEND]	= { "[backend]", "[backend]", conf_backend_keys, BE_N },
	[SECT_REWRITE]	= { "a [rewrite NAME] section", "[rewrite NAME]",
			    conf_rewrite_keys, W_N },
};

static int find_key(const struct key_def *keys, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(keys[i].name, name))
			return i;
	return -1;
}

/* ---- inih callbacks ---- */

/* The kinds of section other than skip that have key name, for messages:
 * "A", "A or B", "A, B or C"; "" when none has it. */
static void sections_with_key(const char *name, int skip, bool under,
			      char *out, size_t size)
{
	int sect, total = 0, n = 0;
	size_t off = 0;

	out[0] = '\0';
	for (sect = SECT_SL; sect < SECT_N; sect++)
		if (sect != skip &&
		    find_key(sects[sect].keys, sects[sect].n, name) >= 0)
			total++;
	for (sect = SECT_SL; sect < SECT_N && off < size; sect++) {
		if (sect == skip ||
		    find_key(sects[sect].keys, sects[sect].n, name) < 0)
			continue;
		n++;
		off += snprintf(out + off, size - off, "%s%s",
				n == 1 ? "" : n == total ? " or " : ", ",
				under ? sects[sect].under : sects[sect].in);
	}
}

static unsigned *section_seen(struct parse_ctx *c)
{
	switch (c->sect) {
	case SECT_SL:
		return c->sl_seen;
	case SECT_RULE:
		return c->rule_seen[c->rule];
	case SECT_FORWARD:
		return c->fwd_seen;
	case SECT_METRICS:
		return c->metrics_seen;
	case SECT_HEP:
		return c->hep_seen;
	case SECT_BAN:
		return c->ban_seen;
	case SECT_BACKEND:
		return c->backend_seen;
	default:
		return c->rewrite_seen[c->rewrite];
	}
}

static int handle_key(struct parse_ctx *c, const char *name, const char *val)
{
	const struct key_def *keys = sects[c->sect].keys;
	bool in_rule = c->sect == SECT_RULE;
	char where[128];
	unsigned *seen;
	int k;

	if (!*name)
		return conf_fail(c, "missing key name before '='");
	if (c->sect == SECT_NONE) {
		sections_with_key(name, SECT_NONE, true, where, sizeof(where));
		return conf_fail(c, "'%s' is outside any section (put it under %s)",
			    name, where[0] ? where :
			    "[sl], [rule NAME], [forward], [rewrite NAME], [metrics], [hep], [ban] or [backend]");
	}
	k = find_key(keys, sects[c->sect].n, name);
	if (k < 0) {
		sections_with_key(name, c->sect, false, where, sizeof(where));
		if (where[0])
			return conf_fail(c, "'%s' belongs in %s, not in %s", name,
				    where, sects[c->sect].in);
		return conf_fail(c, "unknown key '%s' in %s", name,
			    sects[c->sect].in);
	}
	seen = section_seen(c);
	/* each header or method line adds to the rule's list */
	if (seen[k] && !(in_rule && (k == R_HEADER || k == R_METHOD)))
		return conf_fail(c, "'%s' is already set at line %u%s", name,
			    seen[k], in_rule ? " (only 'header' and 'method' may repeat)" : "");
	if (!*val && !keys[k].may_be_empty)
		return conf_fail(c, "'%s' needs a value", name);
	if (keys[k].parse(c, name, val))
		return -1;
	if (!seen[k])
		seen[k] = c->lineno;
	return 0;
}

static int ini_handler_cb(void *user, const char *section, const char *name,
			  const char *value)
{
	struct parse_ctx *c = user;

	(void)section;	/* sections are tracked by read_line() */
	if (c->failed)
		return 0;
	return handle_key(c, name, value) ? 0 : 1;
}

static bool valid_rule_name(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!conf_is_alnum(p[i]) && p[i] != '_' && p[i] != '.' && p[i] != '-')
			return false;
	return len > 0;
}

static bool same_name(const char *name, const char *nm, size_t nm_len)
{
	return strlen(name) == nm_len && !memcmp(name, nm, nm_len);
}

/* NAME of [KIND NAME]; size: of the array that keeps it. */
static int check_section_name(struct parse_ctx *c, const char *kind,
			      const char *nm, size_t nm_len, size_t size)
{
	if (!nm_len)
		return conf_fail(c, "a %s needs a name: [%s NAME]", kind, kind);
	if (!valid_rule_name(nm, nm_len))
		return conf_fail(c, "%s name '%.*s' may only have letters, digits, '_', '.' and '-'",
			    kind, (int)nm_len, nm);
	if (nm_len >= size)
		return conf_fail(c, "%s name '%.*s' is longer than %zu characters",
			    kind, (int)nm_len, nm, size - 1);
	return 0;
}

static int new_rule(struct parse_ctx *c, const char *nm, size_t nm_len)
{
	struct sl_settings *s = c->s;
	unsigned i;

	if (check_section_name(c, "rule", nm, nm_len,
			       sizeof(s->replies[0].name)))
		return -1;
	for (i = 0; i < s->dp.n_rules; i++)
		if (same_name(s->replies[i].name, nm, nm_len))
			return conf_fail(c, "rule '%.*s' already defined at line %u",
				    (int)nm_len, nm, s->replies[i].line);
	if (s->dp.n_rules == SL_MAX_RULES)
		return conf_fail(c, "too many rules (at most %d)", SL_MAX_RULES);

	i = s->dp.n_rules++;
	memset(&s->rules[i], 0, sizeof(s->rules[i]));
	memset(&s->replies[i], 0, sizeof(s->replies[i]));
	s->rules[i].action = SL_ACTION_REPLY;
	memcpy(s->replies[i].name, nm, nm_len);
	s->replies[i].line = c->lineno;
	c->rule = i;
	c->sect = SECT_RULE;
	return 0;
}

static int new_rewrite(struct parse_ctx *c, const char *nm, size_t nm_len)
{
	struct sl_settings *s = c->s;
	struct sl_fwd_config *f = &s->dp.fwd;
	unsigned i;

	if (check_section_name(c, "rewrite", nm, nm_len,
			       sizeof(s->rewrite_names[0].name)))
		return -1;
	for (i = 0; i < f->n_rewrites; i++)
		if (same_name(s->rewrite_names[i].name, nm, nm_len))
			return conf_fail(c, "rewrite '%.*s' already defined at line %u",
				    (int)nm_len, nm, s->rewrite_names[i].line);
	if (f->n_rewrites == SL_MAX_REWRITES)
		return conf_fail(c, "too many rewrites (at most %d)",
			    SL_MAX_REWRITES);

	i = f->n_rewrites++;
	memset(&f->rewrites[i], 0, sizeof(f->rewrites[i]));
	memset(&s->rewrite_names[i], 0, sizeof(s->rewrite_names[i]));
	memcpy(s->rewrite_names[i].name, nm, nm_len);
	s->rewrite_names[i].line = c->lineno;
	c->rewrite = i;
	c->sect = SECT_REWRITE;
	return 0;
}

/* p..p+len is a trimmed line starting with '['. */
static int handle_section(struct parse_ctx *c, const char *p, size_t len)
{
	const char *close = memchr(p, ']', len), *in, *rest, *nm;
	size_t in_len, word, nm_len;
	int sect;

	if (!close)
		return conf_fail(c, "section header without closing ']'");
	for (rest = close + 1; rest < p + len && conf_is_blank(*rest); rest++)
		;
	if (rest < p + len && *rest != ';')
		return conf_fail(c, "unexpected '%.*s' after the section header",
			    (int)(p + len - rest), rest);
	in = p + 1;
	in_len = close - in;
	while (in_len && conf_is_blank(*in))
		in++, in_len--;
	while (in_len && conf_is_blank(in[in_len - 1]))
		in_len--;
	/* [WORD] or [WORD NAME] */
	for (word = 0; word < in_len && !conf_is_blank(in[word]); word++)
		;
	for (nm = in + word, nm_len = in_len - word; nm_len && conf_is_blank(*nm);
	     nm++)
		nm_len--;

	/* the sections a file has once: [sl], [forward], [metrics] ... */
	for (sect = SECT_SL; sect < SECT_N; sect++) {
		/* "[metrics]" -> "metrics" */
		const char *word_of = sects[sect].under + 1;

		if (sect == SECT_RULE || sect == SECT_REWRITE)
			continue;
		if (strlen(word_of) - 1 != in_len ||
		    memcmp(word_of, in, in_len))
			continue;
		if (c->sect_line[sect])
			return conf_fail(c, "second %s section (the first is at line %u)",
					 sects[sect].under, c->sect_line[sect]);
		c->sect_line[sect] = c->lineno;
		c->sect = sect;
		if (sect == SECT_FORWARD)
			c->s->dp.fwd.enabled = 1;
		if (sect == SECT_HEP)
			c->s->hep.enabled = true;
		if (sect == SECT_BAN) {
			c->s->dp.ban.enabled = 1;
			c->s->dp.ban.time_ns = SL_BAN_TIME_DEFAULT_NS;
		}
		if (sect == SECT_BACKEND) {
			c->s->backend.interval_ns = SL_BACKEND_INTERVAL_DEFAULT_NS;
			c->s->backend.down_after = SL_BACKEND_DOWN_AFTER_DEFAULT;
			c->s->backend.up_after = SL_BACKEND_UP_AFTER_DEFAULT;
		}
		return 0;
	}
	if (same_name("rule", in, word))
		return new_rule(c, nm, nm_len);
	if (same_name("rewrite", in, word))
		return new_rewrite(c, nm, nm_len);
	return conf_fail(c, "unknown section [%.*s] (expected [sl], [rule NAME], [forward], [rewrite NAME], [metrics], [hep], [ban] or [backend])",
		    (int)in_len, in);
}

/*
 * inih's fgets-like reader: one physical line per call.  Lines that are
 * not "key = value" reach inih as blank lines.
 */
static char *read_line(char *buf, int num, void *stream)
{
	struct parse_ctx *c = stream;
	const char *p, *nl, *q;
	size_t len, i, max;
	int was_blank;

	if (c->failed || c->pos >= c->len)
		return NULL;
	if (num < 3) {
		conf_fail(c, "libinih line buffer too small");
		return NULL;
	}
	/* Room for the line, LF and NUL in inih's buffer (CR is not kept). */
	max = (size_t)num - 3 < SL_CONFIG_MAX_LINE ? (size_t)num - 3 :
						     SL_CONFIG_MAX_LINE;
	p = c->text + c->pos;
	nl = memchr(p, '\n', c->len - c->pos);
	len = nl ? (size_t)(nl - p) : c->len - c->pos;
	c->pos += len + (nl ? 1 : 0);
	c->lineno++;

	if (len && p[len - 1] == '\r')
		len--;
	if (c->lineno == 1 && len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3, len -= 3;
	if (len > max) {
		conf_fail(c, "line is too long (%zu characters, at most %zu)", len,
		     max);
		return NULL;
	}
	for (i = 0; i < len; i++) {
		unsigned char ch = p[i];

		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			conf_fail(c, "control character 0x%02x in column %zu", ch,
			     i + 1);
			return NULL;
		}
	}
	/* Leading blanks go: no inih continuation lines (config.h). */
	while (len && conf_is_blank(*p))
		p++, len--;
	while (len && conf_is_blank(p[len - 1]))
		len--;

	if (!len || *p == ';' || *p == '#') {
		len = 0;
	} else if (*p == '[') {
		if (handle_section(c, p, len))
			return NULL;
		len = 0;
	} else {
		/* What inih will look for: '=' or ':' before a " ;" comment. */
		was_blank = 0;
		for (q = p; q < p + len && *q != '=' && *q != ':' &&
			    !(was_blank && *q == ';'); q++)
			was_blank = conf_is_blank(*q);
		if (q == p + len || *q == ';') {
			conf_fail(c, "expected 'key = value', a [section] or a comment, not '%.*s'",
			     (int)len, p);
			return NULL;
		}
	}
	memcpy(buf, p, len);
	buf[len] = '\n';
	buf[len + 1] = '\0';
	return buf;
}

/* ---- after the whole file: order-independent pieces ---- */

static int finish(struct parse_ctx *c)
{
	struct sl_settings *s = c->s;
	unsigned i, j, k;

	for (i = 0; i < s->dp.n_rules; i++) {
		struct sl_rule *r = &s->rules[i];
		struct sl_rule_reply *rep = &s->replies[i];

		if (r->action == SL_ACTION_REPLY && !rep->code) {
			rep->code = s->default_code;
			memcpy(rep->reason, s->default_reason,
			       sizeof(rep->reason));
		}
		r->reply_code = r->action == SL_ACTION_REPLY ? rep->code : 0;

		for (j = 0; j < r->n_ports; j++) {
			for (k = 0; k < s->dp.n_ports; k++)
				if (s->dp.ports[k] == r->ports[j])
					break;
			if (k == s->dp.n_ports)
				return conf_fail_at(c, c->rule_seen[i][R_PORT],
					       "port: %u is not one of the [sl] ports, so rule '%s' could never match",
					       r->ports[j], rep->name);
		}
	}
	if (conf_sl_responder_finish(c))
		return -1;
	if (c->sect_line[SECT_HEP] && !c->hep_seen[H_DEST])
		return conf_fail_at(c, c->sect_line[SECT_HEP],
				    "[hep] has no 'dest' (the Homer collector: IP:PORT, port 9060 by default)");
	if (c->sect_line[SECT_BACKEND] && !c->backend_seen[BE_PROBE])
		return conf_fail_at(c, c->sect_line[SECT_BACKEND],
			       "[backend] has no 'probe' (the SIP server to send OPTIONS to, e.g. probe = udp:127.0.0.1:5060)");
	for (i = 0; i < s->dp.n_rules && !c->sect_line[SECT_BACKEND]; i++)
		if (c->rule_seen[i][R_WHEN])
			return conf_fail_at(c, c->rule_seen[i][R_WHEN],
				       "when: rule '%s' needs a [backend] section with a probe (without one the backend's state is not known)",
				       s->replies[i].name);
	if (c->sect_line[SECT_FORWARD] && !c->fwd_seen[F_VIA])
		return conf_fail_at(c, c->sect_line[SECT_FORWARD],
			       "[forward] has no 'via' (our sent-by: the replies whose top Via is this address are forwarded)");
	if (c->sect_line[SECT_FORWARD] && !c->fwd_seen[F_PEERS])
		return conf_fail_at(c, c->sect_line[SECT_FORWARD],
			       "[forward] has no 'peers' (the upstreams whose responses may be forwarded, e.g. peers = 198.51.100.0/24): without it anyone could make us relay");
	for (i = 0; i < s->dp.fwd.n_rewrites; i++) {
		const struct sl_rewrite_name *rn = &s->rewrite_names[i];

		if (!c->sect_line[SECT_FORWARD])
			return conf_fail_at(c, rn->line,
				       "rewrite '%s' needs a [forward] section (without one no reply is forwarded)",
				       rn->name);
		if (!c->rewrite_seen[i][W_CODE])
			return conf_fail_at(c, rn->line,
				       "rewrite '%s' has no 'code' (the status codes or the class it rewrites)",
				       rn->name);
		if (!c->rewrite_seen[i][W_REPLY])
			return conf_fail_at(c, rn->line,
				       "rewrite '%s' has no 'reply' (the CODE REASON put in their place)",
				       rn->name);
	}
	if (s->tag_addr_set && !c->tag_addr_has_port)
		snprintf(s->tag_addr_port, sizeof(s->tag_addr_port), "%u",
			 s->dp.ports[0]);
	s->dp.window_mask = s->window_slots - 1;
	return 0;
}

static int parse(const char *text, size_t len, const char *name,
		 struct sl_settings *s, char *err, size_t errlen)
{
	struct parse_ctx *c;
	int rc;

	/* ~2.5 KiB of per-key line numbers: keep it off the stack. */
	c = calloc(1, sizeof(*c));
	if (!c) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", name);
		memset(s, 0, sizeof(*s));
		return -1;
	}
	c->s = s;
	c->name = name;
	c->text = text;
	c->len = len;
	c->err = err;
	c->errlen = errlen;
	c->rule = -1;
	c->rewrite = -1;

	sl_settings_defaults(s);
	rc = ini_parse_stream(read_line, c, ini_handler_cb, c);
	/* inih errors we did not see first (should not happen). */
	if (rc && !c->failed)
		conf_fail_at(c, rc > 0 ? (unsigned)rc : c->lineno,
			"syntax error (expected 'key = value')");
	if (!c->failed)
		finish(c);
	rc = c->failed ? -1 : 0;
	free(c);
	if (rc)
		memset(s, 0, sizeof(*s));
	return rc;
}

int sl_settings_load_string(const char *text, const char *name,
			    struct sl_settings *s, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	if (!name)
		name = "<string>";
	if (!text) {
		if (err && errlen)
			snprintf(err, errlen, "%s: no text", name);
		memset(s, 0, sizeof(*s));
		return -1;
	}
	return parse(text, strlen(text), name, s, err, errlen);
}

int sl_settings_load_file(const char *path, struct sl_settings *s, char *err,
			  size_t errlen)
{
	char *buf;
	size_t n;
	FILE *f;
	int rc, e;

	if (err && errlen)
		err[0] = '\0';
	memset(s, 0, sizeof(*s));
	f = fopen(path, "r");
	if (!f) {
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot open: %s", path,
				 strerror(errno));
		return -1;
	}
	/* One byte more than allowed tells "too large" from "just fits". */
	buf = malloc(SL_CONFIG_MAX_FILE + 1);
	if (!buf) {
		fclose(f);
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	n = fread(buf, 1, SL_CONFIG_MAX_FILE + 1, f);
	e = ferror(f) ? errno : 0;
	fclose(f);
	if (e || n > SL_CONFIG_MAX_FILE) {
		if (err && errlen) {
			if (e)
				snprintf(err, errlen, "%s: cannot read: %s",
					 path, strerror(e));
			else
				snprintf(err, errlen, "%s: larger than %u bytes",
					 path, SL_CONFIG_MAX_FILE);
		}
		free(buf);
		return -1;
	}
	rc = parse(buf, n, path, s, err, errlen);
	free(buf);
	return rc;
}

