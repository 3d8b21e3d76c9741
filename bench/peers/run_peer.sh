#!/usr/bin/env bash
# run_peer.sh PEER [ARGS...]: runs one Python peer benchmark the right way and prints its
# JSON line on stdout.
#   PEER: seed_fork | pool_map | mpi4py_scatter (a trailing .py is accepted)
#   ARGS: --rows R --cols C --count N --seed S --workers W --vectors none|full --repeat K
#         (either --key V or --key=V)
# mpi4py_scatter is launched with mpirun, one rank per worker (-np W, W from --workers,
# default 1), --oversubscribe --bind-to none like scripts/mpirun.sh; the others run under
# plain python3. The interpreter is Debian's /usr/bin/python3 (override with PYTHON=...).
# Exit status: the peer's, or 1 when it exited 0 without printing a JSON line.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-/usr/bin/python3}"

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 1 ] || usage
peer="${1%.py}"
shift
case "$peer" in
  seed_fork|pool_map|mpi4py_scatter) ;;
  -h|--help) usage ;;
  *) echo "run_peer.sh: unknown peer '$peer' (seed_fork, pool_map, mpi4py_scatter)" >&2; exit 2 ;;
esac
script="$here/$peer.py"

if [ "$peer" = mpi4py_scatter ]; then
  workers=1
  args=("$@")
  for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[i]}" in
      --workers=*) workers="${args[i]#--workers=}" ;;
      --workers) workers="${args[i+1]:-}" ;;
    esac
  done
  if ! [[ "$workers" =~ ^[1-9][0-9]*$ ]]; then
    echo "run_peer.sh: --workers must be a positive integer, got '$workers'" >&2
    exit 2
  fi
  out="$(OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
         mpirun --oversubscribe --bind-to none -np "$workers" \
         "$python" "$script" --workers "$workers" "$@")"
else
  out="$("$python" "$script" "$@")"
fi
rc=$?
[ -n "$out" ] && printf '%s\n' "$out"
if [ "$rc" -ne 0 ]; then
  exit "$rc"
fi
if ! grep -q '^{"peer": ' <<<"$out"; then
  echo "run_peer.sh: $peer printed no JSON line" >&2
  exit 1
fi
exit 0
