/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Header parameters, *( SEMI name [ EQUAL value ] ), as the Via and To
 * parsers read them (RFC 3261 25.1 generic-param; a value is a token or
 * a quoted string).  Two ways, each header using both:
 *  - params_fast(): the common shape, with no LWS around ';' and '=' and
 *    no quoted value, token by token with the word-at-a-time search;
 *  - param_step(): the rest, a byte at a time.  value_bytes_step() drives
 *    a header's bpf_loop over its value: the header's own states (before
 *    the parameters) go to the header's function, the parameter states to
 *    param_step(), whose events the header turns into what it keeps.
 */
#ifndef SL_SIP_PARAMS_H
#define SL_SIP_PARAMS_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "net/payload.h"
#include "sip/scratch.h"
#include "sip/lex.h"
#include "sip/find.h"

/* Does the name [s, e) equal word (lower case letters, len <= 8), in any
 * case?  Or-ing 0x20 folds upper case onto lower case, and only letters
 * land on letters. */
static __always_inline int param_name_is(const __u8 *buf, __u32 s, __u32 e,
					 __u64 word, __u32 len)
{
	return e - s == len &&
	       ((sw(buf, s) | ONES64 * 0x20) & first_bytes(len)) == word;
}

/* Where the fast path accepts the end of a token value: the next
 * parameter, the next value or the end of the line (not LWS or a quote,
 * which the byte-wise parser reads). */
static __always_inline int param_value_end(__u8 c)
{
	return c == ';' || c == ',' || c == '\r' || c == '\n';
}

#define PARAMS_FAST_MAX	8	/* parameters read before giving up */

/*
 * The parameters of a header value that ends at e, from q (a ';'; at e
 * there are none), looking for the one called name (see
 * param_name_is()): the value of the last one goes to *value, as
 * Kamailio keeps the last (add_param() in parse_addr_spec.c, the Via's
 * branch likewise).  Every parameter is read: an empty name anywhere
 * (";;", ";=", ";," or ';' at the end) makes the whole header one
 * Kamailio does not parse (parse_to_param() in state S_PARA_NAME,
 * parse_via() in F_PARAM), which the byte-wise parser reports.  Returns 1
 * when done, 0 when the parameters need the byte-wise parser (LWS, an
 * empty name, a quoted or empty value, name without a value, more than
 * PARAMS_FAST_MAX of them).  With to_rules (the To, see to_param_step()),
 * the caller has made sure that there is no ',' (nor a '\\'), and a '='
 * in a value goes to the byte-wise parser too.  Without (the Via, see
 * param_step()), a parameter without a value or with an empty one, and a
 * ',' (the values after it: via_later_values()), are the byte-wise
 * parser's too.
 */
static __always_inline int params_fast_rules(struct sl_scratch *x, __u32 q,
					     __u32 e, __u64 name,
					     __u32 name_len,
					     struct span *value, int to_rules)
{
	const __u8 *buf = x->buf;
	__u32 p;
	int i;

#pragma unroll
	for (i = 0; i < PARAMS_FAST_MAX; i++) {
		q = opaque(x, q);
		e = opaque(x, e);
		if (q >= e)
			return 1;
		if (sb(buf, q) != ';')
			return 0;	/* ',', LWS: the state machine's */
		p = q + 1;
		q = token_end_fast(x, p, e, '=', '"');
		if (q == p || (q < e && sb(buf, q) == '"'))
			return 0;	/* no name (or LWS before it), quote */
		if (param_name_is(buf, p, q, name, name_len)) {
			/* without a value it empties the one before: the
			 * byte-wise parser's case */
			if (q >= e || sb(buf, q) != '=')
				return 0;
			p = q + 1;
			q = token_end_fast(x, p, e, '"', to_rules ? '=' : 0);
			if (q == p || (q < e && !param_value_end(sb(buf, q))))
				return 0;	/* empty, quoted, LWS, '=' */
			value->s = p;
			value->e = q;
			continue;
		}
		if (q < e && sb(buf, q) == '=') {	/* skip a value */
			p = q + 1;
			q = token_end_fast(x, p, e, '"', to_rules ? '=' : 0);
			if (q < e && (sb(buf, q) == '"' ||
				      (to_rules && sb(buf, q) == '=')))
				return 0;
			if (!to_rules && q == p)
				return 0;	/* Via: empty */
		} else if (!to_rules) {
			return 0;	/* Via: no value */
		}
	}
	return 0;
}

/* params_fast_rules() as the Via reads its parameters. */
static __always_inline int params_fast(struct sl_scratch *x, __u32 q, __u32 e,
				       __u64 name, __u32 name_len,
				       struct span *value)
{
	return params_fast_rules(x, q, e, name, name_len, value, 0);
}

/*
 * The parameter states of a header's byte-wise parser.  The header's own
 * states (enum via_state, enum to_state) come before PS_WS, so that both
 * fit the one state byte; PS_DONE and PS_BAD end any of them.
 */
enum param_state {
	PS_WS = 16,		/* after ';': LWS, then the name (the value
				 * must not end here: no name) */
	PS_NAME,
	PS_AFTER_NAME,		/* LWS after the name */
	PS_VALUE_WS,		/* after '=' */
	PS_VALUE,
	PS_QUOTED,		/* a quoted value */
	PS_AFTER_VALUE,
	PS_CR,			/* To: after CR/LF, state to go back to on
				 * SP/HT in vp->escaped (to_param_step()) */
	PS_DONE,		/* the header value ended: ',' (To: a CR/LF
				 * and no fold, to_param_step()) */
	PS_BAD,
};

/* What param_step() saw at a byte, for the header to act on. */
enum param_event {
	PARAM_NONE,
	PARAM_NAME_END,		/* the name [mark, i) ended */
	PARAM_VALUE_END,	/* the token value [mark, i) ended */
};

/* After a token, past any LWS: the byte c leads to the next parameter,
 * the end of the value (','), more LWS (ws_state), or junk, which fails
 * the header (Kamailio's parse_via(); the To has to_param_step()). */
static __always_inline __u8 param_after(__u8 c, __u8 ws_state)
{
	if (c == ';')
		return PS_WS;
	if (c == ',')
		return PS_DONE;
	if (is_lws(c))
		return ws_state;
	return PS_BAD;
}

/* Inside a quoted string: 1 at the closing quote. */
static __always_inline int quoted_string_end(volatile struct value_parse *vp,
					     __u8 c)
{
	if (vp->escaped)
		vp->escaped = 0;
	else if (c == '\\')
		vp->escaped = 1;
	else if (c == '"')
		return 1;
	return 0;
}

/* The token that a header value ended inside of, as a param_step() event:
 * the header closes it as it would at a delimiter. */
static __always_inline int param_token_open(__u8 state)
{
	if (state == PS_NAME)
		return PARAM_NAME_END;
	if (state == PS_VALUE)
		return PARAM_VALUE_END;
	return PARAM_NONE;
}

/*
 * param_step() with the To's rules, those of Kamailio's parse_to_param()
 * (src/core/parser/parse_addr_spec.c, allow_comma_sep 0 from
 * parse_to()), which fails the whole header (so sl_filter_ACK() does not
 * filter) on:
 *  - '\\' in any state, a quoted value too (l. 227-248: the escape case
 *    falls through to the error);
 *  - '"' anywhere but right after '=' (LWS between) or closing a quoted
 *    value (l. 250-277);
 *  - '=' in or after a value (l. 424-447);
 *  - ',' anywhere but in or before the value of a tag parameter
 *    (l. 450-502: there it is part of the value, or skipped before it,
 *    as LWS is);
 *  - after the name's LWS anything but '=' or ';', after a value
 *    anything but LWS or ';' (state S_EQUAL, E_PARA_VALUE: "spitting
 *    out");
 *  - CR or LF in a quoted value (no folding there).
 * Elsewhere CR or LF (F_CR, F_LF) is LWS when SP or HT follows (a fold),
 * else the header ends there (l. 538: the parameter so far stands, but
 * ';' before it fails), the rest of the line being Kamailio's next header:
 * what becomes of that is left as it was (the To ends, PS_DONE), but for
 * '\\' and ',', which fail the To.
 * A quoted value is the bytes between its quotes, the first '"' closing
 * it (l. 260-265): its event is a PARAM_VALUE_END at the closing quote,
 * with vp->mark after the opening one.  ';' right after '=' ends an
 * empty value.
 */
static __always_inline int to_param_step(volatile struct value_parse *vp,
					 __u8 st, __u8 c, __u32 i)
{
	if (c == '\\')
		goto bad;
	if ((c == '\r' || c == '\n') && st != PS_QUOTED) {
		if (st == PS_CR)
			return PARAM_NONE;	/* CR LF */
		vp->escaped = st == PS_NAME ? PS_AFTER_NAME :
			      st == PS_VALUE ? PS_AFTER_VALUE : st;
		vp->state = PS_CR;
		return param_token_open(st);
	}
	switch (st) {
	case PS_CR:
		if (is_lws(c))
			vp->state = vp->escaped;
		else if (c == ',' || vp->escaped == PS_WS)
			goto bad;
		else
			vp->state = PS_DONE;
		break;
	case PS_WS:
		if (is_lws(c))
			break;
		if (c == ';' || c == ',' || c == '=' || c == '"')
			goto bad;
		vp->mark = i;
		vp->state = PS_NAME;
		break;
	case PS_NAME:
		if (c == '=' || c == ';' || is_lws(c)) {
			vp->state = c == '=' ? PS_VALUE_WS :
				    c == ';' ? PS_WS : PS_AFTER_NAME;
			return PARAM_NAME_END;
		}
		if (c == ',' || c == '"')
			goto bad;
		break;
	case PS_AFTER_NAME:
		if (c == '=')
			vp->state = PS_VALUE_WS;
		else if (c == ';')
			vp->state = PS_WS;
		else if (!is_lws(c))
			goto bad;
		break;
	case PS_VALUE_WS:
		if (is_lws(c) || (c == ',' && vp->param))
			break;
		if (c == '"') {
			vp->mark = i + 1;
			vp->state = PS_QUOTED;
		} else if (c == ';') {
			vp->param = 0;
			vp->state = PS_WS;
		} else if (c == ',' || c == '=') {
			goto bad;
		} else {
			vp->mark = i;
			vp->state = PS_VALUE;
		}
		break;
	case PS_VALUE:
		if (c == ';' || is_lws(c)) {
			vp->state = c == ';' ? PS_WS : PS_AFTER_VALUE;
			return PARAM_VALUE_END;
		}
		if ((c == ',' && !vp->param) || c == '"' || c == '=')
			goto bad;
		break;
	case PS_QUOTED:
		if (c == '"') {
			vp->state = PS_AFTER_VALUE;
			return PARAM_VALUE_END;
		}
		if (c == '\r' || c == '\n')
			goto bad;
		break;
	case PS_AFTER_VALUE:
		if (c == ';')
			vp->state = PS_WS;
		else if (!is_lws(c))
			goto bad;
		break;
	}
	return PARAM_NONE;
bad:
	vp->state = PS_BAD;
	return PARAM_NONE;
}

/*
 * One byte c, at i, in parameter state st (read from vp->state by the
 * caller).  vp is the header parser's state in the scratch value, read
 * and written through a volatile view (see via_step()).  A quoted value
 * is no token: vp->param goes back to 0.  A ';' or ',' right after '='
 * ends an empty value (an event, mark == i: Kamailio's parse_via() reads
 * a null value there).  With to_rules, the To's rules instead
 * (to_param_step()).  Returns an enum param_event.
 */
static __always_inline int param_step(volatile struct value_parse *vp, __u8 st,
				      __u8 c, __u32 i, int to_rules)
{
	if (to_rules)
		return to_param_step(vp, st, c, i);
	switch (st) {
	case PS_WS:
		if (is_lws(c))
			break;
		if (c == ';' || c == ',' || c == '=') {
			/* no name: Kamailio's parsers fail the header
			 * (params_fast()) */
			vp->state = PS_BAD;
			break;
		}
		vp->mark = i;
		vp->state = PS_NAME;
		break;
	case PS_NAME:
		if (c == '=' || c == ';' || c == ',' || is_lws(c)) {
			vp->state = c == '=' ? PS_VALUE_WS :
					       param_after(c, PS_AFTER_NAME);
			return PARAM_NAME_END;
		}
		break;
	case PS_AFTER_NAME:
		if (c == '=')
			vp->state = PS_VALUE_WS;
		else if (!is_lws(c))
			vp->state = param_after(c, PS_AFTER_NAME);
		break;
	case PS_VALUE_WS:
		if (is_lws(c))
			break;
		if (c == '"') {
			vp->param = 0;
			vp->escaped = 0;
			vp->state = PS_QUOTED;
			break;
		}
		vp->mark = i;
		if (c == ';' || c == ',') {
			vp->state = param_after(c, PS_AFTER_VALUE);
			return PARAM_VALUE_END;	/* [i, i) */
		}
		vp->state = PS_VALUE;
		break;
	case PS_VALUE:
		if (c == ';' || c == ',' || is_lws(c)) {
			vp->state = param_after(c, PS_AFTER_VALUE);
			return PARAM_VALUE_END;
		}
		break;
	case PS_QUOTED:
		if (quoted_string_end(vp, c))
			vp->state = PS_AFTER_VALUE;
		break;
	case PS_AFTER_VALUE:
		if (!is_lws(c))
			vp->state = param_after(c, PS_AFTER_VALUE);
		break;
	}
	return PARAM_NONE;
}

/*
 * Byte i of a header value read a byte at a time: the header's own states
 * go to header_byte(), the parameter states to param_step() and what it
 * sees to param_event() (to_rules: see param_step()).  Returns 1 to
 * stop: at the end of the value, at a ',' (vp->end), on an error
 * (PS_BAD), or when header_byte() says so.
 */
static __always_inline int
value_byte(struct sl_scratch *x, volatile struct value_parse *vp, __u32 i,
	   int to_rules,
	   int (*header_byte)(struct sl_scratch *x, __u8 st, __u8 c, __u32 i),
	   void (*param_event)(struct sl_scratch *x, __u32 i, int ev))
{
	__u8 c, st;

	if (i >= vp->e)
		return 1;
	c = sb(x->buf, i);
	st = vp->state;
	if (st >= PS_DONE)
		return 1;
	if (st >= PS_WS)
		param_event(x, i, param_step(vp, st, c, i, to_rules));
	else if (header_byte(x, st, c, i))
		return 1;
	if (vp->state == PS_DONE) {
		vp->end = i;
		return 1;
	}
	return vp->state == PS_BAD;
}

/* The body of a header parser's bpf_loop callback: value_byte() on the
 * BYTES_PER_STEP bytes of loop step idx.  The functions are constants at
 * each call site: they compile to direct, inlined calls.  The state is
 * read and written through a volatile view so that no value is carried
 * in registers from one byte to the next: each byte starts from an
 * unknown state for the verifier. */
static __always_inline long
value_bytes_step(struct sl_scratch *x, volatile struct value_parse *vp,
		 __u32 idx, int to_rules,
		 int (*header_byte)(struct sl_scratch *x, __u8 st, __u8 c, __u32 i),
		 void (*param_event)(struct sl_scratch *x, __u32 i, int ev))
{
	__u32 i = vp->s + idx * BYTES_PER_STEP;
	int k;

#pragma unroll
	for (k = 0; k < BYTES_PER_STEP; k++)
		if (value_byte(x, vp, i + k, to_rules, header_byte,
			       param_event))
			return 1;
	return 0;
}

#endif /* SL_SIP_PARAMS_H */
