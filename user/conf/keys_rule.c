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

static int rule_method(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_rule *r = cur_rule(c);
	const char *p = val, *it;
	unsigned n = 0, i;
	size_t len, j;

	if (!strcmp(val, "*")) {
		r->method_any = 1;
		r->keys |= SL_KEY_METHOD;
		return 0;
	}
	while (conf_next_item(&p, &it, &len)) {
		if (!len)
			return conf_fail(c, "%s: empty item in the list", key);
		if (len == 1 && *it == '*')
			return conf_fail(c, "%s: '*' (any method) cannot be combined with method names",
				    key);
		for (j = 0; j < len; j++)
			if (!conf_is_token_char(it[j]))
				return conf_fail(c, "%s: '%.*s' is not a method name (RFC 3261 token characters only)",
					    key, (int)len, it);
		if (len > SL_METHOD_MAX_LEN)
			return conf_fail(c, "%s: '%.*s' is longer than %d bytes",
				    key, (int)len, it, SL_METHOD_MAX_LEN);
		for (i = 0; i < n; i++)
			if (r->methods[i].len == len &&
			    !memcmp(r->methods[i].name, it, len))
				return conf_fail(c, "%s: %.*s is listed twice",
					    key, (int)len, it);
		if (n == SL_MAX_METHODS)
			return conf_fail(c, "%s: more than %d methods", key,
				    SL_MAX_METHODS);
		memset(&r->methods[n], 0, sizeof(r->methods[n]));
		r->methods[n].len = len;
		memcpy(r->methods[n].name, it, len);
		n++;
	}
	r->n_methods = n;
	r->keys |= SL_KEY_METHOD;
	return 0;
}

static int rule_src(struct parse_ctx *c, const char *key, const char *val)
{
	struct sl_rule *r = cur_rule(c);
	const char *p = val, *it;
	struct sl_prefix pfx;
	unsigned n = 0, i;
	size_t len;

	while (conf_next_item(&p, &it, &len)) {
		if (!len)
			return conf_fail(c, "%s: empty item in the list", key);
		if (conf_parse_prefix(c, key, it, len, &pfx))
			return -1;
		for (i = 0; i < n; i++)
			if (!memcmp(&r->prefixes[i], &pfx, sizeof(pfx)))
				return conf_fail(c, "%s: %.*s is listed twice",
					    key, (int)len, it);
		if (n == SL_MAX_PREFIXES)
			return conf_fail(c, "%s: more than %d prefixes", key,
				    SL_MAX_PREFIXES);
		r->prefixes[n++] = pfx;
	}
	r->n_prefixes = n;
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
	r->keys |= SL_KEY_RURI_USER;
	return 0;
}

static int rule_user_agent(struct parse_ctx *c, const char *key,
			   const char *val)
{
	struct sl_rule *r = cur_rule(c);

	if (conf_set_match_str(c, key, val, &r->user_agent, true))
		return -1;
	r->keys |= SL_KEY_USER_AGENT;
	c->s->dp.rules_need_headers = 1;
	return 0;
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
	[R_REPLY]	= { "reply", rule_reply, false },
	[R_HEADER]	= { "header", rule_header, false },
	[R_ACTION]	= { "action", rule_action, false },
};
