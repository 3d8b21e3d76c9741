# reports.sh: sourced by run.sh and tsan.sh, whose sanitizer writes every
# report into a folder (log_path) instead of stderr.
# finish_with_reports FOLDER SUMMARY STATUS: shows each report of FOLDER, then
# SUMMARY (tests/run.sh's last line) with the reports added to its failures;
# returns 0 when STATUS is 0 and there is no report.
finish_with_reports() {
    local folder=$1 summary=$2 status=$3 r
    local reports=()
    shopt -s nullglob
    reports=("$folder"/*)
    shopt -u nullglob
    for r in "${reports[@]}"; do
        echo "not ok - sanitizer report $(basename "$r"):"
        head -n 40 "$r" | sed 's/^/#   /'
    done
    echo "# sanitizer reports: ${#reports[@]}"
    if [[ $summary =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
        echo "${BASH_REMATCH[1]} passed, $((BASH_REMATCH[2] + ${#reports[@]})) failed, ${BASH_REMATCH[3]} skipped"
    else
        echo "0 passed, $((1 + ${#reports[@]})) failed, 0 skipped"
    fi
    [ "$status" -eq 0 ] && [ ${#reports[@]} -eq 0 ]
}
