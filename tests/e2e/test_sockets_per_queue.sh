#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# One peer spread over several threads (issue 12): sockets_per_queue = 4
# on a one-queue veth, so one 5-tuple (sl-bench with one socket) is
# answered by 4 AF_XDP sockets and threads (each socket's sent_replies in
# `stats --json` "queues"), while every retransmission of a request (same
# Call-ID) reaches the same socket.  Also: the threads' names
# (sl-xdp/q0.K) and CPUs (cpus =), the responder's other threads kept off
# the queue threads' CPUs, spin_us and busy_poll accepted, the
# sandbox letting the threads name and pin themselves (no seccomp kill),
# a reload that changes sockets_per_queue refused, and the keys' errors.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
SLCTL="$SL_ROOT/build/sl-ctl"
BENCH="$SL_ROOT/build/sl-bench"
UDP="/usr/bin/python3 $SL_ROOT/tests/tools/sip_udp.py"
. "$SL_ROOT/tests/lib/sl.sh"
tap_plan 40

sl_need "$BENCH"
sl_setup "$SLCTL"

# the CPUs this test may use: the first two it is allowed on (or one)
read -r cpu0 cpu1 < <(taskset -pc $$ | sed 's/.*: //' | tr ',' '\n' |
	awk -F- '{ for (c = $1; c <= ($2 == "" ? $1 : $2); c++) print c }' |
	head -n 2 | tr '\n' ' ')
cpu1=${cpu1:-$cpu0}
sl_conf "$work/sl.conf" OK "sockets_per_queue = 4
cpus = $cpu0,$cpu1
spin_us = 20
busy_poll = on"

stats() { nsenter_s "$SLCTL" stats "$IF_S" --json > "$1"; }
j() { sl_json "$@"; }
replies_of() {	# FILE: each socket's sent_replies, space separated
	j "$1" '" ".join(str(q["sent_replies"]) for q in d["queues"])'
}
seccomp_kills() {	# PID: audit lines of a seccomp kill of it
	dmesg 2>/dev/null | grep 'type=1326' | grep -c " pid=$1 " || true
}

check "attach: sockets_per_queue = 4, cpus = $cpu0,$cpu1, spin_us = 20, busy_poll = on" \
	nsenter_s "$SLCTL" attach "$IF_S" -c "$work/sl.conf"
pid=$(head -n1 "/run/sl-xdp/$IF_S.pid")
kills0=$(seccomp_kills "$pid")

names=$(cat /proc/"$pid"/task/*/comm | grep '^sl-xdp/q' | sort | tr '\n' ' ')
check "four queue threads named sl-xdp/q0.0 .. sl-xdp/q0.3 ($names)" \
	test "$names" = "sl-xdp/q0.0 sl-xdp/q0.1 sl-xdp/q0.2 sl-xdp/q0.3 "
pins=""
for t in /proc/"$pid"/task/*; do
	case $(cat "$t/comm") in
	sl-xdp/q0.*) pins="$pins$(cat "$t/comm")=$(awk '/^Cpus_allowed_list/ { print $2 }' "$t/status") " ;;
	esac
done
pins=$(echo "$pins" | tr ' ' '\n' | sort | tr '\n' ' ')
check "each pinned to its CPU, round robin over cpus ($pins)" \
	test "$pins" = " sl-xdp/q0.0=$cpu0 sl-xdp/q0.1=$cpu1 sl-xdp/q0.2=$cpu0 sl-xdp/q0.3=$cpu1 "

nsenter_s "$SLCTL" status "$IF_S" > "$work/status.out" 2>&1
check "sl-ctl status lists the threads and their CPUs ($(grep threads: "$work/status.out"))" \
	grep -q "threads:.*sl-xdp/q0.0 on CPU $cpu0" "$work/status.out"

# one 5-tuple: one sender thread, one socket, one source port
run_c "$BENCH" -d 198.18.0.1 -m options=70,invite=30 -T 1 -r 4000 -n 4000 -w 1 -q -j > "$work/one.json"
sleep 0.5
stats "$work/s1.json"
check "one 5-tuple, 4000 requests: all answered ($(j "$work/one.json" 'd["final_replies"]'))" \
	test "$(j "$work/one.json" 'd["final_replies"]')" = 4000
check "... by all four sockets, each at least 10 % ($(replies_of "$work/s1.json"))" \
	test "$(j "$work/s1.json" 'int(len(d["queues"]) == 4 and min(q["sent_replies"] for q in d["queues"]) >= 400)')" = 1
check "... every ACK of a 486 absorbed ($(j "$work/s1.json" 'd["dp"]["acks_absorbed"]') of $(j "$work/one.json" 'd["acks_sent"]'))" \
	test "$(j "$work/s1.json" 'd["dp"]["acks_absorbed"]')" = "$(j "$work/one.json" 'd["acks_sent"]')"

# retransmissions: the same request 12 times, and another one 12 times
for callid in rtx-a rtx-b; do
	printf 'OPTIONS sip:svc@198.18.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 198.18.0.2:5070;branch=z9hG4bK-%s\r\nFrom: <sip:c@198.18.0.2>;tag=r\r\nTo: <sip:svc@198.18.0.1>\r\nCall-ID: %s@198.18.0.2\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' \
		"$callid" "$callid" > "$work/$callid.sip"
	stats "$work/before.json"
	for _ in $(seq 12); do
		run_c $UDP send 198.18.0.1 5060 "$work/$callid.sip"
	done
	sleep 0.5
	stats "$work/after.json"
	moved=$(/usr/bin/python3 -c 'import json, sys
a, b = (json.load(open(f))["queues"] for f in sys.argv[1:3])
print(" ".join(str(y["sent_replies"] - x["sent_replies"]) for x, y in zip(a, b)))' \
		"$work/before.json" "$work/after.json")
	check "12 copies of Call-ID $callid all answered by one socket ($moved)" \
		bash -c "echo '$moved' | tr ' ' '\n' | sort -n | tr '\n' ' ' | grep -qx '0 0 0 12 '"
done

check "spin_us and busy_poll: the responder answers and is alive" kill -0 "$pid"
check "no seccomp kill of the responder (threads naming and pinning themselves)" \
	test "$(seccomp_kills "$pid")" = "$kills0"

# a reload must not change the number of sockets the data plane picks from
sed 's/^sockets_per_queue = 4/sockets_per_queue = 2/' "$work/sl.conf" > "$work/two.conf"
nsenter_s "$SLCTL" reload "$IF_S" -c "$work/two.conf" > "$work/reload.out" 2>&1
rc=$?
check "reload with sockets_per_queue = 2 refused (exit $rc): $(head -n1 "$work/reload.out")" \
	bash -c "[ $rc = 1 ] && grep -q 'sockets_per_queue is 2 in the new file and 4 in the running responder' '$work/reload.out'"
check "reload with the same file works" nsenter_s "$SLCTL" reload "$IF_S" -c "$work/sl.conf"
run_c "$BENCH" -d 198.18.0.1 -m options -T 1 -r 2000 -n 1000 -w 1 -q -j > "$work/again.json"
check "... and all four still answer: 1000 of $(j "$work/again.json" 'd["final_replies"]')" \
	test "$(j "$work/again.json" 'd["final_replies"]')" = 1000
check "detach" nsenter_s "$SLCTL" detach "$IF_S"
check "nothing left: no XDP program, pins, pid file or responder" sl_nothing_left "$pid"

# the other threads (main, sl-xdp/hep, sl-xdp/sync) keep off a CPU that a
# queue thread is pinned to, when another is allowed
cpus_of() {	# TASK_DIR: its allowed CPUs, one per line
	awk '/^Cpus_allowed_list/ { print $2 }' "$1/status" | tr ',' '\n' |
		awk -F- '{ for (c = $1; c <= ($2 == "" ? $1 : $2); c++) print c }'
}
sl_conf "$work/pin.conf" OK "cpus = $cpu1"
check "attach: cpus = $cpu1" nsenter_s "$SLCTL" attach "$IF_S" -c "$work/pin.conf"
pid=$(head -n1 "/run/sl-xdp/$IF_S.pid")
queue="" others="" names=""
for t in /proc/"$pid"/task/*; do
	case $(cat "$t/comm") in
	sl-xdp/q*) queue="$queue$(cpus_of "$t" | tr '\n' ' ')" ;;
	*) others="$others$(cat "$t/comm")=$(cpus_of "$t" | tr '\n' ',') "
	   names="$names$(cat "$t/comm") " ;;
	esac
done
check "the queue thread on CPU $cpu1 ($queue)" test "$queue" = "$cpu1 "
if [ "$cpu0" != "$cpu1" ]; then
	check "the other threads not on CPU $cpu1, each on some CPU ($others)" \
		bash -c "! echo '$others' | tr ' ' '\n' | grep -Eq '(=|,)$cpu1,|=\$'"
else
	check "one CPU allowed: the other threads keep it ($others)" \
		bash -c "echo '$others' | tr ' ' '\n' | grep -v '^\$' | grep -v -q -- '=$cpu0,\$' && exit 1 || exit 0"
fi
check "the HEP and address-sync threads are named ($names)" \
	bash -c "echo '$names' | grep -q 'sl-xdp/hep' && echo '$names' | grep -q 'sl-xdp/sync'"
check "detach" nsenter_s "$SLCTL" detach "$IF_S"
check "nothing left" sl_nothing_left "$pid"

# the keys' errors: FILE:LINE: what
bad() {	# DESC LINE EXPECTED
	sl_conf "$work/bad.conf" OK "$2"
	nsenter_s "$SLCTL" attach "$IF_S" -c "$work/bad.conf" > "$work/bad.out" 2>&1
	rc=$?
	check "$1 refused (exit $rc): $(head -n1 "$work/bad.out")" \
		bash -c "[ $rc = 1 ] && grep -q -- '$3' '$work/bad.out'"
	check "... and nothing attached" sl_nothing_left
}
bad "sockets_per_queue = 0" "sockets_per_queue = 0" \
	'bad.conf:[0-9]*: sockets_per_queue: .0. is not a number of sockets from 1 to 16'
bad "sockets_per_queue = 17" "sockets_per_queue = 17" 'from 1 to 16'
bad "cpus = 3-1" "cpus = 3-1" 'cpus: .3-1. is a range that runs backwards'
bad "cpus = 0,0" "cpus = 0,0" 'CPU 0 is listed twice'
bad "cpus = 1023 (no such CPU here)" "cpus = 1023" \
	'cpus: CPU 1023 is not one the responder may run on (allowed: '
bad "spin_us = 10001" "spin_us = 10001" 'spin_us: .10001. is not a number of microseconds from 0 to 10000'
bad "busy_poll = yes" "busy_poll = yes" "busy_poll: .yes. is neither on nor off"
bad "ring_size = 100" "ring_size = 100" 'ring_size: .100. is not a power of two from 64 to 65536'
bad "umem_frames = 1024 with ring_size = 128" "ring_size = 128
umem_frames = 1024" 'umem_frames: 1024 is more than 4 x ring_size (512)'
tap_done
