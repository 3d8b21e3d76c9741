#!/usr/bin/env bash
# bench/run.sh: make bench. Runs bench/cases.sh (svdrun against the floor and the Python
# peers, the foundation's targets), bench/scalapack.sh, bench/input.sh (.npy reads),
# bench/twostage.sh (the two-stage kernel against dgesdd), bench/mixed.sh (the schedules on mixed
# sets), bench/auto.sh (kernel auto against every fixed kernel, n = 3..4000), bench/jacobi.sh
# (the jacobi pack kernel on small matrices), bench/tune.sh (--tune against the exhaustive
# sweep), bench/dtype.sh (the precisions' speed and sigma error) and bench/svdreport.sh (svdreport on 100,000 records), then joins their summaries into bench/results/summary.md, which docs/performance.md
# quotes.
# BENCH_QUICK=1 shrinks every case: a check that the bench works, not figures to quote.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/results
start=$(date +%s)
bench/cases.sh
t_cases=$(($(date +%s) - start))
bench/scalapack.sh
bench/input.sh
t_sca=$(($(date +%s) - start - t_cases))
bench/twostage.sh
bench/mixed.sh
bench/auto.sh
t_two=$(($(date +%s) - start - t_cases - t_sca))
bench/jacobi.sh
t_jac=$(($(date +%s) - start - t_cases - t_sca - t_two))
bench/tune.sh
bench/dtype.sh
t_tune=$(($(date +%s) - start - t_cases - t_sca - t_two - t_jac))
bench/svdreport.sh
t_all=$(($(date +%s) - start))
{
  echo "# svdrun benchmark summary"
  echo
  [ "${BENCH_QUICK:-0}" = 1 ] && echo "BENCH_QUICK=1: shrunken cases; do not quote these figures." && echo
  echo "make bench took ${t_all} s (cases ${t_cases} s, ScaLAPACK and input ${t_sca} s, twostage, mixed sets and kernel auto ${t_two} s, jacobi ${t_jac} s, --tune and the precisions ${t_tune} s, svdreport $((t_all - t_cases - t_sca - t_two - t_jac - t_tune)) s)."
  echo
  echo "## svdrun against the floor and the Python peers"
  echo
  cat "$out/cases.md"
  echo
  echo "## LAPACK against ScaLAPACK"
  echo
  cat "$out/scalapack.md"
  echo
  echo "## Reading the user's matrices"
  echo
  cat "$out/input.md"
  echo
  echo "## The two-stage kernel"
  echo
  cat "$out/twostage.md"
  echo
  echo "## Mixed sets and schedules"
  echo
  cat "$out/mixed.md"
  echo
  echo "## kernel auto over the size range"
  echo
  cat "$out/auto.md"
  echo
  echo "## The jacobi kernel on small matrices"
  echo
  cat "$out/jacobi.md"
  echo
  echo "## --tune against the exhaustive sweep"
  echo
  cat "$out/tune.md"
  echo
  echo "## The precisions: float32, complex128 and complex64 against float64"
  echo
  cat "$out/dtype.md"
  echo
  echo "## svdreport on a long history"
  echo
  cat "$out/svdreport.md"
} >"$out/summary.md"
echo "summary: $out/summary.md (make bench took ${t_all} s)"
