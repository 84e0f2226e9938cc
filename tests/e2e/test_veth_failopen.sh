#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# sl-ctl on a veth pair between two namespaces, real packets, the responder
# gone (killed right after attach):
# non-SIP traffic and SIP requests still reach a UDP socket on the server
# side (fail open); a correctly signed ACK with no recorded reply is not
# absorbed; counters are readable with sl-ctl and bpftool; detach leaves
# nothing behind.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
. "$SL_ROOT/tests/lib/sl.sh"
tap_plan 29
SLCTL="$SL_ROOT/build/sl-ctl"
UDP="/usr/bin/python3 $SL_ROOT/tests/tools/sip_udp.py"

netns_setup
work=$(mktemp -d)
netns_defer "rm -rf '$work'"
netns_defer "nsenter_s '$SLCTL' detach '$IF_S' >/dev/null 2>&1"

cat > "$work/sl.conf" <<CONF
[sl]
ports = 5060
tag_addr = 198.18.0.1:5060
default_action = pass

[rule scanners]
user_agent = friendly-scanner
action = drop

[rule options]
method = OPTIONS
reply = 200 OK
CONF

check "attach with sl-ctl (native XDP)" nsenter_s "$SLCTL" attach "$IF_S" -c "$work/sl.conf"
out=$(nsenter_s "$SLCTL" attach "$IF_S" -c "$work/sl.conf" 2>&1); rc=$?
if [ $rc -ne 0 ] && echo "$out" | grep -q "already attached"; then
	ok "second attach refused while the responder answers"
else
	not_ok "second attach refused while the responder answers" "$rc $out"
fi
# This test is about the data plane with no responder: stop the one that
# attach started (as if it had died), so redirects find no socket.
rpid=$(head -n1 "/run/sl-xdp/$IF_S.pid" 2>/dev/null)
check "attach started a responder" test -n "$rpid"
kill -9 "$rpid" 2>/dev/null
for _ in $(seq 50); do kill -0 "$rpid" 2>/dev/null || break; sleep 0.1; done
check "program is attached to $IF_S" \
	bash -c "ip -n '$NS_S' link show '$IF_S' | grep -q 'xdp'"
check "maps pinned under /sys/fs/bpf/sl-xdp/$IF_S" test -e "/sys/fs/bpf/sl-xdp/$IF_S/sl_counters"

# Server-side sockets record what the stack delivers.
listeners=()
for port in 5060 9999; do
	run_s $UDP listen 198.18.0.1 $port 8 "$work/rx$port" &
	netns_track_pid $!
	listeners+=($!)
done
for port in 5060 9999; do
	for _ in $(seq 50); do [ -e "$work/rx$port.ready" ] && break; sleep 0.1; done
done

printf 'hello, not SIP\n' > "$work/plain"
cat > "$work/options" <<'SIP'
OPTIONS sip:ping@198.18.0.1 SIP/2.0
Via: SIP/2.0/UDP 198.18.0.2:5060;branch=z9hG4bK-e2e-opt-1
From: <sip:probe@198.18.0.2>;tag=p1
To: <sip:ping@198.18.0.1>
Call-ID: e2e-opt-1@198.18.0.2
CSeq: 1 OPTIONS
Content-Length: 0

SIP
sed -i 's/$/\r/' "$work/options"

sig_tag=$($UDP tag KAMAILIO-stateless 198.18.0.1 5060 198.18.0.2 5060 z9hG4bK-e2e-ack-1 e2e-ack-1@198.18.0.2)
cat > "$work/ack" <<SIP
ACK sip:bob@198.18.0.1 SIP/2.0
Via: SIP/2.0/UDP 198.18.0.2:5060;branch=z9hG4bK-e2e-ack-1
From: <sip:alice@198.18.0.2>;tag=a1
To: <sip:bob@198.18.0.1>;tag=$sig_tag
Call-ID: e2e-ack-1@198.18.0.2
CSeq: 1 ACK
Content-Length: 0

SIP
sed -i 's/$/\r/' "$work/ack"
sed 's/^To: .*$/To: <sip:bob@198.18.0.1>\r/; s/^Call-ID: .*/Call-ID: scan-1@198.18.0.2\r/' "$work/options" |
	sed 's/^Content-Length: 0/User-Agent: friendly-scanner\r\nContent-Length: 0/' > "$work/scanner"

run_c $UDP send 198.18.0.1 9999 "$work/plain"
run_c $UDP send 198.18.0.1 5060 "$work/options"
run_c $UDP send 198.18.0.1 5060 "$work/ack"
run_c $UDP send 198.18.0.1 5060 "$work/scanner"
sleep 1

check "non-SIP datagram reached the server socket" grep -q 'hello, not SIP' "$work/rx9999"
check "OPTIONS with a reply rule and no responder reached the stack (fail open)" \
	grep -q 'e2e-opt-1@198.18.0.2' "$work/rx5060"
check "signed ACK without a recorded reply was NOT absorbed" \
	grep -q "tag=$sig_tag" "$work/rx5060"
if grep -q 'scan-1@198.18.0.2' "$work/rx5060"; then
	not_ok "scanner request dropped by rule"
else
	ok "scanner request dropped by rule"
fi
check "... positive control: a response sent after it reaches that listener" \
	sl_stack_marker 198.18.0.1 "$work/rx5060" marker-scanner

# Record the reply as the responder will (an entry in the mmap-able
# window map), then the same ACK is absorbed; an entry older than the
# 2 s window is not.
WIN=/sys/fs/bpf/sl-xdp/$IF_S/sl_window
MASK=$(( (1 << 20) - 1 ))
# shellcheck disable=SC2046
check "write a live reply-window entry with bpftool" bpftool map update pinned "$WIN" \
	$($UDP window $MASK 0 198.18.0.2 5060 z9hG4bK-e2e-ack-1 e2e-ack-1@198.18.0.2)
sed 's/^CSeq: 1 ACK/CSeq: 1 ACK\r\nX-Try: absorbed/' "$work/ack" > "$work/ack2"
run_c $UDP send 198.18.0.1 5060 "$work/ack2"
# shellcheck disable=SC2046
bpftool map update pinned "$WIN" \
	$($UDP window $MASK 3000 198.18.0.2 5060 z9hG4bK-e2e-ack-1 e2e-ack-1@198.18.0.2)
sed 's/^CSeq: 1 ACK/CSeq: 1 ACK\r\nX-Try: expired/' "$work/ack" > "$work/ack3"
run_c $UDP send 198.18.0.1 5060 "$work/ack3"
sleep 0.5
if grep -q 'X-Try: absorbed' "$work/rx5060"; then
	not_ok "signed ACK with a live window entry absorbed (never reached the socket)"
else
	ok "signed ACK with a live window entry absorbed (never reached the socket)"
fi
check "signed ACK whose entry is older than ack_window passed" grep -q 'X-Try: expired' "$work/rx5060"

stats=$(nsenter_s "$SLCTL" stats "$IF_S")
val() { echo "$stats" | sed -n "s/^dp:$1 = //p"; }
check "stats: 1 redirect fell back to the stack (no AF_XDP socket)" test "$(val redirect_fallback)" = 1
check "stats: 2 ACKs passed, 1 absorbed" test "$(val acks_passed)" = 2 -a "$(val acks_absorbed)" = 1
check "stats: 1 ACK passed as expired" test "$(val acks_expired)" = 1
check "stats: ACK counted as signed but without a window entry" test "$(val acks_no_entry)" = 1
check "stats: 1 dropped by rule" test "$(val dropped_by_rule)" = 1
check "stats: 5 SIP requests" test "$(val sip_requests)" = 5
check "bpftool map dump shows named counters" \
	bash -c "bpftool map dump pinned /sys/fs/bpf/sl-xdp/$IF_S/sl_counters | grep -q '\"acks_passed\"'"

check "detach with sl-ctl" nsenter_s "$SLCTL" detach "$IF_S"
if ip -n "$NS_S" link show "$IF_S" | grep -q xdp; then
	not_ok "no XDP program left on $IF_S"
else
	ok "no XDP program left on $IF_S"
fi
check "no pins left" test ! -e "/sys/fs/bpf/sl-xdp/$IF_S"
check "no pid or config file of the dead responder left" \
	bash -c "[ ! -e /run/sl-xdp/$IF_S.pid ] && [ ! -e /run/sl-xdp/$IF_S.conf ]"
# iproute2 alone, unconfigured: passes everything and counts.  iproute2
# pins by name under /sys/fs/bpf/xdp/globals: remove ours at the end.
GLOBALS=/sys/fs/bpf/xdp/globals
netns_defer "rm -f $(sl_pinned_map_paths "$GLOBALS")"
netns_defer "nsenter_s ip link set dev '$IF_S' xdp off >/dev/null 2>&1"
# the listeners run under ip netns exec: end the python processes
netns_kill_matching "$NS_S" "sip_udp.py listen 198.18.0.1 "
wait "${listeners[@]}" 2>/dev/null
rm -f "$work/rx5060" "$work/rx5060.ready"
check "iproute2 loads the object alone" \
	nsenter_s ip link set dev "$IF_S" xdp obj "$SL_ROOT/build/sl_xdp.bpf.o" sec xdp
run_s $UDP listen 198.18.0.1 5060 3 "$work/rx5060" &
netns_track_pid $!
for _ in $(seq 50); do [ -e "$work/rx5060.ready" ] && break; sleep 0.1; done
rm -f "$work/rx5060.ready"
run_c $UDP send 198.18.0.1 5060 "$work/options"
run_c $UDP send 198.18.0.1 5060 "$work/ack"
sleep 0.5
check "unconfigured program passes requests and ACKs to the stack" \
	bash -c "grep -q 'e2e-opt-1@198.18.0.2' '$work/rx5060' && grep -q 'tag=$sig_tag' '$work/rx5060'"
# per-CPU values: sum them
dp_sum() {
	bpftool map dump pinned "$1" | /usr/bin/python3 -c \
		"import json,sys; print(sum(v['value']['$2'] for v in json.load(sys.stdin)[0]['values']))"
}
check "unconfigured program counts (bpftool, pinned by name): 2 requests, 1 ACK passed" \
	test "$(dp_sum $GLOBALS/sl_counters sip_requests)" = 2 -a "$(dp_sum $GLOBALS/sl_counters acks_passed)" = 1
nsenter_s ip link set dev "$IF_S" xdp off

out=$(nsenter_s "$SLCTL" attach nosuchif0 -c "$work/sl.conf" 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "no such interface"; then
	ok "attach to a missing interface fails with a clear message"
else
	not_ok "attach to a missing interface fails with a clear message" "$rc $out"
fi
printf '[sl]\nports = 70000\n' > "$work/bad.conf"
out=$(nsenter_s "$SLCTL" attach "$IF_S" -c "$work/bad.conf" 2>&1); rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q "bad.conf:2:" && ! ip -n "$NS_S" link show "$IF_S" | grep -q xdp; then
	ok "config error names file and line, nothing attached"
else
	not_ok "config error names file and line, nothing attached" "$rc $out"
fi
tap_done
