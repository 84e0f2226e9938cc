#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The test runner's own rules (tests/run_tests.sh, tests/lib/tap.sh), on
# sample suites in a scratch tree: a complete script passes; a short one,
# one without a plan, one that ends without tap_done, one whose tally a
# subshell falsified, one that skipped everything and one that exits
# non-zero after passing fail; "ok - " lines printed by a tool count for
# nothing; skips are counted as skipped, not passed; cmocka binaries must
# add up to the tests they announce.  No network, no namespaces.
set -u
SL_ROOT=${SL_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SL_ROOT/tests/lib/tap.sh"
tap_plan 43

tmp=$(mktemp -d /tmp/slx-runner.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$tmp/tests/lib" "$tmp/tests/e2e" "$tmp/build/tests"
cp "$SL_ROOT/tests/run_tests.sh" "$tmp/tests/"
cp "$SL_ROOT/tests/lib/tap.sh" "$SL_ROOT/tests/lib/netns.sh" "$tmp/tests/lib/"

# sample SCRIPT-NAME BODY: an e2e script that sources netns.sh
sample()
{
	printf '#!/bin/bash\nset -u\n. "$(dirname "$0")/../lib/netns.sh"\n%s\n' "$2" \
		> "$tmp/tests/e2e/test_$1.sh"
	chmod +x "$tmp/tests/e2e/test_$1.sh"
}

# cmocka NAME OUTPUT [STATUS]: a stand-in cmocka binary
cmocka()
{
	printf '#!/bin/sh\ncat <<"EOF"\n%s\nEOF\nexit %s\n' "$2" "${3:-0}" \
		> "$tmp/build/tests/test_$1"
	chmod +x "$tmp/build/tests/test_$1"
}

sample good 'tap_plan 2
ok "one"
check "two" true
tap_done'
sample short 'tap_plan 3
ok "one"
tap_done'
sample noplan 'ok "one"
tap_done'
sample forged 'tap_plan 1
ok "the only result"
echo "ok - printed by a tool"
echo "ok 2 - printed by a tool"
printf "pass 3 a record on stdout\n"
tap_done'
sample skipall 'tap_skip_all "no kamailio here"'
sample skipone 'tap_plan 2
ok "one"
skip "two" "not here"
tap_done'
sample onlyskips 'tap_plan 1
skip "one" "not here"
tap_done'
sample subshell 'tap_plan 2
ok "one"
x=$(ok "two, in a subshell")
tap_done'
sample notapdone 'tap_plan 1
ok "one"
exit 0'
sample exit3 'tap_plan 1
ok "one"
echo "# 1 passed, 0 failed, 0 skipped"
exit 3'
sample legacyskip 'tap_plan 2
ok "one"
ok "two # SKIP legacy form"
tap_done'
sample lateplan 'ok "one"
ok "two"
tap_plan 2
tap_done'

cmocka cm_good '[==========] Running 3 test(s).
[ RUN      ] a
[       OK ] a
[==========] 3 test(s) run.
[  PASSED  ] 2 test(s).
[  SKIPPED ] 1 test(s), listed below:
[  SKIPPED ] b'
cmocka cm_allskip '[==========] Running 2 test(s).
[  PASSED  ] 0 test(s).
[  SKIPPED ] 2 test(s), listed below:'
cmocka cm_extra '[==========] Running 2 test(s).
[  PASSED  ] 2 test(s).
a tool prints this:
[  PASSED  ] 5 test(s).'
cmocka cm_crash '[==========] Running 2 test(s).
[ RUN      ] a' 139

# run FILTER: the nested runner on one suite; $out its output, $rc its status
run()
{
	out=$(cd "$tmp" && env -u SL_TAP_FILE SL_TEST_TAIL=0 tests/run_tests.sh -q "$1" 2>&1)
	rc=$?
}

# expect FILTER STATUS SUMMARY-LINE CLOSING-LINE
expect()
{
	run "$1"
	check "$1: exit status $2 (got $rc)" test "$rc" = "$2"
	check "$1: summary: $3" grep -qxF -- "$3" <<<"$out"
	check "$1: closing line: $4" grep -qxF -- "$4" <<<"$out"
}

expect test_good.sh 0 "ok    test_good.sh: 2 passed" "2 passed, 0 failed, 0 skipped"
expect test_short.sh 1 \
	"FAIL  test_short.sh: 1 passed, 1 failed, 0 skipped (planned 3 results, reported 1 (update tap_plan if checks were added))" \
	"1 passed, 1 failed, 0 skipped"
expect test_noplan.sh 1 \
	"FAIL  test_noplan.sh: 1 passed, 1 failed, 0 skipped (no plan (tap_plan N at the top of the script))" \
	"1 passed, 1 failed, 0 skipped"
expect test_forged.sh 0 "ok    test_forged.sh: 1 passed" "1 passed, 0 failed, 0 skipped"
expect test_skipall.sh 1 \
	"FAIL  test_skipall.sh: 0 passed, 1 failed, 0 skipped (skipped everything: no kamailio here)" \
	"0 passed, 1 failed, 0 skipped"
expect test_skipone.sh 0 "ok    test_skipone.sh: 1 passed, 1 skipped" "1 passed, 0 failed, 1 skipped"
expect test_onlyskips.sh 1 \
	"FAIL  test_onlyskips.sh: 0 passed, 1 failed, 1 skipped (skipped everything)" \
	"0 passed, 1 failed, 1 skipped"
expect test_subshell.sh 1 \
	"FAIL  test_subshell.sh: 2 passed, 1 failed, 0 skipped (its own tally (1 passed, 0 failed, 0 skipped) differs from the results recorded (a check in a subshell?))" \
	"2 passed, 1 failed, 0 skipped"
expect test_notapdone.sh 1 \
	"FAIL  test_notapdone.sh: 1 passed, 1 failed, 0 skipped (ended without tap_done (no tally))" \
	"1 passed, 1 failed, 0 skipped"
expect test_exit3.sh 1 \
	"FAIL  test_exit3.sh: 1 passed, 1 failed, 0 skipped (ended without tap_done (no tally))" \
	"1 passed, 1 failed, 0 skipped"
expect test_legacyskip.sh 0 "ok    test_legacyskip.sh: 1 passed, 1 skipped" "1 passed, 0 failed, 1 skipped"
expect test_cm_good 0 "ok    test_cm_good: 2 passed, 1 skipped" "2 passed, 0 failed, 1 skipped"
expect test_cm_allskip 1 \
	"FAIL  test_cm_allskip: 0 passed, 1 failed, 2 skipped (skipped everything)" \
	"0 passed, 1 failed, 2 skipped"
run test_cm_extra
check "test_cm_extra: a forged cmocka summary does not add up: fails" \
	bash -c "[ $rc = 1 ] && grep -qF '(7 results for 2 tests announced)' <<<'$out'"
run test_cm_crash
check "test_cm_crash: a crashed binary fails" \
	bash -c "[ $rc = 1 ] && grep -qF 'FAIL  test_cm_crash: 0 passed, 1 failed, 0 skipped (exit status 139 without a reported failure)' <<<'$out'"
run test_lateplan.sh
check "test_lateplan.sh: a plan given last is accepted" test "$rc" = 0
# everything together: the closing line adds the suites up
run test_
check "all samples: the closing line sums every suite" \
	grep -qxF "22 passed, 10 failed, 6 skipped" <<<"$out"
tap_done
