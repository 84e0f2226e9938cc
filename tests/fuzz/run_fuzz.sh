#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Runs the libFuzzer targets built by 'make fuzz-build' (build/fuzz/fuzz_*).
#
#   tests/fuzz/run_fuzz.sh [-t SECONDS] [--replay | --no-replay] [--save]
#                          [--keep] [TARGET...]
#
#   TARGET     sip_msg, sl_engine, config, answer_frame (default: all)
#   --replay   only run every regression input (tests/fuzz/regressions/TARGET/)
#              and every seed once; no fuzzing (not ok if a target has no
#              regression input or no seed)
#   --no-replay  only fuzz (build/tests/test_fuzz replays in a test of its own)
#   -t SECONDS fuzz each target that long (default $FUZZ_SECONDS, else 60),
#              after the replay
#   --keep     fuzz on the corpus kept in build/fuzz/corpus/TARGET (make fuzz);
#              without it a fresh temporary corpus per run (make fuzz-ci,
#              make test: same start every time, bounded start-up)
#   --save     copy a crash input into tests/fuzz/regressions/TARGET/ (make
#              fuzz), so that the replay (and make test) keeps failing on it
#              until it is fixed
#
# Seeds are made at run time in build/fuzz/seeds/TARGET: the shared corpus
# ($SL_CORPUS_DIR, else ../shared/corpus next to the repository: RFC 4475
# *.dat, RFC 3261 *.sip) for sip_msg and sl_engine, the same messages in
# Ethernet frames (tests/fuzz/frames.py) for answer_frame, examples/*.conf
# for config.  Nothing of the shared corpus is copied into the repository.
#
# Prints one TAP-like line per step ("ok - ..." / "not ok - ..."), the
# libFuzzer log of a failed step, and exits 1 if any step failed.
# A crash input is kept in build/fuzz/artifacts/TARGET/.

set -u

usage()
{
	sed -n '4,29s/^# \{0,1\}//p' "$0"
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${SL_BUILD:-$ROOT/build}
FUZZ=$BUILD/fuzz
ALL_TARGETS="sip_msg sl_engine config answer_frame"

seconds=${FUZZ_SECONDS:-60}
replay_only=0
no_replay=0
save=0
keep=0
targets=()
while [ $# -gt 0 ]; do
	case "$1" in
	-t)		shift; seconds=${1:-}; ;;
	--replay)	replay_only=1 ;;
	--no-replay)	no_replay=1 ;;
	--save)		save=1 ;;
	--keep)		keep=1 ;;
	-h|--help)	usage; exit 0 ;;
	-*)		echo "run_fuzz.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	*)		targets+=("$1") ;;
	esac
	shift
done
case "$seconds" in
''|*[!0-9]*)	echo "run_fuzz.sh: -t needs a number of seconds" >&2; exit 2 ;;
esac
[ ${#targets[@]} -eq 0 ] && read -r -a targets <<<"$ALL_TARGETS"
for t in "${targets[@]}"; do
	case " $ALL_TARGETS " in
	*" $t "*) ;;
	*) echo "run_fuzz.sh: no target $t (have: $ALL_TARGETS)" >&2; exit 2 ;;
	esac
	if [ ! -x "$FUZZ/fuzz_$t" ]; then
		echo "run_fuzz.sh: $FUZZ/fuzz_$t missing; run 'make fuzz-build'" >&2
		exit 2
	fi
done

corpus_root()
{
	local d

	local dirs=("$ROOT/../shared/corpus") d

	# the corpus root or its rfc4475 folder
	[ -n "${SL_CORPUS_DIR:-}" ] && dirs=("$SL_CORPUS_DIR" "$SL_CORPUS_DIR/..")
	for d in "${dirs[@]}"; do
		[ -d "$d/rfc4475" ] && { echo "$d"; return 0; }
	done
	return 1
}

# seeds TARGET: (re)make build/fuzz/seeds/TARGET, print its path
make_seeds()
{
	local t=$1 dir=$FUZZ/seeds/$1 croot

	rm -rf "$dir"
	mkdir -p "$dir" || return 1
	case "$t" in
	config)
		cp "$ROOT"/examples/*.conf "$dir"/ 2>/dev/null
		;;
	answer_frame)
		if croot=$(corpus_root); then
			mkdir -p "$dir.msgs" &&
			cp "$croot"/rfc4475/*.dat "$croot"/rfc3261/*.sip "$dir.msgs"/ 2>/dev/null
			/usr/bin/python3 "$ROOT/tests/fuzz/frames.py" "$dir.msgs" "$dir"
			rm -rf "$dir.msgs"
		else
			echo "# no shared corpus found (set SL_CORPUS_DIR): $t starts from its regressions only" >&2
		fi
		;;
	*)
		if croot=$(corpus_root); then
			cp "$croot"/rfc4475/*.dat "$croot"/rfc3261/*.sip "$dir"/ 2>/dev/null
		else
			echo "# no shared corpus found (set SL_CORPUS_DIR): $t starts from its regressions only" >&2
		fi
		;;
	esac
	echo "$dir"
}

# the dictionary of a target, if any
dict_opt()
{
	case "$1" in
	config)	[ -f "$ROOT/tests/fuzz/config.dict" ] && echo "-dict=$ROOT/tests/fuzz/config.dict" ;;
	*)	[ -f "$ROOT/tests/fuzz/sip.dict" ] && echo "-dict=$ROOT/tests/fuzz/sip.dict" ;;
	esac
}

failed=0
tmpdirs=()
cleanup()
{
	local d

	for d in "${tmpdirs[@]}"; do
		rm -rf "$d"
	done
}
trap cleanup EXIT

show_log()
{
	# the report and the stack frames in our code (not libFuzzer's)
	grep -E 'ERROR|SUMMARY|check failed|runtime error|Test unit written|^ *#[0-9]+ .*/(tests|user)/[^ ]*\.c:[0-9]+' "$1" |
		head -n 30 | sed 's/^/#   /'
}

for t in "${targets[@]}"; do
	bin=$FUZZ/fuzz_$t
	reg=$ROOT/tests/fuzz/regressions/$t
	art=$FUZZ/artifacts/$t
	log=$FUZZ/logs/$t
	mkdir -p "$reg" "$art" "$FUZZ/logs" || exit 1
	seeds=$(make_seeds "$t") || exit 1

	# 1. every regression input, one by one (each failing one is named),
	#    then the seeds together
	if [ "$no_replay" -eq 0 ]; then
		n_reg=0
		n_bad=0
		for f in "$reg"/*; do
			[ -f "$f" ] || continue
			n_reg=$((n_reg + 1))
			if ! "$bin" -timeout=10 -artifact_prefix="$art/replay-" "$f" \
				>"$log.replay" 2>&1; then
				echo "# fails: tests/fuzz/regressions/$t/${f##*/}"
				show_log "$log.replay"
				n_bad=$((n_bad + 1))
			fi
		done
		if [ "$n_bad" -gt 0 ]; then
			echo "not ok - fuzz_$t: $n_bad of $n_reg regression inputs fail"
			failed=1
		elif [ "$n_reg" -eq 0 ]; then
			# an empty or lost folder must not pass as "0 pass"
			echo "not ok - fuzz_$t: no regression input in tests/fuzz/regressions/$t"
			failed=1
		else
			echo "ok - fuzz_$t: $n_reg regression inputs pass"
		fi
		n_seed=$(find "$seeds" -maxdepth 1 -type f | wc -l)
		if ! "$bin" -runs=0 -timeout=10 -artifact_prefix="$art/replay-" "$seeds" \
			>"$log.replay" 2>&1; then
			echo "not ok - fuzz_$t: a seed fails (log: $log.replay)"
			show_log "$log.replay"
			failed=1
		elif [ "$n_seed" -eq 0 ]; then
			echo "not ok - fuzz_$t: no seed in $seeds (shared corpus or examples/*.conf missing?)"
			failed=1
		else
			echo "ok - fuzz_$t: $n_seed seeds pass"
		fi
	fi
	[ "$replay_only" -eq 1 ] && continue
	[ "$seconds" -eq 0 ] && continue

	# 2. fuzz
	if [ "$keep" -eq 1 ]; then
		corpus=$FUZZ/corpus/$t
		mkdir -p "$corpus"
	else
		corpus=$(mktemp -d "$FUZZ/corpus-$t.XXXXXX") || exit 1
		tmpdirs+=("$corpus")
	fi
	before=$(ls "$art" 2>/dev/null | sort)
	# shellcheck disable=SC2046
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$art/" $(dict_opt "$t") \
		"$corpus" "$seeds" >"$log.fuzz" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log.fuzz" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		echo "ok - fuzz_$t: ${runs:-?} runs in ${seconds}s, no crash"
		continue
	fi
	failed=1
	new=$(comm -13 <(echo "$before") <(ls "$art" 2>/dev/null | sort) | head -n 1)
	echo "not ok - fuzz_$t: exit $rc after ${runs:-?} runs${new:+, input $art/$new} (log: $log.fuzz)"
	show_log "$log.fuzz"
	if [ -n "$new" ]; then
		if [ "$save" -eq 1 ]; then
			cp "$art/$new" "$reg/$new"
			echo "# saved as tests/fuzz/regressions/$t/$new: replayed from now on"
		else
			echo "# to keep it as a regression input: cp $art/$new tests/fuzz/regressions/$t/"
		fi
		echo "# reproduce: $bin $art/$new"
	fi
done

exit "$failed"
