#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# sl-xdp answers only what is for this host, and cannot be turned into a
# reflector, end to end (issue 14, items 2 to 4):
#  - only frames to the interface's MAC and to one of its addresses or an
#    `addresses =` VIP are answered: a broadcast OPTIONS (ff:ff:ff:ff:ff:ff,
#    198.18.0.255) gets no reply at all, let alone one from the broadcast
#    MAC and address; transit traffic (our MAC, another host's address)
#    and another host's MAC neither; each counted in dp:passed_not_ours;
#  - the responder's netlink sync follows the interface: an address added
#    while it runs is answered within a second or two, one removed is not;
#    a new MAC likewise; and the responder survives its seccomp filter
#    doing so (no audit type=1326 for its pid);
#  - a UDP length other than the IP payload's is passed, never answered,
#    counted in dp:udp_len_mismatch;
#  - the default rate limit (no rate_limit in the file: 50/s, burst 100)
#    answers a hundred requests of a burst from one source and drops the
#    rest, another source is answered, and an IPv6 source is its /64 (a
#    second address of the client's /64 finds the bucket empty).
# Every "no reply" is followed by a positive control: the same probe to
# our address is answered.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
. "$SL_ROOT/tests/lib/sl.sh"
tap_plan 29
SLCTL="$SL_ROOT/build/sl-ctl"
PROBE="/usr/bin/python3 $SL_ROOT/tests/tools/edge_probe.py"

sl_need "$SLCTL"
sl_setup "$SLCTL"

cat > "$work/sl.conf" <<CONF
[sl]
ports = 5060
tag_addr = 198.18.0.1:5060
default_action = pass
; no rate_limit: the default (50/s, burst 100) is what is tested
addresses = 198.18.0.77

[rule options]
method = OPTIONS
reply = 200 OK
CONF
check "attach (default rate limit, addresses = 198.18.0.77)" \
	nsenter_s "$SLCTL" attach "$IF_S" -c "$work/sl.conf" || tap_done
pid=$(head -n1 "/run/sl-xdp/$IF_S.pid" 2>/dev/null)
mac_s=$(ip -n "$NS_S" -o link show "$IF_S" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
dp() { nsenter_s "$SLCTL" stats "$IF_S" | sed -n "s/^$1 = //p"; }
ask() {	# DST_MAC DST_IP TAG [UDP_LEN_ADJ] [SRC_IP]
	run_c $PROBE ask "$IF_C" "$1" "${5:-198.18.0.2}" "$2" "$3" "${4:-0}"
}
answered_by() {	# OUT MAC IP: exactly one reply, from MAC and IP, 200 OK
	[ "$(grep -c '^REPLY' <<<"$1")" = 1 ] &&
		grep -q "^REPLY $2 $3 SIP/2.0 200 OK" <<<"$1" || { echo "$1"; return 1; }
}
control() {	# TAG: the positive control, our MAC and address
	local out
	out=$(ask "$mac_s" 198.18.0.1 "$1")
	answered_by "$out" "$mac_s" 198.18.0.1
}

# ---- only frames for this host
out=$(ask "$mac_s" 198.18.0.1 unicast)
check "unicast OPTIONS to our MAC and 198.18.0.1: one 200 OK from them" \
	answered_by "$out" "$mac_s" 198.18.0.1

before=$(dp dp:passed_not_ours)
out=$(ask ff:ff:ff:ff:ff:ff 198.18.0.255 bcast)
check "broadcast OPTIONS (ff:ff:ff:ff:ff:ff, 198.18.0.255): no reply at all" \
	test "$out" = NONE
check "... counted in dp:passed_not_ours" test "$(dp dp:passed_not_ours)" = $((before + 1))
check "... positive control: the same probe to us is answered" control ctl-bcast

out=$(ask ff:ff:ff:ff:ff:ff 198.18.0.1 bcast-mac)
check "broadcast MAC, our address: no reply" test "$out" = NONE
check "... positive control" control ctl-bcast-mac

before=$(dp dp:passed_not_ours)
out=$(ask "$mac_s" 198.18.5.5 transit)
check "transit (our MAC, 198.18.5.5): no reply" test "$out" = NONE
check "... counted in dp:passed_not_ours" test "$(dp dp:passed_not_ours)" = $((before + 1))
check "... positive control" control ctl-transit

out=$(ask 02:00:00:00:00:99 198.18.0.1 other-mac)
check "another host's MAC, our address: no reply" test "$out" = NONE
check "... positive control" control ctl-other-mac

out=$(ask "$mac_s" 198.18.0.77 vip)
check "addresses = 198.18.0.77 (no interface has it): answered from it" \
	answered_by "$out" "$mac_s" 198.18.0.77

# ---- the netlink sync follows the interface
ask_until() {	# MAC IP TAG WANT(yes|no): within 5 tries
	local i out
	for i in 1 2 3 4 5; do
		out=$(ask "$1" "$2" "$3-$i")
		if [ "$4" = yes ]; then
			answered_by "$out" "$1" "$2" >/dev/null && return 0
		else
			[ "$out" = NONE ] && return 0
		fi
		sleep 0.5
	done
	echo "$out"
	return 1
}
ip -n "$NS_S" addr add 198.18.0.66/32 dev "$IF_S"
check "an address added while attached (198.18.0.66) is answered" \
	ask_until "$mac_s" 198.18.0.66 added yes
ip -n "$NS_S" addr del 198.18.0.66/32 dev "$IF_S"
check "... removed: no longer answered" ask_until "$mac_s" 198.18.0.66 removed no
check "... positive control" control ctl-removed
new_mac=02:00:00:5e:00:42
ip -n "$NS_S" link set dev "$IF_S" address "$new_mac"
check "a new MAC ($new_mac) is answered" ask_until "$new_mac" 198.18.0.1 newmac yes
check "... the old MAC no longer" ask_until "$mac_s" 198.18.0.1 oldmac no
ip -n "$NS_S" link set dev "$IF_S" address "$mac_s"
check "... and back: the first MAC answered again" ask_until "$mac_s" 198.18.0.1 back yes
check "the responder survived its sync in the sandbox (pid $pid alive)" kill -0 "$pid"
check "... and no seccomp kill of pid $pid in the kernel log" \
	bash -c "! dmesg | grep 'type=1326' | grep -q ' pid=$pid '"

# ---- UDP length against the IP length
before=$(dp dp:udp_len_mismatch)
out=$(ask "$mac_s" 198.18.0.1 short-udp -4)
check "UDP length 4 short of the IP payload: no reply" test "$out" = NONE
out=$(ask "$mac_s" 198.18.0.1 long-udp 4)
check "UDP length 4 beyond the IP payload: no reply" test "$out" = NONE
check "... both counted in dp:udp_len_mismatch" \
	test "$(dp dp:udp_len_mismatch)" = $((before + 2))
check "... positive control" control ctl-udp-len

# ---- the default rate limit: 50/s, burst 100, IPv6 by /64
ip -n "$NS_C" addr add 198.18.0.3/24 dev "$IF_C"
ip -n "$NS_C" -6 addr add 2001:2::3/64 dev "$IF_C" nodad
before=$(dp dp:rate_limited)
n=$(run_c $PROBE burst 198.18.0.2 198.18.0.1 300)
# 100 at once, then one per 20 ms for as long as the burst takes: a
# loaded machine sending slowly gets a few more, never all
check "a burst of 300 from one source: the default lets about 100 through ($n)" \
	test "$n" -ge 100 -a "$n" -le 200
check "... the rest dropped, counted in dp:rate_limited ($(dp dp:rate_limited))" \
	test "$(dp dp:rate_limited)" -ge $((before + 100))
n=$(run_c $PROBE burst 198.18.0.3 198.18.0.1 20)
check "... another source is answered: 20 of 20 ($n)" test "$n" = 20
# both from one process, one right after the other: a second address of
# the same /64 finds the bucket the first emptied
read -r n6 n6b <<<"$(run_c $PROBE burst 2001:2::2,2001:2::3 2001:2::1 150)"
check "IPv6: 2001:2::2 then 2001:2::3 share their /64's bucket ($n6 then $n6b of 150 each)" \
	test "${n6:-0}" -ge 100 -a "${n6:-0}" -lt 150 -a "${n6b:-150}" -lt 50

tap_done
