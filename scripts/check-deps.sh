#!/usr/bin/env bash
# check-deps.sh: the include graph of src/ and include/ against the layers of
# scripts/layers.txt. Every module (a .c in src/ or a .h in include/) must
# have a layer, and every #include "x.h" must name a module of a lower layer
# (or the module's own header). Prints each arrow that runs back or sideways
# and exits 1; prints "check-deps: N arrows, all downward" and exits 0.
set -u
cd "$(dirname "$0")/.." || exit 2
declare -A layer
n=0
while read -r name mods; do
    case $name in ''|'#'*) continue ;; esac
    n=$((n + 1))
    for m in $mods; do layer[$m]=$n; done
done <scripts/layers.txt

bad=0 arrows=0
for f in src/*.c include/*.h; do
    m=$(basename "$f"); m=${m%.*}
    if [ -z "${layer[$m]:-}" ]; then
        echo "check-deps: $f: module '$m' has no layer in scripts/layers.txt"
        bad=1
        continue
    fi
    while read -r dep; do
        [ "$dep" = "$m" ] && continue
        arrows=$((arrows + 1))
        if [ -z "${layer[$dep]:-}" ]; then
            echo "check-deps: $f includes $dep.h, which has no layer in scripts/layers.txt"
            bad=1
        elif [ "${layer[$dep]}" -le "${layer[$m]}" ]; then
            echo "check-deps: $f includes $dep.h: $m may include only layers below its own," \
                 "and $dep is $([ "${layer[$dep]}" -eq "${layer[$m]}" ] && echo beside || echo above) it"
            bad=1
        fi
    done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([A-Za-z0-9_]*\)\.h".*/\1/p' "$f")
done
[ $bad -eq 0 ] && echo "check-deps: $arrows arrows, all downward"
exit $bad
