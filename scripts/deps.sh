#!/usr/bin/env bash
# deps.sh: install the Debian packages svdrun needs, only those missing.
set -euo pipefail

# package -> why; test-only packages are listed too, since make test uses them
# (clang with libclang-rt-14-dev's libFuzzer for make fuzz, llvm's symbolizer
# for sanitizer stacks, valgrind for make valgrind)
packages=(
  build-essential pkg-config
  libopenmpi-dev openmpi-bin
  libopenblas-openmp-dev liblapacke-dev libscalapack-openmpi-dev
  libinih-dev libjansson-dev libcmocka-dev zlib1g-dev
  python3-numpy python3-mpmath python3-mpi4py procps coreutils
  libeigen3-dev g++
  gnuplot-nox iproute2 util-linux strace
  slurm-wlm munge
  clang libclang-rt-14-dev llvm valgrind
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "deps.sh: missing Debian packages; as root, run:" >&2
  echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
