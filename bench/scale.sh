#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# make bench-scale QUEUES="1 2 4 8": how sl-xdp and Kamailio scale with the
# cores given to them, on a many-core machine (issue 12).  Runs from the
# source tree (build/) or from a kit (make bench-kit, then on the other
# machine: KIT/run-scale QUEUES="1 2 4 8"): it needs bash, coreutils, awk,
# sed and grep there, and takes ip, ethtool, jq, nsenter, taskset, ps,
# Kamailio and its modules from the kit when they are not installed.
#
# For each Q in QUEUES:
#   - a veth pair with Q RX and TX queues on each end;
#   - Q sender threads (sl-bench --cpus), thread i on client CPU
#     CLI_BASE + i, and XPS on the client end so that CPU sends on TX
#     queue i only: each queue's xps_cpus mask has exactly the CPUs of
#     the senders given to it.  veth hands TX queue i of one end to RX
#     queue i of the other, so sender i feeds the server's RX queue i;
#   - sl-xdp: one AF_XDP socket per queue, its thread on server CPU
#     SRV_BASE + i (cpus =), the whole responder pinned to those CPUs;
#     Kamailio: children = Q, every process on the same Q CPUs;
#   - REPS times the highest evenly paced rate with < 1 % loss, and once
#     the flat-out rate; for sl-xdp, each queue's requests at its maximum
#     (sl-ctl stats "queues" rx_frames and ethtool's rx_queue_N_xdp_packets):
#     if XPS or the veth put them elsewhere, it shows.
# SPREAD="1 2 4 8" (instead of QUEUES): one queue, sockets_per_queue = N,
# N sender threads: a hot queue served by N threads.
#
#   QUEUES, SPREAD, REPS (3), STEP (2.5 s), SRV_BASE (0), CLI_BASE (nproc / 2),
#   BENCH_SERVERS ("sl-xdp kamailio"), BENCH_OUT (bench/results-scale)
#
# Results: scale.tsv (every point), queues.tsv (per-queue requests),
# scale.md (the table), machine.txt.  Removes what it made on exit.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$SL_ROOT" || exit 1
. "$SL_ROOT/bench/lib.sh"
bench_locate	# BIN, SLCTL, BENCH, XDP_PASS: the source tree's or a kit's
. "$SL_ROOT/tests/lib/netns.sh"
OUT=${BENCH_OUT:-$SL_ROOT/bench/results-scale}
QUEUES=${QUEUES:-}
SPREAD=${SPREAD:-}
[ -n "$QUEUES$SPREAD" ] || QUEUES="1 2 4 8"
REPS=${REPS:-3}
STEP=${STEP:-2.5}
BISECT=5
START=5000
MAXRATE=20000000
NCPU=$(nproc)
SRV_BASE=${SRV_BASE:-0}
CLI_BASE=${CLI_BASE:-$((NCPU / 2))}
SERVERS=${BENCH_SERVERS:-sl-xdp kamailio}

for f in "$SLCTL" "$BENCH" "$XDP_PASS"; do
	[ -e "$f" ] || { echo "scale: $f missing (make, or a kit from make bench-kit)" >&2; exit 1; }
done
for t in ip ethtool jq nsenter taskset ps awk; do
	command -v "$t" >/dev/null || { echo "scale: $t not found (the kit carries it)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "scale: needs root" >&2; exit 1; }
command -v kamailio >/dev/null ||
	SERVERS=$(echo "$SERVERS" | tr ' ' '\n' | grep -v kamailio | tr '\n' ' ')

mkdir -p "$OUT"
RAW="$OUT/scale.tsv"
QTSV="$OUT/queues.tsv"
LOG="$OUT/run.log"
: > "$LOG"
printf 'mode\tn\tserver\tkind\trep\ttarget\toffered\treply_rate\tloss_pct\tp99_us\tclient_cpu_pct\tsrv_busy_pct\tload\n' > "$RAW"
printf 'mode\tn\tserver\trep\tqueue\tsocket\trx_frames\tsent_replies\tveth_rx_queue_xdp_packets\n' > "$QTSV"
T0=$(date +%s)
say() { echo "scale [$(( $(date +%s) - T0 ))s] $*" | tee -a "$LOG" >&2; }

cpu_list() {	# BASE N -> "B,B+1,..,B+N-1" (each modulo the CPU count)
	local i out=""

	for ((i = 0; i < $2; i++)); do
		out="$out${out:+,}$((($1 + i) % NCPU))"
	done
	echo "$out"
}

# xps_cpus mask of one CPU: hex, in 32-bit groups separated by commas,
# as the kernel prints and parses cpumasks (no printf %x of > 64 bits)
cpu_mask() {
	local cpu=$1 groups=$(((NCPU + 31) / 32)) g out=""

	for ((g = groups - 1; g >= 0; g--)); do
		if [ $((cpu / 32)) -eq "$g" ]; then
			out="$out${out:+,}$(printf '%08x' $((1 << (cpu % 32))))"
		else
			out="$out${out:+,}00000000"
		fi
	done
	echo "$out"
}

# A fresh pair of namespaces and a veth with Q queues on each end.
setup() {	# Q
	local q=$1 i

	netns_setup || return 1
	ip -n "$NS_S" link del "$IF_S" 2>/dev/null
	ip link add "$IF_S" netns "$NS_S" numtxqueues "$q" numrxqueues "$q" type veth \
		peer name "$IF_C" netns "$NS_C" numtxqueues "$q" numrxqueues "$q" &&
		ip -n "$NS_S" addr add 198.18.0.1/24 dev "$IF_S" &&
		ip -n "$NS_C" addr add 198.18.0.2/24 dev "$IF_C" &&
		ip netns exec "$NS_S" ethtool -K "$IF_S" tx off >/dev/null &&
		ip netns exec "$NS_C" ethtool -K "$IF_C" tx off >/dev/null &&
		ip -n "$NS_S" link set "$IF_S" up &&
		ip -n "$NS_C" link set "$IF_C" up ||
		{ echo "scale: cannot make a veth with $q queues" >&2; return 1; }
	# sender i (client CPU CLI_BASE + i) on TX queue i, and only there
	# (a device with one TX queue has nothing to choose)
	for ((i = 0; q > 1 && i < q; i++)); do
		run_c sh -c "echo $(cpu_mask $(((CLI_BASE + i) % NCPU))) > /sys/class/net/$IF_C/queues/tx-$i/xps_cpus" ||
			{ echo "scale: cannot set xps_cpus of $IF_C tx-$i" >&2; return 1; }
	done
	nsenter_c ip neigh replace 198.18.0.1 lladdr "$(run_s cat "/sys/class/net/$IF_S/address")" \
		nud permanent dev "$IF_C" &&
		nsenter_s ip neigh replace 198.18.0.2 lladdr "$(run_c cat "/sys/class/net/$IF_C/address")" \
		nud permanent dev "$IF_S" &&
		nsenter_c ip link set dev "$IF_C" xdp obj "$XDP_PASS" sec xdp
}

teardown() {
	nsenter_s "$SLCTL" detach "$IF_S" >/dev/null 2>&1
	netns_cleanup
	trap - EXIT INT TERM
}

MODE="" N=0 SRV_CPUS="" CLI_CPUS="" CUR=""
point() {	# KIND REP RATE -> "offered reply_rate loss"
	local kind=$1 rep=$2 rate=$3 c0 c1
	read -r -a c0 < <(bench_cpu_ticks "$SRV_CPUS")
	run_c "$BENCH" -d 198.18.0.1:5060 -m options -r "$rate" -t "$STEP" \
		-T "$N" --cpus "$CLI_CPUS" -w 0.5 -q --json > "$OUT/p.json" 2>>"$LOG"
	read -r -a c1 < <(bench_cpu_ticks "$SRV_CPUS")
	[ -s "$OUT/p.json" ] || echo '{}' > "$OUT/p.json"
	jq -r --arg m "$MODE" --arg n "$N" --arg s "$CUR" --arg k "$kind" \
		--arg r "$rep" --arg t "$rate" --arg cb "$((c1[0] - c0[0]))" \
		--arg ct "$((c1[1] - c0[1]))" --arg ld "$(bench_load)" '
		(.duration_s // 0) as $d |
		[$m, $n, $s, $k, $r, $t, (.offered_rate // 0), (.reply_rate // 0),
		 (.loss_pct // 100), (.latency_us.p99 // 0),
		 (if $d > 0 then 100 * (.client_cpu_s // 0) / $d else 0 end),
		 (if ($ct | tonumber) > 0 then 100 * ($cb | tonumber) / ($ct | tonumber) else 0 end),
		 $ld] | @tsv' "$OUT/p.json" >> "$RAW"
	tail -n 1 "$RAW" | awk -F'\t' '{ print $7, $8, $9 }'
}

good() {
	awk -v o="$1" -v t="$2" -v l="$3" 'BEGIN { exit !(l < 1.0 && o >= 0.95 * t) }'
}

search() {	# REP -> best reply rate
	local rep=$1 lo=0 hi=0 r=$START best=0 o rr l i mid
	while [ "$r" -le "$MAXRATE" ]; do
		read -r o rr l < <(point search "$rep" "$r")
		say "  $CUR $MODE=$N rep $rep: paced $r: offered $o, replies $rr/s, loss $l %"
		if good "$o" "$r" "$l"; then lo=$r best=$rr r=$((r * 2)); else hi=$r; break; fi
	done
	if [ "$hi" -ne 0 ]; then
		for ((i = 0; i < BISECT; i++)); do
			mid=$(((lo + hi) / 2))
			[ "$mid" -le "$lo" ] && break
			read -r o rr l < <(point search "$rep" "$mid")
			say "  $CUR $MODE=$N rep $rep: paced $mid: offered $o, replies $rr/s, loss $l %"
			if good "$o" "$mid" "$l"; then lo=$mid best=$rr; else hi=$mid; fi
		done
	fi
	echo "$best $lo"
}

# Each socket's requests (sl-ctl stats) and each RX queue's XDP packets
# (veth's ethtool counters), after a run at the maximum.
record_queues() {	# REP
	local rep=$1

	nsenter_s "$SLCTL" stats "$IF_S" --json > "$OUT/st.json" 2>/dev/null || return
	run_s ethtool -S "$IF_S" > "$OUT/ethtool1.txt" 2>/dev/null
	jq -r '.queues[] | "\(.queue)\t\(.socket)\t\(.rx_frames)\t\(.sent_replies)"' "$OUT/st.json" |
	while IFS=$'\t' read -r q k rx sent; do
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$MODE" "$N" "$CUR" "$rep" \
			"$q" "$k" "$rx" "$sent" \
			"$(awk -v k="rx_queue_${q}_xdp_packets:" '
				FNR == NR && $1 == k { a = $2 }
				FNR != NR && $1 == k { b = $2 }
				END { print b - a }' "$OUT/ethtool0.txt" "$OUT/ethtool1.txt")"
	done >> "$QTSV"
}

server_up() {
	case $CUR in
	sl-xdp)
		bench_sl_conf "$OUT/sl.conf" "cpus = $SRV_CPUS
sockets_per_queue = $PER_QUEUE"
		nsenter_s "$SLCTL" attach "$IF_S" -c "$OUT/sl.conf" >>"$LOG" 2>&1 &&
			bench_pin_ns "$SRV_CPUS" ;;
	kamailio)
		bench_kam_start "$N" "$OUT" "$SRV_CPUS" ;;
	esac
}
server_down() {
	case $CUR in
	sl-xdp) nsenter_s "$SLCTL" detach "$IF_S" >>"$LOG" 2>&1 ;;
	kamailio) bench_kam_stop ;;
	esac
}

run_one() {	# MODE N: every server at this size
	local rep m lo o rr l
	MODE=$1 N=$2
	SRV_CPUS=$(cpu_list "$SRV_BASE" "$N")
	CLI_CPUS=$(cpu_list "$CLI_BASE" "$N")
	if [ "$MODE" = queues ]; then Q=$N PER_QUEUE=1; else Q=1 PER_QUEUE=$N; fi
	[ $((2 * N)) -le "$NCPU" ] ||
		say "only $NCPU CPUs: server CPUs $SRV_CPUS and client CPUs $CLI_CPUS overlap"
	setup "$Q" || { say "setup with $Q queues failed"; teardown; return; }
	for CUR in $SERVERS; do
		# Kamailio's children read one socket: spreading is its own
		[ "$CUR" = kamailio ] && [ "$MODE" = spread ] && [ "$N" -gt 1 ] && continue
		say "$CUR, $MODE = $N: server CPUs $SRV_CPUS, client CPUs $CLI_CPUS"
		if ! server_up; then
			say "$CUR did not start (see $LOG)"
			server_down
			continue
		fi
		read -r o rr l < <(point flatout 1 0)
		say "  $CUR $MODE=$N: flat out: offered $o, replies $rr/s, loss $l %"
		for ((rep = 1; rep <= REPS; rep++)); do
			read -r m lo < <(search "$rep")
			say "$CUR $MODE=$N rep $rep: max paced rate with < 1 % loss: $m/s"
			# the queues at the maximum
			if [ "$CUR" = sl-xdp ] && [ "$lo" -gt 0 ]; then
				nsenter_s "$SLCTL" stats "$IF_S" --reset >/dev/null 2>&1
				run_s ethtool -S "$IF_S" > "$OUT/ethtool0.txt" 2>/dev/null
				point atmax "$rep" "$lo" >/dev/null
				sleep 0.3
				record_queues "$rep"
			fi
		done
		server_down
	done
	teardown
}

{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "command: make bench-scale${QUEUES:+ QUEUES=\"$QUEUES\"}${SPREAD:+ SPREAD=\"$SPREAD\"} (or KIT/run-scale)"
	echo "commit: $(bench_commit)"
	echo "kernel: $(uname -r)"
	echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1) x $NCPU"
	echo "kamailio: $(kamailio -v 2>/dev/null | head -n 1)"
	echo "server CPUs from $SRV_BASE, client CPUs from $CLI_BASE; repeats $REPS, step ${STEP}s"
	echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"

for n in $QUEUES; do run_one queues "$n"; done
for n in $SPREAD; do run_one spread "$n"; done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"

# scale.md: medians over the repeats; ratio to the first size of each
# server; the per-queue requests at the maximum (awk only: no Python on
# the machines this runs on)
awk -F'\t' '
	FNR == 1 { next }
	FILENAME ~ /scale.tsv$/ && $4 == "search" && $9 < 1 && $7 >= 0.95 * $6 {
		k = $1 SUBSEP $2 SUBSEP $3 SUBSEP $5
		if ($8 > best[k]) best[k] = $8
		keys[$1 SUBSEP $2 SUBSEP $3] = 1
	}
	FILENAME ~ /scale.tsv$/ && $4 == "flatout" { flat[$1 SUBSEP $2 SUBSEP $3] = $8 " (" $9 " % lost)" }
	FILENAME ~ /queues.tsv$/ && $4 == 1 {
		k = $1 SUBSEP $2 SUBSEP $3
		q[k] = q[k] (q[k] == "" ? "" : " / ") $7
	}
	END {
		print "| mode | n | server | max replies/s, < 1 % loss (median of repeats) | per core | vs n = first | flat out | requests per queue/socket at the max (rep 1) |"
		print "|---|---:|---|---:|---:|---:|---:|---|"
		for (k in keys) {
			split(k, p, SUBSEP)
			m = 0; c = 0
			delete v
			for (b in best) {
				split(b, r, SUBSEP)
				if (r[1] == p[1] && r[2] == p[2] && r[3] == p[3]) v[++c] = best[b]
			}
			# median
			for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++)
				if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
			m = c ? v[int((c + 1) / 2)] : 0
			med[k] = m
			line[k] = sprintf("| %s | %s | %s | %.0f | %.0f |", p[1], p[2], p[3], m, m / p[2])
			if (!(p[1] SUBSEP p[3] in first) || p[2] < firstn[p[1] SUBSEP p[3]]) {
				first[p[1] SUBSEP p[3]] = m; firstn[p[1] SUBSEP p[3]] = p[2]
			}
		}
		for (k in line) {
			split(k, p, SUBSEP)
			f = first[p[1] SUBSEP p[3]]
			printf "%s %s | %s | %s |\n", line[k], f ? sprintf("%.2fx", med[k] / f) : "-", flat[k], q[k] == "" ? "-" : q[k]
		}
	}' "$RAW" "$QTSV" | { read -r h1; read -r h2; echo "$h1"; echo "$h2"; sort -t'|' -k2,2 -k4,4 -k3,3n; } > "$OUT/scale.md"
cat "$OUT/scale.md"
say "done in $(( $(date +%s) - T0 )) s; results in $OUT"
