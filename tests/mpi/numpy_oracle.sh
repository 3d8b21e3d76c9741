#!/usr/bin/env bash
# numpy_oracle.sh: the saved matrices equal numpy's Philox rebuild, and each
# integer equals numpy's int(np.sum(np.linalg.svd(m, compute_uv=False))).
. "$(dirname "$0")/lib.sh"
require_svdrun

require_numpy "numpy oracle"

# oracle_case LABEL NP SEED ROWS COLS COUNT EXTRA_ARGS...
oracle_case() {
    local label=$1 np=$2 seed=$3 rows=$4 cols=$5 count=$6
    shift 6
    local npy="$TMPD/m.$RUN_SEQ.npy" res="$TMPD/r.$RUN_SEQ.txt"
    run_svdrun "$np" 120 --save-matrices "$npy" --results "$res" --name=oracle \
        --rows="$rows" --cols="$cols" --count="$count" --seed="$seed" "$@"
    if [ "$RUN_RC" -ne 0 ] || [ ! -f "$npy" ] || [ ! -f "$res" ]; then
        tap_not_ok "$label: exits 0 and writes the .npy and the results"
        run_diag
        return
    fi
    tap_ok "$label: exits 0 and writes the .npy and the results"
    local rc log="$TMPD/oracle.$RUN_SEQ.log"
    timeout 120 "$PY" "$TESTS_MPI_DIR/oracle.py" "$npy" "$res" "$seed" "$rows" "$cols" "$count" \
        >"$log" 2>&1
    rc=$?
    tap_from_checks "$label" "$log" "$rc"
}

# m > n, 1 rank
oracle_case "60x40 seed 12345, 1 rank" 1 12345 60 40 40
# m < n, a seed beyond 32 bits, 2 ranks scatter (rank 0 streams the set)
oracle_case "40x60 seed 2^40+3, 2 ranks scatter" 2 1099511627779 40 60 24 \
    --ranks=2 --distribute=scatter
# square, seed 0, 3 ranks regenerate with a sweep; rows*cols not a multiple of 4
oracle_case "37x37 seed 0, 3 ranks sweep" 3 0 37 37 21 \
    --ranks=1,3 --distribute=regenerate,scatter --thread_mode=blas,batch --threads=1,2
# the vectors and driver do not change the integers
oracle_case "45x30 seed 99, gesvd full vectors, 2 ranks" 2 99 45 30 20 \
    --driver=gesvd --vectors=full --ranks=1,2
# tiny matrices travel 256 to a scatter message (RUN_SCATTER_GROUP_MAX): 1201
# on 3 ranks makes chunks of 401 and 400, two rounds each, the second partial
oracle_case "6x5 count 1201, 3 ranks scatter in grouped messages" 3 5 6 5 1201 \
    --ranks=3 --distribute=scatter --thread_mode=blas,batch --threads=1,2
# degenerate shapes, fewer matrices than ranks
oracle_case "1x50 count 3 on 4 ranks scatter" 4 77 1 50 3 --distribute=scatter --vectors=full
oracle_case "50x1 count 3 on 4 ranks regenerate" 4 77 50 1 3 --driver=gesvd --vectors=thin

tap_done
