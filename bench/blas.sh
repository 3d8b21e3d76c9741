# bench/blas.sh: OpenBLAS's two ways to run, for the bench scripts that measure both (source it).
# "pinned" is the environment as it is; where it pins a core (OPENBLAS_CORETYPE, with
# OPENBLAS_L2_SIZE, as these machines do), "own" is OpenBLAS's own choice, both unset in
# that one command.
blas_ways=(pinned)
if [ -n "${OPENBLAS_CORETYPE:-}${OPENBLAS_L2_SIZE:-}" ]; then blas_ways=(own pinned); fi
with_blas() {  # with_blas WAY CMD...: CMD with OpenBLAS's kernels chosen WAY's way
  local way=$1
  shift
  if [ "$way" = own ]; then env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$@"; else "$@"; fi
}
