#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# make check-layers: every #include "..." in the product code must point
# down the layers (DESIGN.md section 2), never up or sideways:
#
#   include  <-  bpf, user/sip  <-  user/conf  <-  user/dp  <-  user/run  <-  user/ctl
#
# bpf/ and user/sip/ are siblings: neither includes the other.  Inside
# bpf/ the order is net <- sip <- the actions (top-level headers) <- the
# entry files (*.bpf.c).  Generated skeletons (build/*.skel.h) belong to
# the data-plane layer (user/dp).  Prints each violation as
# "FILE:LINE: includes X (layer A may not include layer B)", exit 1 if any.
set -u
cd "$(dirname "$0")/../.." || exit 2

# layer of a path relative to the repository root
layer_of()
{
	case "$1" in
	include/*)		echo 0 include ;;
	vmlinux.h)		echo 0 include ;;
	bpf/net/*)		echo 1 bpf/net ;;
	bpf/sip/*)		echo 2 bpf/sip ;;
	bpf/*.bpf.c)		echo 4 bpf-entry ;;
	bpf/*)			echo 3 bpf ;;
	user/sip/*)		echo 1 user/sip ;;
	user/conf/*)		echo 2 user/conf ;;
	user/dp/*|*.skel.h)	echo 3 user/dp ;;
	user/run/*)		echo 4 user/run ;;
	user/ctl/*)		echo 5 user/ctl ;;
	*)			echo "" ;;
	esac
}

# where #include "name" from file resolves: the file's own folder, then
# -Iinclude -Iuser -Ibpf -I. (the Makefile's order)
resolve()
{
	local file=$1 name=$2 d

	case "$name" in *.skel.h) echo "$name"; return ;; esac
	for d in "$(dirname "$file")" include user bpf .; do
		if [ -f "$d/$name" ]; then
			realpath --relative-to=. "$d/$name"
			return
		fi
	done
	echo "?$name"
}

bad=0
checked=0
while IFS= read -r file; do
	read -r fl fname <<<"$(layer_of "$file")"
	[ -n "$fl" ] || continue
	while IFS=: read -r line text; do
		name=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]+)".*/\1/' <<<"$text")
		target=$(resolve "$file" "$name")
		checked=$((checked + 1))
		if [ "${target#\?}" != "$target" ]; then
			echo "$file:$line: includes \"$name\", which is not in the tree"
			bad=$((bad + 1))
			continue
		fi
		read -r tl tname <<<"$(layer_of "$target")"
		if [ -z "$tl" ]; then
			echo "$file:$line: includes $target, outside the product layers"
			bad=$((bad + 1))
			continue
		fi
		# bpf and user/sip are separate stacks over include/
		case "$fname:$tname" in
		bpf*:user/*|user/*:bpf*)
			echo "$file:$line: includes $target ($fname may not include $tname)"
			bad=$((bad + 1))
			continue ;;
		esac
		if [ "$tl" -gt "$fl" ]; then
			echo "$file:$line: includes $target (layer $fname may not include $tname, a layer above it)"
			bad=$((bad + 1))
		fi
	done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file")
done < <(find include bpf user -name '*.[ch]' | sort)

if [ "$checked" -eq 0 ]; then
	echo "check-layers: no includes found (wrong folder?)"
	exit 1
fi
if [ "$bad" -gt 0 ]; then
	echo "check-layers: $bad include(s) against the layer order"
	exit 1
fi
echo "check-layers: $checked includes follow the layer order"
