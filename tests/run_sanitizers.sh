#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The C tests under AddressSanitizer + UndefinedBehaviorSanitizer (and
# LeakSanitizer, part of ASan here).
#
#   tests/run_sanitizers.sh [--no-build] [-q] [FILTER...]
#
# Builds (make asan-tests) every tests/{sip,conf,dp,run}/test_*.c and tests/bpf/test_*.c
# with -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer
# -fno-sanitize-recover=all into build/asan/test_NAME (the product code
# under test too, in build/asan/user/), then runs them.  The BPF tests
# load the XDP program: as root only, else they are skipped.
# FILTER: run only tests whose name contains one of the substrings.
#
# A test fails when cmocka reports a failure, or when it exits non-zero
# (an ASan or UBSan report ends the process, LeakSanitizer reports at
# exit), or when its log holds a sanitizer report.  Logs go to
# build/asan/logs/NAME.log (-q: only the tail of failed ones is shown).
# Prints "N passed, N failed" (cmocka tests) and exits 1 on any failure.
#
# make test runs the same binaries through tests/run_tests.sh, which finds
# them as build/tests/test_asan_NAME (links made by make asan-tests).
# Sanitizer defaults are built in (tests/fuzz/sanitizer_options.c);
# ASAN_OPTIONS / UBSAN_OPTIONS override them.

set -u

usage()
{
	sed -n '4,26s/^# \{0,1\}//p' "$0"
}

build=1
quiet=0
filters=()
while [ $# -gt 0 ]; do
	case "$1" in
	--no-build)	build=0 ;;
	-q|--quiet)	quiet=1 ;;
	-h|--help)	usage; exit 0 ;;
	-*)		echo "run_sanitizers.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	*)		filters+=("$1") ;;
	esac
	shift
done

SL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SL_BUILD=$SL_ROOT/build
export SL_ROOT SL_BUILD
export CMOCKA_MESSAGE_OUTPUT=STDOUT
unset CMOCKA_XML_FILE
cd "$SL_ROOT" || exit 1

if [ "$build" -eq 1 ]; then
	make --no-print-directory -s asan-tests || {
		echo "run_sanitizers.sh: the ASan/UBSan build failed" >&2
		exit 1
	}
fi

logdir=$SL_BUILD/asan/logs
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

# as tests/run_tests.sh: cmocka's brackets are 12 characters wide
# ("[  PASSED  ]", "[  SKIPPED ]")
sum_cmocka()
{
	local tag

	printf -v tag '[  %-8s]' "$2"
	tag=${tag//[/\\[}
	sed -nE "s/^$tag ([0-9]+) test\(s\).*/\1/p" "$1" |
		awk '{ s += $1 } END { print s + 0 }'
}

total_pass=0
total_fail=0
total_skip=0
summary=()
found=0
for t in "$SL_BUILD"/asan/test_*; do
	if [ ! -f "$t" ] || [ ! -x "$t" ]; then
		continue
	fi
	name=$(basename "$t")
	selected "$name" || continue
	found=1
	src=tests/bpf/$name.c
	for d in sip conf dp run; do
		[ -f "tests/$d/$name.c" ] && src=tests/$d/$name.c
	done
	if [ "$src" = "tests/bpf/$name.c" ] && [ "$(id -u)" -ne 0 ]; then
		summary+=("skip  $name (BPF test: needs root)")
		continue
	fi
	log=$logdir/$name.log
	echo "=== $name"
	if [ "$quiet" -eq 1 ]; then
		timeout -k 10 600 "$t" </dev/null >"$log" 2>&1
	else
		timeout -k 10 600 "$t" </dev/null 2>&1 | tee "$log"
		(exit "${PIPESTATUS[0]}")
	fi
	rc=$?
	pass=$(sum_cmocka "$log" PASSED)
	fail=$(sum_cmocka "$log" FAILED)
	skip=$(sum_cmocka "$log" SKIPPED)
	note=""
	if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: UndefinedBehaviorSanitizer' "$log"; then
		note="sanitizer report"
		[ "$fail" -eq 0 ] && fail=1
	fi
	if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		note="${note:+$note; }exit status $rc"
		fail=1
	elif [ $((pass + fail + skip)) -eq 0 ]; then
		note="no test ran"
		fail=1
	elif [ $((pass + fail)) -eq 0 ]; then
		note="skipped everything"
		fail=1
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
	if [ "$fail" -gt 0 ]; then
		summary+=("FAIL  $name: $pass passed, $fail failed${note:+ ($note)}")
		if [ "$quiet" -eq 1 ]; then
			echo "--- last 40 lines of $log"
			tail -n 40 "$log"
		fi
	else
		if [ "$skip" -gt 0 ]; then summary+=("ok    $name: $pass passed, $skip skipped"); else summary+=("ok    $name: $pass passed"); fi
	fi
done

if [ "$found" -eq 0 ]; then
	echo "run_sanitizers.sh: no test binary in $SL_BUILD/asan (make asan-tests)" >&2
	exit 1
fi
echo "=== summary (ASan + UBSan + LSan; logs in $logdir)"
for line in "${summary[@]}"; do
	echo "$line"
done
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ] && [ "$total_pass" -gt 0 ]
