#!/usr/bin/env bash
# members.sh: multi-file inputs (members.h, memread.h) through build/mpitests/test_members:
# archives written by numpy's own np.savez and np.savez_compressed (mixed shapes, '<f8',
# '<f4', '<c16' and '<c8', C and Fortran order, keywords, zip64 end records and extras), a
# directory and a list file, scanned on rank 0, broadcast, and read by 1 to 3 ranks in order,
# backwards (a compressed member restarted) and shuffled, as the set's dtype (the join of its
# files') or another; numpy (tests/mpi/members_check.py) is the oracle, bit for bit. Then
# every refusal an archive can earn, with its message, and a corrupt deflate stream caught at
# read time.
. "$(dirname "$0")/lib.sh"
BIN=$BUILD_DIR/mpitests/test_members
[ -x "$BIN" ] || tap_bail "no $BIN: run 'make unit' first"
require_numpy "multi-file inputs"
export OMP_NUM_THREADS=1
CHECK="$TESTS_MPI_DIR/members_check.py"
D="$TMPD/in"
mkdir -p "$D"
"$PY" "$CHECK" make "$D" || tap_bail "could not write the test inputs"

# read_case LABEL NP INPUT [K...]: test_members on NP ranks, then numpy checks what each read
read_case() {
    local label=$1 np=$2 input=$3
    shift 3
    local out="$TMPD/out.$RUN_SEQ"
    mkdir -p "$out"
    BIN=$BIN run_svdrun "$np" 60 "$input" "$out" "$@"
    checked_run "$label" "$CHECK" check "$input" "$out" "$@"
}

# read_as LABEL DTYPE INPUT [K...]: test_members on one rank (a singleton: no mpirun's start-up)
# reading as DTYPE, then numpy checks it
read_as() {
    local label=$1 dtype=$2 input=$3
    shift 3
    local out="$TMPD/as.$RUN_SEQ"
    mkdir -p "$out"
    run_singleton 60 "$BIN" --as "$dtype" "$input" "$out" "$@"
    checked_run "$label" "$CHECK" check "$input" "$out" "$@"
}

# count INPUT: the matrices in INPUT, as numpy sees them
count() {
    "$PY" "$CHECK" count "$1"
}

# orders INPUT: reads in order on 1 and 3 ranks, backwards on 2, shuffled on 1
orders() {
    local label=$1 input=$2 n
    n=$(count "$input")
    read_case "$label, in order, 1 rank" 1 "$input"
    read_case "$label, in order, 3 ranks" 3 "$input"
    # shellcheck disable=SC2046
    read_case "$label, backwards, 2 ranks" 2 "$input" $(seq $((n - 1)) -1 0)
    # shellcheck disable=SC2046
    read_case "$label, shuffled, 1 rank" 1 "$input" \
        $("$PY" -c "import random,sys; r=list(range($n)); random.Random(5).shuffle(r); print(*r)")
}

orders "np.savez, mixed 2-D/3-D, f8/f4, C/Fortran" "$D/mixed.npz"
read_case "np.savez with keywords (numpy's order: keywords first)" 2 "$D/kw.npz"
orders "np.savez_compressed, mixed, a 20x60x50 member" "$D/comp.npz"
# within the big compressed member (matrices 1..20): forward, back, skip, back to its start
read_case "np.savez_compressed, one rank jumping back and forth in a member" 1 "$D/comp.npz" \
    5 6 7 3 4 20 1 2 19 0 21 27 26 8
read_case "zip64 extras and end records (np.savez)" 2 "$D/zip64.npz"
read_case "zip64 extras and end records (np.savez_compressed)" 1 "$D/zip64c.npz" 3 0 2 1 4
orders "a directory (name order, hidden and non-.npy entries skipped)" "$D/dir"
read_case "a directory given with a trailing slash" 1 "$D/dir/"
orders "a list file (comments, blank lines, CRLF, relative and absolute paths)" \
    "$D/lists/list.txt"

# the four dtypes: a set's dtype is the join of its files' (numpy's result_type); each
# matrix converted to the dtype asked, narrowing rounded, real to complex with zero imaginary
read_case "np.savez, complex128/complex64/real members, C/Fortran, as complex128" 2 "$D/cplx.npz"
read_as "np.savez, complex members read backwards as complex64 (narrowed)" complex64 \
    "$D/cplx.npz" 10 9 8 7 6 5 4 3 2 1 0
read_as "np.savez_compressed, complex64 and float32 members, jumping, as complex64" complex64 \
    "$D/cplxc.npz" 0 22 1 2 25 24 3 27 26 12
read_as "a directory of float32 files: a float32 set" float32 "$D/dir32"
read_as "float64 and float32 members read as float32 (rounded)" float32 "$D/mixed.npz"
read_as "real members read as complex128: zero imaginary parts" complex128 "$D/dir"

# refused LABEL INPUT PATTERN: exit 2, with the message on stderr matching PATTERN. A
# singleton launch (no mpirun): the scan is rank 0's alone, and mpirun takes 2 s to
# report a non-zero exit.
refused() {
    local label=$1 input=$2 pattern=$3
    run_singleton 60 "$BIN" "$input" "$TMPD"
    if [ "$RUN_RC" -eq 2 ] && grep -qE -- "$pattern" "$RUN_ERR"; then
        tap_ok "refused: $label"
    else
        tap_not_ok "refused: $label" "exit 2 with stderr matching /$pattern/"
        run_diag
    fi
}
refused "a member not .npy" "$D/bad_txt.npz" "bad_txt.npz: member 'notes.txt': not a \.npy file"
refused "a 1-D member" "$D/bad_1d.npz" "bad_1d.npz: member 'arr_1.npy': a 1-D array"
refused "a 4-D member" "$D/bad_4d.npz" "member 'arr_0.npy': a 4-D array"
refused "dtype <f2" "$D/bad_f2.npz" "member 'arr_0.npy': unsupported dtype '<f2'"
refused "dtype >c16" "$D/bad_bec16.npz" "member 'arr_0.npy': unsupported dtype '>c16'"
refused "dtype >f8" "$D/bad_be.npz" "member 'arr_0.npy': unsupported dtype '>f8'"
refused "a compressed Fortran-order 3-D member" "$D/bad_f3d.npz" \
    "member 'arr_1.npy': a compressed Fortran-order 3-D array"
refused "bzip2 (method 12)" "$D/bad_bzip2.npz" "member 'arr_0.npy': compression method 12"
refused "method 14 in the central directory" "$D/bad_method.npz" "member 'arr_6.npy': compression method 14"
refused "an encrypted member" "$D/bad_encrypted.npz" "member 'arr_6.npy': encrypted"
refused "a multi-disk archive" "$D/bad_multidisk.npz" "bad_multidisk.npz: a multi-disk"
refused "a truncated archive" "$D/bad_trunc.npz" "no end of central directory record"
refused "a truncated member" "$D/bad_short.npz" "member 'arr_0.npy': truncated"
refused "an empty archive" "$D/bad_empty.npz" "bad_empty.npz: an archive without members"
refused "a list naming a missing file, by line" "$D/lists/bad.txt" \
    "lists/bad.txt:4: .*lists/nope.npy: cannot open: No such file or directory"

# a deflate stream spoilt past the npy header: scanned fine, refused when read (at the
# latest by the CRC-32 at the member's end), named
out="$TMPD/spoilt"
mkdir -p "$out"
BIN=$BIN run_svdrun 1 60 "$D/bad_deflate.npz" "$out"
if [ "$RUN_RC" -eq 1 ] && grep -qE "bad_deflate.npz:arr_1.npy: matrix [0-9]+: (a corrupt|the deflate stream (runs past|ends))" "$RUN_ERR"; then
    tap_ok "a spoilt deflate stream: EIO naming the member and the matrix"
else
    tap_not_ok "a spoilt deflate stream: EIO naming the member and the matrix"
    run_diag
fi
tap_done
