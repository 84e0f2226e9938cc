#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Faults under load: the responder killed at random moments (requests fail
# open, attach resumes), a storm of reloads, the interface going down and
# up, detach while traffic flows. Nothing is left behind.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
. "$SL_ROOT/tests/lib/sl.sh"
tap_plan 21
SLCTL="$SL_ROOT/build/sl-ctl"
UDP="/usr/bin/python3 $SL_ROOT/tests/tools/sip_udp.py"

netns_setup
work=$(mktemp -d)
netns_defer "rm -rf '$work'"
netns_defer "nsenter_s '$SLCTL' detach '$IF_S' >/dev/null 2>&1"
nsenter_c ip link set dev "$IF_C" xdp obj "$SL_ROOT/build/xdp_pass.bpf.o" sec xdp
# rate_limit = 0: pings of hundreds a second from one address
printf '[sl]\nports = 5060\ntag_addr = 198.18.0.1:5060\nrate_limit = 0\n[rule options]\nmethod = OPTIONS\nreply = 200 OK\n' > "$work/a.conf"
printf '[sl]\nports = 5060\ntag_addr = 198.18.0.1:5060\nrate_limit = 0\n[rule options]\nmethod = OPTIONS\nreply = 200 Fine\n' > "$work/b.conf"
json() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
answered() { run_c $UDP ping 198.18.0.1 5060 "$1" 200 | json 'd["answered"]'; }
rpid() { head -n1 "/run/sl-xdp/$IF_S.pid" 2>/dev/null; }
gen() { nsenter_s bpftool map dump pinned "/sys/fs/bpf/sl-xdp/$IF_S/sl_active" |
	/usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)[0]['value']['generation'])"; }

check "attach" nsenter_s "$SLCTL" attach "$IF_S" -c "$work/a.conf"

# --- kill -9 at random moments under load, three times.  A listener on
# the server records what fails open to the stack while the responder is
# dead; the client counts what was answered.
for round in 1 2 3; do
	run_s $UDP listen 198.18.0.1 5060 10 "$work/stack$round" &
	netns_track_pid $!
	for _ in $(seq 50); do [ -e "$work/stack$round.ready" ] && break; sleep 0.1; done
	run_c $UDP ping 198.18.0.1 5060 1500 500 > "$work/load$round.json" &
	load=$!
	sleep "0.$((RANDOM % 9 + 1))"
	kill -9 "$(rpid)" 2>/dev/null
	sleep 0.5
	check "kill $round: attach again after kill -9 under load" \
		nsenter_s "$SLCTL" attach "$IF_S" -c "$work/a.conf"
	wait $load
	netns_kill_matching "$NS_S" "sip_udp.py listen 198.18.0.1 "
	a=$(json 'd["answered"]' < "$work/load$round.json")
	check "kill $round: every request counted: $a of 1500 answered, $(json 'd["lost"]' < "$work/load$round.json") not (answered > 0)" \
		test "$(json 'int(d["sent"] == 1500 and d["answered"] + d["lost"] == d["sent"] and d["answered"] > 0)' < "$work/load$round.json")" = 1
	n=$(grep -c '^OPTIONS ' "$work/stack$round" 2>/dev/null)
	check "kill $round: requests failed open to the stack while the responder was dead (${n:-0})" \
		test "${n:-0}" -gt 0
done
check "after three kills under load and three resumes: answers again (50/50)" test "$(answered 50)" = 50
check "no stale responder: exactly one sl-ctl process for the interface" \
	test "$(pgrep -fc "^$SLCTL attach $IF_S")" = 1

# --- reload storm while traffic flows
g0=$(gen)
run_c $UDP ping 198.18.0.1 5060 2000 500 > "$work/storm.json" &
load=$!
fails=0
for i in $(seq 20); do
	conf=$([ $((i % 2)) = 1 ] && echo b || echo a)
	nsenter_s "$SLCTL" reload "$IF_S" -c "$work/$conf.conf" > /dev/null 2>&1 || fails=$((fails + 1))
done
wait $load
check "reload storm: 20 reloads, all applied (generation +20)" test "$fails $(( $(gen) - g0 ))" = "0 20"
check "reload storm: no request lost" test "$(json 'd["lost"]' < "$work/storm.json")" = 0
check "reload storm: only whole rule sets answered" \
	test "$(json 'sorted(d["shapes"])' < "$work/storm.json")" = "['SIP/2.0 200 Fine', 'SIP/2.0 200 OK']"

# --- interface down and up
run_s ip link set "$IF_S" down
sleep 0.3
run_s ip link set "$IF_S" up
run_c ip link set "$IF_C" up
sleep 1.5
check "interface down and up: answers again (50/50)" test "$(answered 50)" = 50

# --- detach while traffic flows
run_c $UDP ping 198.18.0.1 5060 1500 500 > "$work/detach.json" &
load=$!
sleep 1
rpid=$(sed -n 1p "/run/sl-xdp/$IF_S.pid" 2>/dev/null)
check "detach under traffic" nsenter_s "$SLCTL" detach "$IF_S"
wait $load
check "nothing left: no XDP program, pins, pid file or responder ($rpid)" \
	sl_nothing_left "$rpid"
check "attach after all that: answers (50/50)" \
	bash -c "nsenter --net=/run/netns/$NS_S '$SLCTL' attach '$IF_S' -c '$work/a.conf' >/dev/null"
check "... and answers" test "$(answered 50)" = 50
check "detach" nsenter_s "$SLCTL" detach "$IF_S"
tap_done
