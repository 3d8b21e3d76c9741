#!/usr/bin/env bash
# mpirun.sh: mpirun with the settings a workstation run needs.
# --bind-to none: with np <= 2 Open MPI binds each rank to one core, so its OpenMP
# threads would share that core. --oversubscribe: allows more ranks than cores.
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
# make sanitize: the sanitizer options reach ranks started through rsh too
if [ -n "${SVDRUN_SANITIZE:-}" ]; then
  set -- -x ASAN_OPTIONS -x UBSAN_OPTIONS -x LSAN_OPTIONS "$@"
fi
exec mpirun --oversubscribe --bind-to none "$@"
