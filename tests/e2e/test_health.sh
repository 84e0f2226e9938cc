#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The health gate (issue 16 item 4): a real UDP SIP server behind sl-xdp
# (on the server namespace's loopback) answers the responder's OPTIONS
# probes, then stops answering, then answers again; `when = backend-up`
# and `when = backend-down` rules answer the client's OPTIONS with 200
# and 503 as the state flips both ways; status shows the state and how
# often it changed.  With cpus = the last CPU it may use, the probe
# thread keeps off the queue thread's CPU.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
. "$SL_ROOT/tests/lib/sl.sh"
tap_plan 14
SLCTL="$SL_ROOT/build/sl-ctl"
UDP="/usr/bin/python3 $SL_ROOT/tests/tools/sip_udp.py"

sl_need "$SLCTL"
sl_setup "$SLCTL"
cat > "$work/a.conf" <<'CONF'
[sl]
ports = 5060
tag_addr = 198.18.0.1:5060
default_action = pass
rate_limit = 0

[backend]
probe = udp:127.0.0.1:5070
interval = 200ms
down_after = 2
up_after = 2

[rule options-up]
method = OPTIONS
when = backend-up
reply = 200 OK

[rule options-down]
method = OPTIONS
when = backend-down
reply = 503 Service Unavailable
CONF
# the queue thread pinned to the last CPU this test may use (cpus_list:
# one per line); the probe thread must keep off it if another is left
cpus_list() { tr ',' '\n' | awk -F- '{ for (c = $1; c <= ($2 == "" ? $1 : $2); c++) print c }'; }
allowed=$(taskset -pc $$ | sed 's/.*: //' | cpus_list)
qcpu=$(echo "$allowed" | tail -n1)
sed -i "s/^rate_limit = 0\$/rate_limit = 0\ncpus = $qcpu/" "$work/a.conf"
# the SIP server: answers OPTIONS with 200 while $work/answer exists
cat > "$work/server.py" <<'PY'
import os, socket, sys
flag = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 5070))
while True:
    data, peer = s.recvfrom(65535)
    if not os.path.exists(flag):
        continue
    lines = data.decode(errors="replace").split("\r\n")
    keep = [l for l in lines if l.split(":", 1)[0].lower() in ("via", "from", "to", "call-id", "cseq")]
    s.sendto(("SIP/2.0 200 OK\r\n" + "\r\n".join(keep) + "\r\nContent-Length: 0\r\n\r\n").encode(), peer)
PY
touch "$work/answer"
nsenter --net="/run/netns/$NS_S" -- /usr/bin/python3 "$work/server.py" "$work/answer" &
netns_track_pid $!

shapes() { run_c $UDP ping 198.18.0.1 5060 "$1" 50 | sl_json /dev/stdin 'd["shapes"]'; }
status_has() {
	for _ in $(seq 50); do
		nsenter_s "$SLCTL" status "$IF_S" | grep -q "$1" && return 0
		sleep 0.1
	done
	nsenter_s "$SLCTL" status "$IF_S" | grep backend
	return 1
}

check "attach with a [backend] probe" nsenter_s "$SLCTL" attach "$IF_S" -c "$work/a.conf"
check "status: the backend is up, its probes answered" status_has "backend: up, 0 change(s), [1-9][0-9]* of"
pid=$(head -n1 "/run/sl-xdp/$IF_S.pid")
probe_task=$(grep -lx 'sl-xdp/probe' /proc/"$pid"/task/*/comm | head -n1)
check "the probe runs in a thread named sl-xdp/probe" test -n "$probe_task"
probe_cpus=$(awk '/^Cpus_allowed_list/ { print $2 }' "${probe_task%comm}status" 2>/dev/null | cpus_list | tr '\n' ' ')
if [ "$(echo "$allowed" | wc -l)" -gt 1 ]; then
	check "the probe thread keeps off the queue's CPU $qcpu (it may use: $probe_cpus)" \
		bash -c "[ -n '$probe_cpus' ] && ! echo ' $probe_cpus' | grep -q ' $qcpu '"
else
	check "one CPU allowed: the probe thread keeps it ($probe_cpus)" \
		test "$probe_cpus" = "$qcpu "
fi
check "while it is up, OPTIONS get the backend-up rule's 200" \
	test "$(shapes 5)" = "{'SIP/2.0 200 OK': 5}"
rm "$work/answer"
check "the server stops answering: down within 5 s (2 missed probes)" status_has "backend: down, 1 change(s)"
check "while it is down, OPTIONS get the backend-down rule's 503" \
	test "$(shapes 5)" = "{'SIP/2.0 503 Service Unavailable': 5}"
check "stats: the backend-down rule's hits, the state and its change" \
	bash -c "nsenter --net=/run/netns/$NS_S $SLCTL stats $IF_S > '$work/stats' && grep -q 'rule:options-down:hits = 5' '$work/stats' && grep -qx 'backend:down = 1' '$work/stats' && grep -qx 'backend:changes = 1' '$work/stats'"
touch "$work/answer"
check "the server answers again: up within 5 s (2 answered probes)" status_has "backend: up, 2 change(s)"
check "and OPTIONS get 200 again" test "$(shapes 5)" = "{'SIP/2.0 200 OK': 5}"
nsenter_s "$SLCTL" stats "$IF_S" --json > "$work/stats.json"
check "stats --json: the backend object, up, 2 changes" \
	test "$(sl_json "$work/stats.json" '(d["backend"]["down"], d["backend"]["changes"], d["backend"]["answers"] > 0)')" = "(0, 2, True)"

nsenter_s "$SLCTL" stats "$IF_S" --prometheus > "$work/stats.prom"
check "stats --prometheus: backend_up 1 and its counters, through a Prometheus parser" \
	/usr/bin/python3 "$SL_ROOT/tests/tools/prom_check.py" "$work/stats.prom" \
	"sl_xdp_backend_up{interface=\"$IF_S\"}=1" \
	"sl_xdp_backend_changes_total{interface=\"$IF_S\"}=2"

check "detach" nsenter_s "$SLCTL" detach "$IF_S"
check "nothing left" sl_nothing_left
tap_done
