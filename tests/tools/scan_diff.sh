#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The XDP header scan (bpf/sip/scan.h) and request line parser
# (bpf/sip/request_line.h) of a base commit against the work
# tree's, both compiled as plain C, on random and header-shaped payloads:
# a change meant to make the scan cheaper must not change what it finds.
#
#   tests/tools/scan_diff.sh [BASE (default HEAD)] [PAYLOADS (200000)] [SEED]
#
# Exit 0: no difference; 1: differences (the first ones are shown).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/tests/tools/scan_diff
base=${1:-HEAD}
runs=${2:-200000}
seed=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/base"
git -C "$root" archive "$base" bpf include | tar -x -C "$tmp/base"
side() {	# side NAME TREE
	cc -O1 -std=gnu11 -w -I"$here" -I"$2/include" -I"$2/bpf" \
		-DRUN_NAME="run_$1" -c "$here/side.c" -o "$tmp/$1.o"
	# only run_NAME stays global: both trees define sl_scan_run
	ld -r "$tmp/$1.o" -o "$tmp/$1.r.o"
	objcopy --keep-global-symbol="run_$1" "$tmp/$1.r.o"
}
side base "$tmp/base"
side work "$root"
cc -O1 -std=gnu11 -Wall -Wextra -Werror -I"$here" "$here/main.c" \
	"$tmp/base.r.o" "$tmp/work.r.o" -o "$tmp/scan_diff"
"$tmp/scan_diff" "$runs" $seed
