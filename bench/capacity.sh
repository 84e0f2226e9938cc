#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# make bench: what one server core answers, sl-xdp against Kamailio 5.6
# (sl_send_reply, children=1), measured so that neither is flattered
# (issue 12, DESIGN.md 7):
#   - the server gets CPU SRV_CPU, all of its processes and threads
#     pinned there (sl-xdp: cpus = SRV_CPU and taskset; Kamailio: taskset
#     of every process); the client gets CPU CLI_CPU, one sl-bench thread
#     (CLI_CPUS="a,b,..": one thread on each, for the many-flow runs);
#   - the client is evenly paced (one request every 1/rate s, asleep in
#     between: its CPU follows the rate, it never takes the server's);
#   - per server and per flow mode (many: 16 source ports; one: a single
#     5-tuple), REPS times: the flat-out rate and loss; the highest rate
#     with < 1 % loss that the client really offered (>= 95 % of the
#     target); then at 25/50/75/90 % of that server's own maximum: loss,
#     p50, p99, p99.9; medians of the REPS runs;
#   - the server core's busy share (/proc/stat of SRV_CPU, softirq
#     included) and the client's CPU at every point.
# On veth a request's XDP program and socket delivery run on the
# client's CPU (in its sendmsg), a reply's transmit and the client's
# receive of it on the server's CPU (in the server's sendto), for both
# servers alike.
#
#   BENCH_QUICK=1          smoke run: 1 repeat, short steps (~3 minutes)
#   BENCH_ONLY=spin        sl-xdp only, spin_us = 0, 20, 50, 200
#   BENCH_ONLY=hep         sl-xdp only: without [hep], then HEP3 copies
#                          at sample = 0, 1 and 100 % (HEP_SAMPLES) to a
#                          collector socket in the client's namespace that
#                          never reads (its buffer full, the kernel drops
#                          what arrives: the sending is what is measured);
#                          the HEP thread is pinned to the server core too
#   BENCH_ONLY=explain     why the old harness measured Kamailio at half its
#                          rate: Kamailio children=2 unpinned, two client
#                          threads unpinned, with the old spinning wait
#                          (sl-bench --spin-wait) and with the paced one
#   BENCH_SERVERS="sl-xdp kamailio-n1"   which servers (kamailio-nN: N
#                          children on the one server core)
#   BENCH_FLOWS="many one" BENCH_OUT=DIR (default bench/results)
#   SRV_CPU=0 CLI_CPU=1    the cores (CLI_CPUS: several client cores)
#
# From a kit (make bench-kit; no compiler there): KIT/run-capacity [VAR=..]
#
# Needs root, jq, Kamailio for its rows.  Results in BENCH_OUT:
# capacity.tsv (every point), results.md and capacity.png (bench/
# report_capacity.py), machine.txt, load.tsv (load average every 10 s).
# Everything it makes is removed on exit, failure and ^C.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$SL_ROOT" || exit 1
. "$SL_ROOT/bench/lib.sh"
bench_locate	# BIN, SLCTL, BENCH, XDP_PASS: the source tree's or a kit's
. "$SL_ROOT/tests/lib/netns.sh"
OUT=${BENCH_OUT:-$SL_ROOT/bench/results}
QUICK=${BENCH_QUICK:-0}
ONLY=${BENCH_ONLY:-}
case $ONLY in
""|spin|explain|hep) ;;
*) echo "capacity: BENCH_ONLY=$ONLY: only 'spin', 'explain' and 'hep' are known" >&2; exit 1 ;;
esac
if [ "$QUICK" = 1 ]; then
	REPS=1 STEP=1.5 BISECT=3
else
	REPS=3 STEP=2.5 BISECT=5
fi
START=2500		# search: doubling from here (Kamailio: a few k/s)
MAXRATE=4000000
LOSS_OK=1.0		# percent
KEEP_UP=0.95		# the client offered at least this much of the target
LAT_PCTS="25 50 75 90"
SRV_CPU=${SRV_CPU:-0}
CLI_CPU=${CLI_CPU:-1}
[ "$(nproc)" -ge 2 ] || { SRV_CPU=0 CLI_CPU=0; }
CLI_CPUS=${CLI_CPUS:-$CLI_CPU}
CLI_N=$(echo "$CLI_CPUS" | tr ',' '\n' | grep -c .)
SERVERS=${BENCH_SERVERS:-sl-xdp kamailio-n1}
FLOWS=${BENCH_FLOWS:-many one}

for f in "$SLCTL" "$BENCH" "$XDP_PASS"; do
	[ -e "$f" ] || { echo "capacity: $f missing: run make first" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "capacity: needs root (namespaces, XDP)" >&2; exit 1; }
command -v jq >/dev/null || { echo "capacity: needs jq" >&2; exit 1; }
if ! command -v kamailio >/dev/null; then
	echo "capacity: kamailio not installed: its rows are skipped" >&2
	SERVERS=$(echo "$SERVERS" | tr ' ' '\n' | grep -v '^kamailio' | tr '\n' ' ')
fi

mkdir -p "$OUT"
RAW="$OUT/capacity.tsv"
LOG="$OUT/run.log"
: > "$LOG"
printf 'server\tflows\tkind\trep\ttarget\toffered\treply_rate\tloss_pct\tp50_us\tp99_us\tp999_us\tclient_cpu_pct\tsrv_core_busy_pct\tsrv_proc_cpu_s\tsleeps_per_req\tload\tudp_rcvbuf_errors\tduration_s\n' > "$RAW"

netns_setup || exit 1
work=$(mktemp -d /tmp/sl-capacity.XXXXXX)
netns_defer "rm -rf '$work'"
netns_defer "nsenter_s '$SLCTL' detach '$IF_S'"
netns_defer "rm -rf '/sys/fs/bpf/sl-xdp/$IF_S'"
T0=$(date +%s)
say() { echo "capacity [$(( $(date +%s) - T0 ))s] $*" | tee -a "$LOG" >&2; }

# the load average every 10 s, for the report
(while :; do echo "$(( $(date +%s) - T0 ))	$(bench_load)"; sleep 10; done) > "$OUT/load.tsv" &
netns_track_pid $!

srv_mac=$(run_s cat "/sys/class/net/$IF_S/address")
cli_mac=$(run_c cat "/sys/class/net/$IF_C/address")
nsenter_c ip neigh replace 198.18.0.1 lladdr "$srv_mac" nud permanent dev "$IF_C" &&
	nsenter_s ip neigh replace 198.18.0.2 lladdr "$cli_mac" nud permanent dev "$IF_S" &&
	nsenter_c ip link set dev "$IF_C" xdp obj "$XDP_PASS" sec xdp ||
	{ echo "capacity: cannot prepare the veth ends" >&2; exit 1; }

{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "command: make bench$([ "$QUICK" = 1 ] && echo " BENCH_QUICK=1")${ONLY:+ BENCH_ONLY=$ONLY}"
	echo "commit: $(bench_commit)"
	echo "kernel: $(uname -r)"
	echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1) x $(nproc)"
	echo "kamailio: $(kamailio -v 2>/dev/null | head -n 1)"
	echo "server core: CPU $SRV_CPU; client cores: CPU $CLI_CPUS (one sl-bench thread each; one 5-tuple: one thread)"
	echo "mode: $([ "$QUICK" = 1 ] && echo quick || echo full), repeats $REPS, step ${STEP}s"
	echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"

SL_EXTRA=""		# more [sl] lines for sl-xdp (spin_us)
SL_SECTIONS=""		# more sections for sl-xdp ([hep])
server_up() {	# NAME
	case $1 in
	sl-xdp*)
		bench_sl_conf "$work/sl.conf" "cpus = $SRV_CPU
$SL_EXTRA"
		[ -n "$SL_SECTIONS" ] && printf '\n%s\n' "$SL_SECTIONS" >> "$work/sl.conf"
		nsenter_s "$SLCTL" attach "$IF_S" -c "$work/sl.conf" >>"$LOG" 2>&1 &&
			bench_pin_ns "$SRV_CPU" ;;
	kamailio-n*)
		bench_kam_start "${1#kamailio-n}" "$work" "$SRV_CPU" ;;
	*) return 1 ;;
	esac
}
server_down() {
	case $1 in
	sl-xdp*)
		# what HEP mirroring sent and dropped, for the report
		nsenter_s "$SLCTL" stats "$IF_S" 2>/dev/null |
			sed -n "s/^resp:hep_/$1 resp:hep_/p" >>"$OUT/hep.txt"
		nsenter_s "$SLCTL" detach "$IF_S" >>"$LOG" 2>&1; sleep 0.3 ;;
	kamailio-n*) bench_kam_stop ;;
	esac
}
sleeps() {	# sl-xdp's resp:sleeps (0 for others)
	case $CUR in
	sl-xdp*) nsenter_s "$SLCTL" stats "$IF_S" --json > "$work/st.json" 2>/dev/null &&
			bench_json "$work/st.json" '.resp.sleeps' || echo 0 ;;
	*) echo 0 ;;
	esac
}

CUR=""
CLIENT_ARGS=""		# sl-bench thread/flow options of the current flow mode
PIN_CLIENT="taskset -c $CLI_CPUS"
# point FLOWS KIND REP RATE: one sl-bench run, one capacity.tsv line;
# prints "offered reply_rate loss"
point() {
	local flows=$1 kind=$2 rep=$3 rate=$4 c0 c1 p0 p1 s0 s1 u0 u1 j
	read -r -a c0 < <(bench_cpu_ticks "$SRV_CPU")
	p0=$(bench_ns_ticks)
	s0=$(sleeps)
	u0=$(bench_rcvbuf_errors)
	# shellcheck disable=SC2086
	run_c $PIN_CLIENT "$BENCH" -d 198.18.0.1:5060 -m options -r "$rate" -t "$STEP" \
		$CLIENT_ARGS -w 0.5 -q --json > "$work/p.json" 2>>"$LOG"
	read -r -a c1 < <(bench_cpu_ticks "$SRV_CPU")
	p1=$(bench_ns_ticks)
	s1=$(sleeps)
	u1=$(bench_rcvbuf_errors)
	j=$(cat "$work/p.json")
	[ -n "$j" ] || j='{}'
	echo "$j" >> "$OUT/points.jsonl"
	jq -r --arg s "$CUR" --arg f "$flows" --arg k "$kind" --arg r "$rep" \
		--arg t "$rate" --arg hz "$(getconf CLK_TCK)" \
		--arg cb "$((c1[0] - c0[0]))" --arg ct "$((c1[1] - c0[1]))" \
		--arg p "$((p1 - p0))" --arg sl "$((s1 - s0))" --arg ld "$(bench_load)" \
		--arg u "$((u1 - u0))" '
		(.duration_s // 0) as $d | (.sent // 0) as $n |
		[$s, $f, $k, $r, $t, (.offered_rate // 0), (.reply_rate // 0),
		 (.loss_pct // 100), (.latency_us.p50 // 0), (.latency_us.p99 // 0),
		 (.latency_us.p99_9 // 0),
		 (if $d > 0 then 100 * (.client_cpu_s // 0) / $d else 0 end),
		 (if ($ct | tonumber) > 0 then 100 * ($cb | tonumber) / ($ct | tonumber) else 0 end),
		 (($p | tonumber) / ($hz | tonumber)),
		 (if $n > 0 then ($sl | tonumber) / $n else 0 end), $ld,
		 ($u | tonumber), $d] | @tsv' \
		<<< "$j" >> "$RAW"
	tail -n 1 "$RAW" | awk -F'\t' '{ print $6, $7, $8 }'
}

good() {	# OFFERED TARGET LOSS
	awk -v o="$1" -v t="$2" -v l="$3" -v lim="$LOSS_OK" -v k="$KEEP_UP" \
		'BEGIN { exit !(l < lim && o >= k * t) }'
}

# search FLOWS REP: the highest paced rate with < 1 % loss; prints it
search() {
	local flows=$1 rep=$2 lo=0 hi=0 r=$START best=0 o rr l i mid
	while [ "$r" -le "$MAXRATE" ]; do
		read -r o rr l < <(point "$flows" search "$rep" "$r")
		say "  $CUR $flows rep $rep: paced $r: offered $o, replies $rr/s, loss $l %"
		if good "$o" "$r" "$l"; then
			lo=$r best=$rr r=$((r * 2))
		else
			hi=$r
			break
		fi
	done
	[ "$hi" -eq 0 ] && { echo "$best"; return; }
	for ((i = 0; i < BISECT; i++)); do
		mid=$(((lo + hi) / 2))
		[ "$mid" -le "$lo" ] && break
		read -r o rr l < <(point "$flows" search "$rep" "$mid")
		say "  $CUR $flows rep $rep: paced $mid: offered $o, replies $rr/s, loss $l %"
		if good "$o" "$mid" "$l"; then
			lo=$mid best=$rr
		else
			hi=$mid
		fi
	done
	echo "$best"
}

flow_args() {	# FLOWS -> sl-bench options
	case $1 in
	one) echo "-T 1 -f 1 --cpus ${CLI_CPUS%%,*}" ;;	# a single 5-tuple
	many) echo "-T $CLI_N -f 16 --cpus $CLI_CPUS" ;;	# 16 source ports each
	two-threads) echo "-T 2 -f 1" ;;	# explain: the old harness
	esac
}

# measure SERVER: every point of one server
measure() {
	local flows rep m maxes pct
	for flows in $FLOWS; do
		CLIENT_ARGS=$(flow_args "$flows")
		for ((rep = 1; rep <= REPS; rep++)); do
			read -r o rr l < <(point "$flows" flatout "$rep" 0)
			say "  $CUR $flows rep $rep: flat out: offered $o, replies $rr/s, loss $l %"
		done
		maxes=""
		for ((rep = 1; rep <= REPS; rep++)); do
			m=$(search "$flows" "$rep")
			maxes="$maxes $m"
			say "$CUR $flows rep $rep: max paced rate with < $LOSS_OK % loss: $m/s"
		done
		m=$(printf '%s\n' $maxes | bench_median)
		m=${m%.*}
		for pct in $LAT_PCTS; do
			for ((rep = 1; rep <= REPS; rep++)); do
				read -r o rr l < <(point "$flows" "lat$pct" "$rep" $((m * pct / 100)))
			done
			say "  $CUR $flows: latency at $pct % of $m/s done"
		done
	done
}

run_server() {	# NAME
	CUR=$1
	say "$CUR"
	if ! server_up "$CUR"; then
		say "$CUR did not start (see $LOG)"
		server_down "$CUR"
		return
	fi
	measure
	server_down "$CUR"
}

case $ONLY in
"")
	for s in $SERVERS; do
		run_server "$s"
	done ;;
spin)
	# sl-xdp's spin_us: its max and latency at each value
	FLOWS=${BENCH_FLOWS:-many}
	for us in ${SPIN_VALUES:-0 20 50 200}; do
		SL_EXTRA="spin_us = $us"
		run_server "sl-xdp-spin$us"
	done ;;
hep)
	# HEP3 mirroring: what it takes from the server core's reply rate
	FLOWS=${BENCH_FLOWS:-many}
	# the collector: a socket that never reads (client namespace)
	nsenter_c /usr/bin/python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.18.0.2", 9060))
time.sleep(86400)' &
	netns_track_pid $!
	run_server "sl-xdp"
	for pct in ${HEP_SAMPLES:-0 1 100}; do
		SL_SECTIONS="[hep]
dest = 198.18.0.2:9060
sample = $pct"
		run_server "sl-xdp-hep$pct"
	done
	SL_SECTIONS="" ;;
explain)
	# the old harness: Kamailio children=2 unpinned, sl-bench -T 2
	# unpinned, paced with the old spinning wait, then with the new one
	PIN_CLIENT="" SRV_CPU=$(seq -s, 0 $(($(nproc) - 1)))
	FLOWS=two-threads
	LAT_PCTS=""
	# in rounds, so that what else runs meanwhile falls on both alike
	for ((rep = 1; rep <= REPS; rep++)); do
		for wait in spin sleep; do
			CUR=kamailio-n2-$wait
			bench_kam_start 2 "$work" "" || continue
			CLIENT_ARGS="$(flow_args two-threads)"
			[ "$wait" = spin ] && CLIENT_ARGS="$CLIENT_ARGS --spin-wait"
			m=$(search two-threads "$rep")
			say "$CUR rep $rep: max paced rate with < $LOSS_OK % loss: $m/s"
			# and fixed rates, where the CPU Kamailio got and the
			# datagrams its socket dropped show the difference
			for r in ${EXPLAIN_RATES:-20000 30000 40000}; do
				read -r o rr l < <(point two-threads "fixed$r" "$rep" "$r")
				say "  $CUR rep $rep: $r/s: replies $rr/s, loss $l %"
			done
			bench_kam_stop
		done
	done ;;
esac

echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
if command -v /usr/bin/python3 >/dev/null; then
	/usr/bin/python3 "$SL_ROOT/bench/report_capacity.py" "$OUT" | tee -a "$LOG"
fi
say "done in $(( $(date +%s) - T0 )) s; results in $OUT"
