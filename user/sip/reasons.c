// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Reason phrases: RFC 3261 section 21, and the error replies. */
#include <stddef.h>

#include "sip/reasons.h"
#include "sip/sip_msg.h"	/* enum sip_error */

static const struct {
	unsigned short code;
	const char *reason;
} std_reasons[] = {
	/* RFC 3261 section 21 */
	{ 100, "Trying" },
	{ 180, "Ringing" },
	{ 181, "Call Is Being Forwarded" },
	{ 182, "Queued" },
	{ 183, "Session Progress" },
	{ 200, "OK" },
	{ 300, "Multiple Choices" },
	{ 301, "Moved Permanently" },
	{ 302, "Moved Temporarily" },
	{ 305, "Use Proxy" },
	{ 380, "Alternative Service" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 402, "Payment Required" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 406, "Not Acceptable" },
	{ 407, "Proxy Authentication Required" },
	{ 408, "Request Timeout" },
	{ 410, "Gone" },
	{ 413, "Request Entity Too Large" },
	{ 414, "Request-URI Too Long" },
	{ 415, "Unsupported Media Type" },
	{ 416, "Unsupported URI Scheme" },
	{ 420, "Bad Extension" },
	{ 421, "Extension Required" },
	{ 423, "Interval Too Brief" },
	{ 480, "Temporarily Unavailable" },
	{ 481, "Call/Transaction Does Not Exist" },
	{ 482, "Loop Detected" },
	{ 483, "Too Many Hops" },
	{ 484, "Address Incomplete" },
	{ 485, "Ambiguous" },
	{ 486, "Busy Here" },
	{ 487, "Request Terminated" },
	{ 488, "Not Acceptable Here" },
	{ 491, "Request Pending" },
	{ 493, "Undecipherable" },
	{ 500, "Server Internal Error" },
	{ 501, "Not Implemented" },
	{ 502, "Bad Gateway" },
	{ 503, "Service Unavailable" },
	{ 504, "Server Time-out" },
	{ 505, "Version Not Supported" },
	{ 513, "Message Too Large" },
	{ 600, "Busy Everywhere" },
	{ 603, "Decline" },
	{ 604, "Does Not Exist Anywhere" },
	{ 606, "Not Acceptable" },
};

const char *sl_std_reason(unsigned code)
{
	size_t i;

	for (i = 0; i < sizeof(std_reasons) / sizeof(std_reasons[0]); i++)
		if (std_reasons[i].code == code)
			return std_reasons[i].reason;
	return NULL;
}

/*
 * Error replies, first match wins.  The order: what makes the request
 * line meaningless, then the version (505, as RFC 3261 8.2.1 would check
 * it first), then framing, then the headers the reply echoes, then the
 * body framing.
 */
#define E(bit, code, text)	{ bit, code, sizeof(text) - 1, text }
static const struct {
	__u32 bit;
	__u16 code;
	__u8 len;		/* strlen(text) */
	const char *text;
} err_table[] = {
	E(SIP_E_START_LINE,	400, "Bad Request (Malformed Request-Line)"),
	E(SIP_E_VERSION,	505, "Version Not Supported"),
	E(SIP_E_RURI,		400, "Bad Request (Bad Request-URI)"),
	E(SIP_E_HDR_LINE,	400, "Bad Request (Malformed header line)"),
	E(SIP_E_TOO_MANY_HDRS,	400, "Bad Request (Too many header fields)"),
	E(SIP_E_NO_EOH,		400, "Bad Request (Header section not terminated)"),
	E(SIP_E_DUP_FROM,	400, "Bad Request (Multiple From headers)"),
	E(SIP_E_DUP_TO,		400, "Bad Request (Multiple To headers)"),
	E(SIP_E_DUP_CALLID,	400, "Bad Request (Multiple Call-ID headers)"),
	E(SIP_E_DUP_CSEQ,	400, "Bad Request (Multiple CSeq headers)"),
	E(SIP_E_VIA,		400, "Bad Request (Malformed Via)"),
	E(SIP_E_FROM_QUOTE,	400, "Bad Request (Unterminated quoted string in From)"),
	E(SIP_E_FROM,		400, "Bad Request (Malformed From)"),
	E(SIP_E_TO_QUOTE,	400, "Bad Request (Unterminated quoted string in To)"),
	E(SIP_E_TO,		400, "Bad Request (Malformed To)"),
	E(SIP_E_CALLID,		400, "Bad Request (Empty Call-ID)"),
	E(SIP_E_CSEQ_NUM,	400, "Bad Request (CSeq number is illegal)"),
	E(SIP_E_CSEQ,		400, "Bad Request (Malformed CSeq)"),
	E(SIP_E_CSEQ_METHOD,	400,
	  "Bad Request (CSeq method does not match request method)"),
	E(SIP_E_CLEN,		400, "Bad Request (Invalid Content-Length)"),
	E(SIP_E_CLEN_MULTI,	400, "Bad Request (Multiple Content-Length values)"),
	E(SIP_E_CLEN_MISMATCH,	400, "Bad Request (Content-Length mismatch)"),
};
#undef E

const char *sl_error_reason(__u32 errors, __u16 *code, size_t *len)
{
	size_t i;

	if (!errors)
		return NULL;	/* the usual request: no table walk */
	for (i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++) {
		if (errors & err_table[i].bit) {
			if (code)
				*code = err_table[i].code;
			if (len)
				*len = err_table[i].len;
			return err_table[i].text;
		}
	}
	return NULL;
}
