#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# sl-ctl serve-metrics (issue 17 item 1): HTTP GET /metrics on [metrics]
# listen, read by a real HTTP client and a real Prometheus text parser;
# the values are those of 'sl-ctl stats'; 404/405 for anything else; 503
# while nothing is attached, back once it is; a slow client and a crowd of
# idle connections neither stall a scrape nor the responder; the server
# runs without privileges; SIGTERM ends it.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
. "$SL_ROOT/tests/lib/sl.sh"
tap_plan 25
SLCTL="$SL_ROOT/build/sl-ctl"
UDP="/usr/bin/python3 $SL_ROOT/tests/tools/sip_udp.py"
HTTP="/usr/bin/python3 $SL_ROOT/tests/tools/http_probe.py"
PROM="$SL_ROOT/tests/tools/prom_check.py"
URL=http://198.18.0.1:9494

sl_need "$SLCTL"
sl_setup "$SLCTL"
sl_conf "$work/a.conf" OK "rate_limit = 0"
printf '\n[metrics]\nlisten = 198.18.0.1:9494\n' >> "$work/a.conf"
sl_conf "$work/none.conf" OK "rate_limit = 0"
answers() { run_c $UDP ping 198.18.0.1 5060 "$1" 200 | sl_json /dev/stdin 'd["answered"]'; }

# --- refused without an address to listen on
nsenter_s "$SLCTL" serve-metrics "$IF_S" -c "$work/none.conf" > "$work/out" 2>&1; rc=$?
check "no [metrics] listen: refused with what to add (exit 1)" \
	bash -c "[ $rc = 1 ] && grep -q 'has no \[metrics\] listen' '$work/out'"
printf '[metrics]\nlisten = 127.0.0.1\n' > "$work/bad.conf"
"$SLCTL" serve-metrics lo -c "$work/bad.conf" > "$work/out" 2>&1; rc=$?
check "[metrics] listen without a port: a config error with its line (exit 1)" \
	bash -c "[ $rc = 1 ] && grep -q 'bad.conf:2: listen: .* has no port' '$work/out'"

check "attach" nsenter_s "$SLCTL" attach "$IF_S" -c "$work/a.conf"
check "20 OPTIONS answered" test "$(answers 20)" = 20
# nsenter execs sl-ctl: $! is serve-metrics itself
nsenter --net="/run/netns/$NS_S" -- "$SLCTL" serve-metrics "$IF_S" > "$work/server.log" 2>&1 &
srv=$!
netns_track_pid $srv
for _ in $(seq 50); do grep -q serving "$work/server.log" && break; sleep 0.1; done
check "serve-metrics listens on the configured address (the responder's config)" \
	grep -q "serving http://198.18.0.1:9494/metrics for $IF_S" "$work/server.log"

# --- a scrape
read -r status ctype secs < <(run_c $HTTP get "$URL/metrics" "$work/m1")
check "GET /metrics: 200, the exposition format's content type" \
	test "$status $ctype" = "200 text/plain;version=0.0.4;charset=utf-8"
check "parsed by prometheus_client: HELP/TYPE on every family, _total counters, the values of stats" \
	"$PROM" "$work/m1" \
	"sl_xdp_sl_200_replies_total{interface=\"$IF_S\"}=20" \
	"sl_xdp_dp_sip_requests_total{interface=\"$IF_S\"}=20" \
	"sl_xdp_rule_hits_total{interface=\"$IF_S\",rule=\"options\",index=\"0\"}=20" \
	"sl_xdp_build_info{version=\"$(cat "$SL_ROOT/VERSION")\"}=1"
nsenter_s "$SLCTL" stats "$IF_S" --prometheus > "$work/stats.prom"
check "the same families as 'sl-ctl stats --prometheus', in the same order" \
	bash -c "diff <(grep -v build_info '$work/m1' | sed 's/} .*/}/') <(sed 's/} .*/}/' '$work/stats.prom')"
run_c $UDP ping 198.18.0.1 5060 5 200 > /dev/null
run_c $HTTP get "$URL/metrics" "$work/m2" > /dev/null
check "more traffic shows in the next scrape: 25 replies now" \
	"$PROM" "$work/m2" "sl_xdp_sl_200_replies_total{interface=\"$IF_S\"}=25"
read -r status _ < <(run_c $HTTP get "$URL/other" "$work/x")
check "another path: 404" test "$status" = 404
check "POST: 405" test "$(run_c $HTTP post "$URL/metrics")" = 405

# --- a slow client and a crowd do not stall anything
run_c $HTTP hold 198.18.0.1 9494 3 7 > "$work/hold" &
holder=$!
sleep 0.5
read -r status _ secs < <(run_c $HTTP get "$URL/metrics" "$work/m3")
check "with 3 half-sent requests open, a scrape still takes under 2 s (${secs} s)" \
	bash -c "[ $status = 200 ] && awk 'BEGIN { exit !($secs < 2) }'"
check "... and the responder answers all the while" test "$(answers 20)" = 20
wait $holder
check "the server closed the idle connections itself (timeout 5 s)" test "$(cat "$work/hold")" = 3
run_c $HTTP hold 198.18.0.1 9494 12 1 > /dev/null
check "a client opening 12 connections at once: the server is still up and answers" \
	bash -c "read -r s _ < <(nsenter --net=/run/netns/$NS_C $HTTP get '$URL/metrics' '$work/m4'); [ \$s = 200 ]"

# --- no privileges once listening
grep -E '^(CapPrm|CapEff|CapBnd|NoNewPrivs|Seccomp):' "/proc/$srv/status" > "$work/status"
check "serve-metrics: no capability (CAP_BPF at most), no_new_privs, seccomp" \
	bash -c "grep -qE '^CapEff:[[:space:]]+(0000000000000000|0000008000000000)$' '$work/status' &&
		grep -qE '^CapBnd:[[:space:]]+(0000000000000000|0000008000000000)$' '$work/status' &&
		grep -qE '^NoNewPrivs:[[:space:]]+1$' '$work/status' && grep -qE '^Seccomp:[[:space:]]+2$' '$work/status'"

# --- detached: 503; attached again: 200
check "detach" nsenter_s "$SLCTL" detach "$IF_S"
read -r status _ < <(run_c $HTTP get "$URL/metrics" "$work/m5")
check "nothing attached: 503 (the scrape fails, Prometheus marks it down)" test "$status" = 503
check "attach again" nsenter_s "$SLCTL" attach "$IF_S" -c "$work/a.conf"
read -r status _ < <(run_c $HTTP get "$URL/metrics" "$work/m6")
check "... 200 again, without restarting serve-metrics" test "$status" = 200
check "serve-metrics was never killed by its sandbox" kill -0 "$srv"

# --- SIGTERM
kill -TERM "$srv"
for _ in $(seq 50); do kill -0 "$srv" 2>/dev/null || break; sleep 0.1; done
wait "$srv"; rc=$?
check "SIGTERM: it stops, exit 0" test "$rc" = 0
read -r status _ < <(run_c $HTTP get "$URL/metrics" "$work/m7")
check "... and the port is closed" test "$status" = 0
check "--listen overrides the file" \
	bash -c "timeout 2 nsenter --net=/run/netns/$NS_S '$SLCTL' serve-metrics '$IF_S' --listen '[2001:2::1]:9495' 2>&1 | grep -q 'serving http://\[2001:2::1\]:9495/metrics'; true"
check "detach" nsenter_s "$SLCTL" detach "$IF_S"
tap_done
