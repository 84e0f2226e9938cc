#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Compare two BPF objects function by function:
#
#   tests/tools/bpf_symdiff.sh [-v] OLD.o NEW.o
#
# For every function symbol (global functions, the static bpf_loop
# callbacks, the programs in their SEC() sections) the instructions of
# `llvm-objdump -d -r --no-show-raw-insn` are compared, and so are the
# bytes of every read-only data object (.rodata, .data): exit 0 when all
# are the same, 1 when any differs or exists in one object only (each is
# listed; -v shows the instruction diff), 2 on a usage error.
#
# What does not count, because it moves when functions move and is not an
# instruction: the instruction index (counted from each function's start
# here), the LBB<function>_<block> label names (jumps are compared by
# their relative offset), and the addend of a relocation against a section
# (a callback address "r2 = 76056 ll" against .text): it is replaced by the
# symbol it points at, "r2 = <scan_word_cb> ll".  A relocation against a
# named symbol (a map, a global function) shows that name.  Map
# definitions (.maps) are compared by name and size only.

set -u

verbose=0
if [ "${1:-}" = "-v" ]; then
	verbose=1
	shift
fi
if [ $# -ne 2 ] || [ ! -f "$1" ] || [ ! -f "$2" ]; then
	sed -n '4,7s/^# \{0,1\}//p' "$0" >&2
	exit 2
fi

OBJDUMP=${LLVM_OBJDUMP:-llvm-objdump}
tmp=$(mktemp -d)
# BPF_SYMDIFF_KEEP=1: leave the normalised listings (path on stderr)
if [ -n "${BPF_SYMDIFF_KEEP:-}" ]; then
	echo "listings in $tmp" >&2
else
	trap 'rm -rf "$tmp"' EXIT
fi

# NAME SECTION OFFSET SIZE KIND (F or O), one line per symbol
symbols()
{
	local addr name sect size kind

	"$OBJDUMP" -t "$1" | awk '
		$NF ~ /^LBB/ { next }
		/ F / || / O / {
			print $1, $(NF - 2), $(NF - 1), (/ F / ? "F" : "O"), $NF
		}' |
	while read -r addr sect size kind name; do
		echo "$name $sect $((16#$addr)) $((16#$size)) $kind"
	done
}

# Writes DIR/fn/<name>, one normalised instruction a line.
functions()
{
	local obj=$1 dir=$2

	mkdir -p "$dir/fn"
	"$OBJDUMP" -d -r --no-show-raw-insn "$obj" | awk -v dir="$dir/fn" -v syms="$dir/syms" '
		BEGIN {
			while ((getline l < syms) > 0) {
				split(l, f, " ")
				n++
				name[n] = f[1]; sect[n] = f[2]
				off[n] = f[3]; size[n] = f[4]
			}
		}
		# the symbol of section s that holds byte offset o
		function at(s, o,   i) {
			for (i = 1; i <= n; i++)
				if (sect[i] == s && o >= off[i] &&
				    (o < off[i] + size[i] || (size[i] == 0 && o == off[i])))
					return o == off[i] ? name[i] : name[i] "+" (o - off[i])
			return s "+" o
		}
		function flush() {
			if (have)
				print insn > out
			have = 0
		}
		/^Disassembly of section / {
			flush()
			section = $4
			sub(/:$/, "", section)
			out = ""
			next
		}
		/^[0-9a-f]+ <[^>]+>:$/ {
			sym = $2
			gsub(/[<>:]/, "", sym)
			if (sym ~ /^LBB/)
				next
			flush()
			if (out != "")
				close(out)
			out = dir "/" sym
			base = -1
			next
		}
		/^[ \t]+[0-9a-f]+:[ \t]+R_BPF_/ {
			# a relocation of the instruction just read
			type = $2; target = $3
			if (target == section || target ~ /^\./ || target == "xdp" ||
			    target ~ /^(xdp|tc|kprobe|tracepoint|classifier)/) {
				if (insn ~ /call -?[0-9]+$/) {
					match(insn, /-?[0-9]+$/)
					imm = substr(insn, RSTART) + 0
					# libbpf: target = st_value + (imm + 1) * 8
					insn = substr(insn, 1, RSTART - 1) "<" at(target, (imm + 1) * 8) ">"
				} else if (match(insn, /= -?[0-9]+ ll$/)) {
					split(substr(insn, RSTART), p, " ")
					insn = substr(insn, 1, RSTART - 1) "= <" at(target, p[2] + 0) "> ll"
				} else {
					insn = insn " <reloc " type " " target ">"
				}
			} else {
				if (insn ~ /call -1$/)
					sub(/call -1$/, "call <" target ">", insn)
				else if (insn ~ /= 0 ll$/)
					sub(/= 0 ll$/, "= <" target "> ll", insn)
				else
					insn = insn " <reloc " type " " target ">"
			}
			next
		}
		/^[ \t]+[0-9]+:\t/ {
			flush()
			if (out == "")
				next
			idx = $1
			sub(/:$/, "", idx)
			idx += 0
			if (base < 0)
				base = idx
			ipos = idx - base
			insn = $0
			sub(/^[ \t]+[0-9]+:\t/, "", insn)
			gsub(/ <LBB[0-9]+_[0-9]+>/, "", insn)
			insn = ipos ":\t" insn
			have = 1
			next
		}
		END { flush() }'
}

# Writes DIR/data/<name>: the bytes of each object in a data section.
data_objects()
{
	local obj=$1 dir=$2 name sect off size

	mkdir -p "$dir/data" "$dir/sect"
	while read -r name sect off size kind; do
		[ "$kind" = O ] || continue
		case "$sect" in
		.maps)
			echo "map, $size bytes" > "$dir/data/$name"
			continue ;;
		.rodata*|.data*|license) ;;
		*)	continue ;;
		esac
		if [ ! -f "$dir/sect/$sect" ]; then
			llvm-objcopy -O binary --only-section="$sect" "$obj" \
				"$dir/sect/$sect" 2>/dev/null || : > "$dir/sect/$sect"
		fi
		tail -c +"$((off + 1))" "$dir/sect/$sect" | head -c "$size" |
			od -An -tx1 -v > "$dir/data/$name"
	done < "$dir/syms"
}

for side in old new; do
	obj=$1
	[ "$side" = new ] && obj=$2
	mkdir -p "$tmp/$side"
	symbols "$obj" > "$tmp/$side/syms" || exit 2
	functions "$obj" "$tmp/$side"
	data_objects "$obj" "$tmp/$side"
done

rc=0
same=0
for kind in fn data; do
	for f in $( (ls "$tmp/old/$kind"; ls "$tmp/new/$kind") | sort -u); do
		what="function"
		[ "$kind" = data ] && what="object"
		if [ ! -f "$tmp/old/$kind/$f" ]; then
			echo "only in $2: $what $f"
			rc=1
		elif [ ! -f "$tmp/new/$kind/$f" ]; then
			echo "only in $1: $what $f"
			rc=1
		elif cmp -s "$tmp/old/$kind/$f" "$tmp/new/$kind/$f"; then
			same=$((same + 1))
		else
			echo "differs: $what $f ($(wc -l < "$tmp/old/$kind/$f") -> $(wc -l < "$tmp/new/$kind/$f") lines)"
			[ $verbose = 1 ] && diff -u "$tmp/old/$kind/$f" "$tmp/new/$kind/$f" |
				sed -n '3,$p' | head -60
			rc=1
		fi
	done
done
if [ $rc = 0 ]; then
	echo "identical: $same symbols ($(ls "$tmp/new/fn" | wc -l) functions:" \
	     "$(ls "$tmp/new/fn" | tr '\n' ' ' | sed 's/ $//'))"
fi
exit $rc
