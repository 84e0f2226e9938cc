#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The responder under AddressSanitizer, UndefinedBehaviorSanitizer and
# LeakSanitizer (build/asan/sl-ctl, make asan-ctl), on real packets:
# attach --foreground in the server namespace as systemd runs it, sipp
# scenarios (OPTIONS, INVITE -> 486 -> ACK, REGISTER) and an sl-bench mix
# with HEP3 mirroring on (copies encoded into the rings and sent to a
# collector that is not there), one reload (an IPv6 collector, 50 %),
# stats, then detach (SIGTERM to the responder, as 'systemctl
# stop' does). The service must have worked, the responder must exit 0 and
# no sanitizer may have reported anything: a leak at exit is a report.
# Every sl-ctl command here is the sanitized one (detach only stops a
# responder running the same executable).
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
ASAN_CTL="$SL_ROOT/build/asan/sl-ctl"
BENCH="$SL_ROOT/build/sl-bench"
UDP="/usr/bin/python3 $SL_ROOT/tests/tools/sip_udp.py"
SIPP_DIR="$SL_ROOT/tests/e2e/sipp"
. "$SL_ROOT/tests/lib/sl.sh"
tap_plan 16

sl_need "$ASAN_CTL" "$BENCH"
sl_setup "$ASAN_CTL"

# Reports go to $work/san.PID (one file per process that reported);
# halt_on_error: the first report ends the process with a non-zero status.
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:log_path=$work/san:exitcode=86"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$work/san"
export LSAN_OPTIONS="exitcode=87"
actl() { nsenter --net="/run/netns/$NS_S" -- "$ASAN_CTL" "$@"; }

for c in a:OK b:Reloaded; do
	sl_conf "$work/${c%:*}.conf" "${c#*:}" "server_header = Server: sl-xdp-test"
	printf '\n[rule register]\nmethod = REGISTER\nreply = 403 Forbidden\n' >> "$work/${c%:*}.conf"
done
printf '\n[hep]\ndest = 198.18.0.1:9060\nauth_key = k\n' >> "$work/a.conf"
printf '\n[hep]\ndest = [2001:2::1]\nsample = 50\n' >> "$work/b.conf"

nsenter --net="/run/netns/$NS_S" -- "$ASAN_CTL" attach "$IF_S" -c "$work/a.conf" \
	--foreground > "$work/fg.out" 2> "$work/fg.err" &
fg=$!
netns_track_pid "$fg"
ready=0
for _ in $(seq 200); do	# loading the XDP program takes a few seconds
	[ "$(head -n1 "/run/sl-xdp/$IF_S.pid" 2>/dev/null)" = "$fg" ] && { ready=1; break; }
	kill -0 "$fg" 2>/dev/null || break
	sleep 0.1
done
if [ "$ready" = 1 ]; then
	ok "attach --foreground under ASan/UBSan/LSan: responder pid $fg answering"
else
	not_ok "attach --foreground under ASan/UBSan/LSan" "$(cat "$work/fg.err")" \
		"$(cat "$work"/san.* 2>/dev/null | head -n 40)"
	tap_done
fi

sipp_run() {	# NAME SCENARIO
	run_c timeout 30 sipp -sf "$SIPP_DIR/$2" -i 198.18.0.2 -p 5062 -m 1 \
		-timeout 15s -timeout_error -nostdin -trace_err \
		-error_file "$work/$1.err" 198.18.0.1:5060 > "$work/$1.out" 2>&1
}
check "OPTIONS -> 200 with our Server line and to-tag (sipp)" sipp_run opt options.xml
check "INVITE -> 486 -> ACK (sipp)" sipp_run inv invite_486.xml
check "REGISTER -> 403 (sipp)" sipp_run reg register_403.xml

# volume: every code path of a request many times, distinct Call-IDs
run_c "$BENCH" -d 198.18.0.1 -m options=40,invite=40,register=20 -r 4000 -t 3 \
	-w 2 -q -j > "$work/bench.json" 2> "$work/bench.err"
bj() { sl_json "$work/bench.json" "$1"; }
check "sl-bench mix at 4000/s: $(bj 'd["final_replies"]') of $(bj 'd["sent"]') answered (>= 99 %)" \
	test "$(bj 'int(d["final_replies"] * 100 >= d["sent"] * 99 and d["sent"] > 0)')" = 1
check "sl-bench: 200, 403 and 486 replies, ACKs sent ($(bj 'd["codes"]'))" \
	test "$(bj 'int(all(d["codes"].get(c, 0) > 0 for c in ("200", "403", "486")) and d["acks_sent"] > 0)')" = 1

check "reload (SIGHUP to the sanitized responder)" actl reload "$IF_S" -c "$work/b.conf"
run_c $UDP ping 198.18.0.1 5060 50 200 > "$work/ping.json"
check "after the reload: OPTIONS answered with the new rule set (50/50 '200 Reloaded')" \
	test "$(sl_json "$work/ping.json" 'd["shapes"].get("SIP/2.0 200 Reloaded", 0)')" = 50

actl stats "$IF_S" --json > "$work/stats.json" 2> "$work/stats.err"
sj() { sl_json "$work/stats.json" "$1"; }
check "stats: sl:sent_replies ($(sj 'd["sl"]["sent_replies"]')) >= replies sipp, sl-bench and ping got" \
	test "$(sj "int(d['sl']['sent_replies'] >= 3 + $(bj 'd["final_replies"]') + 50)")" = 1
check "stats: HEP3 copies sent ($(sj 'd["resp"]["hep_sent"]')), none dropped" \
	test "$(sj "int(d['resp']['hep_sent'] > 2 * 3 and d['resp']['hep_dropped'] == 0)")" = 1
check "stats: ACKs absorbed ($(sj 'd["dp"]["acks_absorbed"]')), no failures" \
	test "$(sj "int(d['dp']['acks_absorbed'] > 0 and d['sl']['failures'] == 0)")" = 1

check "detach: the responder is stopped, the program detached" actl detach "$IF_S"
rc=0
for _ in $(seq 100); do kill -0 "$fg" 2>/dev/null || break; sleep 0.1; done
wait "$fg" || rc=$?
check "the sanitized responder exited with status 0 (got $rc)" test "$rc" = 0
reports=$(cat "$work"/san.* 2>/dev/null)
check "no AddressSanitizer, UndefinedBehaviorSanitizer or LeakSanitizer report" \
	test -z "$reports$(grep -E 'Sanitizer|runtime error' "$work/fg.err" "$work/stats.err")"
[ -n "$reports" ] && printf '%s\n' "$reports" | head -n 60 | sed 's/^/#   /'
# positive control: no report only means something if the runtime that
# would have written one ran in that sl-ctl and read these options
check "... positive control: the AddressSanitizer runtime is in $ASAN_CTL and reads ASAN_OPTIONS" \
	bash -c "ASAN_OPTIONS=help=1 '$ASAN_CTL' --help 2>&1 | grep -q 'Available flags for AddressSanitizer'"
check "nothing left: no XDP program, pins, pid file or responder" sl_nothing_left "$fg"
tap_done
