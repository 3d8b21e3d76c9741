#!/usr/bin/env bash
# manpages.sh: the man pages and the fuzz dictionaries against the code; no
# MPI launch. Each page make builds into BUILD/man (man/mangen: man/*.in
# with the tables cli_flags and job_keys) renders without a warning under
# groff and man; svdrun.1 lists every option and key flag svdrun --help
# prints, svdrun.job.5 every key, svdreport.1 every option of svdreport
# --help; each page's EXIT STATUS gives the codes and meanings of the
# exit-code table in README.md (or docs/); svdrun.1's ENVIRONMENT names
# every variable src/ reads (svdreport.1's, svdreport's); and the generated
# part of tests/fuzz/*.dict is what mangen prints now. TAP output.
. "$(dirname "$0")/lib.sh"

MAN_DIR=$BUILD_DIR/man
MANGEN=$BUILD_DIR/mangen
SVDREPORT=$BUILD_DIR/svdreport
PAGES=(svdrun.1 svdreport.1 svdrun.job.5)

for p in "${PAGES[@]}"; do
    [ -f "$MAN_DIR/$p" ] || tap_bail "no $MAN_DIR/$p: run 'make B=${BUILD:-build} all' first"
done
[ -x "$MANGEN" ] || tap_bail "no $MANGEN: run 'make B=${BUILD:-build} all' first"
[ -x "$SVDRUN" ] && [ -x "$SVDREPORT" ] || tap_bail "no $SVDRUN or $SVDREPORT: run 'make all'"
command -v groff >/dev/null || tap_bail "no groff (Debian: groff-base)"

# render PAGE: the page as plain text, one long line per paragraph (no
# hyphenation, no wrapping), each line's indentation removed.
render() {
    groff -man -Tascii -rLL=1000n -rHY=0 -P-cbou "$MAN_DIR/$1" 2>/dev/null | sed 's/^ *//'
}

# section PAGE NAME: the rendered lines of one section, up to the next heading.
section() {
    render "$1" | awk -v want="$2" '/^[A-Z][A-Z .]*$/ { on = ($0 == want); next } on'
}

# 1. every page renders without a warning, under groff and under man
for p in "${PAGES[@]}"; do
    warnings=$( { groff -man -ww -z "$MAN_DIR/$p"; } 2>&1)
    if command -v man >/dev/null; then
        warnings+=$(MANWIDTH=80 man --warnings -l "$MAN_DIR/$p" 2>&1 >/dev/null)
    fi
    if [ -z "$warnings" ] && [ "$(render "$p" | wc -l)" -gt 20 ]; then
        tap_ok "$p renders without a warning (groff -ww, man --warnings)"
    else
        tap_not_ok "$p renders without a warning (groff -ww, man --warnings)" "$warnings"
    fi
done

# 2. svdrun --help's options and key flags, each a tagged paragraph of
# svdrun.1; its keys also in svdrun.job.5 as "KEY = ARG"
help=$("$SVDRUN" --help 2>&1)
labels=$(printf '%s\n' "$help" | sed -n 's/^  \(-[^ ].*\)$/\1/p' | sed 's/  .*//')
n_labels=$(printf '%s\n' "$labels" | grep -c .)
render svdrun.1 >"$TMPD/svdrun.txt"
render svdrun.job.5 >"$TMPD/job.txt"
missing=()
missing_job=()
while IFS= read -r label; do
    grep -qxF -- "$label" "$TMPD/svdrun.txt" || missing+=("$label")
    case $label in
        --*=*)
            key=${label#--}
            case $key in        # a bare-able flag, --tune[=off|on|force]: tune = off|on|force
                *"[="*) key=${key/"[="/=} key=${key%]} ;;
            esac
            grep -qxF -- "${key%%=*} = ${key#*=}" "$TMPD/job.txt" || missing_job+=("$label")
            ;;
    esac
done <<<"$labels"
if [ "$n_labels" -ge 30 ] && [ ${#missing[@]} -eq 0 ]; then
    tap_ok "svdrun.1 lists each of the $n_labels options and key flags of svdrun --help"
else
    tap_not_ok "svdrun.1 lists each of the $n_labels options and key flags of svdrun --help" \
        "missing: ${missing[*]}"
fi
n_keys=$(printf '%s\n' "$labels" | grep -c -- '^--.*=')
if [ "$n_keys" -ge 19 ] && [ ${#missing_job[@]} -eq 0 ]; then
    tap_ok "svdrun.job.5 lists each of the $n_keys job keys as KEY = ARG"
else
    tap_not_ok "svdrun.job.5 lists each of the $n_keys job keys as KEY = ARG" \
        "missing: ${missing_job[*]}"
fi

# 3. svdreport.1 names every option svdreport --help lists (its usage is no table)
options=$("$SVDREPORT" --help 2>&1 | grep -o -- '^  -[-a-z, ]*' | grep -o -- '-[-a-z]*' | sort -u)
render svdreport.1 >"$TMPD/svdreport.txt"
missing=()
for o in $options; do
    grep -qF -- "$o" "$TMPD/svdreport.txt" || missing+=("$o")
done
if [ "$(printf '%s\n' "$options" | grep -c .)" -ge 6 ] && [ ${#missing[@]} -eq 0 ]; then
    tap_ok "svdreport.1 names every option of svdreport --help ($(echo $options))"
else
    tap_not_ok "svdreport.1 names every option of svdreport --help" "missing: ${missing[*]}"
fi

# 4. EXIT STATUS: the codes and meanings of the exit-code table, the one with
# a column for svdrun and one for svdreport (a '-' there: not that program's)
table=""
for f in "$ROOT/README.md" "$ROOT"/docs/*.md; do
    [ -f "$f" ] || continue
    table=$(awk -F'|' '/^\| *code *\| *meaning *\| *svdrun *\| *svdreport *\|/ { on = 1; next }
                       on && !/^\|/ { exit }
                       on && $2 ~ /^ *[0-9]+ *$/ {
                           for (i = 2; i <= 5; i++) gsub(/^ +| +$/, "", $i)
                           print $2 "\t" $3 "\t" ($5 == "-" ? "-" : "+") }' "$f")
    [ -n "$table" ] && { table_file=${f#"$ROOT"/}; break; }
done
if [ -z "$table" ]; then
    tap_not_ok "an exit-code table (| code | meaning | svdrun | svdreport |) in README.md or docs/"
else
    for p in svdrun.1 svdreport.1; do
        section "$p" "EXIT STATUS" >"$TMPD/exit.txt"
        bad=()
        want=()
        while IFS=$'\t' read -r code meaning svdreport_has; do
            [ "$p" = svdreport.1 ] && [ "$svdreport_has" = - ] && continue
            want+=("$code")
            grep -qiE "^$code +$meaning([ .:,]|$)" "$TMPD/exit.txt" || bad+=("$code ($meaning)")
        done <<<"$table"
        got=$(grep -oE '^[0-9]+ ' "$TMPD/exit.txt" | tr -d ' ' | tr '\n' ' ')
        if [ ${#bad[@]} -eq 0 ] && [ "$got" = "${want[*]} " ]; then
            tap_ok "$p: EXIT STATUS gives the codes ${want[*]} with the meanings of $table_file"
        else
            tap_not_ok "$p: EXIT STATUS gives the codes ${want[*]} with the meanings of $table_file" \
                "codes in the page: $got" "missing or differing: ${bad[*]}"
        fi
    done
fi

# 5. ENVIRONMENT: every variable the code reads, by getenv or by name in a
# list of them (sysinfo's launcher variables); not the test build's hooks,
# read only within #ifdef SVDRUN_TEST_HOOKS (up to its #else or #endif)
without_test_hooks() {
    awk '/^#[ \t]*if/ { depth++; if (!skip && $0 ~ /^#[ \t]*ifdef[ \t]+SVDRUN_TEST_HOOKS/) skip = depth }
         skip && /^#[ \t]*else/ && depth == skip { skip = 0 }
         /^#[ \t]*endif/ { if (skip == depth) skip = 0; depth-- }
         !skip' "$@"
}
env_names() {
    without_test_hooks "$@" >"$TMPD/code.c"
    { grep -ohE 'getenv\("[A-Za-z_][A-Za-z0-9_]*"\)' "$TMPD/code.c" | sed 's/getenv("\(.*\)")/\1/'
      grep -ohE '"(OMPI|PMI|MPI|SLURM|OMP|GOMP|SVDRUN|OPENBLAS)_[A-Z0-9_]*"' "$TMPD/code.c" | tr -d '"'
    } | sort -u
}
check_env() {
    local page=$1 names=$2 missing=() n
    section "$page" ENVIRONMENT >"$TMPD/env.txt"
    for n in $names; do
        grep -qw -- "$n" "$TMPD/env.txt" || missing+=("$n")
    done
    n=$(echo $names | wc -w)
    if [ "$n" -gt 0 ] && [ ${#missing[@]} -eq 0 ]; then
        tap_ok "$page: ENVIRONMENT names each of the $n variables its program reads"
    else
        tap_not_ok "$page: ENVIRONMENT names each of the $n variables its program reads" \
            "missing: ${missing[*]}"
    fi
}
shopt -s nullglob
svdrun_srcs=()
for f in "$ROOT"/src/*.c; do
    [ "$(basename "$f")" = svdreport.c ] || svdrun_srcs+=("$f")
done
shopt -u nullglob
check_env svdrun.1 "$(env_names "${svdrun_srcs[@]}")"
check_env svdreport.1 "$(env_names "$ROOT/src/svdreport.c")"

# 6. the fuzz dictionaries' generated part is mangen's, from the same tables
for d in job cli; do
    dict=$ROOT/tests/fuzz/$d.dict
    if diff <(sed -n '/^# generated from job_keys/,$p' "$dict") <("$MANGEN" dict "$d") \
        >"$TMPD/dict.diff" 2>&1 && [ "$(grep -c '^"' "$dict")" -gt 40 ]; then
        tap_ok "tests/fuzz/$d.dict: its generated part is mangen's (make dicts)"
    else
        tap_not_ok "tests/fuzz/$d.dict: its generated part is mangen's (run make dicts)"
        tap_diag_file "$TMPD/dict.diff" 20
    fi
done

tap_done
