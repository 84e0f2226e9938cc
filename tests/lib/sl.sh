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
#                                   LINES (more [sl] keys); rules options
#                                   (OPTIONS -> 200 REASON, default OK) and
#                                   invite (INVITE -> 486 Busy Here)
#   sl_json FILE EXPR               print the Python expression EXPR over
#                                   the JSON object in FILE (as d)
#   sl_kill_orphan_responder        for netns_defer: TERM the responder of
#                                   $IF_S by its pid file when detach
#                                   cannot (its namespace went away under
#                                   us: another run's cleanup)
#   sl_nothing_left [PID]           exit 0 if nothing of sl-xdp is left on
#                                   $IF_S: no XDP program, no pins, no pid
#                                   file, PID (if given) not running; for
#                                   check "..." sl_nothing_left

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
	! ip -n "$NS_S" link show "$IF_S" | grep -q xdp &&
		[ ! -e "/sys/fs/bpf/sl-xdp/$IF_S" ] &&
		[ ! -e "/run/sl-xdp/$IF_S.pid" ] &&
		! { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
}
