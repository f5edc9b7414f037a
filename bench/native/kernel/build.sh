#!/usr/bin/env bash
# Builds bench/native/kernel/peers.c against the kernel's own lib/xarray.c, lib/idr.c and lib/interval_tree.c,
# taken from the distribution's linux-source package (fetched into bench/target/kernel, never
# committed), with the user-space harness of tools/testing/radix-tree.
# Usage: build.sh OUT_DIR          prints the built program's path; exits 1 with the reason on stderr.
# ACCELMM_LINUX_SOURCE may name a linux-source tarball (.tar.xz) to use instead.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
fail() { echo "$*" >&2; exit 1; }
command -v cc >/dev/null 2>&1 || fail "no C compiler"

tarball=${ACCELMM_LINUX_SOURCE:-}
if [[ -z $tarball ]]; then
  tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -1 || true)
fi
if [[ -z $tarball ]]; then
  tarball=$(ls "$out"/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -1 || true)
fi
if [[ -z $tarball ]]; then
  command -v apt-get >/dev/null 2>&1 || fail "no linux-source tarball and no apt-get to fetch one"
  pkg=$(apt-cache pkgnames linux-source- 2>/dev/null | grep -E '^linux-source-[0-9.]+$' | sort -V | tail -1 || true)
  [[ -n $pkg ]] || fail "the package lists name no linux-source package"
  echo "bench: fetching $pkg for the kernel peers ..." >&2
  (cd "$out" && apt-get download -q "$pkg" >/dev/null 2>&1) || fail "apt-get download $pkg failed"
  deb=$(ls "$out"/"$pkg"_*.deb | tail -1)
  (cd "$out" && dpkg-deb --fsys-tarfile "$deb" | tar -x --wildcards --strip-components=3 './usr/src/linux-source-*.tar.xz') \
    || fail "$deb holds no source tarball"
  rm -f "$deb"
  tarball=$(ls "$out"/linux-source-*.tar.xz | sort -V | tail -1)
fi
[[ -f $tarball ]] || fail "$tarball is not a file"

name=$(basename "$tarball" .tar.xz)
src="$out/$name"
if [[ ! -f $src/.extracted ]]; then
  echo "bench: extracting the kernel's xarray and interval tree from $(basename "$tarball") ..." >&2
  rm -rf "$src"
  mkdir -p "$out"
  tar -xJf "$tarball" -C "$out" \
    "$name/lib/xarray.c" "$name/lib/radix-tree.c" "$name/lib/idr.c" "$name/lib/interval_tree.c" \
    "$name/include/linux/xarray.h" "$name/include/linux/radix-tree.h" "$name/include/linux/idr.h" \
    "$name/include/linux/gfp_types.h" "$name/include/linux/kconfig.h" "$name/include/linux/interval_tree.h" \
    "$name/tools/include" "$name/tools/lib" "$name/tools/testing/radix-tree" \
    || fail "$(basename "$tarball") lacks the files the peers need"
  touch "$src/.extracted"
fi

obj="$out/obj"
rm -rf "$obj"
mkdir -p "$obj/generated" "$obj/linux"
rt="$src/tools/testing/radix-tree"
# The kernel's fan-out (XA_CHUNK_SHIFT 6 unless CONFIG_BASE_SMALL), not the harness's test value of 3.
echo '#define XA_CHUNK_SHIFT 6' >"$obj/generated/map-shift.h"
echo '#define CONFIG_64BIT 1' >"$obj/generated/bit-length.h"
printf '#include "bit-length.h"\n#define CONFIG_XARRAY_MULTI 1\n' >"$obj/generated/autoconf.h"
cp "$src/include/linux/interval_tree.h" "$obj/linux/"
for f in radix-tree idr; do
  sed -e 's/^static //' -e 's/__always_inline //' -e 's/inline //' <"$src/lib/$f.c" >"$obj/$f.c"
done
flags=(-O2 -w -D_LGPL_SOURCE -I "$here/shim" -I "$obj" -I "$rt" -I "$src/tools/include")
units=("$here/peers.c" "$src/lib/xarray.c" "$obj/radix-tree.c" "$obj/idr.c" "$src/lib/interval_tree.c"
       "$rt/linux.c" "$rt/bitmap.c" "$src/tools/lib/rbtree.c" "$src/tools/lib/find_bit.c" "$src/tools/lib/slab.c")
objs=()
for u in "${units[@]}"; do
  o="$obj/$(basename "$u" .c).o"
  cc "${flags[@]}" -c "$u" -o "$o" 2>"$obj/cc.log" || fail "cc $(basename "$u") failed: $(head -3 "$obj/cc.log")"
  objs+=("$o")
done
cc -o "$out/kernel-peers" "${objs[@]}" -lpthread 2>"$obj/cc.log" || fail "linking the peers failed: $(head -3 "$obj/cc.log")"
echo "$out/kernel-peers"
