#!/usr/bin/env bash
# check_deps.sh: make check-deps (scripts/check-deps.sh) passes on the tree,
# and fails, naming the arrow, on a copy with an include that runs back up
# (cli including report) and on a module with no layer.
. "$(dirname "$0")/lib.sh"
cd "$ROOT" || tap_bail "no tree"

if out=$(scripts/check-deps.sh 2>&1); then
    tap_ok "the tree's includes all run downward ($out)"
else
    tap_not_ok "the tree's includes all run downward" "$out"
fi

copy() {
    rm -rf "$TMPD/tree"
    mkdir -p "$TMPD/tree"
    cp -r src include scripts "$TMPD/tree/"
}
copy
sed -i '1a #include "report.h"' "$TMPD/tree/src/cli.c"
if out=$("$TMPD/tree/scripts/check-deps.sh" 2>&1); then
    tap_not_ok "cli including report is refused" "exit 0: $out"
else
    case $out in
        *"src/cli.c includes report.h"*above*) tap_ok "cli including report is refused, naming the arrow" ;;
        *) tap_not_ok "cli including report is refused, naming the arrow" "$out" ;;
    esac
fi

copy
printf '/* stray: a module nobody placed */\n' >"$TMPD/tree/src/stray.c"
if out=$("$TMPD/tree/scripts/check-deps.sh" 2>&1); then
    tap_not_ok "a module with no layer is refused" "exit 0: $out"
else
    case $out in
        *"module 'stray' has no layer"*) tap_ok "a module with no layer is refused, naming it" ;;
        *) tap_not_ok "a module with no layer is refused, naming it" "$out" ;;
    esac
fi
tap_done
