#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# make bench-kit-check: runs the bench kit (make bench-kit) as it would
# run on a machine without a compiler, iproute2, jq, ethtool or Kamailio:
# with a PATH of the kit and of a directory holding only bash, coreutils,
# awk, sed and grep (links to this machine's), QUEUES="1 2", one repeat,
# short steps.  Whatever the kit forgot to carry fails here.
#
#   bench/kit_check.sh KIT [QUEUES]
set -eu
kit=$(cd "$1" && pwd)
base=$(mktemp -d /tmp/sl-kitpath.XXXXXX)
trap 'rm -rf "$base"' EXIT
for t in bash sh awk sed grep cat cut tr sort head tail seq mktemp date sleep \
	rm mkdir ls printf echo test env id tee wc readlink dirname basename uname \
	nproc kill cp mv touch stat getconf timeout xargs comm true false; do
	p=$(command -v "$t") || { echo "kit_check: $t missing here" >&2; exit 1; }
	ln -s "$p" "$base/$t"
done
for t in ip ethtool jq kamailio cc gcc clang python3; do
	if PATH=$base command -v "$t" >/dev/null 2>&1; then
		echo "kit_check: $t leaked into the minimal PATH" >&2
		exit 1
	fi
done
echo "kit_check: PATH=$kit/bin:$base (bash, coreutils, awk, sed, grep only)"
env -i PATH="$kit/bin:$base" HOME=/root TERM=dumb \
	"$kit/run-scale" QUEUES="${2:-1 2}" REPS=1 STEP=1 BENCH_OUT="$base/out"
rm -rf "${KIT_CHECK_OUT:-/tmp/sl-kit-check}"
cp -r "$base/out" "${KIT_CHECK_OUT:-/tmp/sl-kit-check}"
echo "kit_check: results copied to ${KIT_CHECK_OUT:-/tmp/sl-kit-check}"
