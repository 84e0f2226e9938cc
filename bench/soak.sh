#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Soak (make soak): sl-xdp answering OPTIONS at a fixed rate for a long
# time (default 10 minutes at 80 % of the max measured by make bench on
# this machine: SOAK_RATE, SOAK_SECONDS), in 30-second slices: reply rate,
# loss and the responder's RSS per slice must stay flat. Writes
# docs/bench/soak.md (or $SOAK_OUT). Not a test: run it by hand.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
. "$SL_ROOT/tests/lib/netns.sh"
SLCTL="$SL_ROOT/build/sl-ctl"
BENCH="$SL_ROOT/build/sl-bench"
RATE=${SOAK_RATE:-120000}
SECONDS_TOTAL=${SOAK_SECONDS:-600}
SLICE=30
OUT=${SOAK_OUT:-$SL_ROOT/docs/bench/soak.md}

netns_setup
work=$(mktemp -d)
netns_defer "rm -rf '$work'"
netns_defer "nsenter_s '$SLCTL' detach '$IF_S' >/dev/null 2>&1"
nsenter_c ip link set dev "$IF_C" xdp obj "$SL_ROOT/build/xdp_pass.bpf.o" sec xdp
printf '[sl]\nports = 5060\ntag_addr = 198.18.0.1:5060\nrate_limit = 0\n[rule options]\nmethod = OPTIONS\nreply = 200 OK\n' > "$work/sl.conf"
nsenter_s "$SLCTL" attach "$IF_S" -c "$work/sl.conf" || exit 1
pid=$(head -n1 "/run/sl-xdp/$IF_S.pid")

{
	echo "# Soak: OPTIONS at $RATE/s for $SECONDS_TOTAL s"
	echo
	echo "Command: \`SOAK_RATE=$RATE SOAK_SECONDS=$SECONDS_TOTAL make soak\`; $(uname -r), $(nproc) CPUs, $(date -u +%Y-%m-%d)."
	echo
	echo "| slice | offered/s | replies/s | loss % | p99 us | responder RSS kB |"
	echo "|---:|---:|---:|---:|---:|---:|"
} > "$work/soak.md"
n=$((SECONDS_TOTAL / SLICE))
for i in $(seq "$n"); do
	run_c "$BENCH" -d 198.18.0.1 -m options -r "$RATE" -t "$SLICE" -T 2 -q -j > "$work/s$i.json" 2>/dev/null
	rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
	/usr/bin/python3 - "$work/s$i.json" "$i" "$rss" >> "$work/soak.md" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
g = lambda *k: next((d[x] for x in k if x in d), None)
lat = d.get("latency_us", {})
print("| %s | %.0f | %.0f | %.3f | %s | %s |" % (sys.argv[2], g("offered_rate", "offered_per_s") or 0,
      g("reply_rate", "replies_per_s") or 0, g("loss_pct", "loss_percent") or 0,
      lat.get("p99", "-"), sys.argv[3]))
PY
	tail -n1 "$work/soak.md"
done
mkdir -p "$(dirname "$OUT")"
cp "$work/soak.md" "$OUT"
echo "written: $OUT"
