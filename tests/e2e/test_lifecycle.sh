#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The controller's lifecycle on veth: taking over a program that iproute2
# loaded, status, stats in three formats and --reset, reload under traffic
# (nothing lost, no reply from a half-applied rule set), a bad reload that
# changes nothing, the refusals with their messages, detach leaving nothing.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
. "$SL_ROOT/tests/lib/sl.sh"
tap_plan 40
SLCTL="$SL_ROOT/build/sl-ctl"
UDP="/usr/bin/python3 $SL_ROOT/tests/tools/sip_udp.py"
GLOBALS=/sys/fs/bpf/xdp/globals

netns_setup
work=$(mktemp -d)
netns_defer "rm -rf '$work'"
netns_defer "nsenter_s '$SLCTL' detach '$IF_S' >/dev/null 2>&1"
netns_defer "rm -f $(sl_pinned_map_paths "$GLOBALS")"
nsenter_c ip link set dev "$IF_C" xdp obj "$SL_ROOT/build/xdp_pass.bpf.o" sec xdp

conf() {	# FILE CODE REASON [RETRY_AFTER]
	{
		# rate_limit = 0: a flood of 1500 pings from one address
		printf '[sl]\nports = 5060\ntag_addr = 198.18.0.1:5060\nrate_limit = 0\n'
		printf 'server_header = Server: sl-xdp-lifecycle\n\n'
		printf '[rule options]\nmethod = OPTIONS\nreply = %s %s\n' "$2" "$3"
		[ -n "${4:-}" ] && printf 'header = Retry-After: %s\n' "$4"
	} > "$1"
}
conf "$work/a.conf" 200 OK
conf "$work/b.conf" 503 "Service Unavailable" 30
printf '[sl]\nports = 5060\n[rule broken]\nmethod = OPTIONS\nreply = 999 Nope\n' > "$work/bad.conf"
conf "$work/fwd.conf" 200 OK
printf '\n[forward]\nvia = [2001:2::1]:5070\npeers = 2001:2::/64\n[rewrite hide-480]\ncode = 480\nreply = 404 Not Found\n' >> "$work/fwd.conf"
json() { /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# --- take over a program loaded by iproute2
check "iproute2 loads the object" \
	nsenter_s ip link set dev "$IF_S" xdp obj "$SL_ROOT/build/sl_xdp.bpf.o" sec xdp
check "sl-ctl attach takes it over" nsenter_s "$SLCTL" attach "$IF_S" -c "$work/a.conf"
r=$(run_c $UDP ping 198.18.0.1 5060 20 200)
check "answers after the takeover: 20 of 20" test "$(echo "$r" | json 'd["answered"]')" = 20
check "status names the program as sl-xdp's and the responder" \
	bash -c "nsenter_s() { nsenter --net=/run/netns/$NS_S \"\$@\"; }; nsenter_s '$SLCTL' status '$IF_S' | tee '$work/status' | grep -q '(sl-xdp)' && grep -q 'responder: pid' '$work/status' && grep -q 'queue' '$work/status'"
check "status without IFACE lists it" bash -c "nsenter --net=/run/netns/$NS_S '$SLCTL' status | grep -q '^$IF_S:'"
check "status: reply forwarding off without [forward]" grep -qx '  reply forwarding: off' "$work/status"

# --- stats formats
nsenter_s "$SLCTL" stats "$IF_S" > "$work/stats.txt"
check "stats: Kamailio's lines, 200_replies = 20" grep -qx 'sl:200_replies = 20' "$work/stats.txt"
check "stats: sl: lines in kamcmd's order" \
	bash -c "grep '^sl:' '$work/stats.txt' | cut -d' ' -f1 | LC_ALL=C sort -c"
check "stats: rule hits by name" grep -qx 'rule:options:hits = 20' "$work/stats.txt"
# the names come with the configuration the bank holds, not from the
# file as it is now: edited but not reloaded, stats keeps the old names
cp "$work/a.conf" "$work/a.conf.orig"
sed -i 's/^\[rule options\]/[rule renamed]/' "$work/a.conf"
check "stats: a rule renamed in the file but not reloaded keeps its name and hits" \
	bash -c "nsenter --net=/run/netns/$NS_S '$SLCTL' stats '$IF_S' | grep -qx 'rule:options:hits = 20'"
check "... reloaded, the hits go by the new name (from zero)" \
	bash -c "nsenter --net=/run/netns/$NS_S '$SLCTL' reload '$IF_S' >/dev/null && nsenter --net=/run/netns/$NS_S '$SLCTL' stats '$IF_S' | grep -qx 'rule:renamed:hits = 0'"
mv "$work/a.conf.orig" "$work/a.conf"
check "... and back" nsenter_s "$SLCTL" reload "$IF_S"
nsenter_s "$SLCTL" stats "$IF_S" --json > "$work/stats.json"
check "stats --json is JSON with sl, dp and rules" \
	test "$(json 'd["sl"]["200_replies"], d["dp"]["sip_requests"], d["rules"][0]["name"]' < "$work/stats.json")" = "20 20 options"
nsenter_s "$SLCTL" stats "$IF_S" --prometheus > "$work/stats.prom"
check "stats --prometheus: parsed by prometheus_client, HELP/TYPE and _total on every family, values" \
	"$SL_ROOT/tests/tools/prom_check.py" "$work/stats.prom" \
	"sl_xdp_sl_200_replies_total{interface=\"$IF_S\"}=20" \
	"sl_xdp_sl_received_acks_total{interface=\"$IF_S\"}=0" \
	"sl_xdp_dp_sip_requests_total{interface=\"$IF_S\"}=20" \
	"sl_xdp_resp_window_recorded_total{interface=\"$IF_S\"}=0" \
	"sl_xdp_rule_hits_total{interface=\"$IF_S\",rule=\"options\",index=\"0\"}=0"
check "stats --prometheus: nothing but HELP, TYPE and sample lines" \
	bash -c "! grep -vqE '^(# HELP [a-z_][a-z0-9_]* .+|# TYPE [a-z_][a-z0-9_]* counter|[a-z_][a-z0-9_]*\{[^}]*\} [0-9]+)$' '$work/stats.prom'"
nsenter_s "$SLCTL" stats "$IF_S" --reset > /dev/null
check "stats --reset zeroes the counters" \
	bash -c "nsenter --net=/run/netns/$NS_S '$SLCTL' stats '$IF_S' | grep -qx 'sl:200_replies = 0'"

# --- reload under traffic: 1500 OPTIONS at 500/s, two reloads meanwhile
run_c $UDP ping 198.18.0.1 5060 1500 500 > "$work/flood.json" &
flood=$!
sleep 1
r1=$(nsenter_s "$SLCTL" reload "$IF_S" -c "$work/b.conf" 2>&1); rc1=$?
sleep 1
r2=$(nsenter_s "$SLCTL" reload "$IF_S" -c "$work/a.conf" 2>&1); rc2=$?
wait $flood
check "reloads succeeded" test "$rc1$rc2" = 00
f=$(cat "$work/flood.json")
check "reload under traffic: no request lost ($(echo "$f" | json 'd["answered"]') of 1500 answered)" \
	test "$(echo "$f" | json 'd["lost"]')" = 0
check "reload under traffic: every reply is a whole rule set (200 OK, or 503 with its Retry-After)" \
	test "$(echo "$f" | json 'sorted(d["shapes"])')" = "['SIP/2.0 200 OK', 'SIP/2.0 503 Service Unavailable | Retry-After: 30']"
check "reload under traffic: switched exactly twice" test "$(echo "$f" | json 'd["changes"]')" = 2

out=$(nsenter_s "$SLCTL" reload "$IF_S" -c "$work/bad.conf" 2>&1); rc=$?
check "a bad reload fails with file and line, exit 1" \
	bash -c "[ $rc = 1 ] && echo '$out' | grep -q 'bad.conf:5:'"
r=$(run_c $UDP ping 198.18.0.1 5060 5 100)
check "... and changes nothing: still 200 OK" \
	test "$(echo "$r" | json 'list(d["shapes"])')" = "['SIP/2.0 200 OK']"

# --- reply forwarding settings and per-rewrite counters
check "reload with [forward] and a [rewrite]" nsenter_s "$SLCTL" reload "$IF_S" -c "$work/fwd.conf"
# IP forwarding is off in the test namespace, and need not be on: status
# shows the via, the limits and what the responder's sync keeps
check "status: reply forwarding on, with its via, peers, limits and the sync" \
	bash -c "nsenter --net=/run/netns/$NS_S '$SLCTL' status '$IF_S' > '$work/status.fwd' &&
		grep -qx '  reply forwarding: on, via \[2001:2::1\]:5070, 1 rewrite(s)' '$work/status.fwd' &&
		grep -qx '  forwarding limits: peers 2001:2::/64; out of $IF_S only; 2000/s per destination, burst 4000' '$work/status.fwd' &&
		grep -q '^  sync: [1-9][0-9]* local address(es), [1-9][0-9]* route(s), [0-9]* neighbour(s), 0\.[0-9] s ago$' '$work/status.fwd'"
nsenter_s "$SLCTL" stats "$IF_S" > "$work/stats.txt"
check "stats: rewrite hits by name" grep -qx 'rewrite:hide-480:hits = 0' "$work/stats.txt"
check "stats: fwd_ counters" grep -qx 'dp:fwd_forwarded = 0' "$work/stats.txt"
check "stats --json: rewrites by name" \
	test "$(nsenter_s "$SLCTL" stats "$IF_S" --json | json 'd["rewrites"][0]["name"], d["rewrites"][0]["hits"]')" = "hide-480 0"
nsenter_s "$SLCTL" stats "$IF_S" --prometheus > "$work/stats.prom"
check "stats --prometheus: rewrite hits, still parsed cleanly" \
	"$SL_ROOT/tests/tools/prom_check.py" "$work/stats.prom" \
	"sl_xdp_rewrite_hits_total{interface=\"$IF_S\",rewrite=\"hide-480\",index=\"0\"}=0"
check "reload back to the file without [forward]" nsenter_s "$SLCTL" reload "$IF_S" -c "$work/a.conf"
check "status: reply forwarding off again" \
	bash -c "nsenter --net=/run/netns/$NS_S '$SLCTL' status '$IF_S' | grep -qx '  reply forwarding: off'"

# --- refusals
out=$(nsenter_s "$SLCTL" attach "$IF_S" -c "$work/a.conf" 2>&1); rc=$?
check "already attached: refused, exit 1" bash -c "[ $rc = 1 ] && echo '$out' | grep -q 'already attached'"
out=$(nsenter_s "$SLCTL" attach nosuch0 -c "$work/a.conf" 2>&1); rc=$?
check "no such interface: refused, exit 1" bash -c "[ $rc = 1 ] && echo '$out' | grep -q 'no such interface'"
out=$(nsenter_s setpriv --reuid=65534 --regid=65534 --clear-groups "$SLCTL" status 2>&1); rc=$?
check "not root: refused with advice, exit 1" bash -c "[ $rc = 1 ] && echo '$out' | grep -q 'root'"
out=$(nsenter_s "$SLCTL" frobnicate 2>&1); rc=$?
check "unknown command: usage, exit 2" test $rc = 2
check "--help for each command" bash -c "for c in attach detach reload status stats; do '$SLCTL' \$c --help | grep -q \"usage: sl-ctl \$c\" || exit 1; done"
out=$(nsenter_s "$SLCTL" attach lo -c "$work/a.conf" 2>&1); rc=$?
check "a device without native XDP (lo): refused, --skb-mode offered" \
	bash -c "[ $rc = 1 ] && echo '$out' | grep -q -- '--skb-mode'"
check "... and nothing left on lo" test ! -e /sys/fs/bpf/sl-xdp/lo

check "detach" nsenter_s "$SLCTL" detach "$IF_S"
check "no XDP program, pin or pid file left" \
	bash -c "! ip -n '$NS_S' link show '$IF_S' | grep -q xdp && [ ! -e /sys/fs/bpf/sl-xdp/$IF_S ] && [ ! -e /run/sl-xdp/$IF_S.pid ]"
out=$(nsenter_s "$SLCTL" attach "$IF_S" -c "$work/missing.conf" 2>&1); rc=$?
check "unreadable config: refused with its name, exit 1, nothing attached" \
	bash -c "[ $rc = 1 ] && echo '$out' | grep -q 'missing.conf' && ! ip -n '$NS_S' link show '$IF_S' | grep -q xdp"
tap_done
