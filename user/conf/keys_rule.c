// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The [rule NAME] keys: match keys (stored in struct sl_rule for the
 * data plane) and the reply (struct sl_rule_reply, userspace only).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "conf/parse.h"

/* ---- [rule NAME] keys ---- */

static struct sl_rule *cur_rule(struct parse_ctx *c)
{
	return &c->s->rules[c->rule];
}

static struct sl_rule_reply *cur_reply(struct parse_ctx *c)
{
	return &c->s->replies[c->rule];
}

unsigned sl_method_number(const struct sl_settings *s, const char *name)
{
	size_t len = strlen(name);

	for (unsigned i = 0; i < s->dp.n_method_names && i < SL_METHOD_NAMES; i++)
		if (s->method_names[i].len == len &&
		    !memcmp(s->method_names[i].name, name, len))
			return i;
	return SL_METHOD_OTHER;
}

/* The number of method name [it, it + len) in this file's table of
 * names (s->method_names, in the order the file first names them),
 * added if new. */
static int method_number(struct parse_ctx *c, const char *key,
			 const char *it, size_t len, unsigned *id)
{
	struct sl_settings *s = c->s;
	struct sl_method_slot *m;
	unsigned i;

	for (i = 0; i < s->dp.n_method_names; i++) {
		m = &s->method_names[i];
		if (m->len == len && !memcmp(m->name, it, len)) {
			*id = i;
			return 0;
		}
	}
	if (s->dp.n_method_names == SL_METHOD_NAMES)
		return conf_fail(c, "%s: '%.*s' would be the %dth distinct method name of the rules (at most %d in a file)",
			    key, (int)len, it, SL_METHOD_NAMES + 1,
			    SL_METHOD_NAMES);
	m = &s->method_names[s->dp.n_method_names];
	memset(m, 0, sizeof(*m));
	m->len = (__u8)len;
	m->id = (__u8)s->dp.n_method_names;
	memcpy(m->name, it, len);
	*id = s->dp.n_method_names++;
	return 0;
}

/*
 * method = NAME, NAME...   these methods
 * method = !NAME, NAME...  every method but these
 * method = *               any method
 * The key may repeat: its lines make one list, and a '!' at the start of
 * the first line negates all of it.  Names are case-sensitive (RFC 3261
 * 7.1): "invite" is not INVITE.
 */
static int rule_method(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_rule *r = cur_rule(c);
	__u8 *form = &c->method_form[c->rule];
	__u64 *bits = &c->method_bits[c->rule];
	const char *p = val, *it;
	bool neg = false;
	unsigned id = 0;
	size_t len, j;

	if (*form == METHOD_ANY)
		return conf_fail(c, "%s: the rule already takes any method ('*', line %u)",
			    key, c->rule_seen[c->rule][R_METHOD]);
	if (!strcmp(val, "*")) {
		if (*form)
			return conf_fail(c, "%s: '*' (any method) cannot be combined with method names (line %u)",
				    key, c->rule_seen[c->rule][R_METHOD]);
		*form = METHOD_ANY;
		r->method_mask = ~0ULL;
		r->keys |= SL_KEY_METHOD;
		c->s->dp.rules_need |= SL_NEED_METHOD;
		return 0;
	}
	if (*p == '!') {
		if (*form)
			return conf_fail(c, "%s: '!' may only start the first method line of a rule (line %u); it negates the whole list",
				    key, c->rule_seen[c->rule][R_METHOD]);
		neg = true;
		for (p++; conf_is_blank(*p); p++)
			;
		if (!*p)
			return conf_fail(c, "%s: '!' needs the methods it excludes", key);
	}
	while (conf_next_item(&p, &it, &len)) {
		if (!len)
			return conf_fail(c, "%s: empty item in the list", key);
		if (len == 1 && *it == '*')
			return conf_fail(c, "%s: '*' (any method) cannot be combined with method names",
				    key);
		/* a token character, but here it negates: never a name */
		if (*it == '!')
			return conf_fail(c, "%s: '%.*s': '!' negates the whole list, only at the start of the first method line",
				    key, (int)len, it);
		for (j = 0; j < len; j++)
			if (!conf_is_token_char(it[j]))
				return conf_fail(c, "%s: '%.*s' is not a method name (RFC 3261 token characters only)",
					    key, (int)len, it);
		if (len > SL_METHOD_MAX_LEN)
			return conf_fail(c, "%s: '%.*s' is longer than %d bytes",
				    key, (int)len, it, SL_METHOD_MAX_LEN);
		if (method_number(c, key, it, len, &id))
			return -1;
		if (*bits & (1ULL << id))
			return conf_fail(c, "%s: %.*s is listed twice", key,
				    (int)len, it);
		*bits |= 1ULL << id;
	}
	if (neg)
		*form = METHOD_NOT;
	else if (!*form)
		*form = METHOD_LIST;
	r->method_mask = *form == METHOD_NOT ? ~*bits : *bits;
	r->keys |= SL_KEY_METHOD;
	c->s->dp.rules_need |= SL_NEED_METHOD;
	return 0;
}

static int rule_src(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_rule *r = cur_rule(c);

	if (conf_parse_prefix_list(c, key, val, r->prefixes, SL_MAX_PREFIXES,
				   &r->n_prefixes))
		return -1;
	r->keys |= SL_KEY_SRC;
	return 0;
}

static int rule_port(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_rule *r = cur_rule(c);

	if (conf_parse_port_list(c, key, val, r->ports, &r->n_ports))
		return -1;
	r->keys |= SL_KEY_PORT;
	return 0;
}

static int rule_ruri_user(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_rule *r = cur_rule(c);

	/* Neither can appear in a Request-URI user part: never matches. */
	if (strpbrk(val, " \t@"))
		return conf_fail(c, "%s: '%s' cannot be the start of a URI user part (blank or '@')",
			    key, val);
	if (conf_set_match_str(c, key, val, &r->ruri_user_prefix, false))
		return -1;
	r->ruri_user_prefix.prefix = 1;
	r->keys |= SL_KEY_RURI_USER;
	c->s->dp.rules_need |= SL_NEED_RURI_USER;
	return 0;
}

static int rule_user_agent(struct parse_ctx *c, const char *key,
			   const char *val)
{
	struct sl_rule *r = cur_rule(c);

	if (conf_set_match_str(c, key, val, &r->user_agent, true))
		return -1;
	r->keys |= SL_KEY_USER_AGENT;
	c->s->dp.rules_need |= SL_NEED_USER_AGENT;
	return 0;
}

/*
 * from_user, from_domain, to_user: the whole user part (host part) of
 * the URI in From (To), or with a trailing '*' a prefix of it.  Users are
 * case-sensitive, domains are not (RFC 3261 19.1.4).  Bytes as written
 * in the message: no %-unescaping.
 */
static int uri_part(struct parse_ctx *c, const char *key, const char *val,
		    struct sl_match_str *m, bool domain)
{
	static const char never[] = " \t@<>\";,";
	size_t len = strlen(val);
	char buf[SL_MATCH_STR_MAX + 2];
	bool prefix = len && val[len - 1] == '*';

	if (prefix)
		len--;
	if (!len)
		return conf_fail(c, "%s: '%s' matches every %s: leave the key out",
			    key, val, domain ? "domain" : "user");
	if (len > SL_MATCH_STR_MAX)
		return conf_fail(c, "%s: value is too long (%zu bytes, at most %d)",
			    key, len, SL_MATCH_STR_MAX);
	if (strcspn(val, never) < len)
		return conf_fail(c, "%s: '%s' cannot be in a URI %s part (blank, '@', '<', '>', '\"', ';' or ',')",
			    key, val, domain ? "host" : "user");
	memcpy(buf, val, len);
	buf[len] = '\0';
	if (conf_set_match_str(c, key, buf, m, domain))
		return -1;
	m->prefix = prefix;
	return 0;
}

/* A from_user / from_domain / to_user key of the current rule. */
static int uri_key(struct parse_ctx *c, const char *key, const char *val,
		   struct sl_match_str *m, bool domain, __u32 key_bit,
		   __u8 need)
{
	if (uri_part(c, key, val, m, domain))
		return -1;
	cur_rule(c)->keys |= key_bit;
	c->s->dp.rules_need |= need;
	return 0;
}

static int rule_from_user(struct parse_ctx *c, const char *key,
			  const char *val)
{
	return uri_key(c, key, val, &cur_rule(c)->from_user, false,
		       SL_KEY_FROM_USER, SL_NEED_FROM);
}

static int rule_from_domain(struct parse_ctx *c, const char *key,
			    const char *val)
{
	return uri_key(c, key, val, &cur_rule(c)->from_domain, true,
		       SL_KEY_FROM_DOMAIN, SL_NEED_FROM);
}

static int rule_to_user(struct parse_ctx *c, const char *key, const char *val)
{
	return uri_key(c, key, val, &cur_rule(c)->to_user, false,
		       SL_KEY_TO_USER, SL_NEED_TO);
}

/* reply and header only make sense when the rule replies. */
static int check_replies(struct parse_ctx *c, const char *key)
{
	unsigned line = c->rule_seen[c->rule][R_ACTION];
	struct sl_rule *r = cur_rule(c);

	if (line && r->action != SL_ACTION_REPLY)
		return conf_fail(c, "%s: rule '%s' has action = %s (line %u); %s needs action = reply",
			    key, cur_reply(c)->name, sl_action_name(r->action),
			    line, key);
	return 0;
}


static int rule_reply(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_rule_reply *rep = cur_reply(c);
	const char *reason;
	__u16 code;

	if (check_replies(c, key) || conf_parse_reply(c, key, val, &code, &reason))
		return -1;
	if (conf_copy_value(c, key, rep->reason, sizeof(rep->reason), reason))
		return -1;
	rep->code = code;
	return 0;
}

static int rule_header(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_rule_reply *rep = cur_reply(c);
	size_t len = strlen(val);

	if (check_replies(c, key) || conf_check_header(c, key, val))
		return -1;
	/* headers_len + line + CRLF must leave room for the NUL. */
	if (rep->headers_len + len + 2 >= sizeof(rep->headers))
		return conf_fail(c, "%s: extra headers of rule '%s' exceed %zu bytes",
			    key, rep->name, sizeof(rep->headers) - 1);
	memcpy(rep->headers + rep->headers_len, val, len);
	memcpy(rep->headers + rep->headers_len + len, "\r\n", 3);
	rep->headers_len += len + 2;
	return 0;
}

/* when = backend-up | backend-down (the health gate, [backend]) */
static int rule_when(struct parse_ctx *c, const char *key, const char *val)
{
	__u64 bit = 1ULL << c->rule;

	if (!strcmp(val, "backend-up"))
		c->s->dp.when_up |= bit;
	else if (!strcmp(val, "backend-down"))
		c->s->dp.when_down |= bit;
	else
		return conf_fail(c, "%s: '%s' is not backend-up or backend-down",
				 key, val);
	return 0;
}

static int rule_action(struct parse_ctx *c, const char *key, const char *val)
{
	unsigned *seen = c->rule_seen[c->rule];
	struct sl_rule *r = cur_rule(c);
	__u8 action;

	if (conf_parse_action(c, key, val, &action))
		return -1;
	if (action != SL_ACTION_REPLY && (seen[R_REPLY] || seen[R_HEADER]))
		return conf_fail(c, "%s: action = %s conflicts with %s at line %u (it needs action = reply)",
			    key, val, seen[R_REPLY] ? "reply" : "header",
			    seen[R_REPLY] ? seen[R_REPLY] : seen[R_HEADER]);
	r->action = action;
	return 0;
}

const struct key_def conf_rule_keys[R_N] = {
	[R_METHOD]	= { "method", rule_method, false },
	[R_SRC]		= { "src", rule_src, false },
	[R_PORT]	= { "port", rule_port, false },
	[R_RURI_USER]	= { "ruri_user_prefix", rule_ruri_user, false },
	[R_USER_AGENT]	= { "user_agent", rule_user_agent, false },
	[R_FROM_USER]	= { "from_user", rule_from_user, false },
	[R_FROM_DOMAIN]	= { "from_domain", rule_from_domain, false },
	[R_TO_USER]	= { "to_user", rule_to_user, false },
	[R_REPLY]	= { "reply", rule_reply, false },
	[R_HEADER]	= { "header", rule_header, false },
	[R_ACTION]	= { "action", rule_action, false },
	[R_WHEN]	= { "when", rule_when, false },
};
