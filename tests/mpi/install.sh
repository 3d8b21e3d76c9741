#!/usr/bin/env bash
# install.sh: make install into a temporary prefix, staged with DESTDIR, then
# the installed tree: the three programs, the man pages (found by man in
# PREFIX/share/man and rendered without a warning), the example jobs and the
# Slurm scripts. The installed svdrun prints its version and runs an
# installed job under mpirun, the installed svdreport reads its records, and
# the installed Slurm scripts resolve the installed svdrun and svdreport
# (SVDRUN_PRINT_BINARY, no Slurm) before another on PATH. make uninstall then
# removes every file. TAP output.
. "$(dirname "$0")/lib.sh"
require_svdrun

PREFIX=/opt/svdrun-test
STAGE=$TMPD/stage
DEST=$STAGE$PREFIX
MAKE_ARGS=(-C "$ROOT" --no-print-directory -s B="${BUILD:-build}" PREFIX="$PREFIX" DESTDIR="$STAGE")

if make "${MAKE_ARGS[@]}" install >"$TMPD/install.log" 2>&1; then
    tap_ok "make install PREFIX=$PREFIX DESTDIR=\$TMPD/stage"
else
    tap_not_ok "make install PREFIX=$PREFIX DESTDIR=\$TMPD/stage"
    tap_diag_file "$TMPD/install.log" 30
    tap_done
    exit
fi

# every file where it belongs, nothing outside the prefix
missing=()
for f in bin/svdrun bin/svdreport bin/svdfloor share/svdrun/slurm/svdrun.sbatch \
         share/svdrun/slurm/sweep.sh; do
    [ -f "$DEST/$f" ] && [ -x "$DEST/$f" ] || missing+=("$f (executable)")
done
for f in share/man/man1/svdrun.1 share/man/man1/svdreport.1 share/man/man5/svdrun.job.5; do
    [ -f "$DEST/$f" ] || missing+=("$f")
done
for j in "$ROOT"/jobs/*.job; do
    cmp -s "$j" "$DEST/share/svdrun/jobs/$(basename "$j")" || missing+=("jobs/$(basename "$j")")
done
outside=$(find "$STAGE" -mindepth 1 | while IFS= read -r p; do
              case $p in "$STAGE/opt" | "$DEST" | "$DEST"/*) ;; *) echo "$p" ;; esac
          done)
if [ ${#missing[@]} -eq 0 ] && [ -z "$outside" ]; then
    tap_ok "installed: bin/svdrun, svdreport, svdfloor; man1, man5; share/svdrun/jobs and slurm"
else
    tap_not_ok "installed: bin/svdrun, svdreport, svdfloor; man1, man5; share/svdrun/jobs and slurm" \
        "missing: ${missing[*]}" "outside the prefix: $outside"
fi

# the installed programs run from there
want=$("$SVDRUN" --version 2>&1)
got=$("$DEST/bin/svdrun" --version 2>&1)
if [ -n "$want" ] && [ "$got" = "$want" ] && [[ $got == "svdrun "* ]]; then
    tap_ok "installed svdrun --version: $got"
else
    tap_not_ok "installed svdrun --version" "got '$got', the build's '$want'"
fi

BIN=$DEST/bin/svdrun run_svdrun 2 120 --quiet --json "$TMPD/quick.jsonl" --ranks=1,2 --threads=1 \
    "$DEST/share/svdrun/jobs/quick.job"
counts=$(summary_counts "$RUN_OUT")
if [ "$RUN_RC" -eq 0 ] && [ -n "$counts" ] && [ "${counts%% *}" -gt 0 ] &&
   [ "$(echo "$counts" | cut -d' ' -f2)" -eq 0 ] && [ -s "$TMPD/quick.jsonl" ]; then
    tap_ok "installed svdrun runs the installed quick.job on 2 ranks ($counts passed/failed/skipped)"
else
    tap_not_ok "installed svdrun runs the installed quick.job on 2 ranks"
    run_diag
fi

if "$DEST/bin/svdreport" "$TMPD/quick.jsonl" >"$TMPD/report.out" 2>&1 &&
   grep -q '^== quick' "$TMPD/report.out"; then
    tap_ok "installed svdreport reads the records"
else
    tap_not_ok "installed svdreport reads the records"
    tap_diag_file "$TMPD/report.out" 10
fi

# the pages: man finds them in PREFIX/share/man, and they render without a warning
bad=()
for page in "svdrun 1" "svdreport 1" "svdrun.job 5"; do
    set -- $page
    path=$(man -M "$DEST/share/man" -w "$2" "$1" 2>/dev/null)
    warnings=$( { groff -man -ww -z "$path"; MANWIDTH=80 man --warnings -l "$path" >/dev/null; } 2>&1)
    if [ "$path" != "$DEST/share/man/man$2/$1.$2" ] || [ -n "$warnings" ]; then
        bad+=("$1($2): '$path' $warnings")
    fi
done
if [ ${#bad[@]} -eq 0 ]; then
    tap_ok "man -M PREFIX/share/man finds svdrun(1), svdreport(1), svdrun.job(5); no warnings"
else
    tap_not_ok "man -M PREFIX/share/man finds svdrun(1), svdreport(1), svdrun.job(5); no warnings" \
        "${bad[@]}"
fi

# The Slurm scripts, outside Slurm and outside the checkout, with a decoy
# svdrun and svdreport on PATH: the installed ones beside them come first;
# SVDRUN_BIN comes before those; a lone copy of the script falls back to PATH.
mkdir -p "$TMPD/decoy" "$TMPD/elsewhere" "$TMPD/lone"
printf '#!/bin/sh\nexit 0\n' >"$TMPD/decoy/svdrun"
cp "$TMPD/decoy/svdrun" "$TMPD/decoy/svdreport"
chmod +x "$TMPD/decoy/svdrun" "$TMPD/decoy/svdreport"
cp "$DEST/share/svdrun/slurm/svdrun.sbatch" "$TMPD/lone/"
resolve() {
    ( cd "$TMPD/elsewhere" &&
      env -u SLURM_JOB_ID -u SLURM_SUBMIT_DIR -u SVDRUN_HOME -u SVDRUN_BIN \
          PATH="$TMPD/decoy:$PATH" SVDRUN_PRINT_BINARY=1 "$@" 2>&1 )
}
check_resolve() {
    local label=$1 want=$2 got
    shift 2
    got=$(resolve "$@")
    if [ "$got" = "$want" ]; then
        tap_ok "$label"
    else
        tap_not_ok "$label" "expected '$want', got '$got'"
    fi
}
check_resolve "installed svdrun.sbatch runs the svdrun installed beside it, not PATH's" \
    "$DEST/bin/svdrun" "$DEST/share/svdrun/slurm/svdrun.sbatch"
check_resolve "installed sweep.sh reports with the svdreport installed beside it" \
    "$DEST/bin/svdreport" "$DEST/share/svdrun/slurm/sweep.sh"
check_resolve "SVDRUN_BIN comes before the installed svdrun" \
    "/some/svdrun" env SVDRUN_BIN=/some/svdrun "$DEST/share/svdrun/slurm/svdrun.sbatch"
check_resolve "a copy of svdrun.sbatch with no svdrun beside it takes PATH's" \
    "$TMPD/decoy/svdrun" bash "$TMPD/lone/svdrun.sbatch"

if make "${MAKE_ARGS[@]}" uninstall >"$TMPD/uninstall.log" 2>&1 &&
   [ -z "$(find "$STAGE" -type f)" ]; then
    tap_ok "make uninstall removes every installed file"
else
    tap_not_ok "make uninstall removes every installed file" "left: $(find "$STAGE" -type f | head -5)"
    tap_diag_file "$TMPD/uninstall.log" 10
fi

tap_done
