#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Test runner behind `make test` (run after `make all`, as root).
#
#   tests/run_tests.sh [--unit-only | --e2e-only] [-q] [FILTER...]
#
# Runs, in this order:
#   build/tests/test_*     executable cmocka binaries (unit and BPF tests);
#                          counted from cmocka's summary lines "[  PASSED  ]
#                          N test(s).", "[  FAILED  ] N test(s)" and
#                          "[  SKIPPED ] N test(s)"; their plan is
#                          "[==========] Running N test(s)."
#   tests/e2e/test_*.sh    e2e scripts, written with the TAP helpers of
#                          tests/lib/tap.sh (sourced by tests/lib/netns.sh)
# FILTER: run only suites whose name contains one of the substrings.
#
# The rules (a suite that breaks one fails, with the reason in the summary):
#   - e2e scripts: only the records that tap.sh's ok / not_ok / skip / check
#     write into $SL_TAP_FILE (a file per script and run, exported here)
#     count; "ok - " lines in the log, from a tool or a stray echo, count
#     for nothing.  A script declares its plan with `tap_plan N` at the top
#     (TAP's "1..N"); a script without a plan, or whose count of results
#     differs from it, fails; so does one whose own tally ("# P passed,
#     F failed, S skipped", printed by tap_done) differs from what the
#     runner counted, or that ends without tap_done.
#   - cmocka binaries: the results must add up to the tests announced.
#   - skipped results (tap.sh's skip, cmocka's skip()) count as skipped,
#     never as passed; a suite that skipped everything (tap_skip_all, or
#     nothing but skips) fails, and so does a run that passed nothing.
#   - a suite that exits non-zero without reporting a failure counts as
#     one failure, and so does a suite that ran no test at all, one that
#     timed out, and an e2e script that left a network namespace behind.
# The run closes with "N passed, N failed, N skipped".
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
	sed -n '4,42s/^# \{0,1\}//p' "$0"
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

# Sum the N of every line "^[  WORD  ] N test(s)" in a log (cmocka prints
# one summary per group; its brackets are 12 characters wide:
# "[  PASSED  ]", "[  FAILED  ]", "[  SKIPPED ]").
sum_cmocka()
{
	local tag

	printf -v tag '[  %-8s]' "$2"
	tag=${tag//[/\\[}
	sed -nE "s/^$tag ([0-9]+) test\(s\).*/\1/p" "$1" |
		awk '{ s += $1 } END { print s + 0 }'
}

# cmocka's announced tests: "[==========] Running N test(s)." per group.
cmocka_planned()
{
	sed -nE 's/^\[==========\] Running ([0-9]+) test\(s\)\.$/\1/p' "$1" |
		awk '{ s += $1 } END { print s + 0 }'
}

# Reads the records tests/lib/tap.sh wrote for one script into
# tap_pass, tap_fail, tap_skip, tap_plan ("" if none, "x" if several),
# tap_plan_reason and tap_tally ("P F S", "" if none; the last one).
read_tap()
{
	local kind rest

	tap_pass=0 tap_fail=0 tap_skip=0 tap_plan="" tap_plan_reason="" tap_tally=""
	[ -f "$1" ] || return 0
	while IFS=' ' read -r kind rest; do
		case $kind in
		pass) tap_pass=$((tap_pass + 1)) ;;
		fail) tap_fail=$((tap_fail + 1)) ;;
		skip) tap_skip=$((tap_skip + 1)) ;;
		plan)
			if [ -n "$tap_plan" ]; then
				tap_plan=x
			else
				tap_plan=${rest%% *}
				[ "$rest" = "$tap_plan" ] || tap_plan_reason=${rest#* }
			fi ;;
		tally) tap_tally=$rest ;;
		esac
	done < "$1"
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
	local kind=$1 name=$2 path=$3 log=$logdir/$2.log tap=$logdir/$2.tap
	local rc pass fail skip note="" before after leaked ns owner tail_pid=""
	local planned n

	echo "=== $name"
	before=$(slx_namespaces)
	: >"$log"
	rm -f "$tap"
	: >"$tap"
	SL_TAP_FILE=$tap timeout -k 10 "$timeout_s" "$path" </dev/null >"$log" 2>&1 &
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
		planned=$(cmocka_planned "$log")
		n=$((pass + fail + skip))
		if [ "$n" -gt 0 ] && [ "$n" -ne "$planned" ]; then
			note="${note:+$note; }$n results for $planned tests announced"
			fail=$((fail + 1))
		fi
	else
		read_tap "$tap"
		pass=$tap_pass
		fail=$tap_fail
		skip=$tap_skip
		n=$((pass + fail + skip))
		if [ "$tap_plan" = 0 ]; then
			note="${note:+$note; }skipped everything${tap_plan_reason:+: $tap_plan_reason}"
			fail=$((fail + 1))
		elif [ -z "$tap_plan" ] && [ "$n" -gt 0 ]; then
			note="${note:+$note; }no plan (tap_plan N at the top of the script)"
			fail=$((fail + 1))
		elif [ "$tap_plan" = x ] || [ "$tap_plan" = -1 ]; then
			note="${note:+$note; }bad plan (tap_plan must be called once, with a number)"
			fail=$((fail + 1))
		elif [ -n "$tap_plan" ] && [ "$n" -ne "$tap_plan" ]; then
			note="${note:+$note; }planned $tap_plan results, reported $n (update tap_plan if checks were added)"
			fail=$((fail + 1))
		fi
		if [ "$n" -gt 0 ] || [ -n "$tap_plan" ]; then
			if [ -z "$tap_tally" ]; then
				note="${note:+$note; }ended without tap_done (no tally)"
				fail=$((fail + 1))
			elif [ "$tap_tally" != "$tap_pass $tap_fail $tap_skip" ]; then
				set -- $tap_tally
				note="${note:+$note; }its own tally ($1 passed, $2 failed, $3 skipped) differs from the results recorded (a check in a subshell?)"
				fail=$((fail + 1))
			fi
		fi
	fi

	if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ] && [ "$skip" -gt 0 ]; then
		note="${note:+$note; }skipped everything"
		fail=1
	fi
	if [ "$interrupted" -eq 1 ]; then
		note="${note:+$note; }interrupted"
		fail=$((fail + 1))
	elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		note="${note:+$note; }timed out after ${timeout_s}s"
		fail=$((fail + 1))
	elif [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		note="${note:+$note; }exit status $rc without a reported failure"
		fail=1
	elif [ $((pass + fail + skip)) -eq 0 ]; then
		note="${note:+$note; }no test ran"
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
		summary+=("FAIL  $name: $pass passed, $fail failed, $skip skipped${note:+ ($note)}")
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
echo "$total_pass passed, $total_fail failed, $total_skip skipped"

[ "$interrupted" -eq 1 ] && exit 130

[ "$total_fail" -eq 0 ] && [ "$total_pass" -gt 0 ]
