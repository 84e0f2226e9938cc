# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck shell=bash
#
# sl-xdp helpers for tests/e2e/test_*.sh, sourced after tests/lib/netns.sh
# (they use $IF_S, $NS_S and its ok/not_ok/tap_done).
#
#   sl_need FILE...                 not ok and end the script (tap_done)
#                                   unless every FILE is an executable
#   sl_setup SLCTL                  netns_setup, a scratch directory $work
#                                   (removed at cleanup), 'SLCTL detach
#                                   $IF_S' at cleanup, build/xdp_pass.bpf.o
#                                   on $IF_C (frames the responder sends
#                                   into the veth need a program there)
#   sl_conf FILE [REASON [LINES]]   a config: [sl] on port 5060, tag_addr
#                                   198.18.0.1:5060, default_action pass,
#                                   rate_limit = 0 (the tests send hundreds
#                                   of requests a second from one address;
#                                   test_edge.sh tests the default),
#                                   LINES (more [sl] keys); rules options
#                                   (OPTIONS -> 200 REASON, default OK) and
#                                   invite (INVITE -> 486 Busy Here)
#   sl_json FILE EXPR               print the Python expression EXPR over
#                                   the JSON object in FILE (as d)
#   sl_kill_orphan_responder        for netns_defer: TERM the responder of
#                                   $IF_S by its pid file when detach
#                                   cannot (its namespace went away under
#                                   us: another run's cleanup)
#   sl_pinned_map_paths DIR         DIR/NAME of every map bpf/maps.h pins
#                                   by name (what iproute2 leaves in its
#                                   globals directory)
#   sl_nothing_left [PID]           exit 0 if nothing of sl-xdp is left on
#                                   $IF_S: no XDP program, no pins, no pid
#                                   file, PID (if given) not running; for
#                                   check "..." sl_nothing_left.  A PID
#                                   given but empty fails: "$pid" of a
#                                   pid file that was never read must not
#                                   turn into "no process to look for"
#   sl_counter_names GROUP          the counter names of GROUP (sl, dp or
#                                   resp), one a line, in `sl-ctl stats`
#                                   order, read from the X-macro lists of
#                                   include/sl_counters.h: no hand list
#   sl_stack_marker ADDR FILE TAG   the positive control of a negative
#                                   check on a listener: from the client
#                                   namespace, a SIP response carrying TAG
#                                   (Call-ID) to ADDR:5060, which the data
#                                   plane passes to the stack (no reply
#                                   forwarding configured); exit 0 once
#                                   TAG is in FILE (3 s at most), so the
#                                   listener was alive and recording

sl_need()
{
	local f

	for f in "$@"; do
		if [ ! -x "$f" ]; then
			not_ok "$f is built" "make test builds it (make asan-ctl build/sl-bench)"
			tap_done
		fi
	done
}

sl_setup()
{
	netns_setup || exit 1
	work=$(mktemp -d)
	netns_defer "rm -rf '$work'"
	netns_defer "nsenter_s '$1' detach '$IF_S' >/dev/null 2>&1"
	nsenter_c ip link set dev "$IF_C" xdp obj "$SL_ROOT/build/xdp_pass.bpf.o" sec xdp
}

sl_conf()
{
	cat > "$1" <<CONF
[sl]
ports = 5060
tag_addr = 198.18.0.1:5060
default_action = pass
rate_limit = 0
${3:-}

[rule options]
method = OPTIONS
reply = 200 ${2:-OK}

[rule invite]
method = INVITE
reply = 486 Busy Here
CONF
}

sl_json()
{
	/usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null
}

sl_kill_orphan_responder()
{
	local p

	p=$(sed -n 1p "/run/sl-xdp/$IF_S.pid" 2>/dev/null)
	[ -n "$p" ] && tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null |
		grep -q "sl-ctl attach $IF_S " && kill -TERM "$p"
	return 0
}

sl_nothing_left()
{
	if [ $# -ge 1 ] && [ -z "$1" ]; then
		echo "sl_nothing_left: the pid to look for is empty"
		return 1
	fi
	! ip -n "$NS_S" link show "$IF_S" | grep -q xdp &&
		[ ! -e "/sys/fs/bpf/sl-xdp/$IF_S" ] &&
		[ ! -e "/run/sl-xdp/$IF_S.pid" ] &&
		! { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
}

sl_stack_marker()
{
	local addr=$1 file=$2 tag=$3 msg

	msg=$(mktemp /tmp/slx-marker.XXXXXX) || return 1
	printf 'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 198.18.0.2:5062;branch=z9hG4bK-%s\r\nFrom: <sip:m@198.18.0.2>;tag=m\r\nTo: <sip:m@198.18.0.1>;tag=m\r\nCall-ID: %s\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' \
		"$tag" "$tag" > "$msg"
	run_c /usr/bin/python3 "$SL_ROOT/tests/tools/sip_udp.py" send "$addr" 5060 "$msg"
	rm -f "$msg"
	for _ in $(seq 30); do
		grep -q "Call-ID: $tag" "$file" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "the marker $tag never reached $file: the listener was not recording"
	return 1
}

sl_pinned_map_paths()
{
	awk -v dir="$1" '/__uint\(pinning, LIBBPF_PIN_BY_NAME\)/ { p = 1 }
		/^} [a-z_0-9]+ SEC\("\.maps"\)/ { if (p) printf "%s/%s ", dir, $2; p = 0 }' \
		"$SL_ROOT/bpf/maps.h"
}

sl_counter_names()
{
	/usr/bin/python3 - "$SL_ROOT/include/sl_counters.h" "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
macro = {"sl": "SL_KAM_COUNTERS", "dp": "SL_DP_COUNTERS",
         "resp": "SL_RESP_COUNTERS"}[sys.argv[2]]
m = re.search(r"#define %s\(X\)((?:.*\\\n)*.*\n)" % macro, text)
for args in re.findall(r"X\(([^\n]*)\)", m.group(1)):
    first = args.split(",")[0].strip()
    if sys.argv[2] == "sl":
        first = args.split(",")[1].strip().strip('"')
    print(first)
PY
}
