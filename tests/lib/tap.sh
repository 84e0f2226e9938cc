# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# shellcheck shell=bash
#
# TAP helpers for tests/e2e/test_*.sh.  tests/lib/netns.sh sources this
# file; a script that needs no namespace may source it alone.
#
# The plan convention (tests/run_tests.sh enforces it):
#
#   tap_plan N                 FIRST, at the top of the script: it reports
#                              exactly N results.  Adding a check means
#                              raising N.  N may be an expression worked
#                              out before any check runs (a loop over
#                              files, say); tap_plan may also come last,
#                              just before tap_done, but then it proves
#                              less.
#   ok DESC                    a passed result
#   not_ok DESC [DIAG...]      a failed result; DIAG lines become "#   "
#                              comments
#   skip DESC REASON           a skipped result: counted as skipped, not
#                              passed (the legacy form ok "DESC # SKIP
#                              REASON" means the same)
#   check DESC CMD...          ok if CMD exits 0, else not ok with CMD's
#                              output; CMD runs in this shell; returns its
#                              exit status (check ... || tap_done)
#   tap_skip_all REASON        nothing can run: plan 1..0, tally, exit 0.
#                              The runner fails such a script (a suite
#                              that skips everything is not a pass).
#   tap_done                   prints the tally "# P passed, F failed,
#                              S skipped" and exits: 0 only if nothing
#                              failed, something passed and the count of
#                              results is the plan.  Every script ends
#                              through it (also on an early stop).
#
# Call the helpers in the script's own shell, not in $(...) or a pipe:
# a result recorded in a subshell is lost to the tally, and the runner
# fails the script for the difference.
#
# What counts: the runner does not grep the log for "ok - ".  It exports
# SL_TAP_FILE (a file of its own for this run of this script) and only
# the records these helpers append there count: "plan N [REASON]",
# "pass|fail|skip NUMBER DESC", "tally P F S".  A tool that prints
# "ok - ..." into the log counts for nothing.  Run by hand (no
# SL_TAP_FILE) a script prints the same TAP on stdout and checks its own
# plan in tap_done.

TAP_PLAN=""
TAP_N=0
NETNS_PASSED=0
NETNS_FAILED=0
TAP_SKIPPED=0

# one line: a description must not forge a record or a directive
_tap_line()
{
	printf '%s' "$*" | tr '\n\r\t' '   '
}

_tap_record()
{
	[ -n "${SL_TAP_FILE:-}" ] && printf '%s\n' "$*" >> "$SL_TAP_FILE"
	return 0
}

tap_plan()
{
	if [ -n "$TAP_PLAN" ]; then
		echo "# tap_plan called twice ($TAP_PLAN, then $1)" >&2
		TAP_PLAN=-1
		_tap_record "plan -1 tap_plan called twice"
		return 0
	fi
	case $1 in
	''|*[!0-9]*)
		echo "# tap_plan: '$1' is not a number" >&2
		TAP_PLAN=-1
		_tap_record "plan -1 tap_plan '$1' is not a number"
		return 0 ;;
	esac
	TAP_PLAN=$1
	echo "1..$1"
	_tap_record "plan $1"
}

ok()
{
	local desc

	desc=$(_tap_line "$1")
	case $desc in
	*" # SKIP"*)
		skip "${desc%% # SKIP*}" "${desc#* # SKIP}"
		return 0 ;;
	esac
	TAP_N=$((TAP_N + 1))
	NETNS_PASSED=$((NETNS_PASSED + 1))
	echo "ok $TAP_N - $desc"
	_tap_record "pass $TAP_N $desc"
}

not_ok()
{
	local line desc

	desc=$(_tap_line "$1")
	TAP_N=$((TAP_N + 1))
	NETNS_FAILED=$((NETNS_FAILED + 1))
	echo "not ok $TAP_N - $desc"
	_tap_record "fail $TAP_N $desc"
	shift
	for line in "$@"; do
		[ -n "$line" ] && printf '%s\n' "$line" | sed 's/^/#   /'
	done
	return 0
}

skip()
{
	local desc reason

	desc=$(_tap_line "$1")
	reason=$(_tap_line "${2:-}")
	reason=${reason# }
	TAP_N=$((TAP_N + 1))
	TAP_SKIPPED=$((TAP_SKIPPED + 1))
	echo "ok $TAP_N - $desc # SKIP $reason"
	_tap_record "skip $TAP_N $desc # $reason"
}

# check "desc" CMD...: ok if CMD exits 0, else not ok with CMD's output.
# CMD runs in this shell (variables it sets stay set).  Returns CMD's exit
# status, so `check ... || tap_done` stops the script on a failure.
check()
{
	local desc=$1 out rc

	shift
	out=$(mktemp /tmp/slx-check.XXXXXX) || { not_ok "$desc" "mktemp failed"; return 1; }
	if "$@" >"$out" 2>&1; then
		rc=0
		ok "$desc"
	else
		rc=$?
		not_ok "$desc" "command: $*" "exit status: $rc" "$(tail -n 20 "$out")"
	fi
	rm -f "$out"
	return "$rc"
}

tap_skip_all()
{
	local reason

	reason=$(_tap_line "$1")
	echo "1..0 # SKIP $reason"
	_tap_record "plan 0 $reason"
	_tap_record "tally 0 0 0"
	exit 0
}

tap_done()
{
	local n=$TAP_N

	echo "# $NETNS_PASSED passed, $NETNS_FAILED failed, $TAP_SKIPPED skipped"
	_tap_record "tally $NETNS_PASSED $NETNS_FAILED $TAP_SKIPPED"
	if [ -z "$TAP_PLAN" ]; then
		echo "# no plan: call tap_plan N at the top of $0"
		exit 1
	fi
	if [ "$TAP_PLAN" != "$n" ]; then
		echo "# planned $TAP_PLAN results, reported $n"
		exit 1
	fi
	[ "$NETNS_FAILED" -eq 0 ] && [ "$NETNS_PASSED" -gt 0 ] && exit 0
	exit 1
}
