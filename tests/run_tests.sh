#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Test runner behind `make test` (run after `make all`, as root).
#
#   tests/run_tests.sh [--unit-only | --e2e-only] [-q] [FILTER...]
#
# Runs, in this order:
#   build/tests/test_*     executable cmocka binaries (unit and BPF tests);
#                          counted from "[  PASSED  ] N test(s)." and
#                          "[  FAILED  ] N test(s)" lines
#   tests/e2e/test_*.sh    e2e scripts; counted from TAP-like lines
#                          "ok - desc" / "not ok - desc" (tests/lib/netns.sh)
# FILTER: run only suites whose name contains one of the substrings.
# A suite that exits non-zero without reporting a failure counts as one
# failure, and so does a suite that ran no test at all.
# Each suite's output goes to build/test-logs/NAME.log (NAME: test_x or
# test_y.sh) and is echoed as it runs (-q: only the tail of failed ones).
# Ctrl-C / SIGTERM is passed on to the running suite, so it cleans up.
#
# Environment: SL_TEST_TIMEOUT (seconds per suite, default 600),
# SL_TEST_TAIL (lines of a failed suite's log shown at the end, default 40).
# Suites get SL_ROOT (repo root) and SL_BUILD (build dir) exported.

set -u

usage()
{
	sed -n '4,24s/^# \{0,1\}//p' "$0"
}

unit=1
e2e=1
quiet=0
filters=()
while [ $# -gt 0 ]; do
	case "$1" in
	--unit-only)	e2e=0 ;;
	--e2e-only)	unit=0 ;;
	-q|--quiet)	quiet=1 ;;
	-h|--help)	usage; exit 0 ;;
	--)		shift; filters+=("$@"); break ;;
	-*)		echo "run_tests.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	*)		filters+=("$1") ;;
	esac
	shift
done

if [ "$(id -u)" -ne 0 ]; then
	echo "run_tests.sh: must run as root (the tests load BPF programs and" \
	     "create network namespaces); try: sudo make test" >&2
	exit 1
fi

SL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SL_BUILD=$SL_ROOT/build
export SL_ROOT SL_BUILD
cd "$SL_ROOT" || exit 1

# cmocka's default output format is what we parse.
export CMOCKA_MESSAGE_OUTPUT=STDOUT
unset CMOCKA_XML_FILE

timeout_s=${SL_TEST_TIMEOUT:-600}
tail_n=${SL_TEST_TAIL:-40}
logdir=$SL_BUILD/test-logs

if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" != bpf_fs ]; then
	mkdir -p /sys/fs/bpf
	if ! mount -t bpf bpf /sys/fs/bpf; then
		echo "run_tests.sh: cannot mount bpffs on /sys/fs/bpf" >&2
		exit 1
	fi
fi

mkdir -p "$logdir" || exit 1

selected()
{
	local f

	[ ${#filters[@]} -eq 0 ] && return 0
	for f in "${filters[@]}"; do
		case "$1" in *"$f"*) return 0 ;; esac
	done
	return 1
}

# Sum the N of every line "^PREFIX N test(s)" in a log (cmocka prints
# one summary per group).
sum_cmocka()
{
	sed -nE "s/^\[  $2  \] ([0-9]+) test\(s\).*/\1/p" "$1" |
		awk '{ s += $1 } END { print s + 0 }'
}

slx_namespaces()
{
	ip netns list 2>/dev/null | awk '$1 ~ /^slx-/ { print $1 }' | sort
}

total_pass=0
total_fail=0
total_skip=0
failed_suites=()
summary=()
cur_pid=""
interrupted=0

# timeout(1) runs the suite in its own process group, so a Ctrl-C on the
# terminal does not reach it: pass it on, so that e2e traps clean up.
on_signal()
{
	interrupted=1
	[ -n "$cur_pid" ] && kill -TERM "$cur_pid" 2>/dev/null
}
trap on_signal INT TERM

# run_suite KIND NAME PATH
run_suite()
{
	local kind=$1 name=$2 path=$3 log=$logdir/$2.log
	local rc pass fail skip note="" before after leaked ns owner tail_pid=""

	echo "=== $name"
	before=$(slx_namespaces)
	: >"$log"
	timeout -k 10 "$timeout_s" "$path" </dev/null >"$log" 2>&1 &
	cur_pid=$!
	if [ "$quiet" -eq 0 ]; then
		tail -n +1 -s 0.2 -f --pid="$cur_pid" "$log" &
		tail_pid=$!
	fi
	wait "$cur_pid" 2>/dev/null
	rc=$?
	# a trapped signal ends wait early: wait for the suite's cleanup
	while [ "$interrupted" -eq 1 ] && kill -0 "$cur_pid" 2>/dev/null; do
		wait "$cur_pid" 2>/dev/null
		rc=$?
	done
	cur_pid=""
	[ -n "$tail_pid" ] && wait "$tail_pid" 2>/dev/null

	if [ "$kind" = cmocka ]; then
		pass=$(sum_cmocka "$log" "PASSED")
		fail=$(sum_cmocka "$log" "FAILED")
		skip=$(sum_cmocka "$log" "SKIPPED")
	else
		pass=$(grep -acE '^ok( [0-9]+)? - ' "$log")
		fail=$(grep -acE '^not ok( [0-9]+)? - ' "$log")
		skip=0
	fi

	if [ "$interrupted" -eq 1 ]; then
		note="interrupted"
		fail=$((fail + 1))
	elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		note="timed out after ${timeout_s}s"
		fail=$((fail + 1))
	elif [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		note="exit status $rc without a reported failure"
		fail=1
	elif [ $((pass + fail + skip)) -eq 0 ]; then
		note="no test ran"
		fail=1
	fi

	# e2e tests must remove their namespaces, pass or fail.
	if [ "$kind" = e2e ]; then
		after=$(slx_namespaces)
		leaked=""
		# a namespace whose creating script still runs belongs to a
		# concurrent run, not to this suite: slx-<pid><3 hex>-s|c
		for ns in $(comm -13 <(echo "$before") <(echo "$after")); do
			owner=${ns#slx-}
			owner=${owner%-?}
			owner=${owner%???}
			if [ -n "$owner" ] && kill -0 "$owner" 2>/dev/null; then
				continue
			fi
			leaked="${leaked:+$leaked }$ns"
		done
		if [ -n "$leaked" ]; then
			note="${note:+$note; }left namespaces behind: $leaked"
			fail=$((fail + 1))
			for ns in $leaked; do
				ip netns del "$ns" 2>/dev/null
			done
		fi
	fi

	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
	if [ "$fail" -gt 0 ]; then
		failed_suites+=("$name")
		summary+=("FAIL  $name: $pass passed, $fail failed${note:+ ($note)}")
	elif [ "$skip" -gt 0 ]; then
		summary+=("ok    $name: $pass passed, $skip skipped")
	else
		summary+=("ok    $name: $pass passed")
	fi
}

found=0
if [ "$unit" -eq 1 ]; then
	for t in "$SL_BUILD"/tests/test_*; do
		if [ ! -f "$t" ] || [ ! -x "$t" ]; then
			continue
		fi
		found=1
		[ "$interrupted" -eq 1 ] && break
		selected "$(basename "$t")" || continue
		run_suite cmocka "$(basename "$t")" "$t"
	done
fi
if [ "$e2e" -eq 1 ]; then
	for t in tests/e2e/test_*.sh; do
		[ -f "$t" ] || continue
		found=1
		[ "$interrupted" -eq 1 ] && break
		name=$(basename "$t")
		selected "$name" || continue
		if [ ! -x "$t" ]; then
			# a missing chmod would silently drop a whole suite
			total_fail=$((total_fail + 1))
			summary+=("FAIL  $name: not executable (chmod +x $t)")
			continue
		fi
		run_suite e2e "$name" "$t"
	done
fi
if [ "$found" -eq 0 ]; then
	echo "run_tests.sh: no tests found; run 'make all' first" >&2
elif [ ${#summary[@]} -eq 0 ]; then
	echo "run_tests.sh: no suite matches: ${filters[*]}" >&2
fi

for name in "${failed_suites[@]}"; do
	echo "--- last $tail_n lines of $logdir/$name.log"
	tail -n "$tail_n" "$logdir/$name.log"
done

echo "=== summary (logs in $logdir)"
for line in "${summary[@]}"; do
	echo "$line"
done
[ "$total_skip" -gt 0 ] && echo "($total_skip skipped)"
echo "$total_pass passed, $total_fail failed"

[ "$interrupted" -eq 1 ] && exit 130

[ "$total_fail" -eq 0 ] && [ "$total_pass" -gt 0 ]
