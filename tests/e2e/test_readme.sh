#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The README's first command, run as written (issue 15 item 1): the line
# under "Set up and run on an interface", with eth0 replaced by this
# test's interface and nothing else, from the checkout, in the server's
# namespace.  The responder it starts changes directory to /, so the
# relative config path must have been resolved before; an OPTIONS gets its
# 200; a reload without -c, given from another directory, finds the file.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
. "$SL_ROOT/tests/lib/sl.sh"
tap_plan 9
SLCTL="$SL_ROOT/build/sl-ctl"
UDP="/usr/bin/python3 $SL_ROOT/tests/tools/sip_udp.py"

sl_need "$SLCTL"
sl_setup "$SLCTL"
cmd=$(awk '/^Set up and run on an interface/ { f = 1 } f && /^    / { sub(/^    /, ""); print; exit }' \
	"$SL_ROOT/README.md")
check "README: the attach command is there ($cmd)" \
	bash -c "grep -q 'build/sl-ctl attach eth0 -c examples/sl-xdp.conf' <<<'$cmd'"
check "... with relative paths and no sudo" \
	bash -c "! grep -qE '(^| )(/|sudo )' <<<'$cmd'"
ours=${cmd//eth0/$IF_S}
# a make of its own (not make test's jobserver or flags), in the checkout,
# in the namespace: as a newcomer types it
nsenter_s env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL bash -c "cd '$SL_ROOT' && $ours" \
	> "$work/out" 2>&1; rc=$?
check "the README's command, run as written, succeeds" \
	bash -c "[ $rc = 0 ] || { tail -n 5 '$work/out'; exit 1; }"
check "... and attached: 'sl-xdp attached on $IF_S ... and answering'" \
	grep -q "sl-xdp attached on $IF_S .* and answering" "$work/out"
run_c $UDP ping 198.18.0.1 5060 5 50 > "$work/ping.json"
check "an OPTIONS gets 200 (5 of 5)" \
	test "$(sl_json "$work/ping.json" 'd["shapes"].get("SIP/2.0 200 OK", 0)')" = 5
check "the responder records the config's absolute path" \
	bash -c "nsenter --net=/run/netns/$NS_S '$SLCTL' status '$IF_S' | grep -qx '  config: $SL_ROOT/examples/sl-xdp.conf'"
check "reload without -c, from another directory, finds it" \
	bash -c "cd / && nsenter --net=/run/netns/$NS_S '$SLCTL' reload '$IF_S' | grep -q 'reloaded from $SL_ROOT/examples/sl-xdp.conf'"
check "detach" nsenter_s "$SLCTL" detach "$IF_S"
check "nothing left" sl_nothing_left
tap_done
