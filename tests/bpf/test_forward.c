// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Reply forwarding in the XDP program (Kamailio's sl_forward_reply), as a
 * fixture table: reply frame in, verdict, frame out.  The expected SIP
 * bytes are what Kamailio 5.6.3 sends for the same reply with
 * sl_forward_reply("404", "Not Found") (checked live by
 * tests/e2e/test_forward.sh); the headers are checked field by field and
 * both checksums recomputed here.
 *
 * The test runs in a network namespace of its own with two veth pairs:
 * fa0 (198.18.0.1/24, 2001:2::1/64) is where replies arrive, fb0
 * (198.18.2.1/24, 2001:2:0:2::1/64) leads to the UAC; permanent
 * neighbour entries make the next hops resolvable without traffic.  IP
 * forwarding stays off: the next hops come from the tables the
 * responder's netlink sync keeps (user/dp/nexthop.c, read here with the
 * same functions), not from the kernel's FIB helper.
 *
 * Not an open relay: a response from a source outside [forward] peers,
 * one to this host, to our own Via or back to its sender (two forwarders
 * that are each other's peers would play ping-pong), one whose next hop
 * is out of another interface without allow_redirect, and one over the
 * per-destination rate are not forwarded.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include "fixture_env.h"
#include "frame.h"
#include "dp/nexthop.h"
#include "dp/rtnl.h"
#include "sl_xdp.skel.h"

#define UAC_MAC		"02:00:00:00:0c:02"
#define FB0_MAC		"02:00:00:00:0b:00"
#define UAS_MAC		"02:00:00:00:0a:02"
#define FA0_MAC		"02:00:00:00:0a:00"

static __u8 frame[FRAME_MAX];
static struct fx_result res;
static unsigned int if_fa0, if_fb0;

enum out_if { OUT_NONE, OUT_TX, OUT_REDIRECT };

struct fwd_case {
	const char *name;
	__u8 family;			/* of the frame in */
	const char *in;			/* reply, "\n" = CRLF (sip_fmt) */
	bool lf_only;			/* keep "\n" as is */
	__u16 dport;			/* frame's destination port (0: 5060) */
	__u8 n_vlans;
	__u32 verdict;
	const char *out;		/* expected SIP bytes, same line rule */
	const char *dst;		/* expected destination address */
	__u16 out_dport;
	enum out_if out_if;
	/* counter deltas */
	__u64 forwarded, rewritten, unresolvable, passed;
	int rewrite_hit;		/* index of the rewrite counted, -1: none */
	__u64 not_peer, loop, other_iface;
	__u32 src4;			/* the frame's source, 0: 198.18.0.2 */
	const char *src6;		/* NULL: 2001:2::2 */
};

#define TAIL	"From: <sip:a@198.18.2.2>;tag=1\nTo: <sip:b@198.18.0.9>;tag=2\n" \
		"Call-ID: c1@198.18.2.2\nCSeq: 1 INVITE\nContent-Length: 4\n\nbody"
#define VIA_US	"Via: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bKus\n"
#define VIA_UAC	"Via: SIP/2.0/UDP 198.18.2.2:5099;branch=z9hG4bKuac\n"

static const struct fwd_case cases[] = {
	{ "single Via line, 480 rewritten to 404", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US VIA_UAC TAIL, false, 0, 0,
	  XDP_REDIRECT, "SIP/2.0 404 Not Found\n" VIA_UAC TAIL,
	  "198.18.2.2", 5099, OUT_REDIRECT, 1, 1, 0, 0, 0,
	  0, 0, 0, 0, NULL },
	{ "comma-separated, spaces around the comma", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n"
	  "Via: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bKa , SIP/2.0/UDP 198.18.2.2:5099;branch=z9hG4bKb\n"
	  TAIL, false, 0, 0,
	  XDP_REDIRECT, "SIP/2.0 404 Not Found\nVia: SIP/2.0/UDP 198.18.2.2:5099;branch=z9hG4bKb\n" TAIL,
	  "198.18.2.2", 5099, OUT_REDIRECT, 1, 1, 0, 0, 0,
	  0, 0, 0, 0, NULL },
	{ "compact v:, three values, only the first removed", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n"
	  "v: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bKa,SIP/2.0/UDP 198.18.2.2:5099;branch=z9hG4bKb,SIP/2.0/UDP 198.18.3.3\n"
	  TAIL, false, 0, 0,
	  XDP_REDIRECT, "SIP/2.0 404 Not Found\nv: SIP/2.0/UDP 198.18.2.2:5099;branch=z9hG4bKb,SIP/2.0/UDP 198.18.3.3\n" TAIL,
	  "198.18.2.2", 5099, OUT_REDIRECT, 1, 1, 0, 0, 0,
	  0, 0, 0, 0, NULL },
	{ "folded after the comma", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n"
	  "Via: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bKa,\n  SIP/2.0/UDP 198.18.2.2:5099;branch=z9hG4bKb\n"
	  TAIL, false, 0, 0,
	  XDP_REDIRECT, "SIP/2.0 404 Not Found\nVia: SIP/2.0/UDP 198.18.2.2:5099;branch=z9hG4bKb\n" TAIL,
	  "198.18.2.2", 5099, OUT_REDIRECT, 1, 1, 0, 0, 0,
	  0, 0, 0, 0, NULL },
	{ "folded single value: the whole header goes", 4,
	  "SIP/2.0 480 Temporarily Unavailable\nVia: SIP/2.0/UDP\n 198.18.0.1:5060;branch=z9hG4bKa\n" VIA_UAC TAIL,
	  false, 0, 0,
	  XDP_REDIRECT, "SIP/2.0 404 Not Found\n" VIA_UAC TAIL,
	  "198.18.2.2", 5099, OUT_REDIRECT, 1, 1, 0, 0, 0,
	  0, 0, 0, 0, NULL },
	{ "space before the colon, header after the top Via", 4,
	  "SIP/2.0 480 Temporarily Unavailable\nVia : SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bKa\n"
	  "CSeq: 1 INVITE\n" VIA_UAC TAIL, false, 0, 0,
	  XDP_REDIRECT, "SIP/2.0 404 Not Found\nCSeq: 1 INVITE\n" VIA_UAC TAIL,
	  "198.18.2.2", 5099, OUT_REDIRECT, 1, 1, 0, 0, 0,
	  0, 0, 0, 0, NULL },
	{ "headers before the top Via are kept", 4,
	  "SIP/2.0 480 Temporarily Unavailable\nServer: uas\nX-A: 1\n" VIA_US VIA_UAC TAIL, false, 0, 0,
	  XDP_REDIRECT, "SIP/2.0 404 Not Found\nServer: uas\nX-A: 1\n" VIA_UAC TAIL,
	  "198.18.2.2", 5099, OUT_REDIRECT, 1, 1, 0, 0, 0,
	  0, 0, 0, 0, NULL },
	{ "received and rport of the second Via win", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US
	  "Via: SIP/2.0/UDP 198.18.9.9:7777;rport=5099;received=198.18.2.2;branch=z9hG4bKb\n" TAIL,
	  false, 0, 0,
	  XDP_REDIRECT, "SIP/2.0 404 Not Found\n"
	  "Via: SIP/2.0/UDP 198.18.9.9:7777;rport=5099;received=198.18.2.2;branch=z9hG4bKb\n" TAIL,
	  "198.18.2.2", 5099, OUT_REDIRECT, 1, 1, 0, 0, 0,
	  0, 0, 0, 0, NULL },
	{ "rport without a value: the sent-by port", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US
	  "Via: SIP/2.0/UDP 198.18.2.2:5070;rport;branch=z9hG4bKb\n" TAIL, false, 0, 0,
	  XDP_REDIRECT, "SIP/2.0 404 Not Found\nVia: SIP/2.0/UDP 198.18.2.2:5070;rport;branch=z9hG4bKb\n" TAIL,
	  "198.18.2.2", 5070, OUT_REDIRECT, 1, 1, 0, 0, 0,
	  0, 0, 0, 0, NULL },
	{ "port-less second Via: 5060", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US "Via: SIP/2.0/UDP 198.18.2.2;branch=z9hG4bKb\n" TAIL,
	  false, 0, 0,
	  XDP_REDIRECT, "SIP/2.0 404 Not Found\nVia: SIP/2.0/UDP 198.18.2.2;branch=z9hG4bKb\n" TAIL,
	  "198.18.2.2", 5060, OUT_REDIRECT, 1, 1, 0, 0, 0,
	  0, 0, 0, 0, NULL },
	{ "no rewrite matches: code and reason kept", 4,
	  "SIP/2.0 200 OK\n" VIA_US VIA_UAC TAIL, false, 0, 0,
	  XDP_REDIRECT, "SIP/2.0 200 OK\n" VIA_UAC TAIL,
	  "198.18.2.2", 5099, OUT_REDIRECT, 1, 0, 0, 0, -1,
	  0, 0, 0, 0, NULL },
	{ "class rewrite 6xx: same code, new reason (longer)", 4,
	  "SIP/2.0 603 Decline\n" VIA_US VIA_UAC TAIL, false, 0, 0,
	  XDP_REDIRECT, "SIP/2.0 603 Declined By The Callee Everywhere\n" VIA_UAC TAIL,
	  "198.18.2.2", 5099, OUT_REDIRECT, 1, 1, 0, 0, 2,
	  0, 0, 0, 0, NULL },
	{ "second code of a list", 4,
	  "SIP/2.0 486 Busy Here\n" VIA_US VIA_UAC TAIL, false, 0, 0,
	  XDP_REDIRECT, "SIP/2.0 404 Not Found\n" VIA_UAC TAIL,
	  "198.18.2.2", 5099, OUT_REDIRECT, 1, 1, 0, 0, 0,
	  0, 0, 0, 0, NULL },
	{ "first matching rewrite wins (487 in the list and in 4xx)", 4,
	  "SIP/2.0 487 Request Terminated\n" VIA_US VIA_UAC TAIL, false, 0, 0,
	  XDP_REDIRECT, "SIP/2.0 404 Not Found\n" VIA_UAC TAIL,
	  "198.18.2.2", 5099, OUT_REDIRECT, 1, 1, 0, 0, 0,
	  0, 0, 0, 0, NULL },
	{ "class rewrite 4xx", 4,
	  "SIP/2.0 403 Forbidden\n" VIA_US VIA_UAC TAIL, false, 0, 0,
	  XDP_REDIRECT, "SIP/2.0 400 Bad Request Upstream\n" VIA_UAC TAIL,
	  "198.18.2.2", 5099, OUT_REDIRECT, 1, 1, 0, 0, 1,
	  0, 0, 0, 0, NULL },
	{ "empty reason is replaced too", 4,
	  "SIP/2.0 480 \n" VIA_US VIA_UAC TAIL, false, 0, 0,
	  XDP_REDIRECT, "SIP/2.0 404 Not Found\n" VIA_UAC TAIL,
	  "198.18.2.2", 5099, OUT_REDIRECT, 1, 1, 0, 0, 0,
	  0, 0, 0, 0, NULL },
	{ "LF-only line ends are kept", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US VIA_UAC TAIL, true, 0, 0,
	  XDP_REDIRECT, "SIP/2.0 404 Not Found\n" VIA_UAC TAIL,
	  "198.18.2.2", 5099, OUT_REDIRECT, 1, 1, 0, 0, 0,
	  0, 0, 0, 0, NULL },
	{ "next hop on the interface it came in on: XDP_TX", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US
	  "Via: SIP/2.0/UDP 198.18.0.3:5099;branch=z9hG4bKb\n" TAIL, false, 0, 0,
	  XDP_TX, "SIP/2.0 404 Not Found\nVia: SIP/2.0/UDP 198.18.0.3:5099;branch=z9hG4bKb\n" TAIL,
	  "198.18.0.3", 5099, OUT_TX, 1, 1, 0, 0, 0,
	  0, 0, 0, 0, NULL },
	{ "IPv6", 6,
	  "SIP/2.0 480 Temporarily Unavailable\nVia: SIP/2.0/UDP [2001:2::1]:5060;branch=z9hG4bKa\n"
	  "Via: SIP/2.0/UDP [2001:2:0:2::2]:5099;branch=z9hG4bKb\n" TAIL, false, 0, 0,
	  XDP_REDIRECT, "SIP/2.0 404 Not Found\nVia: SIP/2.0/UDP [2001:2:0:2::2]:5099;branch=z9hG4bKb\n" TAIL,
	  "2001:2:0:2::2", 5099, OUT_REDIRECT, 1, 1, 0, 0, 0,
	  0, 0, 0, 0, NULL },
	{ "IPv6, uncompressed top Via, received without brackets", 6,
	  "SIP/2.0 480 Temporarily Unavailable\n"
	  "Via: SIP/2.0/UDP [2001:0002:0000:0000:0000:0000:0000:0001]:5060;branch=z9hG4bKa\n"
	  "Via: SIP/2.0/UDP [2001:2::99]:5000;received=2001:2:0:2::2;rport=5099;branch=z9hG4bKb\n" TAIL,
	  false, 0, 0,
	  XDP_REDIRECT, "SIP/2.0 404 Not Found\n"
	  "Via: SIP/2.0/UDP [2001:2::99]:5000;received=2001:2:0:2::2;rport=5099;branch=z9hG4bKb\n" TAIL,
	  "2001:2:0:2::2", 5099, OUT_REDIRECT, 1, 1, 0, 0, 0,
	  0, 0, 0, 0, NULL },
	/* passed to the stack */
	{ "only our Via: addressed to us", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US TAIL, false, 0, 0,
	  XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 1, -1,
	  0, 0, 0, 0, NULL },
	{ "top Via is not ours (port)", 4,
	  "SIP/2.0 480 Temporarily Unavailable\nVia: SIP/2.0/UDP 198.18.0.1:5070;branch=z9hG4bKa\n" VIA_UAC TAIL,
	  false, 0, 0, XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 1, -1,
	  0, 0, 0, 0, NULL },
	{ "top Via is not ours (address)", 4,
	  "SIP/2.0 480 Temporarily Unavailable\nVia: SIP/2.0/UDP 198.18.0.3:5060;branch=z9hG4bKa\n" VIA_UAC TAIL,
	  false, 0, 0, XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 1, -1,
	  0, 0, 0, 0, NULL },
	{ "top Via is a host name", 4,
	  "SIP/2.0 480 Temporarily Unavailable\nVia: SIP/2.0/UDP proxy.example:5060;branch=z9hG4bKa\n" VIA_UAC TAIL,
	  false, 0, 0, XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 1, -1,
	  0, 0, 0, 0, NULL },
	{ "second Via is a host name: unresolvable", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US "Via: SIP/2.0/UDP uac.example:5099;branch=z9hG4bKb\n" TAIL,
	  false, 0, 0, XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 1, 0, -1,
	  0, 0, 0, 0, NULL },
	{ "no neighbour entry for the next hop: unresolvable", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US "Via: SIP/2.0/UDP 198.18.2.77:5099;branch=z9hG4bKb\n" TAIL,
	  false, 0, 0, XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 1, 0, -1,
	  0, 0, 0, 0, NULL },
	{ "no route: unresolvable", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US "Via: SIP/2.0/UDP 198.19.200.1:5099;branch=z9hG4bKb\n" TAIL,
	  false, 0, 0, XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 1, 0, -1,
	  0, 0, 0, 0, NULL },
	{ "second Via over TCP", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US "Via: SIP/2.0/TCP 198.18.2.2:5099;branch=z9hG4bKb\n" TAIL,
	  false, 0, 0, XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 1, -1,
	  0, 0, 0, 0, NULL },
	{ "second Via of the other family", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US "Via: SIP/2.0/UDP [2001:2:0:2::2]:5099;branch=z9hG4bKb\n" TAIL,
	  false, 0, 0, XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 1, -1,
	  0, 0, 0, 0, NULL },
	{ "trailing comma, nothing after it", 4,
	  "SIP/2.0 480 Temporarily Unavailable\nVia: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bKa,  \n" TAIL,
	  false, 0, 0, XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 1, -1,
	  0, 0, 0, 0, NULL },
	/* the rewrite would leave the second value starting with ',',
	 * which Kamailio's parse_via() fails at the next hop: the stack's */
	{ "two commas between the values", 4,
	  "SIP/2.0 480 Temporarily Unavailable\nVia: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bKa,, SIP/2.0/UDP 198.18.2.2:5099;branch=z9hG4bKb\n" TAIL,
	  false, 0, 0, XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 1, -1,
	  0, 0, 0, 0, NULL },
	{ "VLAN-tagged reply", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US VIA_UAC TAIL, false, 0, 1,
	  XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 1, -1,
	  0, 0, 0, 0, NULL },
	{ "bad status line", 4,
	  "SIP/2.0 48 Short\n" VIA_US VIA_UAC TAIL, false, 0, 0,
	  XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 1, -1,
	  0, 0, 0, 0, NULL },
	{ "not a served port: not looked at", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US VIA_UAC TAIL, false, 5080, 0,
	  XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 0, -1,
	  0, 0, 0, 0, NULL },
	{ "a request with our Via on top is never forwarded", 4,
	  "INVITE sip:b@198.18.0.9 SIP/2.0\n" VIA_US VIA_UAC TAIL, false, 0, 0,
	  XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 0, -1,
	  0, 0, 0, 0, NULL },
	/* not an open relay */
	{ "from a source outside peers (198.18.3.3)", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US VIA_UAC TAIL, false, 0, 0,
	  XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 0, -1, 1, 0, 0, 0xc6120303u, NULL },
	{ "IPv6 from outside peers (2001:2:0:3::3 is not in 2001:2::/64)", 6,
	  "SIP/2.0 480 Temporarily Unavailable\nVia: SIP/2.0/UDP [2001:2::1]:5060;branch=z9hG4bKa\n"
	  "Via: SIP/2.0/UDP [2001:2:0:2::2]:5099;branch=z9hG4bKb\n" TAIL, false, 0, 0,
	  XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 0, -1, 1, 0, 0, 0, "2001:2:0:3::3" },
	{ "to one of our own Vias (another port): a loop", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US
	  "Via: SIP/2.0/UDP 198.18.0.1:5070;branch=z9hG4bKb\n" TAIL, false, 0, 0,
	  XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 0, -1, 0, 1, 0, 0, NULL },
	{ "to our own Via with received: a loop", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US
	  "Via: SIP/2.0/UDP 198.18.2.2:5099;received=198.18.0.1;branch=z9hG4bKb\n" TAIL,
	  false, 0, 0, XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 0, -1, 0, 1, 0, 0, NULL },
	{ "A, B, A... Vias (two forwarders): the next hop would send it back", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US
	  "Via: SIP/2.0/UDP 198.18.0.2:5060;branch=z9hG4bKb\n" VIA_US
	  "Via: SIP/2.0/UDP 198.18.0.2:5060;branch=z9hG4bKd\n" VIA_US TAIL, false, 0, 0,
	  XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 0, -1, 0, 1, 0, 0, NULL },
	{ "IPv6, A, B, A", 6,
	  "SIP/2.0 480 Temporarily Unavailable\nVia: SIP/2.0/UDP [2001:2::1]:5060;branch=z9hG4bKa\n"
	  "Via: SIP/2.0/UDP [2001:2::2]:5099;branch=z9hG4bKb\n"
	  "Via: SIP/2.0/UDP [2001:2::1]:5060;branch=z9hG4bKc\n" TAIL, false, 0, 0,
	  XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 0, -1, 0, 1, 0, 0, NULL },
	{ "A, B, A in one header line", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n"
	  "Via: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bKa, SIP/2.0/UDP 198.18.2.2:5099;branch=z9hG4bKb,"
	  " SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bKc\n" TAIL, false, 0, 0,
	  XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 0, -1, 0, 1, 0, 0, NULL },
	{ "A, B, A in one header line, ',,' before the third", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n"
	  "Via: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bKa, SIP/2.0/UDP 198.18.2.2:5099;branch=z9hG4bKb,,"
	  " SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bKc\n" TAIL, false, 0, 0,
	  XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 0, -1, 0, 1, 0, 0, NULL },
	{ "A, B in one line, A in the next Via line", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n"
	  "Via: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bKa, SIP/2.0/UDP 198.18.2.2:5099;branch=z9hG4bKb\n"
	  "v: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bKc\n" TAIL, false, 0, 0,
	  XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 0, -1, 0, 1, 0, 0, NULL },
	{ "A, B, then A by received", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US VIA_UAC
	  "Via: SIP/2.0/UDP 198.18.9.9:5060;received=198.18.0.1;branch=z9hG4bKc\n" TAIL, false, 0, 0,
	  XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 0, 0, -1, 0, 1, 0, 0, NULL },
	{ "A, B, C: the third Via is not ours, forwarded", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US VIA_UAC
	  "Via: SIP/2.0/UDP 198.18.9.9:5060;branch=z9hG4bKc\n" TAIL, false, 0, 0,
	  XDP_REDIRECT, "SIP/2.0 404 Not Found\n" VIA_UAC
	  "Via: SIP/2.0/UDP 198.18.9.9:5060;branch=z9hG4bKc\n" TAIL,
	  "198.18.2.2", 5099, OUT_REDIRECT, 1, 1, 0, 0, 0, 0, 0, 0, 0, NULL },
	{ "hairpin: back to the host that sent it (a PBX calling itself), forwarded", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US
	  "Via: SIP/2.0/UDP 198.18.0.2:5062;branch=z9hG4bKb\n" TAIL, false, 0, 0,
	  XDP_TX, "SIP/2.0 404 Not Found\nVia: SIP/2.0/UDP 198.18.0.2:5062;branch=z9hG4bKb\n" TAIL,
	  "198.18.0.2", 5062, OUT_TX, 1, 1, 0, 0, 0, 0, 0, 0, 0, NULL },
	{ "to this host's address on another interface: a local route, passed", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US
	  "Via: SIP/2.0/UDP 198.18.2.1:5099;branch=z9hG4bKb\n" TAIL, false, 0, 0,
	  XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 1, 0, -1,
	  0, 0, 0, 0, NULL },
	{ "to a multicast group (a route covers it): passed", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US
	  "Via: SIP/2.0/UDP 224.0.1.75:5060;branch=z9hG4bKb\n" TAIL, false, 0, 0,
	  XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 1, 0, -1, 0, 0, 0, 0, NULL },
	{ "to 255.255.255.255: passed", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US
	  "Via: SIP/2.0/UDP 255.255.255.255:5060;branch=z9hG4bKb\n" TAIL, false, 0, 0,
	  XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 1, 0, -1, 0, 0, 0, 0, NULL },
	{ "IPv6 to a link-local address (which link?): passed", 6,
	  "SIP/2.0 480 Temporarily Unavailable\nVia: SIP/2.0/UDP [2001:2::1]:5060;branch=z9hG4bKa\n"
	  "Via: SIP/2.0/UDP [fe80::2]:5099;branch=z9hG4bKb\n" TAIL, false, 0, 0,
	  XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 1, 0, -1, 0, 0, 0, 0, NULL },
	{ "IPv6 to ff02::1: passed", 6,
	  "SIP/2.0 480 Temporarily Unavailable\nVia: SIP/2.0/UDP [2001:2::1]:5060;branch=z9hG4bKa\n"
	  "Via: SIP/2.0/UDP [ff02::1]:5099;branch=z9hG4bKb\n" TAIL, false, 0, 0,
	  XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 1, 0, -1, 0, 0, 0, 0, NULL },
	{ "to the subnet broadcast address: not a unicast route, passed", 4,
	  "SIP/2.0 480 Temporarily Unavailable\n" VIA_US
	  "Via: SIP/2.0/UDP 198.18.2.255:5099;branch=z9hG4bKb\n" TAIL, false, 0, 0,
	  XDP_PASS, NULL, NULL, 0, OUT_NONE, 0, 0, 1, 0, -1,
	  0, 0, 0, 0, NULL },
};

/* A dual-stack proxy: both sent-by addresses; rewrites tried in order;
 * its UAS side is the peer, fb0 another interface, no rate limit (the
 * cases send many replies to one UAC). */
#define FWD_PEERS	"peers = 198.18.0.0/24, 2001:2::/64\n"
#define FWD_CONF							\
	"[forward]\nvia = 198.18.0.1:5060, [2001:2::1]:5060\n"		\
	FWD_PEERS "allow_redirect = yes\nrate_limit = 0\n"		\
	"[rewrite hide]\ncode = 480 486 487\nreply = 404 Not Found\n"	\
	"[rewrite upstream]\ncode = 4xx\nreply = 400 Bad Request Upstream\n" \
	"[rewrite decline]\ncode = 6xx\nreply = 603 Declined By The Callee Everywhere\n"

static struct sl_rtnl dump;
static struct sl_nh nh;

/* sl_sync as the responder's sync writes it after a pass: flags, and a
 * heartbeat age_ns ago. */
static void put_sync_state(__u32 flags, __u64 age_ns)
{
	struct sl_sync_state st = { .heartbeat_ns = fx_now_ns() - age_ns,
				    .flags = flags, .routes = nh.routes,
				    .neighbours = nh.neighbours };
	__u32 zero = 0;

	assert_int_equal(bpf_map_update_elem(fx.maps.fd[SL_M_SYNC], &zero, &st,
					     BPF_ANY), 0);
}

/* The next-hop tables read from this namespace's devices, routes and
 * neighbours, as the responder's sync reads them; a fresh heartbeat. */
static void sync_tables(void)
{
	assert_int_equal(sl_nh_sync_links(&nh), 0);
	assert_int_equal(sl_nh_sync_neigh(&nh), 0);
	assert_int_equal(sl_nh_sync_routes(&nh), 0);
	assert_true(nh.flags & SL_SYNC_ROUTES_COMPLETE);
	assert_false(nh.flags & SL_SYNC_POLICY_ROUTING);
	put_sync_state(nh.flags, 0);
}

/* enabled: FWD_CONF; else no [forward] (forwarding off). */
static void configure(__u8 family, bool enabled)
{
	(void)family;
	assert_int_equal(fx_config(FX_SL "%s", enabled ? FWD_CONF : ""), 0);
	sync_tables();
}

static int setup(void **state)
{
	(void)state;
	/* a namespace of our own: the links and neighbours below vanish
	 * with the process, pass or fail */
	if (unshare(CLONE_NEWNET)) {
		perror("test_forward: unshare(CLONE_NEWNET)");
		return -1;
	}
	if (fx_sh("ip link set lo up") ||
	    fx_sh("ip link add fa0 address " FA0_MAC " type veth peer name fa1 address " UAS_MAC) ||
	    fx_sh("ip link add fb0 address " FB0_MAC " type veth peer name fb1 address " UAC_MAC) ||
	    fx_sh("ip link set fa0 up && ip link set fa1 up && ip link set fb0 up && ip link set fb1 up") ||
	    fx_sh("ip addr add 198.18.0.1/24 dev fa0 && ip addr add 198.18.2.1/24 dev fb0") ||
	    fx_sh("ip -6 addr add 2001:2::1/64 dev fa0 nodad && ip -6 addr add 2001:2:0:2::1/64 dev fb0 nodad") ||
	    fx_sh("ip neigh replace 198.18.2.2 lladdr " UAC_MAC " dev fb0 nud permanent") ||
	    fx_sh("ip neigh replace 198.18.0.2 lladdr " UAS_MAC " dev fa0 nud permanent") ||
	    fx_sh("ip neigh replace 198.18.0.3 lladdr " UAS_MAC " dev fa0 nud permanent") ||
	    fx_sh("ip -6 neigh replace 2001:2:0:2::2 lladdr " UAC_MAC " dev fb0 nud permanent") ||
	    /* routes and neighbours that would carry a multicast, broadcast
	     * or link-local destination if the program let them */
	    fx_sh("ip route add 224.0.0.0/4 dev fb0 && ip route add 240.0.0.0/4 dev fb0") ||
	    fx_sh("ip neigh replace 224.0.1.75 lladdr " UAC_MAC " dev fb0 nud permanent") ||
	    fx_sh("ip neigh replace 255.255.255.255 lladdr " UAC_MAC " dev fb0 nud permanent") ||
	    fx_sh("ip -6 neigh replace fe80::2 lladdr " UAC_MAC " dev fb0 nud permanent") ||
	    fx_sh("ip -6 neigh replace fe80::2 lladdr " UAS_MAC " dev fa0 nud permanent"))
		return -1;
	if_fa0 = if_nametoindex("fa0");
	if_fb0 = if_nametoindex("fb0");
	if (!if_fa0 || !if_fb0 || fx_load() || sl_rtnl_open(&dump, 0))
		return -1;
	sl_nh_init(&nh, &fx.maps, &dump);
	fx.ingress_ifindex = if_fa0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sl_rtnl_close(&dump);
	fx_unload();
	return 0;
}

static size_t build_in(const struct fwd_case *c)
{
	struct frame_spec fs = { .family = c->family, .n_vlans = c->n_vlans,
				 .sport = 5070, .dport = c->dport, .udp_csum = true,
				 .src4 = c->src4, .src6 = c->src6 };
	char sip[2048];
	size_t len = sip_fmt(sip, sizeof(sip), !c->lf_only, "%s", c->in);

	assert_true(len > 0);
	return frame_build(frame, sizeof(frame), &fs, sip, len);
}

/* 16-bit one's complement sum of a pseudo header, as a seed for
 * frame_csum(), which then gives 0 over a datagram with a right checksum. */
static __u32 seed(const __u8 *pseudo, size_t n)
{
	return (__u16)~frame_csum(pseudo, n, 0);
}

static void mac(const char *text, __u8 out[6])
{
	assert_int_equal(sscanf(text, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &out[0],
				&out[1], &out[2], &out[3], &out[4], &out[5]), 6);
}

/* The forwarded frame: Ethernet to the next hop, IP from us, UDP from
 * our port, both checksums right, and exactly the expected SIP bytes. */
static void check_frame(const struct fwd_case *c, const __u8 *f, size_t n)
{
	char want[2048];
	size_t wlen = sip_fmt(want, sizeof(want), !c->lf_only, "%s", c->out);
	__u8 dmac[6], smac[6], dst[16] = { 0 }, pseudo[40] = { 0 };
	const __u8 *udp;
	size_t l3 = 14, l4, ulen;

	mac(c->out_if == OUT_TX ? UAS_MAC : UAC_MAC, dmac);
	mac(c->out_if == OUT_TX ? FA0_MAC : FB0_MAC, smac);
	assert_true(n > 14 + 40 + 8);
	assert_memory_equal(f, dmac, 6);
	assert_memory_equal(f + 6, smac, 6);
	if (c->family == 4) {
		assert_int_equal(f[12] << 8 | f[13], 0x0800);
		assert_int_equal(f[l3], 0x45);
		assert_int_equal(f[l3 + 8], 64);		/* TTL */
		assert_int_equal(f[l3 + 9], IPPROTO_UDP);
		assert_int_equal((f[l3 + 2] << 8 | f[l3 + 3]), n - 14);
		assert_int_equal(frame_csum(f + l3, 20, 0), 0);
		inet_pton(AF_INET, "198.18.0.1", pseudo);
		assert_memory_equal(f + l3 + 12, pseudo, 4);
		inet_pton(AF_INET, c->dst, dst);
		assert_memory_equal(f + l3 + 16, dst, 4);
		memcpy(pseudo + 4, dst, 4);
		l4 = l3 + 20;
		ulen = n - l4;
		pseudo[9] = IPPROTO_UDP;
		pseudo[10] = ulen >> 8;
		pseudo[11] = ulen & 0xff;
		udp = f + l4;
		assert_int_equal(frame_csum(udp, ulen, seed(pseudo, 12)), 0);
	} else {
		assert_int_equal(f[12] << 8 | f[13], 0x86dd);
		assert_int_equal(f[l3] >> 4, 6);
		assert_int_equal(f[l3 + 6], IPPROTO_UDP);
		assert_int_equal(f[l3 + 7], 64);		/* hop limit */
		assert_int_equal((f[l3 + 4] << 8 | f[l3 + 5]), n - 14 - 40);
		inet_pton(AF_INET6, "2001:2::1", pseudo);
		assert_memory_equal(f + l3 + 8, pseudo, 16);
		inet_pton(AF_INET6, c->dst, dst);
		assert_memory_equal(f + l3 + 24, dst, 16);
		memcpy(pseudo + 16, dst, 16);
		l4 = l3 + 40;
		ulen = n - l4;
		pseudo[34] = ulen >> 8;
		pseudo[35] = ulen & 0xff;
		pseudo[39] = IPPROTO_UDP;
		udp = f + l4;
		assert_int_equal(frame_csum(udp, ulen, seed(pseudo, 40)), 0);
	}
	assert_int_equal(udp[0] << 8 | udp[1], 5060);
	assert_int_equal(udp[2] << 8 | udp[3], c->out_dport);
	assert_int_equal(udp[4] << 8 | udp[5], ulen);
	if (ulen - 8 != wlen || memcmp(udp + 8, want, wlen)) {
		fprintf(stderr, "want (%zu bytes):\n%.*s\ngot (%zu bytes):\n%.*s\n",
			wlen, (int)wlen, want, ulen - 8, (int)(ulen - 8), udp + 8);
		fail_msg("%s: SIP bytes differ", c->name);
	}
}

static __u64 rewrite_hits(unsigned int idx)
{
	int fd = bpf_map__fd(fx.skel->maps.sl_fwd_hits);
	int ncpu = libbpf_num_possible_cpus();
	__u64 vals[ncpu > 0 ? ncpu : 1], sum = 0;
	__u32 key;
	__u32 bank = 0;

	/* the active bank's row */
	key = 0;
	{
		struct sl_active act;

		if (bpf_map_lookup_elem(fx.maps.fd[SL_M_ACTIVE], &key, &act) == 0)
			bank = act.bank & 1;
	}
	key = bank * SL_MAX_REWRITES + idx;
	if (bpf_map_lookup_elem(fd, &key, vals))
		return ~0ULL;
	for (int i = 0; i < ncpu; i++)
		sum += vals[i];
	return sum;
}

static void run_case(const struct fwd_case *c)
{
	struct sl_dp_counters before, after, d;
	__u64 hits_before[3], hits_after[3];
	size_t len;

	configure(c->family, true);
	len = build_in(c);
	assert_true(len > 0);
	for (unsigned int i = 0; i < 3; i++)
		hits_before[i] = rewrite_hits(i);
	assert_int_equal(fx_counters(&before), 0);
	assert_int_equal(fx_run(frame, len, &res), 0);
	assert_int_equal(fx_counters(&after), 0);
	fx_counters_sub(&after, &before, &d);
	if (res.verdict != c->verdict)
		fail_msg("%s: verdict %s, want %s (fwd %llu/%llu/%llu/%llu, not_peer %llu, loop %llu, other_iface %llu)",
			 c->name, fx_verdict_name(res.verdict),
			 fx_verdict_name(c->verdict),
			 (unsigned long long)d.fwd_forwarded,
			 (unsigned long long)d.fwd_rewritten,
			 (unsigned long long)d.fwd_unresolvable,
			 (unsigned long long)d.fwd_passed,
			 (unsigned long long)d.fwd_not_peer,
			 (unsigned long long)d.fwd_loop,
			 (unsigned long long)d.fwd_other_iface);
	assert_int_equal(d.fwd_forwarded, c->forwarded);
	assert_int_equal(d.fwd_rewritten, c->rewritten);
	assert_int_equal(d.fwd_unresolvable, c->unresolvable);
	assert_int_equal(d.fwd_passed, c->passed);
	assert_int_equal(d.fwd_not_peer, c->not_peer);
	assert_int_equal(d.fwd_loop, c->loop);
	assert_int_equal(d.fwd_other_iface, c->other_iface);
	assert_int_equal(d.fwd_rate_limited, 0);
	for (unsigned int i = 0; i < 3; i++) {
		hits_after[i] = rewrite_hits(i);
		assert_int_equal(hits_after[i] - hits_before[i],
				 (int)i == c->rewrite_hit ? 1 : 0);
	}
	if (c->verdict == XDP_PASS) {
		/* untouched */
		assert_int_equal(res.out_len, len);
		assert_memory_equal(res.out, frame, len);
		return;
	}
	check_frame(c, res.out + res.meta_len, res.out_len - res.meta_len);
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fprintf(stderr, "# %s\n", cases[i].name);
		run_case(&cases[i]);
	}
}

/*
 * Every list of [forward] filled to its limit, the entry that matters
 * last: SL_FWD_VIAS sent-by addresses (ours the last), SL_MAX_REWRITES
 * rewrites (the matching one the last) and SL_REWRITE_CODES codes in it
 * (the reply's code the last).  Written against the constants.
 */
static void test_full_lists(void **state)
{
	static char conf[8192];
	struct fwd_case c = cases[0];
	__u64 before, after;
	unsigned int i;
	size_t o, len;

	(void)state;
	c.name = "full lists: last via, last rewrite, last code";
	c.in = "SIP/2.0 486 Busy Here\n" VIA_US VIA_UAC TAIL;
	c.out = "SIP/2.0 404 Not Found\n" VIA_UAC TAIL;
	o = (size_t)snprintf(conf, sizeof(conf), FX_SL "[forward]\n" FWD_PEERS
			     "allow_redirect = yes\nvia = ");
	for (i = 0; i + 1 < SL_FWD_VIAS; i++)
		o += (size_t)snprintf(conf + o, sizeof(conf) - o,
				      "198.18.0.%u:5060, ", 11 + i);
	o += (size_t)snprintf(conf + o, sizeof(conf) - o, "198.18.0.1:5060\n");
	for (i = 0; i + 1 < SL_MAX_REWRITES; i++)
		o += (size_t)snprintf(conf + o, sizeof(conf) - o,
				      "[rewrite other%u]\ncode = %u\nreply = 503 Other\n",
				      i, 500 + i);
	o += (size_t)snprintf(conf + o, sizeof(conf) - o,
			      "[rewrite last]\nreply = 404 Not Found\ncode =");
	for (i = 0; i + 1 < SL_REWRITE_CODES; i++)
		o += (size_t)snprintf(conf + o, sizeof(conf) - o, " %u", 470 + i);
	o += (size_t)snprintf(conf + o, sizeof(conf) - o, " 486\n");
	assert_true(o < sizeof(conf));
	assert_int_equal(fx_config("%s", conf), 0);
	sync_tables();

	len = build_in(&c);
	assert_true(len > 0);
	before = rewrite_hits(SL_MAX_REWRITES - 1);
	assert_int_equal(fx_run(frame, len, &res), 0);
	if (res.verdict != XDP_REDIRECT)
		fail_msg("%s: verdict %s, want XDP_REDIRECT", c.name,
			 fx_verdict_name(res.verdict));
	after = rewrite_hits(SL_MAX_REWRITES - 1);
	assert_int_equal(after - before, 1);
	check_frame(&c, res.out + res.meta_len, res.out_len - res.meta_len);
}

/* Without a [forward] section responses pass as before. */
static void test_off(void **state)
{
	struct sl_dp_counters before, after, d;
	size_t len;

	(void)state;
	configure(4, false);
	len = build_in(&cases[0]);
	assert_int_equal(fx_counters(&before), 0);
	assert_int_equal(fx_run(frame, len, &res), 0);
	assert_int_equal(res.verdict, XDP_PASS);
	assert_int_equal(fx_counters(&after), 0);
	fx_counters_sub(&after, &before, &d);
	assert_int_equal(d.sip_responses, 1);
	assert_int_equal(d.fwd_forwarded + d.fwd_passed + d.fwd_unresolvable, 0);
	assert_memory_equal(res.out, frame, len);
}

/* Every length of a forwardable reply cut short: never a crash, never a
 * forwarded frame with a wrong checksum (check_frame on each forward). */
static void test_truncated(void **state)
{
	static const struct fwd_case *c = &cases[0];
	char sip[2048];
	size_t full = sip_fmt(sip, sizeof(sip), true, "%s", c->in);
	unsigned int forwarded = 0;

	(void)state;
	configure(4, true);
	for (size_t cut = 1; cut <= full; cut++) {
		struct frame_spec fs = { .sport = 5070, .udp_csum = true };
		size_t len = frame_build(frame, sizeof(frame), &fs, sip, cut);

		assert_int_equal(fx_run(frame, len, &res), 0);
		assert_true(res.verdict == XDP_PASS || res.verdict == XDP_REDIRECT);
		if (res.verdict == XDP_PASS) {
			/* passed to the stack as it came */
			assert_memory_equal(res.out, frame, len);
		} else {
			const __u8 *f = res.out + res.meta_len;
			size_t n = res.out_len - res.meta_len;

			assert_int_equal(frame_csum(f + 14, 20, 0), 0);
			assert_true(n > 14 + 28);
			forwarded++;
		}
		/* the whole message is forwarded: the loop reached the
		 * forwarding path at all */
		if (cut == full)
			assert_int_equal(res.verdict, XDP_REDIRECT);
	}
	assert_true(forwarded > 0);
}

/* A forwarded frame, whatever went in: well-formed IP and UDP headers
 * with right checksums and lengths, a response inside. */
static void check_any_forward(const __u8 *f, size_t n)
{
	__u8 pseudo[40] = { 0 };
	size_t l4, ulen;

	assert_true(n >= 14 + 20 + 8 + 8);
	if ((f[12] << 8 | f[13]) == 0x0800) {
		assert_int_equal(frame_csum(f + 14, 20, 0), 0);
		assert_int_equal(f[14 + 2] << 8 | f[14 + 3], n - 14);
		l4 = 14 + 20;
		ulen = n - l4;
		memcpy(pseudo, f + 14 + 12, 8);
		pseudo[9] = IPPROTO_UDP;
		pseudo[10] = ulen >> 8;
		pseudo[11] = ulen & 0xff;
		assert_int_equal(frame_csum(f + l4, ulen, seed(pseudo, 12)), 0);
	} else {
		assert_int_equal(f[12] << 8 | f[13], 0x86dd);
		l4 = 14 + 40;
		assert_true(n >= l4 + 16);
		ulen = n - l4;
		assert_int_equal(f[14 + 4] << 8 | f[14 + 5], ulen);
		memcpy(pseudo, f + 14 + 8, 32);
		pseudo[34] = ulen >> 8;
		pseudo[35] = ulen & 0xff;
		pseudo[39] = IPPROTO_UDP;
		assert_int_equal(frame_csum(f + l4, ulen, seed(pseudo, 40)), 0);
	}
	assert_int_equal(f[l4 + 4] << 8 | f[l4 + 5], ulen);
	assert_memory_equal(f + l4 + 8, "SIP/2.0 ", 8);
}

/* Every forwardable case with random bytes changed (1..4 of them, biased
 * to the front where the Vias are): never a crash, and whatever is
 * forwarded is a well-formed frame. */
static void test_mutated(void **state)
{
	unsigned int seedv = 0x5eed, forwarded = 0, runs = 0;
	static const char alphabet[] = "SIP/2.0 Via:;,=[]\r\n\t 0123456789.rportreceivedbranch";

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct fwd_case *c = &cases[i];
		size_t len;

		if (c->verdict == XDP_PASS)
			continue;
		configure(c->family, true);
		for (int k = 0; k < 400; k++) {
			struct frame_spec fs = { .family = c->family, .sport = 5070,
						 .udp_csum = true };
			char sip[2048];
			size_t slen = sip_fmt(sip, sizeof(sip), !c->lf_only, "%s", c->in);
			int m = 1 + rand_r(&seedv) % 4;

			for (int j = 0; j < m; j++) {
				size_t at = rand_r(&seedv) % (slen < 160 ? slen : 160);

				sip[at] = rand_r(&seedv) & 1 ?
					alphabet[rand_r(&seedv) % (sizeof(alphabet) - 1)] :
					(char)rand_r(&seedv);
			}
			len = frame_build(frame, sizeof(frame), &fs, sip, slen);
			assert_int_equal(fx_run(frame, len, &res), 0);
			runs++;
			if (res.verdict == XDP_PASS) {
				assert_memory_equal(res.out, frame, len);
				continue;
			}
			assert_true(res.verdict == XDP_REDIRECT || res.verdict == XDP_TX);
			forwarded++;
			check_any_forward(res.out + res.meta_len, res.out_len - res.meta_len);
		}
	}
	fprintf(stderr, "# %u mutated replies, %u forwarded\n", runs, forwarded);
	assert_true(forwarded > 0 && forwarded < runs);
}

/* Never a router: with IP forwarding off (this namespace never turned it
 * on) replies are forwarded all the same, out of both interfaces. */
static void test_no_ip_forwarding_needed(void **state)
{
	char v[8] = "";
	FILE *f = fopen("/proc/sys/net/ipv4/conf/fa0/forwarding", "r");

	(void)state;
	assert_non_null(f);
	assert_non_null(fgets(v, sizeof(v), f));
	fclose(f);
	assert_string_equal(v, "0\n");
	f = fopen("/proc/sys/net/ipv6/conf/fa0/forwarding", "r");
	assert_non_null(f);
	assert_non_null(fgets(v, sizeof(v), f));
	fclose(f);
	assert_string_equal(v, "0\n");
	run_case(&cases[0]);				/* redirect, IPv4 */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (cases[i].out_if == OUT_TX || cases[i].family == 6)
			run_case(&cases[i]);		/* XDP_TX, IPv6 */
}

/* allow_redirect = no (the default): a next hop out of another
 * interface is not ours to send to; out of the one it came in on is. */
static void test_ingress_only(void **state)
{
	struct sl_dp_counters d;
	size_t len;

	(void)state;
	assert_int_equal(fx_config(FX_SL "[forward]\nvia = 198.18.0.1:5060\n"
				   FWD_PEERS "rate_limit = 0\n"), 0);
	sync_tables();
	len = build_in(&cases[0]);		/* to the UAC, out of fb0 */
	assert_int_equal(fx_run_counted(frame, len, &res, &d), 0);
	assert_int_equal(res.verdict, XDP_PASS);
	assert_int_equal(d.fwd_other_iface, 1);
	assert_int_equal(d.fwd_forwarded, 0);
	assert_memory_equal(res.out, frame, len);
	/* positive control: out of fa0, where it came in */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fwd_case c = cases[i];

		if (c.out_if != OUT_TX || strcmp(c.dst, "198.18.0.3"))
			continue;
		c.rewritten = 0;
		c.rewrite_hit = -1;
		c.out = "SIP/2.0 480 Temporarily Unavailable\n"
			"Via: SIP/2.0/UDP 198.18.0.3:5099;branch=z9hG4bKb\n" TAIL;
		len = build_in(&c);
		assert_int_equal(fx_run(frame, len, &res), 0);
		assert_int_equal(res.verdict, XDP_TX);
		check_frame(&c, res.out + res.meta_len, res.out_len - res.meta_len);
	}
}

/* [forward] rate_limit = 2/s, burst = 2: two replies to the UAC at once,
 * the third dropped; another destination has its own allowance. */
static void test_rate_per_destination(void **state)
{
	struct sl_dp_counters before, after, d;
	struct fwd_case tx = cases[0];
	size_t len;
	int i;

	(void)state;
	assert_int_equal(fx_config(FX_SL "[forward]\nvia = 198.18.0.1:5060, [2001:2::1]:5060\n"
				   FWD_PEERS "allow_redirect = yes\n"
				   "rate_limit = 2/s\nburst = 2\n"), 0);
	sync_tables();
	assert_int_equal(fx_counters(&before), 0);
	for (i = 0; i < 3; i++) {
		len = build_in(&cases[0]);
		assert_int_equal(fx_run(frame, len, &res), 0);
		assert_int_equal(res.verdict, i < 2 ? XDP_REDIRECT : XDP_DROP);
	}
	assert_int_equal(fx_counters(&after), 0);
	fx_counters_sub(&after, &before, &d);
	assert_int_equal(d.fwd_forwarded, 2);
	assert_int_equal(d.fwd_rate_limited, 1);
	/* 198.18.0.3 is another destination */
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		if (cases[k].out_if == OUT_TX && !strcmp(cases[k].dst, "198.18.0.3"))
			tx = cases[k];
	len = build_in(&tx);
	assert_int_equal(fx_run(frame, len, &res), 0);
	assert_int_equal(res.verdict, XDP_TX);
}

/* Tables that are not current, or not the whole story, forward nothing:
 * a heartbeat older than SL_SYNC_STALE_NS (the responder died), policy
 * routing, a route table that did not fit. */
static void test_tables_not_current(void **state)
{
	static const struct { const char *what; __u32 flags; __u64 age; } bad[] = {
		{ "stale heartbeat", SL_SYNC_ROUTES_COMPLETE, SL_SYNC_STALE_NS + 1000000000ULL },
		{ "policy routing", SL_SYNC_ROUTES_COMPLETE | SL_SYNC_POLICY_ROUTING, 0 },
		{ "incomplete", 0, 0 },
	};
	struct sl_dp_counters d;
	size_t len;

	(void)state;
	configure(4, true);
	len = build_in(&cases[0]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put_sync_state(bad[i].flags, bad[i].age);
			assert_int_equal(fx_run_counted(frame, len, &res, &d), 0);
		if (res.verdict != XDP_PASS || d.fwd_unresolvable != 1)
			fail_msg("%s: verdict %s, unresolvable +%llu", bad[i].what,
				 fx_verdict_name(res.verdict),
				 (unsigned long long)d.fwd_unresolvable);
	}
	/* positive control: a fresh heartbeat forwards again */
	put_sync_state(SL_SYNC_ROUTES_COMPLETE, 0);
	assert_int_equal(fx_run(frame, len, &res), 0);
	assert_int_equal(res.verdict, XDP_REDIRECT);
}

/* The sync's view of policy routing: one more ip rule marks the tables,
 * its removal clears the mark. */
static void test_policy_rule_detected(void **state)
{
	(void)state;
	assert_int_equal(fx_sh("ip rule add from 198.18.7.0/24 table 100 pref 100"), 0);
	assert_int_equal(sl_nh_sync_routes(&nh), 0);
	assert_true(nh.flags & SL_SYNC_POLICY_ROUTING);
	assert_int_equal(fx_sh("ip rule del from 198.18.7.0/24 table 100 pref 100"), 0);
	assert_int_equal(sl_nh_sync_routes(&nh), 0);
	assert_false(nh.flags & SL_SYNC_POLICY_ROUTING);
	assert_true(nh.flags & SL_SYNC_ROUTES_COMPLETE);
}

/* Larger than the egress MTU: the stack gets it (and can fragment). */
static void test_over_mtu(void **state)
{
	struct sl_dp_counters before, after, d;
	size_t len;

	(void)state;
	configure(4, true);
	len = build_in(&cases[0]);
	assert_int_equal(fx_sh("ip link set fb0 mtu 200"), 0);
	sync_tables();		/* the sync reads a device's MTU into its routes */
	assert_int_equal(fx_counters(&before), 0);
	assert_int_equal(fx_run(frame, len, &res), 0);
	assert_int_equal(fx_counters(&after), 0);
	assert_int_equal(fx_sh("ip link set fb0 mtu 1500"), 0);
	sync_tables();
	fx_counters_sub(&after, &before, &d);
	assert_true(len - 14 > 200);
	assert_int_equal(res.verdict, XDP_PASS);
	assert_int_equal(d.fwd_passed, 1);
	assert_int_equal(d.fwd_forwarded + d.fwd_unresolvable, 0);
	assert_memory_equal(res.out, frame, len);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_full_lists),
		cmocka_unit_test(test_off),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_no_ip_forwarding_needed),
		cmocka_unit_test(test_ingress_only),
		cmocka_unit_test(test_rate_per_destination),
		cmocka_unit_test(test_tables_not_current),
		cmocka_unit_test(test_policy_rule_detected),
		cmocka_unit_test(test_mutated),
		cmocka_unit_test(test_over_mtu),
	};

	return cmocka_run_group_tests_name("forward", tests, setup, teardown);
}
