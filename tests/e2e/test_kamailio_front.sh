#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# sl-xdp in front of a real SIP server.  Kamailio 5.6.3
# (tests/e2e/kamailio/front.cfg) listens on the very address and port sl-xdp
# serves, 198.18.0.1:5060 and [2001:2::1]:5060, and answers everything its
# script sees with "480 From Kamailio" (Server: kamailio-behind).  sl-xdp,
# attached on the server veth with default_action = pass, answers OPTIONS
# (200) and rejects the friendly-scanner User-Agent (403) itself:
#   OPTIONS                  -> 200 from sl-xdp; Kamailio never sees it
#   scanner INVITE (+ ACK)   -> 403 from sl-xdp; ACK absorbed in XDP
#   scanner OPTIONS          -> 403 from sl-xdp (first rule wins)
#   INVITE (+ ACK)           -> 480 from Kamailio; the ACK carries a tag of
#                               sl-xdp's format and MD5 part, but sl-xdp never
#                               sent that reply: it passes, Kamailio absorbs it
#   REGISTER                 -> 480 from Kamailio
# over IPv4 and IPv6; then Kamailio's log and counters (kamcmd over the ctl
# module) and sl-xdp's stats must agree with that.
#
# SL_KEEP=1 keeps a copy of the work directory (replies, Kamailio's log,
# both sets of counters) in /tmp/slx-kamfront-last.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
. "$SL_ROOT/tests/lib/kamailio.sh"
. "$SL_ROOT/tests/lib/sl.sh"
tap_plan 44
SLCTL="$SL_ROOT/build/sl-ctl"
KAM_CFG="$SL_ROOT/tests/e2e/kamailio/front.cfg"
CLIENT="$SL_ROOT/tests/e2e/kamailio/front_client.py"

if ! command -v kamailio >/dev/null 2>&1 || ! command -v kamcmd >/dev/null 2>&1; then
	tap_skip_all "kamailio/kamcmd not installed"
fi

netns_setup || { not_ok "namespace setup"; tap_done; }
work=$(mktemp -d /tmp/slx-kamfront.XXXXXX)
netns_defer "rm -rf '$work'"
netns_defer sl_kill_orphan_responder
netns_defer "nsenter_s '$SLCTL' detach '$IF_S' >/dev/null 2>&1"
ctl="unix:$work/kamailio_ctl"
kam() { kamcmd -s "$ctl" "$@"; }

check "dummy XDP program on the client end" \
	nsenter_c ip link set dev "$IF_C" xdp obj "$SL_ROOT/build/xdp_pass.bpf.o" sec xdp

kamailio_start "$KAM_CFG" "$work" 5060 -A "CTL_SOCK=\"$ctl\"" || tap_done
up=0
for _ in $(seq 100); do
	kam core.version >/dev/null 2>&1 && { up=1; break; }
	sleep 0.05
done
check "kamcmd answers" test "$up" -eq 1

cat > "$work/sl.conf" <<'CONF'
[sl]
ports = 5060
default_action = pass
server_header = Server: sl-xdp-front
tag_seed = KAMAILIO-stateless
tag_addr = 198.18.0.1:5060

[rule scanners]
user_agent = friendly-scanner
reply = 403 Forbidden

[rule options]
method = OPTIONS
reply = 200 OK
CONF

if ! check "sl-xdp attached in front (default_action = pass)" \
	nsenter_s "$SLCTL" attach "$IF_S" -c "$work/sl.conf"; then
	tap_done
fi

n=0
for fam in 4 6; do
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "${line#ok - }"; n=$((n + 1)) ;;
		"not ok - "*) not_ok "${line#not ok - }"; n=$((n + 1)) ;;
		*) printf '%s\n' "$line" ;;
		esac
	done < <(run_c /usr/bin/python3 "$CLIENT" "$fam" "$work" 2>&1)
done
check "front_client.py ran its checks ($n)" test "$n" -eq 14
sleep 0.2	# let Kamailio's log catch up

# What Kamailio's script saw: only the two INVITEs and REGISTERs
log="$work/kamailio.log"
saw() { grep -c "KAMAILIO-SAW $1 " "$log"; }
check "Kamailio's script never saw an OPTIONS" test "$(saw OPTIONS)" = 0
check "Kamailio's script never saw the scanner" \
	bash -c "! grep -q 'KAMAILIO-SAW.*ua=friendly-scanner' '$log'"
check "Kamailio's script saw 2 INVITEs (v4, v6)" test "$(saw INVITE)" = 2
check "Kamailio's script saw 2 REGISTERs" test "$(saw REGISTER)" = 2
check "Kamailio's script saw no ACK" test "$(saw ACK)" = 0
check "Kamailio's sl absorbed the ACKs of its 480s (event_route)" \
	test "$(grep -c 'KAMAILIO-ABSORBED ACK ci=front-inv-' "$log")" = 2

# Kamailio's counters
kstats=$(kam stats.get_statistics all 2>&1)
kstat() { sed -n "s/^ *$1 = //p" <<<"$kstats"; }
check "kamcmd: core:rcv_requests_options = 0" test "$(kstat core:rcv_requests_options)" = 0
check "kamcmd: core:rcv_requests_invite = 2" test "$(kstat core:rcv_requests_invite)" = 2
check "kamcmd: core:rcv_requests_register = 2" test "$(kstat core:rcv_requests_register)" = 2
check "kamcmd: core:rcv_requests = 4 (INVITE, REGISTER; sl drops ACKs before)" \
	test "$(kstat core:rcv_requests)" = 4
check "kamcmd: core:drop_requests = 2 (its own 2 ACKs, dropped by sl's filter)" \
	test "$(kstat core:drop_requests)" = 2
check "kamcmd: sl:4xx_replies = 4 (the 480s)" test "$(kstat sl:4xx_replies)" = 4
check "kamcmd: sl:received_ACKs = 2" test "$(kstat sl:received_ACKs)" = 2
check "kamcmd: sl:200_replies = 0, sl:403_replies = 0" \
	test "$(kstat sl:200_replies)/$(kstat sl:403_replies)" = 0/0

# sl-xdp's counters
stats=$(nsenter_s "$SLCTL" stats "$IF_S" 2>&1)
stat() { sed -n "s/^$1 = //p" <<<"$stats"; }
check "sl-xdp: sl:200_replies = 2" test "$(stat sl:200_replies)" = 2
check "sl-xdp: sl:403_replies = 4" test "$(stat sl:403_replies)" = 4
check "sl-xdp: sl:sent_replies = 6" test "$(stat sl:sent_replies)" = 6
check "sl-xdp: sl:received_ACKs = 2 (the ACKs of its 403s)" test "$(stat sl:received_ACKs)" = 2
check "sl-xdp: dp:acks_no_entry = 2 (the ACKs of Kamailio's 480s, passed)" \
	test "$(stat dp:acks_no_entry)" = 2
check "sl-xdp: dp:redirected = 6 (to the responder)" test "$(stat dp:redirected)" = 6
check "sl-xdp: dp:passed_by_rule = 6 (INVITE, REGISTER, Kamailio's ACK)" \
	test "$(stat dp:passed_by_rule)" = 6
check "sl-xdp: rule:scanners:hits = 4" test "$(stat rule:scanners:hits)" = 4
check "sl-xdp: rule:options:hits = 2" test "$(stat rule:options:hits)" = 2
check "sl-xdp: sl:failures = 0" test "$(stat sl:failures)" = 0

check "detach" nsenter_s "$SLCTL" detach "$IF_S"
if [ "${SL_KEEP:-0}" = 1 ]; then
	printf '%s\n' "$stats" > "$work/sl-xdp.stats"
	printf '%s\n' "$kstats" > "$work/kamailio.stats"
	rm -rf /tmp/slx-kamfront-last
	cp -r "$work" /tmp/slx-kamfront-last
fi
tap_done
