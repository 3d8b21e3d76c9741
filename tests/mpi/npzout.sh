#!/usr/bin/env bash
# npzout.sh: the npzout module (a ragged .npz written by every rank with MPI-IO) on 1 to 4
# ranks. build/mpitests/test_npzout writes the archives, items spread over the ranks in
# reverse, interleaved and scattered orders, some never written, and takes the failure paths
# (a bad shape, ok = 0 on one rank, a real write error on one rank, an item out of range),
# checking that every rank returns the same code; then Python's zipfile (testzip: the CRCs)
# and numpy (tests/mpi/npzout_check.py) rebuild every item from the same rules, and check
# that the failures left no archive and no temporary file. SVDRUN_TEST_LONG=1: also a 4 GiB
# archive (a sparse file, but reading it back takes 15 s here) whose data member and central
# directory lie beyond 4 GiB. Then mixout (build/mpitests/test_mixout): sigma, U and V^T of a
# mixed set and generated sets in the four dtypes, checked by numpy against the same rules.
# SVDRUN_TEST_QUICK=1: 1 and 3 ranks only.
. "$(dirname "$0")/lib.sh"
NPZOUT=${NPZOUT:-$BUILD_DIR/mpitests/test_npzout}
[ -x "$MPIRUN_SH" ] || tap_bail "no $MPIRUN_SH"
if [ ! -x "$NPZOUT" ]; then
    tap_not_ok "test_npzout is built" "no $NPZOUT: run 'make unit'"
    tap_done
    exit
fi
require_numpy "npzout archives"
export OMP_NUM_THREADS=1

if quick; then ranks=(1 3); else ranks=(1 2 3 4); fi
for np in "${ranks[@]}"; do
    d="$TMPD/np$np"
    mkdir -p "$d"
    BIN=$NPZOUT run_svdrun "$np" 60 "$d"
    tap_from_checks "np $np, test_npzout" "$RUN_OUT" "$RUN_RC"
    [ "$RUN_RC" -le 1 ] || run_diag
    "$PY" "$TESTS_MPI_DIR/npzout_check.py" "$d" >"$TMPD/check$np.log" 2>&1
    tap_from_checks "np $np, zipfile and numpy" "$TMPD/check$np.log" $?
done

# mixout on top: sigma, U and V^T of a mixed set in each dtype, and generated sets saved
MIXOUT=${MIXOUT:-$BUILD_DIR/mpitests/test_mixout}
d="$TMPD/mixout"
mkdir -p "$d"
BIN=$MIXOUT run_svdrun 3 60 "$d"
tap_from_checks "np 3, test_mixout" "$RUN_OUT" "$RUN_RC"
[ "$RUN_RC" -le 1 ] || run_diag
"$PY" "$TESTS_MPI_DIR/npzout_check.py" "$d" mixout >"$TMPD/check_mixout.log" 2>&1
tap_from_checks "np 3, mixout archives in four dtypes, numpy" "$TMPD/check_mixout.log" $?

# ZIP64 for real: a 4 GiB sparse archive (item 1, never written, is a hole), read once
if long; then
    d="$TMPD/big"
    mkdir -p "$d"
    BIN=$NPZOUT run_svdrun 2 60 "$d" big
    tap_from_checks "np 2, 4 GiB archive, test_npzout" "$RUN_OUT" "$RUN_RC"
    [ "$RUN_RC" -le 1 ] || run_diag
    "$PY" "$TESTS_MPI_DIR/npzout_check.py" "$d" big >"$TMPD/check_big.log" 2>&1
    tap_from_checks "np 2, 4 GiB archive, zipfile and numpy" "$TMPD/check_big.log" $?
    rm -rf "$d"
else
    tap_skip "np 2, 4 GiB archive (ZIP64 beyond 4 GiB)" "SVDRUN_TEST_LONG=1 runs it (15 s)"
fi

tap_done
