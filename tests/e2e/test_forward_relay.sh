#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Reply forwarding is not an open relay (issue 14, item 1), end to end,
# with IP forwarding off on the proxy host all along:
#
#   client/UAS/attacker ($NS_C: 198.18.0.2, .9) -- $IF_C/$IF_S --
#     proxy A ($NS_S: 198.18.0.1; 198.18.2.1 towards the UAC) -- $IF_T/$IF_U --
#     UAC ($NS_U: 198.18.2.2, .3)
#
#  - a response from a peer is forwarded to the UAC; the same response
#    from a source outside peers is not (dp:fwd_not_peer), nor one whose
#    second Via is our own address (dp:fwd_loop);
#  - with allow_redirect = no (the default) a next hop out of another
#    interface is not used (dp:fwd_other_iface); yes allows it;
#  - the per-destination rate: 5/s, burst 5, twenty responses at once
#    reach the UAC about five times, the rest dropped
#    (dp:fwd_rate_limited); another destination has its own;
#  - two forwarders that are each other's peers (A, and B: sl-xdp on
#    $IF_C with via 198.18.0.2) and a response whose Vias alternate
#    A, B, A, B, A, B: A sees that B would send it straight back (the Via
#    below B's is A's own) and passes it (dp:fwd_loop); no ping-pong.  A
#    chain A, B, UAC is forwarded to B; with a shared Via list (a
#    cluster) it is not: B's address is A's own Via.
# Every "nothing arrived" is followed by a positive control.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
. "$SL_ROOT/tests/lib/sl.sh"
tap_plan 31
SLCTL="$SL_ROOT/build/sl-ctl"
PROBE="/usr/bin/python3 $SL_ROOT/tests/tools/edge_probe.py"
UDP="/usr/bin/python3 $SL_ROOT/tests/tools/sip_udp.py"

sl_need "$SLCTL"
sl_setup "$SLCTL"
id=${IF_S#slx-s}
NS_U=${NS_S%-s}-u
IF_T=slx-t$id
IF_U=slx-u$id
netns_defer "ip netns pids '$NS_U' 2>/dev/null | xargs -r kill 2>/dev/null; ip -n '$NS_U' link set dev '$IF_U' xdp off 2>/dev/null; ip -n '$NS_S' link del '$IF_T' 2>/dev/null; ip netns del '$NS_U' 2>/dev/null"
netns_defer "nsenter_c '$SLCTL' detach '$IF_C' >/dev/null 2>&1"
run_u() { ip netns exec "$NS_U" "$@"; }

setup_uac() {
	ip netns add "$NS_U" &&
	ip link add "$IF_T" netns "$NS_S" type veth peer name "$IF_U" netns "$NS_U" &&
	ip -n "$NS_S" addr add 198.18.2.1/24 dev "$IF_T" &&
	ip -n "$NS_U" addr add 198.18.2.2/24 dev "$IF_U" &&
	ip -n "$NS_U" addr add 198.18.2.3/24 dev "$IF_U" &&
	ip netns exec "$NS_S" ethtool -K "$IF_T" tx off >/dev/null &&
	ip netns exec "$NS_U" ethtool -K "$IF_U" tx off >/dev/null &&
	ip -n "$NS_U" link set lo up && ip -n "$NS_U" link set "$IF_U" up &&
	ip -n "$NS_S" link set "$IF_T" up &&
	ip -n "$NS_U" route add default via 198.18.2.1 &&
	ip -n "$NS_C" addr add 198.18.0.9/24 dev "$IF_C" &&
	ip -n "$NS_U" link set dev "$IF_U" xdp obj "$SL_ROOT/build/xdp_pass.bpf.o" sec xdp &&
	mac=$(ip -n "$NS_U" -br link show dev "$IF_U" | awk '{print $3}') &&
	ip -n "$NS_S" neigh replace 198.18.2.2 lladdr "$mac" dev "$IF_T" nud permanent &&
	ip -n "$NS_S" neigh replace 198.18.2.3 lladdr "$mac" dev "$IF_T" nud permanent &&
	mac=$(ip -n "$NS_C" -br link show dev "$IF_C" | awk '{print $3}') &&
	ip -n "$NS_S" neigh replace 198.18.0.2 lladdr "$mac" dev "$IF_S" nud permanent
}
check "UAC namespace behind the proxy host" setup_uac || tap_done
check "IP forwarding is off on the proxy host" \
	test "$(ip netns exec "$NS_S" sysctl -n net.ipv4.conf.all.forwarding net.ipv4.conf."$IF_S".forwarding | tr -d '\n')" = 00

conf_a() {	# FILE [FORWARD KEYS...]: proxy A, via 198.18.0.1:5060
	local f=$1
	shift
	{
		printf '[sl]\nports = 5060\ntag_addr = 198.18.0.1:5060\nrate_limit = 0\n\n'
		printf '[forward]\nvia = 198.18.0.1:5060\n'
		printf '%s\n' "$@"
	} > "$f"
}
conf_a "$work/a.conf" "peers = 198.18.0.2" "allow_redirect = yes" "rate_limit = 0"
check "A attached: peers 198.18.0.2, allow_redirect = yes" \
	nsenter_s "$SLCTL" attach "$IF_S" -c "$work/a.conf" || tap_done

dp() { nsenter_s "$SLCTL" stats "$IF_S" | sed -n "s/^dp:$1 = //p"; }
dpb() { nsenter_c "$SLCTL" stats "$IF_C" | sed -n "s/^dp:$1 = //p"; }
# the UAC records what reaches 198.18.2.2:5099 and 198.18.2.3:5099
for a in 198.18.2.2 198.18.2.3; do
	run_u $UDP listen "$a" 5099 120 "$work/uac-$a" &
	netns_track_pid $!
done
for a in 198.18.2.2 198.18.2.3; do
	for _ in $(seq 50); do [ -e "$work/uac-$a.ready" ] && break; sleep 0.1; done
done
got() {	# TAG [ADDR]: how many of TAG's responses the UAC got
	sleep 0.5
	grep -c "Call-ID: $1-" "$work/uac-${2:-198.18.2.2}" 2>/dev/null
}
send() {	# SRC VIAS TAG [COUNT]: responses to A
	run_c $PROBE respond "$1" 198.18.0.1 "$2" "$3" "${4:-1}"
}
TO_UAC="198.18.0.1:5060,198.18.2.2:5099"

# ---- peers
send 198.18.0.2 "$TO_UAC" peer1
check "a response from the peer 198.18.0.2 reaches the UAC" test "$(got peer1)" = 1
before=$(dp fwd_not_peer)
send 198.18.0.9 "$TO_UAC" spoof
check "the same from 198.18.0.9 (not a peer): the UAC gets nothing" test "$(got spoof)" = 0
check "... counted in dp:fwd_not_peer" test "$(dp fwd_not_peer)" = $((before + 1))
send 198.18.0.2 "$TO_UAC" peer2
check "... positive control: from the peer again, it arrives" test "$(got peer2)" = 1

# ---- never to ourselves
before=$(dp fwd_loop)
send 198.18.0.2 "198.18.0.1:5060,198.18.0.1:5070" self
check "second Via = our own address (another port): not forwarded (dp:fwd_loop)" \
	test "$(dp fwd_loop)" = $((before + 1))
check "... the forwarded counter did not move for it" \
	test "$(dp fwd_forwarded)" = 2

# ---- out of the ingress interface only, unless allow_redirect
conf_a "$work/a-noredirect.conf" "peers = 198.18.0.2"
check "reload: allow_redirect = no (the default)" \
	nsenter_s "$SLCTL" reload "$IF_S" -c "$work/a-noredirect.conf"
before=$(dp fwd_other_iface)
send 198.18.0.2 "$TO_UAC" noredir
check "the UAC is behind another interface: the UAC gets nothing" test "$(got noredir)" = 0
check "... counted in dp:fwd_other_iface" test "$(dp fwd_other_iface)" = $((before + 1))
check "reload: allow_redirect = yes" nsenter_s "$SLCTL" reload "$IF_S" -c "$work/a.conf"
send 198.18.0.2 "$TO_UAC" redir
check "... positive control: now it arrives" test "$(got redir)" = 1

# ---- the per-destination rate
conf_a "$work/a-rate.conf" "peers = 198.18.0.2" "allow_redirect = yes" \
	"rate_limit = 5/s" "burst = 5"
check "reload: [forward] rate_limit = 5/s, burst = 5" \
	nsenter_s "$SLCTL" reload "$IF_S" -c "$work/a-rate.conf"
before=$(dp fwd_rate_limited)
send 198.18.0.2 "$TO_UAC" rate 20
n=$(got rate)
# 5 at once, then 1 per 200 ms for as long as sending takes
check "twenty responses to one UAC at once: about five arrive ($n)" test "$n" -ge 5 -a "$n" -le 8
check "... the rest dropped, counted in dp:fwd_rate_limited ($(dp fwd_rate_limited))" \
	test "$(dp fwd_rate_limited)" -ge $((before + 12))
send 198.18.0.2 "198.18.0.1:5060,198.18.2.3:5099" other 5
check "... another destination (198.18.2.3) has its own: 5 of 5" \
	test "$(got other 198.18.2.3)" = 5

# ---- two forwarders, alternating Vias: A 198.18.0.1, B 198.18.0.2
ALT="198.18.0.1:5060,198.18.0.2:5060,198.18.0.1:5060,198.18.0.2:5060,198.18.0.1:5060,198.18.0.2:5060,198.18.2.2:5099"
conf_a "$work/a-pair.conf" "peers = 198.18.0.0/24" "allow_redirect = yes" "rate_limit = 0"
check "reload: A's peers are 198.18.0.0/24 (B among them)" \
	nsenter_s "$SLCTL" reload "$IF_S" -c "$work/a-pair.conf"
printf '[sl]\nports = 5060\ntag_addr = 198.18.0.2:5060\nrate_limit = 0\n\n[forward]\nvia = 198.18.0.2:5060\npeers = 198.18.0.0/24\nrate_limit = 0\n' \
	> "$work/b.conf"
nsenter_c ip link set dev "$IF_C" xdp off
check "B attached on $IF_C: via 198.18.0.2:5060, A is its peer" \
	nsenter_c "$SLCTL" attach "$IF_C" -c "$work/b.conf"
a_fwd=$(dp fwd_forwarded)
a_loop=$(dp fwd_loop)
# the attacker, at an address of A's peers (198.18.0.9 in 198.18.0.0/24)
send 198.18.0.9 "$ALT" pingpong
sleep 1
check "A, B, A, B... Vias: A sees the Via below B's is its own, passes it (dp:fwd_loop +1)" \
	test "$(dp fwd_loop)" = $((a_loop + 1)) -a "$(dp fwd_forwarded)" = "$a_fwd"
check "... B never got it: nothing forwarded or refused there" \
	test "$(dpb fwd_forwarded)" = 0 -a "$(dpb fwd_loop)" = 0 -a "$(dpb sip_responses)" = 0
check "... the UAC at the end of the Vias got nothing" test "$(got pingpong)" = 0
# a chain is no loop: A forwards A, B, UAC to B, B has no route to the
# UAC (its namespace has none) and passes it
send 198.18.0.2 "198.18.0.1:5060,198.18.0.2:5060,198.18.2.2:5099" chain
sleep 0.5
check "... positive control: A forwards a chain response (A, B, UAC) to B" \
	test "$(dp fwd_forwarded)" = $((a_fwd + 1)) -a "$(dpb sip_responses)" = 1
# positive control: B forwards what it may, a response from A (198.18.0.1)
# to a third host on B's link, 198.18.0.7
mac_s=$(ip -n "$NS_S" -br link show dev "$IF_S" | awk '{print $3}')
ip -n "$NS_C" neigh replace 198.18.0.7 lladdr "$mac_s" dev "$IF_C" nud permanent
sleep 0.3
run_s $PROBE respond 198.18.0.1 198.18.0.2 "198.18.0.2:5060,198.18.0.7:5099" ctl-b
sleep 0.5
check "... and B forwards a response from A to a third host" \
	test "$(dpb fwd_forwarded)" = 1

# a cluster that shares its Vias: A's own list holds B's address
conf_a "$work/a-cluster.conf" "peers = 198.18.0.0/24" "allow_redirect = yes" "rate_limit = 0"
sed -i 's/^via = 198.18.0.1:5060$/via = 198.18.0.1:5060, 198.18.0.2:5060/' "$work/a-cluster.conf"
check "reload: A's via lists B's address too (a cluster)" \
	nsenter_s "$SLCTL" reload "$IF_S" -c "$work/a-cluster.conf"
a_fwd=$(dp fwd_forwarded)
a_loop=$(dp fwd_loop)
send 198.18.0.2 "198.18.0.1:5060,198.18.0.2:5060,198.18.2.2:5099" cluster
check "the chain response to B is refused now: B's address is A's own Via (dp:fwd_loop +1)" \
	test "$(dp fwd_loop)" = $((a_loop + 1)) -a "$(dp fwd_forwarded)" = "$a_fwd"
send 198.18.0.2 "$TO_UAC" ctl-cluster
check "... positive control: a plain response still reaches the UAC" test "$(got ctl-cluster)" = 1

check "IP forwarding still off on the proxy host" \
	test "$(ip netns exec "$NS_S" sysctl -n net.ipv4.conf.all.forwarding)" = 0
check "status shows the sync: routes and neighbours" \
	bash -c "nsenter --net=/run/netns/$NS_S '$SLCTL' status '$IF_S' | grep -q '^  sync: .* [1-9][0-9]* route(s), [1-9][0-9]* neighbour(s)'"
# the sync read routes, rules and neighbours in the sandbox all along
pid=$(head -n1 "/run/sl-xdp/$IF_S.pid" 2>/dev/null)
check "A's responder (pid $pid) alive, no seccomp kill of it in the kernel log" \
	bash -c "[ -n '$pid' ] && kill -0 '$pid' && ! dmesg | grep 'type=1326' | grep -q ' pid=$pid '"
tap_done
