#!/usr/bin/env bash
# dtype.sh: the four precisions end to end under mpirun. Generated sets in each dtype against
# scripts/svdgen.py's rebuild and numpy at the same precision; complex and real inputs of
# known spectra (Q1 diag(s) Q2^H, complex unitary factors) read in C and Fortran order,
# converted (widened, narrowed with a warning, made complex); a sweep of every dtype checked
# per dtype and single precision measured against double; a checkpoint of one dtype refused
# by another; the refused inputs (>c16, <c32, complex as float64, float32 with twostage).
# tests/mpi/dtype_check.py is the oracle.
. "$(dirname "$0")/lib.sh"
require_svdrun
require_numpy "dtype"
CHECK="$TESTS_MPI_DIR/dtype_check.py"
D="$TMPD/dtype"
mkdir -p "$D"
"$PY" "$CHECK" make "$D" || tap_bail "could not write the test files"

# generated DTYPE NP ARGS...: a generated 13 x 9 set in DTYPE, saved and checked by numpy
generated() {
    local dtype=$1 np=$2
    shift 2
    local o="$TMPD/gen.$RUN_SEQ"
    run_svdrun "$np" 120 --quiet --rows=13 --cols=9 --count=10 --seed=5 --dtype="$dtype" \
        --vectors=thin --save-matrices="$o.m.npy" --values "$o.v.npy" --u "$o.u.npy" \
        --vt "$o.vt.npy" --results "$o.r.txt" "$@"
    checked_run "generated $dtype, $np ranks $*" "$CHECK" generated "$dtype" 5 "$o.m.npy" \
        "$o.v.npy" "$o.u.npy" "$o.vt.npy" "$o.r.txt"
}
generated float32 2 --distribute=scatter
generated complex128 2 --thread_mode=batch --threads=2
generated complex64 1

# input DTYPE FILE SPECTRA NP ARGS...: svdrun on FILE computed in DTYPE, checked by numpy
input() {
    local dtype=$1 file=$2 spectra=$3 np=$4
    shift 4
    local o="$TMPD/in.$RUN_SEQ"
    run_svdrun "$np" 120 --quiet --input="$D/$file" --vectors=thin --values "$o.v.npy" \
        --u "$o.u.npy" --vt "$o.vt.npy" --results "$o.r.txt" "$@"
    checked_run "input $file as $dtype, $np ranks $*" "$CHECK" input "$dtype" "$D/$file" \
        "$D/$spectra" "$o.v.npy" "$o.u.npy" "$o.vt.npy" "$o.r.txt"
}
input complex128 z_c.npy z_s.npy 2                      # the input's dtype is the default
input complex64 z_f.npy z_s.npy 2 --dtype=complex64      # Fortran order, narrowed
input complex128 f_c.npy f_s.npy 2 --dtype=complex128 --distribute=scatter   # made complex
input float32 x_c.npy x_s.npy 2 --dtype=float32
if grep -q "warning: dtype float32: the input's float64 matrices are rounded" "$RUN_ERR"; then
    tap_ok "narrowing the input warns"
else
    tap_not_ok "narrowing the input warns"
    run_diag
fi

# a mixed set in complex64, its ragged .npz outputs, 2 ranks under the cost schedule
SHAPES="7x5:6, 4x9:5, 12x12:3"
o="$TMPD/mixed"
run_svdrun 2 120 --quiet --shapes="$SHAPES" --seed=3 --dtype=complex64 --vectors=thin \
    --schedule=cost --save-matrices="$o.m.npz" --values "$o.v.npz" --u "$o.u.npz" \
    --vt "$o.vt.npz" --results "$o.r.txt"
checked_run "a mixed set in complex64" "$CHECK" mixed complex64 3 "$SHAPES" "$o.m.npz" "$o.v.npz" \
    "$o.u.npz" "$o.vt.npz" "$o.r.txt"
# a directory of complex64, float64 (Fortran 3-D) and float32 files: complex128 by default
o="$TMPD/files"
run_svdrun 2 120 --quiet --input="$D/files" --vectors=thin --values "$o.v.npz" --u "$o.u.npz" \
    --vt "$o.vt.npz" --results "$o.r.txt"
checked_run "a directory of complex64, float64 and float32 files" "$CHECK" files complex128 \
    "$D/files" "$o.v.npz" "$o.u.npz" "$o.vt.npz" "$o.r.txt"

# a sweep of every dtype: each checked against its own first configuration, single
# precision measured against double (sigma err on the row, sigma_err in the record)
run_svdrun 2 120 --rows=30 --cols=20 --count=24 --dtype=float64,float32,complex128,complex64 \
    --thread_mode=blas,batch --threads=2 --distribute=regenerate,scatter --json "$TMPD/sweep.jsonl"
if [ "$RUN_RC" -eq 0 ] && grep -q "configurations: 16 passed, 0 failed, 0 skipped" "$RUN_OUT" &&
    [ "$(grep -c 'PASSED sigma err .* vs float64' "$RUN_OUT")" -eq 4 ] &&
    [ "$(grep -c 'PASSED sigma err .* vs complex128' "$RUN_OUT")" -eq 4 ] &&
    grep -q "^dtype complex64: checked against its first configuration; sigma measured against complex128" "$RUN_OUT"; then
    tap_ok "a sweep of four dtypes: 16 configurations pass, 8 measured against double"
else
    tap_not_ok "a sweep of four dtypes: 16 configurations pass, 8 measured against double"
    run_diag
fi
if "$PY" - "$TMPD/sweep.jsonl" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert [r["dtype"] for r in recs] == ["float64"] * 4 + ["float32"] * 4 + ["complex128"] * 4 + ["complex64"] * 4
for r in recs:
    single = r["dtype"] in ("float32", "complex64")
    assert ("sigma_err" in r) == single, r
    if single:
        # a measured error, within its bound, and not zero: float32 is not float64
        assert 0 < r["sigma_err"] < 1e-5 and 0 < r["sigma_err_over_bound"] <= 1, r
        assert r["sigma_err_ref"] == {"float32": "float64", "complex64": "complex128"}[r["dtype"]]
PY
then
    tap_ok "the sweep's records: dtype, and sigma_err within its bound for single precision"
else
    tap_not_ok "the sweep's records: dtype, and sigma_err within its bound for single precision"
fi

# scalapack and lapack agree within each dtype, and scalapack's rows are measured too
run_svdrun 2 60 --size=40 --count=6 --engine=scalapack,lapack --dtype=complex128,complex64
if [ "$RUN_RC" -eq 0 ] && grep -q "configurations: 4 passed, 0 failed" "$RUN_OUT" &&
    [ "$(grep -c 'PASSED sigma err .* vs complex128' "$RUN_OUT")" -eq 2 ]; then
    tap_ok "engines scalapack and lapack in complex128 and complex64: equal per dtype, measured"
else
    tap_not_ok "engines scalapack and lapack in complex128 and complex64: equal per dtype, measured"
    run_diag
fi

# a dtype whose first configuration is skipped (scatter with dynamic) still gets its line
run_svdrun 1 60 --size=12 --count=4 --dtype=float64,float32 --distribute=scatter,regenerate \
    --schedule=dynamic
if [ "$RUN_RC" -eq 0 ] && [ "$(grep -c '^dtype float32: checked' "$RUN_OUT")" -eq 1 ] &&
    grep -A1 '^dtype float32: checked' "$RUN_OUT" | grep -q 'skipped: dynamic'; then
    tap_ok "a dtype whose first configuration is skipped: its line, then the skipped row"
else
    tap_not_ok "a dtype whose first configuration is skipped: its line, then the skipped row"
    run_diag
fi

# --tune-db keys the dtype: a float32 winner is not float64's (kernel auto differs there)
tuned() {   # tuned DTYPE: a tiny tuned launch on the shared database; prints tune_source
    run_svdrun 1 60 --quiet --size=16 --count=96 --dtype="$1" --thread_mode=blas,batch \
        --threads=1 --tune=on --tune-db "$TMPD/tune.jsonl" --json "$TMPD/tune.$1.jsonl"
    "$PY" -c 'import json,sys; print(json.loads(open(sys.argv[1]).readlines()[-1])["tune_source"])' \
        "$TMPD/tune.$1.jsonl" 2>/dev/null
}
sources="$(tuned float32) $(tuned float64) $(tuned float32)"
if [ "$sources" = "race race db" ]; then
    tap_ok "--tune-db: float32 races, float64 races too, float32 again finds its winner"
else
    tap_not_ok "--tune-db: float32 races, float64 races too, float32 again finds its winner" \
        "tune_source: $sources"
fi

# refusals (lib.sh's refuse): exit 2, each naming what is wrong; rank 0 refuses before any work

# a float32 checkpoint cannot be resumed as float64: its integers are float32's
run_svdrun 1 60 --quiet --size=12 --count=6 --dtype=float32 --checkpoint "$TMPD/ck"
refuse "resume of a float32 checkpoint with dtype float64" "dtype \(float32 there\)" \
    --size=12 --count=6 --dtype=float64 --resume "$TMPD/ck"

# refusals of the input and the job
refuse "a big-endian complex file" "'>c16', big-endian" --input="$D/big.npy"
refuse "a long double complex file" "'<c32', long double" --input="$D/long.npy"
refuse "a complex file as float64" "z_c.npy holds complex128 matrices; float64 would drop" \
    --input="$D/z_c.npy" --dtype=float64
refuse "a float32 file with kernel twostage" \
    "kernel: twostage computes float64 only, but dtype float32 is asked \(the input's dtype\)" \
    --input="$D/f_c.npy" --kernel=twostage
refuse "tune over two dtypes" "tune one dtype at a time" --size=12 --count=6 \
    --dtype=float32,float64 --tune=on

tap_done
