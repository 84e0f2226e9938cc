#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# make bench-flood / make bench-forward: the ACK flood (sl-xdp against a
# trivial XDP drop program) and reply forwarding (Kamailio's
# sl_forward_reply against sl-xdp's [forward]), in two network namespaces
# joined by veth (tests/lib/netns.sh).  sl-bench is the client.
# The OPTIONS rate and latency comparison that this script used to make
# measured Kamailio at half its rate (its paced client spun on both
# CPUs, docs/BENCHMARKS.md): it is bench/capacity.sh now (make bench).
# The code of that part is kept below, unreachable without BENCH_ONLY,
# for the record of how the older figures were made.
#
# Latency at 50 % of each server's own max is measured with the server's
# processes on CPU 0 and sl-bench on CPU 1 (taskset), in rounds that run
# every server once, after all the other points.  The ACK flood
# (sl-bench --ack-flood) is measured into sl-xdp (acks_absorbed) and into
# xdp_drop (its run_cnt: BPF run-time statistics are held on by
# bench/bpf_stats_hold.py for these runs only), native and generic each.
#
#   BENCH_QUICK=1   ~2-minute smoke run (1 repeat, short steps)
#   BENCH_ONLY=flood  only the ACK flood: sl-xdp native and generic
#                   against xdp_drop (~1 minute)
#   BENCH_ONLY=forward  only reply forwarding: Kamailio's sl_forward_reply
#                   (children=1 and 2) against sl-xdp's [forward], native
#                   and generic (~3 minutes)
#   BENCH_OUT=DIR   where to write the results (default bench/results)
#
# Everything made here (namespaces, veth, XDP programs, pins under
# /sys/fs/bpf/sl-xdp, Kamailio) is removed on exit, failure and ^C.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$SL_ROOT" || exit 1
. "$SL_ROOT/tests/lib/netns.sh"
. "$SL_ROOT/bench/lib.sh"

SLCTL="$SL_ROOT/build/sl-ctl"
BENCH="$SL_ROOT/build/sl-bench"
OUT=${BENCH_OUT:-$SL_ROOT/bench/results}
QUICK=${BENCH_QUICK:-0}
[ "$QUICK" = 1 ] || QUICK=0
ONLY=${BENCH_ONLY:-}
case $ONLY in
flood|forward) ;;
"") echo "bench/run.sh: the OPTIONS rate and latency comparison is bench/capacity.sh now (make bench);" \
	"this script runs BENCH_ONLY=flood or BENCH_ONLY=forward (make bench-flood, make bench-forward)" >&2
    exit 1 ;;
*) echo "bench: BENCH_ONLY=$ONLY: only 'flood' and 'forward' are known" >&2; exit 1 ;;
esac

if [ "$QUICK" = 1 ]; then
	REPS=1 STEP=1.5 BISECT=2 START=20000 LAT_STEP=1.5
else
	REPS=3 STEP=2.5 BISECT=4 START=20000 LAT_STEP=2.5
fi
FLOOD_N=8192		# INVITEs whose ACKs make the flood
SRV_CPU=0 CLI_CPU=1	# latency runs: server and client CPUs
[ "$(nproc)" -ge 2 ] || SRV_CPU=0 CLI_CPU=0
THREADS=${BENCH_THREADS:-2}
MAXRATE=2000000		# search ceiling
LOSS_OK=1.0		# percent
HZ=$(getconf CLK_TCK)

for f in "$SLCTL" "$BENCH" build/sl_xdp.bpf.o build/xdp_pass.bpf.o; do
	[ -e "$f" ] || { echo "bench: $f missing: run make first" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "bench: needs root (namespaces, XDP)" >&2; exit 1; }
command -v jq >/dev/null || { echo "bench: needs jq" >&2; exit 1; }
HAVE_KAM=1
command -v kamailio >/dev/null || HAVE_KAM=0

mkdir -p "$OUT"
RAW="$OUT/raw.tsv"
LOG="$OUT/run.log"
: > "$LOG"
printf 'config\trep\tkind\ttarget\toffered\treply_rate\tloss_pct\treplies\tproc_cpu_s\tsoftirq_s\tbusy_s\tp50_us\tp99_us\tp999_us\tacks_sent\tacks_absorbed\tduration_s\tclient_cpu_s\n' > "$RAW"
FWDPROG="$OUT/forward_prog.tsv"
printf 'config\tprog_runs\tprog_ns\n' > "$FWDPROG"
FLOOD="$OUT/flood.tsv"
printf 'config\trep\tacks_kept\tacks_synthetic\tacks_sent\tflood_s\tsent_rate\tcounted\tcounted_rate\tprog_runs\tprog_ns\tns_per_run\tveth_xdp_drops\trx_packets\n' > "$FLOOD"

netns_setup || exit 1
work=$(mktemp -d /tmp/sl-bench.XXXXXX)
netns_defer "rm -rf '$work'"
netns_defer "nsenter_s '$SLCTL' detach '$IF_S'"
netns_defer "rm -rf '/sys/fs/bpf/sl-xdp/$IF_S'"
T0=$(date +%s)

say() { echo "bench [$(( $(date +%s) - T0 ))s] $*" | tee -a "$LOG" >&2; }

# The same rules on both sides.
bench_sl_conf "$work/sl.conf"
cat >> "$work/sl.conf" <<CONF

# reply forwarding (sl-bench -m reply): our Via on top, the client's below
[forward]
via = 198.18.0.1:5060
peers = 198.18.0.2                ; the load generator plays the UAS
rate_limit = 0                    ; and the UAC: one destination, no limit

[rewrite hide-480]
code = 480
reply = 404 Not Found
CONF

# The ACK flood's: the same, with the longest ACK window, so that the
# entries of the flood's INVITEs stay live for the whole flood.
sed 's/^ack_window = .*/ack_window = 60s/' "$work/sl.conf" > "$work/sl-flood.conf"

# Frames that XDP_TX/redirect puts into the veth need an XDP program on the
# peer (native mode); kept for every configuration so the client side is
# the same for all.
# The client's neighbour entry for the server is permanent: a drop program
# on the server end drops ARP too, and once the entry went stale the
# client would drop its own packets (unresolved neighbour) and the flood
# would never reach the program.
srv_mac=$(run_s cat "/sys/class/net/$IF_S/address")
nsenter_c ip neigh replace 198.18.0.1 lladdr "$srv_mac" nud permanent dev "$IF_C" ||
	{ echo "bench: cannot set the client's neighbour entry" >&2; exit 1; }
# reply forwarding: the client's MAC in the server's neighbour table
# (permanent, for the same reason as above; sl-xdp's sync reads it from
# there, no IP forwarding needed)
cli_mac=$(run_c cat "/sys/class/net/$IF_C/address")
nsenter_s ip neigh replace 198.18.0.2 lladdr "$cli_mac" nud permanent dev "$IF_S" ||
	{ echo "bench: cannot prepare the server end for reply forwarding" >&2; exit 1; }
nsenter_c ip link set dev "$IF_C" xdp obj build/xdp_pass.bpf.o sec xdp ||
	{ echo "bench: cannot attach xdp_pass on the client end" >&2; exit 1; }

start_kamailio() {	# CHILDREN: bench/lib.sh's, unpinned, with forwarding
	KAM_FORWARD=1 bench_kam_start "$1" "$work" "" || {
		say "kamailio did not start: $(tail -n 5 "$work/kamailio.log")"
		return 1
	}
}
stop_kamailio() {
	bench_kam_stop
}

# CPU: user+system ticks of every process in the server namespace
# (Kamailio's processes; the sl-ctl responder), and the whole machine's
# softirq and busy ticks from /proc/stat (XDP runs in softirq).
cpu_snap() {
	local p t=0 v
	for p in $(ip netns pids "$NS_S" 2>/dev/null); do
		v=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null)
		t=$((t + ${v:-0}))
	done
	awk -v t="$t" '/^cpu / { print t, $8, $2 + $3 + $4 + $7 + $8 }' /proc/stat
}

ACK_SRC=none
LAT_PIN="" LAT_THREADS=""
absorbed() {
	case $ACK_SRC in
	slxdp) nsenter_s "$SLCTL" stats "$IF_S" --json 2>/dev/null |
			jq -r '.dp.acks_absorbed // 0' ;;
	*) echo 0 ;;
	esac
}

# run_point CONFIG REP KIND RATE METHOD SECONDS: one sl-bench run, one raw
# line; prints "offered reply_rate loss"
run_point() {
	local cfgname=$1 rep=$2 kind=$3 rate=$4 method=$5 secs=$6
	local c0 c1 a0 a1 j
	a0=$(absorbed)
	c0=$(cpu_snap)
	# shellcheck disable=SC2086
	j=$(run_c $LAT_PIN "$BENCH" -d 198.18.0.1:5060 -m "$method" -r "$rate" \
		-t "$secs" -T "${LAT_THREADS:-$THREADS}" -w 0.5 -q --json 2>>"$LOG")
	c1=$(cpu_snap)
	a1=$(absorbed)
	[ -n "$j" ] || j='{}'
	echo "$j" >> "$work/json.log"
	jq -r --arg c "$cfgname" --arg r "$rep" --arg k "$kind" --arg t "$rate" \
		--arg c0 "$c0" --arg c1 "$c1" --arg a "$((a1 - a0))" --arg hz "$HZ" '
		($c0 | split(" ") | map(tonumber)) as $x |
		($c1 | split(" ") | map(tonumber)) as $y |
		[$c, $r, $k, $t, (.offered_rate // 0), (.reply_rate // 0),
		 (.loss_pct // 100), (.final_replies // 0),
		 (($y[0] - $x[0]) / ($hz | tonumber)),
		 (($y[1] - $x[1]) / ($hz | tonumber)),
		 (($y[2] - $x[2]) / ($hz | tonumber)),
		 (.latency_us.p50 // 0), (.latency_us.p99 // 0),
		 (.latency_us.p99_9 // 0), (.acks_sent // 0), ($a | tonumber),
		 (.duration_s // 0), (.client_cpu_s // 0)] | @tsv' <<< "$j" >> "$RAW"
	tail -n 1 "$RAW" | awk -F'\t' '{ print $5, $6, $7 }'
}

# Every process (all threads) of the server namespace onto CPU LIST.
pin_server() {
	local p
	for p in $(ip netns pids "$NS_S" 2>/dev/null); do
		taskset -a -p -c "$1" "$p" >/dev/null 2>&1
	done
}

# XDP program on the server end: id, and its run_cnt/run_time_ns.
prog_id() {
	ip -n "$NS_S" -d link show dev "$IF_S" 2>/dev/null |
		sed -nE 's/.*prog\/xdp[a-z]* id ([0-9]+).*/\1/p' | head -n 1
}
prog_stats() {	# ID -> "run_cnt run_time_ns"
	bpftool prog show id "$1" --json 2>/dev/null |
		jq -r '"\(.run_cnt // 0) \(.run_time_ns // 0)"' 2>/dev/null || echo "0 0"
}
veth_xdp_drops() {
	run_s ethtool -S "$IF_S" 2>/dev/null |
		awk '/xdp_drops:/ { s += $2 } END { print s + 0 }'
}

# flood_point CONFIG REP: sl-bench --ack-flood for STEP s, one flood.tsv
# line.  Counted: sl-xdp's acks_absorbed; for xdp-drop*, the program's
# runs less the INVITEs of the priming phase (they reach it too).
flood_point() {
	local cfgname=$1 rep=$2 id s0 s1 a0 a1 d0 d1 r0 r1 j
	id=$(prog_id)
	a0=$(absorbed); read -r -a s0 < <(prog_stats "$id"); d0=$(veth_xdp_drops)
	r0=$(run_s cat "/sys/class/net/$IF_S/statistics/rx_packets")
	j=$(run_c "$BENCH" -d 198.18.0.1:5060 --ack-flood "$FLOOD_N" -t "$STEP" \
		-T "$THREADS" -q --json 2>>"$LOG")
	a1=$(absorbed); read -r -a s1 < <(prog_stats "$id"); d1=$(veth_xdp_drops)
	r1=$(run_s cat "/sys/class/net/$IF_S/statistics/rx_packets")
	[ -n "$j" ] || j='{}'
	echo "$j" >> "$work/json.log"
	jq -r --arg c "$cfgname" --arg r "$rep" --arg a "$((a1 - a0))" \
		--arg n "$((s1[0] - s0[0]))" --arg ns "$((s1[1] - s0[1]))" \
		--arg d "$((d1 - d0))" --arg rx "$((r1 - r0))" '
		(.flood // {}) as $f | ($n | tonumber) as $runs |
		(if ($c | startswith("xdp-drop")) then
			$runs - ($f.invites // 0) else ($a | tonumber) end) as $k |
		[$c, $r, ($f.acks_from_replies // 0), ($f.acks_synthetic // 0),
		 ($f.acks_sent // 0), ($f.duration_s // 0), ($f.rate // 0), $k,
		 (if ($f.duration_s // 0) > 0 then $k / $f.duration_s else 0 end),
		 $runs, ($ns | tonumber),
		 (if $runs > 0 then ($ns | tonumber) / $runs else 0 end),
		 ($d | tonumber), ($rx | tonumber)] | @tsv' <<< "$j" >> "$FLOOD"
	tail -n 1 "$FLOOD" | awk -F'\t' '{ printf "%s/s counted of %s/s sent, %.0f ns/run\n", $9, $7, $12 }'
}

# BPF run-time statistics held on while STATS_HOLD runs (per holder:
# another process's sysctl cannot switch them off meanwhile)
STATS_HOLD=""
stats_on() {
	local i
	/usr/bin/python3 "$SL_ROOT/bench/bpf_stats_hold.py" < /dev/null > "$work/hold.out" 2>>"$LOG" &
	STATS_HOLD=$!
	netns_track_pid "$STATS_HOLD"
	for i in $(seq 50); do
		grep -q enabled "$work/hold.out" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
stats_off() {
	[ -n "$STATS_HOLD" ] && _netns_kill "$STATS_HOLD"
	STATS_HOLD=""
	: > "$work/hold.out"
}

# flood CONFIG: REPS flood points with BPF run-time statistics held on
flood() {
	local rep
	stats_on || say "  BPF statistics could not be enabled: no ns/run, no xdp_drop count"
	for ((rep = 1; rep <= REPS; rep++)); do
		say "  $1 ACK flood rep $rep: $(flood_point "$1" "$rep")"
	done
	stats_off
}

good() {	# OFFERED TARGET LOSS: the point passes
	awk -v o="$1" -v t="$2" -v l="$3" -v lim="$LOSS_OK" \
		'BEGIN { exit !(l < lim && o >= 0.9 * t) }'
}

# search CONFIG REP [KIND METHOD]: max reply rate with < 1 % loss (OPTIONS,
# kind search by default): doubling from START, then BISECT bisection
# steps; prints the best reply rate
search() {
	local cfgname=$1 rep=$2 kind=${3:-search} method=${4:-options}
	local lo=0 hi=0 r=$START best=0 o rr l i mid
	while [ "$r" -le "$MAXRATE" ]; do
		read -r o rr l < <(run_point "$cfgname" "$rep" "$kind" "$r" "$method" "$STEP")
		say "  $cfgname rep $rep: target $r offered $o replies/s $rr loss $l %"
		if good "$o" "$r" "$l"; then
			lo=$r; best=$rr; r=$((r * 2))
		else
			hi=$r; break
		fi
	done
	[ "$hi" -eq 0 ] && { echo "$best"; return; }
	for ((i = 0; i < BISECT; i++)); do
		mid=$(((lo + hi) / 2))
		[ "$mid" -le "$lo" ] && break
		read -r o rr l < <(run_point "$cfgname" "$rep" "$kind" "$mid" "$method" "$STEP")
		say "  $cfgname rep $rep: target $mid offered $o replies/s $rr loss $l %"
		if good "$o" "$mid" "$l"; then
			lo=$mid; best=$rr
		else
			hi=$mid
		fi
	done
	echo "$best"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 0 }'; }

# forward CONFIG: max rate of 480 replies forwarded back (as 404) with
# < 1 % loss, REPS searches (kind forward)
# For sl-xdp, the program's own time per run over the searches (BPF
# run-time statistics; nearly every run is a forwarded reply), one
# forward_prog.tsv line.
forward() {
	local rep m id s0 s1
	case $1 in
	sl-xdp-*)
		stats_on || say "  BPF statistics could not be enabled: no ns/run"
		id=$(prog_id)
		read -r -a s0 < <(prog_stats "$id") ;;
	esac
	for ((rep = 1; rep <= REPS; rep++)); do
		m=$(search "$1" "$rep" forward reply)
		say "$1 rep $rep: max forwarded reply rate $m/s"
	done
	case $1 in
	sl-xdp-*)
		read -r -a s1 < <(prog_stats "$id")
		stats_off
		printf '%s\t%s\t%s\n' "$1" "$((s1[0] - s0[0]))" "$((s1[1] - s0[1]))" >> "$FWDPROG"
		say "$1: $((s1[0] - s0[0])) program runs, $(( (s1[1] - s0[1]) / ((s1[0] - s0[0]) > 0 ? (s1[0] - s0[0]) : 1) )) ns per run" ;;
	esac
}

# measure CONFIG: the whole set of points for one server configuration
measure() {
	local cfgname=$1 rep maxes m half
	maxes=""
	for ((rep = 1; rep <= REPS; rep++)); do
		m=$(search "$cfgname" "$rep")
		maxes="$maxes $m"
		say "$cfgname rep $rep: max OPTIONS reply rate $m/s"
	done
	m=$(printf '%s\n' $maxes | median)
	half=$(awk -v m="$m" 'BEGIN { printf "%d", m / 2 }')
	[ "$half" -lt 100 ] && half=100
	# latency at half of it: later, interleaved with the other servers
	HALF[$cfgname]=$half
	LAT_ORDER+=("$cfgname")
	# INVITE -> 486 -> ACK, flat out
	for ((rep = 1; rep <= REPS; rep++)); do
		run_point "$cfgname" "$rep" invite 0 invite "$STEP" >/dev/null
	done
	say "$cfgname: INVITE/ACK done"
}

{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "command: make bench${BENCH_QUICK:+ BENCH_QUICK=$BENCH_QUICK}${ONLY:+ BENCH_ONLY=$ONLY}"
	echo "kernel: $(uname -r)"
	echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1) x $(nproc)"
	echo "kamailio: $(kamailio -v 2>/dev/null | head -n 1)"
	echo "client: sl-bench, $THREADS threads, IPv4, veth between two namespaces"
	echo "mode: $([ "$QUICK" = 1 ] && echo quick || echo full)${ONLY:+, only $ONLY}, repeats $REPS, step ${STEP}s"
} > "$OUT/machine.txt"

declare -A HALF
LAT_ORDER=()

# server_up/server_down CONFIG: start/stop one server configuration
server_up() {
	case $1 in
	kamailio-c*) start_kamailio "${1#kamailio-c}" ;;
	sl-xdp-native) nsenter_s "$SLCTL" attach "$IF_S" -c "$work/sl.conf" >>"$LOG" 2>&1 ;;
	sl-xdp-skb) nsenter_s "$SLCTL" attach "$IF_S" -c "$work/sl.conf" --skb-mode >>"$LOG" 2>&1 ;;
	*) return 1 ;;
	esac
}
server_down() {
	case $1 in
	kamailio-c*) stop_kamailio ;;
	sl-xdp-*) nsenter_s "$SLCTL" detach "$IF_S" >>"$LOG" 2>&1; sleep 0.3 ;;
	esac
}

# Latency at 50 % of each server's own max, in rounds: every server once
# per round, so that what else runs on the machine meanwhile falls on
# all of them alike.  Server processes on SRV_CPU, sl-bench (one thread)
# on CLI_CPU.
latency_rounds() {
	local rep c
	for ((rep = 1; rep <= REPS; rep++)); do
		for c in "${LAT_ORDER[@]}"; do
			if ! server_up "$c"; then
				say "  $c: did not start for latency round $rep"
				server_down "$c"
				continue
			fi
			pin_server "$SRV_CPU"
			LAT_PIN="taskset -c $CLI_CPU" LAT_THREADS=1
			run_point "$c" "$rep" latency "${HALF[$c]}" options "$LAT_STEP" >/dev/null
			LAT_PIN="" LAT_THREADS=""
			server_down "$c"
		done
		say "latency round $rep done (${LAT_ORDER[*]})"
	done
}

if [ "$ONLY" = flood ]; then
	say "BENCH_ONLY=$ONLY: no Kamailio, no OPTIONS/INVITE points"
elif [ "$HAVE_KAM" = 1 ]; then
	for ch in 1 2; do
		say "Kamailio children=$ch"
		ACK_SRC=none
		if start_kamailio "$ch"; then
			[ -z "$ONLY" ] && measure "kamailio-c$ch"
			forward "kamailio-c$ch"
		fi
		stop_kamailio
	done
else
	say "kamailio not installed: skipped"
fi

for mode in native skb; do
	say "sl-xdp $mode"
	extra=""
	[ "$mode" = skb ] && extra=--skb-mode
	# shellcheck disable=SC2086
	if nsenter_s "$SLCTL" attach "$IF_S" -c "$work/sl.conf" $extra >>"$LOG" 2>&1; then
		ACK_SRC=slxdp
		[ -z "$ONLY" ] && measure "sl-xdp-$mode"
		[ "$ONLY" != flood ] && forward "sl-xdp-$mode"
		if [ "$ONLY" = forward ]; then
			:
		elif nsenter_s "$SLCTL" reload "$IF_S" -c "$work/sl-flood.conf" >>"$LOG" 2>&1; then
			flood "sl-xdp-$mode"
		else
			say "sl-xdp $mode: reload for the ACK flood failed"
		fi
	else
		say "sl-xdp $mode: attach failed (see $LOG)"
	fi
	ACK_SRC=none
	nsenter_s "$SLCTL" detach "$IF_S" >>"$LOG" 2>&1
	sleep 0.3
done

[ ${#LAT_ORDER[@]} -gt 0 ] && latency_rounds

# Ceiling for ACK absorption: a trivial XDP_DROP program on the server end
# (native, then generic), the same ACK flood (synthetic ACKs of the same
# size: nothing answers the INVITEs), counted by the program's run_cnt;
# then stand-alone ACKs flat out as before.
[ "$ONLY" = forward ] || for mode in xdpdrv xdpgeneric; do
	name=xdp-drop; [ "$mode" = xdpgeneric ] && name=xdp-drop-generic
	say "trivial XDP drop ($mode)"
	if nsenter_s ip link set dev "$IF_S" "$mode" obj build/xdp_pass.bpf.o \
		program xdp_drop >>"$LOG" 2>&1; then
		flood "$name"
		if [ "$mode" = xdpdrv ] && [ -z "$ONLY" ]; then
			for ((rep = 1; rep <= REPS; rep++)); do
				run_point xdp-drop "$rep" drop 0 ack "$STEP" >/dev/null
			done
		fi
		nsenter_s ip link set dev "$IF_S" "$mode" off
	else
		say "xdp_drop ($mode): attach failed"
	fi
done

/usr/bin/python3 "$SL_ROOT/bench/report.py" "$OUT" | tee -a "$LOG"
say "done in $(( $(date +%s) - T0 )) s; results in $OUT"
