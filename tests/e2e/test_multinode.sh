#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Two edge nodes behind ECMP or anycast, as the README's "More than one
# node" says to run them: two sl-xdp instances in two namespaces (A and B)
# with the same tag_seed and tag_addr, one client namespace joined to
# both by veth.  The same INVITE gets the same to-tag from either node;
# an ACK reaches the node that replied and is absorbed there; an ACK that
# reaches the other node (its reply-window entry is on the first) is not
# absorbed: it passes to the SIP server behind that node, as Kamailio
# would pass it, and is counted as acks_no_entry.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
. "$SL_ROOT/tests/lib/sl.sh"
SLCTL="$SL_ROOT/build/sl-ctl"
UDP="/usr/bin/python3 $SL_ROOT/tests/tools/sip_udp.py"
XCH="/usr/bin/python3 $SL_ROOT/tests/tools/sip_exchange.py"
SEED="edge-cluster-1"
VIP="198.18.0.100"

tap_plan 12
sl_need "$SLCTL"
sl_setup "$SLCTL"		# node A: $NS_S/$IF_S 198.18.0.1, client $NS_C/$IF_C

# node B: its own namespace and a second link to the client, 198.18.2.0/24
NS_B=${NS_S%-s}-b
IF_B=${IF_S/slx-s/slx-b}
IF_CB=${IF_S/slx-s/slx-d}
ip netns add "$NS_B" || { not_ok "namespace $NS_B"; tap_done; }
netns_defer "ip netns del '$NS_B' 2>/dev/null"
netns_defer "nsenter --net=/run/netns/$NS_B '$SLCTL' detach '$IF_B' >/dev/null 2>&1"
ip link add "$IF_B" netns "$NS_B" type veth peer name "$IF_CB" netns "$NS_C" &&
	ip -n "$NS_B" addr add 198.18.2.1/24 dev "$IF_B" &&
	ip -n "$NS_C" addr add 198.18.2.2/24 dev "$IF_CB" &&
	ip netns exec "$NS_B" ethtool -K "$IF_B" tx off >/dev/null &&
	ip netns exec "$NS_C" ethtool -K "$IF_CB" tx off >/dev/null &&
	ip -n "$NS_B" link set lo up && ip -n "$NS_B" link set "$IF_B" up &&
	ip -n "$NS_C" link set "$IF_CB" up &&
	nsenter_c ip link set dev "$IF_CB" xdp obj "$SL_ROOT/build/xdp_pass.bpf.o" sec xdp ||
	{ not_ok "second link $IF_B/$IF_CB"; tap_done; }
nsenter_b() { nsenter --net="/run/netns/$NS_B" -- "$@"; }

# the same signature on both nodes: tag_seed and tag_addr (the service
# address the cluster shares, not either node's own)
for node in a b; do
	cat > "$work/$node.conf" <<CONF
[sl]
ports = 5060
tag_seed = $SEED
tag_addr = $VIP:5060
ack_window = 5s
default_action = pass

[rule invite]
method = INVITE
reply = 486 Busy Here
CONF
done
check "node A attached" nsenter_s "$SLCTL" attach "$IF_S" -c "$work/a.conf"
check "node B attached" nsenter_b "$SLCTL" attach "$IF_B" -c "$work/b.conf"

want=$($UDP tag "$SEED" "$VIP" 5060 198.18.0.2 5062 z9hG4bK-mn-1 mn-call-1@client)
ra=$(run_c $XCH invite 198.18.0.2 5062 198.18.0.1 5060 mn-call-1@client z9hG4bK-mn-1)
rb=$(run_c $XCH invite 198.18.0.2 5062 198.18.2.1 5060 mn-call-1@client z9hG4bK-mn-1)
check "node A answers 486 with the cluster's to-tag" test "$ra" = "486 Busy Here $want"
check "node B answers the same request with the same to-tag" test "$rb" = "$ra"

# the server behind node B: the ACKs it gets are the ones sl-xdp passes
run_b_listen() { nsenter_b $UDP listen 198.18.2.1 5060 15 "$work/b-stack.log"; }
run_b_listen &
netns_track_pid $!
for _ in $(seq 50); do [ -e "$work/b-stack.log.ready" ] && break; sleep 0.1; done
check "a UDP server listens behind node B" test -e "$work/b-stack.log.ready"

# an INVITE answered by A only, its ACK to A: absorbed there
r=$(run_c $XCH invite 198.18.0.2 5064 198.18.0.1 5060 mn-call-2@client z9hG4bK-mn-2)
tag2=${r##* }
check "node A answers a second INVITE" test "${r% *}" = "486 Busy Here"
run_c $XCH ack 198.18.0.2 5064 198.18.0.1 5060 mn-call-2@client z9hG4bK-mn-2 "$tag2"
# the same ACK reaching node B instead (the path changed): not absorbed
run_c $XCH ack 198.18.0.2 5064 198.18.2.1 5060 mn-call-2@client z9hG4bK-mn-2 "$tag2"
sleep 0.5
sa=$(nsenter_s "$SLCTL" stats "$IF_S")
sb=$(nsenter_b "$SLCTL" stats "$IF_B")
check "node A absorbed the ACK of its own reply" \
	grep -qx 'dp:acks_absorbed = 1' <<<"$sa"
check "node B did not absorb it: no reply-window entry there" \
	bash -c "grep -qx 'dp:acks_absorbed = 0' <<<'$sb' && grep -qx 'dp:acks_no_entry = 1' <<<'$sb'"
check "... it reached the SIP server behind node B (the stack)" \
	grep -q "^ACK sip:busy@198.18.2.1:5060 .*Call-ID: mn-call-2@client" "$work/b-stack.log"
check "... and only that ACK: the INVITE of the first call was answered by sl-xdp" \
	test "$(grep -c . "$work/b-stack.log")" = 1

check "node A detached" nsenter_s "$SLCTL" detach "$IF_S"
check "node B detached" nsenter_b "$SLCTL" detach "$IF_B"
tap_done
