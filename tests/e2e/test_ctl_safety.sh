#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# sl-ctl against misuse and surprises (issue 14, items 6 and 8): an IFACE
# is a device name, never a path; commands on one interface are
# serialised; pinned maps of another layout or size, and pin directories
# others can read or write, are refused instead of used; a responder is
# still recognised after its binary was replaced; attach resumes on pins
# whose program was removed, and refuses to replace another program;
# replies longer than the MTU are counted, not sent.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
. "$SL_ROOT/tests/lib/sl.sh"
SLCTL="$SL_ROOT/build/sl-ctl"
UDP="/usr/bin/python3 $SL_ROOT/tests/tools/sip_udp.py"
XCH="/usr/bin/python3 $SL_ROOT/tests/tools/sip_exchange.py"

tap_plan 44
sl_need "$SLCTL"
sl_setup "$SLCTL"
PINS=/sys/fs/bpf/sl-xdp/$IF_S
answers() { run_c $UDP ping 198.18.0.1 5060 "$1" 200 | sl_json /dev/stdin 'd["answered"]'; }
stat_of() { nsenter_s "$SLCTL" stats "$IF_S" | sed -n "s/^$1 = //p"; }
# refused RC FILE PATTERN: the command exited 1 and said PATTERN
refused() { [ "$1" = 1 ] && grep -q -- "$3" "$2"; }

sl_conf "$work/a.conf"
sl_conf "$work/b.conf" "Fine"

# --- IFACE is a device name: the path tricks of a name are refused
canary=$(mktemp -d /tmp/slx-canary.XXXXXX)
netns_defer "rm -rf '$canary'"
touch "$canary/x.pid" "$canary/x.conf"
bad=0
for name in "../..$canary/x" "." ".." "a/b" "eth0:1" "a b" "sixteen-chars-xx" ""; do
	out=$("$SLCTL" detach "$name" 2>&1); rc=$?
	[ "$rc" = 2 ] && grep -q "is not an interface name" <<<"$out" || bad=$((bad + 1))
done
check "detach, reload, stats, status, attach refuse names that are no device names (exit 2)" \
	bash -c "[ $bad = 0 ] &&
		! '$SLCTL' reload ../x >/dev/null 2>&1 && ! '$SLCTL' stats a/b >/dev/null 2>&1 &&
		! '$SLCTL' status . >/dev/null 2>&1 && ! '$SLCTL' attach 'a:b' >/dev/null 2>&1"
check "... and touch nothing outside the run directory" \
	test -e "$canary/x.pid" -a -e "$canary/x.conf"

# --- a responder whose binary was replaced (an upgrade) is still ours
mkdir "$work/bin"
cp "$SLCTL" "$work/bin/sl-ctl"
check "attach with a copy of sl-ctl" nsenter_s "$work/bin/sl-ctl" attach "$IF_S" -c "$work/a.conf"
pid=$(sed -n 1p "/run/sl-xdp/$IF_S.pid")
cp "$SLCTL" "$work/bin/sl-ctl.new" && mv "$work/bin/sl-ctl.new" "$work/bin/sl-ctl"
check "the running responder's binary is now deleted" \
	bash -c "readlink /proc/$pid/exe | grep -q ' (deleted)'"
check "status still names the responder" \
	bash -c "nsenter --net=/run/netns/$NS_S '$work/bin/sl-ctl' status '$IF_S' | grep -q 'responder: pid $pid'"
nsenter_s "$SLCTL" attach "$IF_S" -c "$work/a.conf" > "$work/out" 2>&1; rc=$?
check "attach again is refused: that responder is still answering" \
	refused $rc "$work/out" "already attached on $IF_S and answering (responder pid $pid)"
check "detach with the new binary stops it" nsenter_s "$SLCTL" detach "$IF_S"
check "... it is gone" bash -c "for i in \$(seq 50); do kill -0 $pid 2>/dev/null || exit 0; sleep 0.1; done; exit 1"

# --- commands on one interface wait for each other
check "attach" nsenter_s "$SLCTL" attach "$IF_S" -c "$work/a.conf"

# --- the responder keeps no privilege: no capability (CAP_BPF at most,
# on kernels that need it for map updates: bit 39), no_new_privs, seccomp
pid=$(sed -n 1p "/run/sl-xdp/$IF_S.pid")
grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' "/proc/$pid/status" > "$work/status"
no_caps() { grep -qE "^$1:[[:space:]]+(0000000000000000|0000008000000000)$" "$work/status"; }
check "responder: no capabilities permitted or effective" bash -c "$(declare -f no_caps); work='$work'; no_caps CapPrm && no_caps CapEff"
check "responder: empty bounding and ambient sets" bash -c "$(declare -f no_caps); work='$work'; no_caps CapBnd && no_caps CapAmb"
check "responder: no_new_privs set, seccomp filter mode" \
	bash -c "grep -qE '^NoNewPrivs:[[:space:]]+1$' '$work/status' && grep -qE '^Seccomp:[[:space:]]+2$' '$work/status'"
check "... and still answers" test "$(answers 10)" = 10
gen0=$(nsenter_s "$SLCTL" status "$IF_S" | sed -n 's/.*generation \([0-9]*\).*/\1/p')
flock "/run/sl-xdp/$IF_S.lock" sleep 2 &
holder=$!
sleep 0.3
t0=$(date +%s%N)
nsenter_s "$SLCTL" reload "$IF_S" -c "$work/b.conf" > "$work/r1" 2>&1 & r1=$!
nsenter_s "$SLCTL" reload "$IF_S" -c "$work/a.conf" > "$work/r2" 2>&1 & r2=$!
wait $r1; rc1=$?
wait $r2; rc2=$?
waited=$((($(date +%s%N) - t0) / 1000000))
wait $holder
gen=$(nsenter_s "$SLCTL" status "$IF_S" | sed -n 's/.*generation \([0-9]*\).*/\1/p')
check "two reloads while another command holds the lock: both wait for it and succeed (${waited} ms)" \
	bash -c "[ $rc1$rc2 = 00 ] && [ $waited -ge 1500 ]"
check "... one after the other: the generation moved by exactly two" test "$gen" = $((gen0 + 2))
r=$(run_c $UDP ping 198.18.0.1 5060 5 100)
check "... and a whole rule set answers (one of the two files)" \
	bash -c "echo '$r' | /usr/bin/python3 -c 'import json,sys; s=json.load(sys.stdin)[\"shapes\"]; sys.exit(0 if list(s) in ([\"SIP/2.0 200 OK\"], [\"SIP/2.0 200 Fine\"]) else 1)'"

# --- pinned maps and pin directories that are not what sl-ctl expects
check "stats works on sound pins" nsenter_s "$SLCTL" stats "$IF_S" --json
chmod 0755 "$PINS"
nsenter_s "$SLCTL" stats "$IF_S" > "$work/out" 2>&1; rc=$?
check "a pin directory others can read is refused" refused $rc "$work/out" 'mode 0700' 
chmod 0700 "$PINS"
check "... fixed, accepted again" nsenter_s "$SLCTL" stats "$IF_S"
nsenter_s "$SLCTL" detach "$IF_S" >/dev/null 2>&1
# a counters map of another version: 8 bytes longer per CPU
check "attach (no responder needed for this)" nsenter_s "$SLCTL" attach "$IF_S" -c "$work/a.conf"
size=$(bpftool -j map show pinned "$PINS/sl_counters" | sl_json /dev/stdin 'd["bytes_value"]')
rm "$PINS/sl_counters"
check "replace sl_counters by a map 8 bytes larger (another version's)" \
	bpftool map create "$PINS/sl_counters" type percpu_array key 4 value $((size + 8)) entries 1 name sl_counters
nsenter_s "$SLCTL" stats "$IF_S" > "$work/out" 2>&1; rc=$?
check "stats refuses it with what to do, no crash (exit 1)" \
	refused $rc "$work/out" "another version of sl-xdp: run 'sl-ctl detach'"
nsenter_s "$SLCTL" status "$IF_S" > "$work/out" 2>&1; rc=$?
check "status says the pins are unusable, no crash" \
	bash -c "[ $rc = 0 ] && grep -q 'unusable: map sl_counters' '$work/out'"
check "detach still cleans up" nsenter_s "$SLCTL" detach "$IF_S"
# maps configured by a build whose struct layouts differ
check "attach" nsenter_s "$SLCTL" attach "$IF_S" -c "$work/a.conf"
act=$(bpftool -j map lookup pinned "$PINS/sl_active" key 0 0 0 0 | sl_json /dev/stdin '" ".join(d["value"])' |
	awk '{ $9="0xef"; $10="0xbe"; $11="0xad"; $12="0xde"; print }')
check "sl_active says another layout" \
	bash -c "bpftool map update pinned '$PINS/sl_active' key 0 0 0 0 value $act"
nsenter_s "$SLCTL" reload "$IF_S" > "$work/out" 2>&1; rc=$?
check "reload refuses maps of another layout (exit 1, says to detach)" \
	refused $rc "$work/out" "layout differs .*run 'sl-ctl detach'"
check "detach" nsenter_s "$SLCTL" detach "$IF_S"

# --- resume: the program removed by hand is attached again; another
# program in its place is not replaced
check "attach" nsenter_s "$SLCTL" attach "$IF_S" -c "$work/a.conf"
check "answers" test "$(answers 10)" = 10
kill -9 "$(sed -n 1p "/run/sl-xdp/$IF_S.pid")"
sleep 0.3
nsenter_s ip link set dev "$IF_S" xdp off
check "responder killed and the program removed by hand" \
	bash -c "! ip -n $NS_S link show $IF_S | grep -q xdp"
check "attach resumes: attaches the pinned program again" \
	nsenter_s "$SLCTL" attach "$IF_S" -c "$work/a.conf"
check "... it answers" test "$(answers 10)" = 10
check "... counters kept (20 OPTIONS answered in all)" test "$(stat_of sl:200_replies)" = 20
kill -9 "$(sed -n 1p "/run/sl-xdp/$IF_S.pid")"
sleep 0.3
nsenter_s ip link set dev "$IF_S" xdp off
nsenter_s ip link set dev "$IF_S" xdp obj "$SL_ROOT/build/xdp_pass.bpf.o" sec xdp
nsenter_s "$SLCTL" attach "$IF_S" -c "$work/a.conf" > "$work/out" 2>&1; rc=$?
check "attach does not replace another program that took the interface" \
	refused $rc "$work/out" 'another XDP program .* in place of sl-xdp'"'"'s'
check "... which keeps the interface" bash -c "ip -n $NS_S link show $IF_S | grep -q xdp"
nsenter_s ip link set dev "$IF_S" xdp off
check "detach" nsenter_s "$SLCTL" detach "$IF_S"

# --- replies longer than the MTU are counted, not sent
cat > "$work/big.conf" <<CONF
[sl]
ports = 5060
tag_addr = 198.18.0.1:5060
[rule options]
method = OPTIONS
reply = 200 OK
[rule big]
method = INVITE
reply = 486 Busy Here
CONF
for i in 1 2 3 4 5; do
	printf 'header = X-Pad-%d: %0150d\n' "$i" 0 >> "$work/big.conf"
done
nsenter_s ip link set dev "$IF_S" mtu 700
check "attach with a rule whose replies are longer than 700 bytes" \
	nsenter_s "$SLCTL" attach "$IF_S" -c "$work/big.conf"
r=$(run_c $XCH invite 198.18.0.2 5070 198.18.0.1 5060 big-1@client z9hG4bK-big-1)
check "an INVITE whose reply would exceed the MTU (700) gets none" test "$r" = "no reply"
check "... counted in resp:oversize and sl:failures, not in sent_replies" \
	bash -c "[ '$(stat_of resp:oversize)' = 1 ] && [ '$(stat_of sl:failures)' = 1 ] && [ '$(stat_of sl:sent_replies)' = 0 ]"
check "a short reply still goes out (positive control)" test "$(answers 5)" = 5
nsenter_s ip link set dev "$IF_S" mtu 1500
sleep 0.5	# the responder reads the MTU every 100 ms
r=$(run_c $XCH invite 198.18.0.2 5070 198.18.0.1 5060 big-2@client z9hG4bK-big-2)
check "MTU back to 1500: the long reply is sent" test "${r% *}" = "486 Busy Here"
check "detach" nsenter_s "$SLCTL" detach "$IF_S"
check "nothing left" sl_nothing_left
tap_done
