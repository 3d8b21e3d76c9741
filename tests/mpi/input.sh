#!/usr/bin/env bash
# input.sh: --input of the user's .npy matrices, read by every rank with MPI-IO, and --values,
# --u, --vt written collectively; numpy (tests/mpi/input_check.py) is the oracle. Also
# --save-matrices then --input gives the generated run's results, and every bad file is
# refused with exit 2 (or, for NaN, exit 3 naming the matrix), without a hang.
# SVDRUN_TEST_QUICK=1: four of the numpy cases (C and Fortran order, f4,
# scatter, a sweep), and one bad file of each kind (header, dtype, size, open,
# a clash with the job); the rest as always.
. "$(dirname "$0")/lib.sh"
require_svdrun
require_numpy "npy input"
CHECK="$TESTS_MPI_DIR/input_check.py"
D="$TMPD/npy"
mkdir -p "$D"
"$PY" "$CHECK" make "$D" || tap_bail "could not write the test files"

# oracle_case LABEL FILE NP ARGS...: svdrun on FILE with thin vectors, then numpy checks
oracle_case() {
    local label=$1 file=$2 np=$3
    shift 3
    local o="$TMPD/out.$RUN_SEQ"
    run_svdrun "$np" 120 --quiet --input="$D/$file" --vectors=thin --values "$o.v.npy" \
        --u "$o.u.npy" --vt "$o.vt.npy" --results "$o.r.txt" "$@"
    checked_run "$label" "$CHECK" check "$D/$file" "$o.v.npy" "$o.u.npy" "$o.vt.npy" "$o.r.txt"
}

quick || oracle_case "C order f8 3-D 11x13x7, 1 rank" c8_3d.npy 1
oracle_case "C order f8 3-D, 3 ranks, a sweep of blas/batch x 1,2 threads" c8_3d.npy 3 \
    --ranks=1,3 --threads=1,2 --thread_mode=blas,batch
oracle_case "C order f8 3-D, 2 ranks scatter (rank 0 reads and sends)" c8_3d.npy 2 --distribute=scatter
oracle_case "Fortran order f8 3-D, 4 ranks (collective subarray reads)" f8_3d.npy 4
quick || oracle_case "Fortran order f8 3-D, 2 ranks x 2 batch threads" f8_3d.npy 2 --threads=2 --thread_mode=batch
oracle_case "C order f4 3-D 9x6x10 (wide), 2 ranks, widened (dtype float64)" c4_3d.npy 2 \
    --distribute=regenerate,scatter --dtype=float64
quick || oracle_case "Fortran order f4 3-D 5x8x8, 3 ranks, widened" f4_3d.npy 3 --dtype=float64
quick || oracle_case "C order f8 2-D 17x12, 2 ranks (one matrix, a rank idle)" c8_2d.npy 2
quick || oracle_case "Fortran order f8 2-D 12x17, 1 rank" f8_2d.npy 1
quick || oracle_case ".npy version 2.0, 4 ranks" v2.npy 4
quick || oracle_case ".npy version 3.0, 2 ranks scatter" v3.npy 2 --distribute=scatter

# full vectors: U is rows x rows and V^T cols x cols; rebuilt from their first min(rows,cols)
o="$TMPD/full"
run_svdrun 2 120 --quiet --input="$D/c8_3d.npy" --vectors=full --values "$o.v.npy" --u "$o.u.npy" \
    --vt "$o.vt.npy" --results "$o.r.txt"
if [ "$RUN_RC" -eq 0 ] && "$PY" - "$D/c8_3d.npy" "$o.v.npy" "$o.u.npy" "$o.vt.npy" <<'PY'
import sys
import numpy as np
a, s, u, vt = (np.load(f) for f in sys.argv[1:])
assert u.shape == (11, 13, 13) and vt.shape == (11, 7, 7), (u.shape, vt.shape)
rec = np.einsum("cik,ck,ckj->cij", u[:, :, :7], s, vt)
assert np.max(np.abs(rec - a)) <= 1e-10 * np.max(np.abs(a))
assert np.max(np.abs(np.einsum("cik,cil->ckl", u, u) - np.eye(13))) <= 1e-10
PY
then
    tap_ok "vectors=full: U is 13x13, V^T 7x7, orthonormal, and rebuild A"
else
    tap_not_ok "vectors=full: U is 13x13, V^T 7x7, orthonormal, and rebuild A"
    run_diag
fi

# --save-matrices, then --input: the generated run's results
run_svdrun 2 60 --quiet --rows=21 --cols=15 --count=10 --seed=5 --save-matrices "$TMPD/saved.npy" \
    --results "$TMPD/gen.txt"
run_svdrun 3 60 --quiet --input="$TMPD/saved.npy" --results "$TMPD/read.txt" --distribute=regenerate,scatter
if [ "$RUN_RC" -eq 0 ] && cmp -s "$TMPD/gen.txt" "$TMPD/read.txt"; then
    tap_ok "--save-matrices then --input on 3 ranks: the same results as the generated run"
else
    tap_not_ok "--save-matrices then --input on 3 ranks: the same results as the generated run"
    run_diag
fi

# generated matrices (no input): --values, --u and --vt against numpy on the saved set
o="$TMPD/gen"
run_svdrun 2 60 --quiet --rows=9 --cols=5 --count=6 --seed=3 --vectors=thin --save-matrices "$o.m.npy" \
    --values "$o.v.npy" --u "$o.u.npy" --vt "$o.vt.npy" --results "$o.r.txt" --threads=2 --thread_mode=batch
if [ "$RUN_RC" -eq 0 ]; then
    "$PY" "$CHECK" check "$o.m.npy" "$o.v.npy" "$o.u.npy" "$o.vt.npy" "$o.r.txt" >"$TMPD/gen.log" 2>&1
    tap_from_checks "generated 9x5 set, 2 ranks x 2 batch threads, outputs" "$TMPD/gen.log" $?
else
    tap_not_ok "generated 9x5 set with --values, --u, --vt: exit 0"
    run_diag
fi

# Issue 15.2: a tall thin matrix's thin U is 200000 x 8; its transpose
# buffer was sized max(rows, cols)^2 (320 GB). Sized by the real shapes, the
# run fits, and U, V^T and sigma agree with numpy.
o="$TMPD/tall"
run_svdrun 1 120 --quiet --rows=200000 --cols=8 --count=2 --seed=4 --vectors=thin \
    --save-matrices "$o.m.npy" --values "$o.v.npy" --u "$o.u.npy" --vt "$o.vt.npy" --results "$o.r.txt"
if [ "$RUN_RC" -eq 0 ]; then
    "$PY" "$CHECK" check "$o.m.npy" "$o.v.npy" "$o.u.npy" "$o.vt.npy" "$o.r.txt" >"$TMPD/tall.log" 2>&1
    tap_from_checks "U/V^T transpose buffer sized by shape: 200000x8 thin --u" "$TMPD/tall.log" $?
else
    tap_not_ok "U/V^T transpose buffer sized by shape: 200000x8 thin --u: exit 0" "exit $RUN_RC"
    run_diag
fi
rm -f "$o".*

# NaN in matrix 3: reported by index, the others computed, exit 3 at the end
o="$TMPD/nan"
run_svdrun 2 60 --quiet --input="$D/nan.npy" --values "$o.v.npy" --results "$o.r.txt"
if [ "$RUN_RC" -eq 3 ] && grep -q "matrix 3" "$RUN_ERR" && "$PY" "$CHECK" check "$D/nan.npy" \
    "$o.v.npy" "$o.r.txt" --skip 3 >"$TMPD/nan.log" 2>&1; then
    tap_ok "NaN in matrix 3: exit 3 naming matrix 3; the other matrices' values and results are right"
else
    tap_not_ok "NaN in matrix 3: exit 3 naming matrix 3; the others right"
    run_diag
    tap_diag_file "$TMPD/nan.log"
fi

# bad_case LABEL PATTERN ARGS...: exit 2 within the limit, stderr matching PATTERN. The
# first few launch 2 ranks (every rank must exit 2); the rest are singletons (rank 0
# alone judges the file, and mpirun takes 2 s to report a non-zero exit).
BAD_WITH_MPIRUN=3
bad_case() {
    local label=$1 pattern=$2
    shift 2
    if [ "$BAD_WITH_MPIRUN" -gt 0 ]; then
        BAD_WITH_MPIRUN=$((BAD_WITH_MPIRUN - 1))
        run_svdrun 2 30 --quiet "$@"
    else
        run_singleton 30 "$SVDRUN" --quiet "$@"
    fi
    if [ "$RUN_RC" -eq 2 ] && grep -qE -- "$pattern" "$RUN_ERR"; then
        tap_ok "$label: exit 2, says so"
    else
        tap_not_ok "$label: exit 2, message /$pattern/"
        run_diag
    fi
}
bad_case "wrong magic" "no .x93NUMPY magic" --input="$D/magic.npy"
bad_case "int64 array" "unsupported dtype '<i8'" --input="$D/int.npy"
quick || bad_case "complex array as float64" "holds complex128 matrices; float64 would drop their imaginary parts" --input="$D/complex.npy" --dtype=float64
quick || bad_case "object array" "unsupported dtype '\|O', an object array" --input="$D/object.npy"
quick || bad_case "big-endian float64" "unsupported dtype '>f8'" --input="$D/bigendian.npy"
quick || bad_case "4-D array" "a 4-D array" --input="$D/four_d.npy"
quick || bad_case "1-D array" "a 1-D array" --input="$D/one_d.npy"
bad_case "truncated file" "truncated: the shape needs 384 data bytes" --input="$D/trunc.npy"
quick || bad_case "file longer than its shape" "too long" --input="$D/long.npy"
quick || bad_case "a dict key too many" "unexpected or repeated key 'colour'" --input="$D/extra_key.npy"
quick || bad_case "a dict key missing" "exactly descr, fortran_order and shape" --input="$D/missing_key.npy"
quick || bad_case "version 4.0" "version 4.0 is not supported" --input="$D/version4.npy"
bad_case "missing file" "cannot open: No such file" --input="$D/absent.npy"
mkdir -p "$D/empty"
quick || bad_case "a directory without .npy files" "no \*.npy files in this directory" --input="$D/empty"
quick || bad_case "input with size" "drop size, rows, cols and count" --input="$D/c8_3d.npy" --size=4
quick || bad_case "input with engine scalapack" "engine = scalapack is not supported" --input="$D/c8_3d.npy" \
    --engine=scalapack
bad_case "Fortran 3-D input with scatter" "not supported for it" --input="$D/f8_3d.npy" --distribute=scatter
quick || bad_case "--values with engine scalapack" "come from the LAPACK engine" --size=8 --count=2 \
    --engine=lapack,scalapack --values "$TMPD/v.npy"
quick || bad_case "--u with vectors none" "need vectors = thin or full" --input="$D/c8_3d.npy" --u "$TMPD/u.npy"
printf '[job]\ninput = %s\n' "$D/absent.npy" >"$TMPD/job.ini"
bad_case "input in a job file, missing" "job.ini: input: .*absent.npy: cannot open" "$TMPD/job.ini"

tap_done
