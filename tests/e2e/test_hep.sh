#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# HEP3 mirroring (issue 17 item 2): a HEP3 collector in the server's
# namespace (tests/tools/hep_check.py) decodes every chunk of every copy
# and checks it against what the client sent and was answered: framing,
# IP family and protocol, addresses and ports of the request and of its
# reply, time, protocol type SIP, capture id, auth key, Call-ID as the
# correlation id, payloads byte-exact, over IPv4 and IPv6 requests.
# resp:hep_sent is what the collector received.  A reload applies a
# changed [hep]: an IPv6 collector, sample = 50 (exactly the calls that
# the Call-ID's hash selects, computed by the checker, each with its
# request and its reply; about half), no auth key, another capture id;
# sample = 0 sends nothing (positive control: the next copies arrive); a
# collector that is not there (ICMP port unreachable) neither stops
# replies nor the HEP thread.  What the XDP program reports through its
# ring buffer (bpf/hep_report.h): an ACK it absorbed and a REGISTER a
# rule dropped each reach the collector, every chunk checked, payload
# byte-exact; at sample = 50 exactly the calls the hash selects, an
# INVITE with its reply and its ACK; sample = 0 none.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
. "$SL_ROOT/tests/lib/sl.sh"
tap_plan 38
SLCTL="$SL_ROOT/build/sl-ctl"
HEP="/usr/bin/python3 $SL_ROOT/tests/tools/hep_check.py"

sl_need "$SLCTL"
sl_setup "$SLCTL"

conf() {	# FILE DEST SAMPLE CAPTURE_ID [AUTH_KEY]
	sl_conf "$1" OK
	printf '\n[rule register]\nmethod = REGISTER\naction = drop\n' >> "$1"
	printf '\n[hep]\ndest = %s\nsample = %s\ncapture_id = %s\n' "$2" "$3" "$4" >> "$1"
	[ -n "${5:-}" ] && printf 'auth_key = %s\n' "$5" >> "$1"
	return 0
}
collector() {	# ADDR PORT FILE
	run_s $HEP listen "$1" "$2" "$3" &
	netns_track_pid $!
	for _ in $(seq 50); do [ -e "$3.ready" ] && return 0; sleep 0.1; done
	echo "no $3.ready after 5 s"
	return 1
}
client() {	# NAME LOCAL DST COUNT [xdp]: every request answered
	run_c $HEP client "$2" "$3" 5060 "$4" "$1" "$work/$1.json" ${5:-} > "$work/$1.out" ||
		{ cat "$work/$1.out"; return 1; }
}
resp() { nsenter_s "$SLCTL" stats "$IF_S" | sed -n "s/^resp:$1 = //p"; }
dp() { nsenter_s "$SLCTL" stats "$IF_S" | sed -n "s/^dp:$1 = //p"; }
lines() { cat "$@" 2>/dev/null | wc -l; }
# the HEP thread sends within milliseconds: wait until resp:hep_sent is
# WANT and the collectors hold as many copies in all, less the ones sent
# where nothing listens, $unreached (3 s at most)
unreached=0
settled() {	# WANT FILE...
	local want=$1
	shift
	for _ in $(seq 30); do
		[ "$(resp hep_sent)" = "$want" ] &&
			[ "$(lines "$@")" = $((want - unreached)) ] && return 0
		sleep 0.1
	done
	echo "resp:hep_sent = $(resp hep_sent), the collectors hold $(lines "$@"), want $want (less $unreached unreached)"
	return 1
}
verify() {	# NAME HEPFILE SAMPLE CAPTURE_ID AUTH_KEY
	$HEP check "$work/$1.json" "$2" "$3" "$4" "$5" > "$work/$1.check"; local rc=$?
	cat "$work/$1.check"
	return $rc
}
field() { sl_json "$work/$1.check" "d[\"$2\"]"; }

check "collector on 198.18.0.1:9060 (the server's namespace)" collector 198.18.0.1 9060 "$work/hep4"
check "collector on [2001:2::1]:9061" collector 2001:2::1 9061 "$work/hep6"

# --- 100 %: every request and reply, IPv4 and IPv6
conf "$work/a.conf" 198.18.0.1 100 2001 s3cr3t!
check "attach with [hep] dest = 198.18.0.1 (port 9060 by default)" \
	nsenter_s "$SLCTL" attach "$IF_S" -c "$work/a.conf"
pid0=$(sed -n 1p "/run/sl-xdp/$IF_S.pid" 2>/dev/null)
check "200 requests over IPv4 (OPTIONS and INVITE): all answered" client v4 198.18.0.2 198.18.0.1 200
check "100 over IPv6: all answered" client v6 2001:2::2 2001:2::1 100
check "resp:hep_sent = 600 = what the collector received" settled 600 "$work/hep4"
check "IPv4 copies: every chunk as sent and answered (capture id 2001, auth key)" \
	verify v4 "$work/hep4" 10000 2001 's3cr3t!'
check "... 400 copies of 200 calls" test "$(field v4 packets) $(field v4 calls)" = "400 200"
check "IPv6 copies: every chunk (IPv6 family and addresses)" \
	verify v6 "$work/hep4" 10000 2001 's3cr3t!'
check "... 200 copies of 100 calls" test "$(field v6 packets) $(field v6 calls)" = "200 100"
check "resp:hep_dropped = 0" test "$(resp hep_dropped)" = 0
check "status: sample 100 %, the 600 copies sent, none dropped" \
	bash -c "nsenter --net=/run/netns/$NS_S $SLCTL status $IF_S | grep -qx '  hep: sample 100.00 % of calls (active bank), 600 copies sent, 0 dropped (resp:hep_dropped: full rings, refused sends)'"

# --- reload: IPv6 collector, 50 %, no auth key, capture id 7
conf "$work/b.conf" '[2001:2::1]:9061' 50 7
check "reload to [2001:2::1]:9061, sample = 50" nsenter_s "$SLCTL" reload "$IF_S" -c "$work/b.conf"
check "status: the reloaded sample, 50 %" \
	bash -c "nsenter --net=/run/netns/$NS_S $SLCTL status $IF_S | grep -q '^  hep: sample 50.00 % of calls (active bank), 600 copies sent'"
check "400 requests: all answered" client half 198.18.0.2 198.18.0.1 400
n_half=$($HEP expect "$work/half.json" 5000)
check "resp:hep_sent grew by what the IPv6 collector received; nothing more to the old one" \
	settled $((600 + n_half)) "$work/hep4" "$work/hep6"
check "exactly the calls the Call-ID hash selects, each with request and reply, capture id 7, no auth key" \
	verify half "$work/hep6" 5000 7 -
check "about half of the calls (150..250 of 400: $(field half calls))" \
	bash -c "c=$(field half calls); [ \$c -ge 150 ] && [ \$c -le 250 ] && [ $(field half packets) = \$((2 * c)) ]"

# --- sample = 0: nothing
sent0=$(resp hep_sent)
conf "$work/c.conf" '[2001:2::1]:9061' 0 7
check "reload: sample = 0" nsenter_s "$SLCTL" reload "$IF_S" -c "$work/c.conf"
absorbed0=$(dp acks_absorbed) dropped0=$(dp dropped_by_rule)
check "100 requests, INVITE with its ACK and REGISTER in turn: INVITEs answered" \
	client zero 198.18.0.2 198.18.0.1 100 xdp
sleep 0.5
check "... 50 ACKs absorbed, 50 REGISTERs dropped by the rule" \
	test "$(($(dp acks_absorbed) - absorbed0)) $(($(dp dropped_by_rule) - dropped0))" = "50 50"
check "sample = 0: no copy sent, none received, no XDP report either" \
	bash -c "[ $(resp hep_sent) = $sent0 ] && [ $(lines "$work/hep4" "$work/hep6") = $sent0 ]"

# --- a collector that is not there: ICMP port unreachable
conf "$work/d.conf" 198.18.0.1:9999 100 7
check "reload: dest = 198.18.0.1:9999, where nothing listens" \
	nsenter_s "$SLCTL" reload "$IF_S" -c "$work/d.conf"
check "200 requests: all answered all the same" client gone 198.18.0.2 198.18.0.1 200
check "the 400 copies were sent (the ICMP errors do not reach an unconnected socket)" \
	bash -c "for _ in \$(seq 30); do [ \$(nsenter --net=/run/netns/$NS_S '$SLCTL' stats '$IF_S' | sed -n 's/^resp:hep_sent = //p') = $((sent0 + 400)) ] && exit 0; sleep 0.1; done; exit 1"
unreached=400
conf "$work/e.conf" '[2001:2::1]:9061' 100 7
check "reload back to the IPv6 collector at 100 %" nsenter_s "$SLCTL" reload "$IF_S" -c "$work/e.conf"
arrive() {	# the copies of client "after" reach the IPv6 collector
	client after 198.18.0.2 198.18.0.1 10 || return 1
	for _ in $(seq 30); do
		verify after "$work/hep6" 10000 7 - > /dev/null &&
			[ "$(field after packets)" = 20 ] && return 0
		sleep 0.1
	done
	cat "$work/after.check"
	return 1
}
check "10 requests: answered, and their 20 copies arrive (the HEP thread goes on)" arrive
# --- the XDP program's reports: absorbed ACKs, REGISTERs dropped by a rule
sent1=$(resp hep_sent) absorbed0=$(dp acks_absorbed) dropped0=$(dp dropped_by_rule)
conf "$work/f.conf" 198.18.0.1 100 9 k3y
check "reload to 198.18.0.1:9060 at 100 %, capture id 9" nsenter_s "$SLCTL" reload "$IF_S" -c "$work/f.conf"
check "40 requests, INVITE with its ACK and REGISTER in turn: INVITEs answered" \
	client xdp 198.18.0.2 198.18.0.1 40 xdp
check "80 copies: 20 INVITEs and replies from the responder, 20 ACKs and 20 REGISTERs from the XDP ring" \
	settled $((sent1 + 80)) "$work/hep4" "$work/hep6"
check "ACK and REGISTER copies: every chunk (addresses, ports, time, capture id, auth key, Call-ID), payload byte-exact" \
	verify xdp "$work/hep4" 10000 9 k3y
check "... 20 ACKs, 20 REGISTERs ($(field xdp acks), $(field xdp registers)); dp: 20 absorbed, 20 dropped by the rule, hep_ring_full = 0" \
	test "$(field xdp acks) $(field xdp registers) $(($(dp acks_absorbed) - absorbed0)) $(($(dp dropped_by_rule) - dropped0)) $(dp hep_ring_full)" = "20 20 20 20 0"
conf "$work/g.conf" 198.18.0.1 50 9 k3y
check "reload: sample = 50" nsenter_s "$SLCTL" reload "$IF_S" -c "$work/g.conf"
sent2=$(resp hep_sent)
check "200 requests, INVITE with ACK and REGISTER: INVITEs answered" \
	client xdp50 198.18.0.2 198.18.0.1 200 xdp
check "the copies of the calls the Call-ID hash selects arrive" \
	settled $((sent2 + $($HEP expect "$work/xdp50.json" 5000))) "$work/hep4" "$work/hep6"
check "exactly those calls: an INVITE with its reply and its ACK (XDP and responder agree), a REGISTER alone" \
	verify xdp50 "$work/hep4" 5000 9 k3y
check "the responder that attached still runs, under seccomp (sendmmsg on its HEP socket allowed)" \
	bash -c "[ -n '$pid0' ] && kill -0 '$pid0' && grep -qE '^Seccomp:[[:space:]]+2$' /proc/$pid0/status"
check "detach" nsenter_s "$SLCTL" detach "$IF_S"
tap_done
