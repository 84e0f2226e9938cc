#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The rule table end to end, in two namespaces joined by veth, with a
# UDP listener on the server's SIP port standing for the PBX behind
# sl-xdp (every "never reached the listener" check has a positive control
# that did reach it):
#  - rules that cannot be evaded: a REGISTER a drop rule matches is
#    dropped with one CR/LF in front, and with 1200 of them; an IP-
#    fragmented REGISTER (IPv4 and IPv6) from a source a src rule drops
#    never reaches the listener, while the same from another source does;
#  - method lists of 16 names over several lines, and "!A, B";
#  - from_user (a prefix, dropped silently), from_domain, to_user;
#  - frames without XDP metadata (a test XDP program redirects into the
#    responder's pinned sl_xsks without it) get the reply of their rule,
#    not default_code, and one the rules would pass is not answered and
#    counted; sl-xdp's own program put back, the same again with
#    metadata.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
. "$SL_ROOT/tests/lib/sl.sh"
tap_plan 35
SLCTL="$SL_ROOT/build/sl-ctl"
NOMETA="$SL_ROOT/build/tests/xdp_nometa.bpf.o"
UDP="/usr/bin/python3 $SL_ROOT/tests/tools/sip_udp.py"
ASK="/usr/bin/python3 $SL_ROOT/tests/tools/sip_ask.py"
METHODS="BYE CANCEL SUBSCRIBE NOTIFY MESSAGE INFO PRACK UPDATE REFER PUBLISH X-ONE X-TWO X-THREE X-FOUR X-FIVE X-SIX"

sl_need "$SLCTL"
if [ ! -e "$NOMETA" ]; then
	not_ok "$NOMETA is built" "make all builds it"
	tap_done
fi
sl_setup "$SLCTL"
pin_prog="/sys/fs/bpf/slx-nometa-$$"
netns_defer "rm -f '$pin_prog'"
# blocked sources, next to the client's own addresses
run_c ip addr add 198.18.0.66/24 dev "$IF_C"
run_c ip -6 addr add 2001:2::66/64 dev "$IF_C" nodad

cat > "$work/sl.conf" <<CONF
[sl]
ports = 5060
tag_addr = 198.18.0.1:5060
default_action = pass
default_code = 500
rate_limit = 0

[rule blocked]
src = 198.18.0.66, 2001:2::66
action = drop

[rule scanner-register]
method = REGISTER
from_user = 100*
action = drop

[rule scanner-domain]
from_domain = Scanner.Example
reply = 403 Forbidden

[rule no-such-user]
to_user = 6666*
reply = 404 Not Found

[rule methods]
method = BYE, CANCEL, SUBSCRIBE, NOTIFY, MESSAGE, INFO, PRACK, UPDATE
method = REFER, PUBLISH, X-ONE, X-TWO, X-THREE, X-FOUR, X-FIVE, X-SIX
reply = 405 Method Not Allowed

[rule not-these]
method = !INVITE, ACK, REGISTER, OPTIONS
reply = 501 Not Implemented

[rule options]
method = OPTIONS
reply = 200 OK
CONF

listen() {	# FILE: record what the stack delivers on 198.18.0.1 and [2001:2::1]
	run_s $UDP listen 198.18.0.1 5060 120 "$1" &
	netns_track_pid $!
	run_s $UDP listen 2001:2::1 5060 120 "$1.v6" &
	netns_track_pid $!
	for _ in $(seq 50); do
		[ -e "$1.ready" ] && [ -e "$1.v6.ready" ] && return 0
		sleep 0.1
	done
	echo "no listener after 5 s"
	return 1
}
ask() {		# DST METHOD CALLID [sip_ask.py options]: the reply's status line
	run_c $ASK "$@"
}
stat_of() { nsenter_s "$SLCTL" stats "$IF_S" | sed -n "s/^$1 = //p"; }
got() { grep -q "Call-ID: $1" "$work/rx" "$work/rx.v6" 2>/dev/null; }
reaches() {	# DST METHOD CALLID [options]: no reply, and the listener got it
	local r
	r=$(ask "$@" --timeout 0.5)
	[ "$r" = NONE ] || { echo "a reply: $r"; return 1; }
	for _ in $(seq 20); do got "$3" && return 0; sleep 0.1; done
	echo "$3 never reached the listener"
	return 1
}
dropped() {	# DST METHOD CALLID [options]: no reply, never at the listener
	local r
	r=$(ask "$@" --timeout 0.5)
	[ "$r" = NONE ] || { echo "a reply: $r"; return 1; }
	sleep 0.3
	! got "$3"
}
# one reply line per method of $METHODS, counted
all_methods() {	# CALLID-PREFIX WANT
	local m n=0
	for m in $METHODS; do
		[ "$(ask 198.18.0.1 "$m" "$1-$m")" = "$2" ] && n=$((n + 1))
	done
	echo "$n of 16 answered '$2'"
	[ "$n" = 16 ]
}

check "attach with the rules" nsenter_s "$SLCTL" attach "$IF_S" -c "$work/sl.conf" || tap_done
check "listener on 198.18.0.1:5060 and [2001:2::1]:5060 (the PBX)" listen "$work/rx"

# ---- rules that cannot be evaded ----
check "positive control: a REGISTER no rule takes reaches the listener" \
	reaches 198.18.0.1 REGISTER reg-pass --from 200@198.18.0.2
check "a REGISTER from user 100 is dropped: never reached the listener" \
	dropped 198.18.0.1 REGISTER reg-drop --from 100@198.18.0.2
check "... with one CR/LF in front: dropped too" \
	dropped 198.18.0.1 REGISTER reg-crlf1 --from 1001@198.18.0.2 --crlf 1
check "... with 1200 CR/LF in front (a first fragment of nothing else): dropped too" \
	dropped 198.18.0.1 REGISTER reg-crlf1200 --from 100@198.18.0.2 --crlf 1200
check "... while one with 3 CR/LF that no drop rule takes reaches the listener" \
	reaches 198.18.0.1 REGISTER reg-crlf-pass --from 200@198.18.0.2 --crlf 3
check "an IP-fragmented REGISTER from a blocked source never reached the listener" \
	dropped 198.18.0.1 REGISTER frag-blocked --src 198.18.0.66 --pad 2600
check "... the same from another source did (reassembled by the stack)" \
	reaches 198.18.0.1 REGISTER frag-pass --from 200@198.18.0.2 --pad 2600
check "IPv6: a fragmented REGISTER from a blocked source never reached the listener" \
	dropped 2001:2::1 REGISTER frag6-blocked --src 2001:2::66 --pad 2600
check "... the same from another IPv6 source did" \
	reaches 2001:2::1 REGISTER frag6-pass --src 2001:2::2 --pad 2600
check "dp:unanswerable counts the first fragments read for the rules ($(stat_of dp:unanswerable))" \
	test "$(stat_of dp:unanswerable)" -ge 4
check "a non-fragmented request from the blocked source gets no reply" \
	test "$(ask 198.18.0.1 OPTIONS blocked-opt --src 198.18.0.66)" = NONE

# ---- methods: 16 names on two lines, and negation ----
check "each of 16 listed methods -> 405" all_methods meta "SIP/2.0 405 Method Not Allowed"
check "method = !INVITE, ACK, REGISTER, OPTIONS: FOO -> 501" \
	test "$(ask 198.18.0.1 FOO neg-foo)" = "SIP/2.0 501 Not Implemented"
check "... 'bye' is not BYE (case-sensitive): -> 501" \
	test "$(ask 198.18.0.1 bye neg-bye)" = "SIP/2.0 501 Not Implemented"
check "... INVITE is not taken: it reaches the listener" \
	reaches 198.18.0.1 INVITE neg-invite
check "OPTIONS -> 200" test "$(ask 198.18.0.1 OPTIONS opt)" = "SIP/2.0 200 OK"

# ---- from_user, from_domain, to_user ----
check "from_domain = Scanner.Example: From <sip:x@scanner.EXAMPLE> -> 403" \
	test "$(ask 198.18.0.1 INVITE dom --from x@scanner.EXAMPLE)" = "SIP/2.0 403 Forbidden"
check "to_user = 6666*: To <sip:66661234@...> -> 404" \
	test "$(ask 198.18.0.1 INVITE to6666 --to 66661234)" = "SIP/2.0 404 Not Found"
check "from_user = 100*: an INVITE from 100 is not a REGISTER: reaches the listener" \
	reaches 198.18.0.1 INVITE inv100 --from 100@198.18.0.2
check "positive control: the listener still records (marker)" \
	sl_stack_marker 198.18.0.1 "$work/rx" marker-1

# ---- frames without XDP metadata ----
check "a test program without metadata loads on the responder's sl_xsks" \
	nsenter_s bpftool prog load "$NOMETA" "$pin_prog" type xdp \
	map name sl_xsks pinned "/sys/fs/bpf/sl-xdp/$IF_S/sl_xsks"
check "... and replaces sl-xdp's program on $IF_S" \
	nsenter_s bpftool net attach xdp pinned "$pin_prog" dev "$IF_S" overwrite
not_before=$(stat_of resp:not_answered_by_rule)
check "no metadata: each of the 16 listed methods -> 405 (not default_code 500)" \
	all_methods nometa "SIP/2.0 405 Method Not Allowed"
check "no metadata: OPTIONS -> 200" test "$(ask 198.18.0.1 OPTIONS nm-opt)" = "SIP/2.0 200 OK"
check "no metadata: FOO -> 501 (negation)" \
	test "$(ask 198.18.0.1 FOO nm-foo)" = "SIP/2.0 501 Not Implemented"
check "no metadata: from_domain -> 403" \
	test "$(ask 198.18.0.1 INVITE nm-dom --from x@scanner.example)" = "SIP/2.0 403 Forbidden"
check "no metadata: to_user -> 404" \
	test "$(ask 198.18.0.1 INVITE nm-to --to 6666)" = "SIP/2.0 404 Not Found"
check "no metadata: an INVITE no reply rule takes is not answered" \
	test "$(ask 198.18.0.1 INVITE nm-inv)" = NONE
check "... and counted in resp:not_answered_by_rule" \
	test "$(stat_of resp:not_answered_by_rule)" = $((not_before + 1))
check "sl-xdp's program back on $IF_S" \
	nsenter_s bpftool net attach xdp pinned "/sys/fs/bpf/sl-xdp/$IF_S/sl_xdp_prog" dev "$IF_S" overwrite
check "with metadata again: each of the 16 listed methods -> 405" \
	all_methods back "SIP/2.0 405 Method Not Allowed"
check "sl:405 replies: 48, 32 of them from rules the responder evaluated" \
	test "$(stat_of sl:4xx_replies)" -ge 48
check "detach" nsenter_s "$SLCTL" detach "$IF_S"
tap_done
