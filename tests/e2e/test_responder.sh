#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The responder end to end, sipp as the client, in two namespaces joined by
# veth: OPTIONS -> 200; INVITE -> 486 -> ACK absorbed (the server's UDP
# socket never sees it), the same ACK 1.4 s later passes: ack_window is 1s
# here, not the 2 s default, so a configured window that never reached the
# data plane fails (and window_slots = 4096, not 1M, sizes the window
# map); re-INVITE with a To-tag -> 486 -> ACK absorbed; IPv6; a
# VLAN-tagged link (scapy); the responder killed -> requests reach the
# stack; attach again -> answers.  Every "never reached the stack" check is
# followed by a marker that must reach the same listener.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
. "$SL_ROOT/tests/lib/sl.sh"
tap_plan 42
SLCTL="$SL_ROOT/build/sl-ctl"
UDP="/usr/bin/python3 $SL_ROOT/tests/tools/sip_udp.py"
SIPP_DIR="$SL_ROOT/tests/e2e/sipp"

netns_setup
work=$(mktemp -d)
netns_defer "rm -rf '$work'"
netns_defer "nsenter_s '$SLCTL' detach '$IF_S' >/dev/null 2>&1"

# Frames the responder sends into the veth need an XDP program on the
# receiving peer.
check "dummy XDP program on the client end" \
	nsenter_c ip link set dev "$IF_C" xdp obj "$SL_ROOT/build/xdp_pass.bpf.o" sec xdp

cat > "$work/sl.conf" <<CONF
[sl]
ports = 5060
server_header = Server: sl-xdp-test
tag_addr = 198.18.0.1:5060
ack_window = 1s
window_slots = 4096
default_action = pass
; the VLAN 100 probe's address: no VLAN device here to have it
addresses = 198.18.1.1

[rule options]
method = OPTIONS
reply = 200 OK

[rule register]
method = REGISTER
reply = 403 Forbidden

[rule redirect]
method = INVITE
ruri_user_prefix = redir-
reply = 302 Moved Temporarily
header = Contact: <sip:gw2@198.18.0.9:5060>

[rule shed]
method = INVITE
ruri_user_prefix = shed-
reply = 503 Service Unavailable
header = Retry-After: 30

[rule invite]
method = INVITE
reply = 486 Busy Here
CONF

check "attach: data plane and responder" nsenter_s "$SLCTL" attach "$IF_S" -c "$work/sl.conf"
window_size() {
	bpftool map show pinned "/sys/fs/bpf/sl-xdp/$IF_S/sl_window" -j |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["max_entries"])'
}
check "window_slots = 4096 (not the default 1M) sized the reply-window map" \
	test "$(window_size)" = 4096

listen() {	# ADDR SECONDS FILE: record what the stack delivers on 5060
	run_s $UDP listen "$1" 5060 "$2" "$3" &
	netns_track_pid $!
	for _ in $(seq 50); do [ -e "$3.ready" ] && return 0; sleep 0.1; done
	echo "no $3.ready after 5 s"
	return 1
}
sipp_run() {	# NAME SCENARIO TARGET LOCAL_IP
	run_c timeout 30 sipp -sf "$SIPP_DIR/$2" -i "$4" -p 5062 -m 1 \
		-timeout 15s -timeout_error -nostdin -trace_err \
		-error_file "$work/$1.err" -trace_stat -stf "$work/$1.csv" \
		"$3" > "$work/$1.out" 2>&1
}
# every sipp_run's statistics: one call, successful, and no message that
# did not fit the scenario (unexpected, out of call, for a dead call: a
# second reply to one request lands there)
sipp_all_clean() {
	local f n=0 bad=0
	for f in "$work"/*.csv; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		/usr/bin/python3 - "$f" <<'PY' || bad=1
import csv, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter=";"))
last = dict(zip(rows[0], rows[-1]))
want = {"SuccessfulCall(C)": "1", "FailedCall(C)": "0",
        "FailedUnexpectedMessage(C)": "0", "OutOfCallMsgs(C)": "0",
        "DeadCallMsgs(C)": "0"}
bad = {k: last.get(k) for k, v in want.items() if last.get(k) != v}
if bad:
    print(sys.argv[1], bad)
    sys.exit(1)
PY
	done
	echo "$n statistics files"
	[ "$n" -eq "$1" ] && [ "$bad" -eq 0 ]
}
dp() { nsenter_s "$SLCTL" stats "$IF_S" | sed -n "s/^$1 = //p"; }

check "stack listener on 198.18.0.1:5060 ready" listen 198.18.0.1 40 "$work/rx4"
check "stack listener on [2001:2::1]:5060 ready" listen 2001:2::1 40 "$work/rx6"

check "OPTIONS -> 200 with our Server line and to-tag (sipp)" sipp_run opt4 options.xml 198.18.0.1:5060 198.18.0.2
check "INVITE -> 486 -> ACK (sipp)" sipp_run inv4 invite_486.xml 198.18.0.1:5060 198.18.0.2
sleep 0.3
check "the in-window ACK was absorbed: the stack never saw it" \
	bash -c "! grep -q 'X-Try: in-window' '$work/rx4'"
check "the ACK sent after ack_window passed to the stack" grep -q 'X-Try: late' "$work/rx4"
check "re-INVITE with a To-tag -> 486 keeping that tag (sipp)" \
	sipp_run reinv4 reinvite_486.xml 198.18.0.1:5060 198.18.0.2
sleep 0.3
check "its ACK was absorbed (re-INVITE window entry)" \
	bash -c "! grep -q 'X-Try: reinvite' '$work/rx4'"
check "requests answered by us never reached the stack" \
	bash -c "! grep -qE '^(OPTIONS|INVITE) ' '$work/rx4'"
check "... positive control: a response sent now reaches that listener" \
	sl_stack_marker 198.18.0.1 "$work/rx4" marker-rx4

check "IPv6: OPTIONS -> 200 (sipp)" sipp_run opt6 options.xml '[2001:2::1]:5060' 2001:2::2
check "IPv6: INVITE -> 486 -> ACK (sipp)" sipp_run inv6 invite_486.xml '[2001:2::1]:5060' 2001:2::2
sleep 0.3
check "IPv6: in-window ACK absorbed" bash -c "! grep -q 'X-Try: in-window' '$work/rx6'"
check "IPv6: the ACK sent after ack_window passed to the stack" grep -q 'X-Try: late' "$work/rx6"

# VLAN 100: no 8021q module here, so scapy tags and reads the frames.
run_c ethtool -K "$IF_C" rxvlan off >/dev/null 2>&1
mac_s=$(ip -n "$NS_S" -o link show "$IF_S" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
absorbed_before=$(dp dp:acks_absorbed)
run_c /usr/bin/python3 "$SL_ROOT/tests/tools/vlan_probe.py" "$IF_C" "$mac_s" 100 \
	198.18.1.2 198.18.1.1 > "$work/vlan.out" 2>&1
check "VLAN 100: OPTIONS -> 200, reply tagged 100" grep -q '^OPTIONS 100 SIP/2.0 200 OK' "$work/vlan.out"
check "VLAN 100: INVITE -> 486, reply tagged 100" grep -q '^INVITE 100 SIP/2.0 486 Busy Here' "$work/vlan.out"
sleep 0.3
check "VLAN 100: its ACK absorbed" test "$(dp dp:acks_absorbed)" = $((absorbed_before + 1))

check "sl:200_replies = 3" test "$(dp sl:200_replies)" = 3
check "sl:4xx_replies = 4 (486 is an 'other 4xx')" test "$(dp sl:4xx_replies)" = 4
check "sl:sent_replies = 7" test "$(dp sl:sent_replies)" = 7
check "sl:received_ACKs = 4" test "$(dp sl:received_ACKs)" = 4
check "dp:acks_expired = 2 (the late v4 and v6 ACKs)" test "$(dp dp:acks_expired)" = 2

# Fail open: kill the responder, requests go to the stack; attach resumes.
pid=$(head -n1 "/run/sl-xdp/$IF_S.pid" 2>/dev/null)
check "responder pid file" test -n "$pid"
kill -9 "$pid" 2>/dev/null
sleep 0.5
rm -f "$work/rx4b" "$work/rx4b.ready"
netns_kill_matching "$NS_S" "sip_udp.py listen 198.18.0.1 "
sleep 0.3
check "stack listener on 198.18.0.1:5060 ready again" listen 198.18.0.1 20 "$work/rx4b"
run_c timeout 5 sipp -sf "$SIPP_DIR/options.xml" -i 198.18.0.2 -p 5062 -m 1 \
	-timeout 2s -nostdin 198.18.0.1:5060 >/dev/null 2>&1
check "responder killed: the OPTIONS reached the stack (fail open)" grep -q '^OPTIONS ' "$work/rx4b"
check "attach again resumes" nsenter_s "$SLCTL" attach "$IF_S" -c "$work/sl.conf"
check "answers again after resume (sipp)" sipp_run opt4b options.xml 198.18.0.1:5060 198.18.0.2
check "counters kept across the restart: sl:200_replies = 4" test "$(dp sl:200_replies)" = 4

# the other deployments' answers, sipp checking each one
absorbed_before=$(dp dp:acks_absorbed)
check "REGISTER -> 403 Forbidden (sipp)" sipp_run reg4 register_403.xml 198.18.0.1:5060 198.18.0.2
check "INVITE -> 302 with the rule's Contact, ACK (sipp)" sipp_run red4 invite_302.xml 198.18.0.1:5060 198.18.0.2
check "INVITE -> 503 with Retry-After: 30, ACK (sipp)" sipp_run shed4 invite_503.xml 198.18.0.1:5060 198.18.0.2
sleep 0.3
check "sl:403_replies = 1, sl:302_replies = 1, sl:5xx_replies = 1" \
	test "$(dp sl:403_replies) $(dp sl:302_replies) $(dp sl:5xx_replies)" = "1 1 1"
check "the ACKs of the 302 and the 503 were absorbed" \
	test "$(dp dp:acks_absorbed)" = $((absorbed_before + 2))
check "sipp's statistics of all 9 runs: one successful call each, no unexpected, out-of-call or dead-call message" \
	sipp_all_clean 9

pid=$(head -n1 "/run/sl-xdp/$IF_S.pid" 2>/dev/null)
check "resumed responder has a pid file" test -n "$pid"
check "detach" nsenter_s "$SLCTL" detach "$IF_S"
check "no responder process left" bash -c "! kill -0 ${pid:-0} 2>/dev/null"
check "no pid file left" test ! -e "/run/sl-xdp/$IF_S.pid"
check "no pins left" test ! -e "/sys/fs/bpf/sl-xdp/$IF_S"
tap_done
