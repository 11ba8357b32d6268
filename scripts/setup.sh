#!/usr/bin/env bash
#===- scripts/setup.sh - install phaze's build dependencies ---------------===#
#
# Part of the phaze project, under the Apache License v2.0 with LLVM
# Exceptions.
#
#===----------------------------------------------------------------------===#
#
# Installs, idempotently, the Debian 12 packages phaze builds and tests with:
# LLVM/MLIR 22, COIN-OR CBC, Gecode, OpenMPI, GoogleTest, CMake, Ninja, ccache
# and Python's matplotlib. Runs as root or through sudo. Installs nothing that
# is already present, so a second run costs one dpkg query.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  coinor-libcbc-dev libgecode-dev
  libopenmpi-dev openmpi-bin
  libgtest-dev googletest
  python3 python3-matplotlib chromium
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
      grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then
    SUDO="sudo"
  else
    echo "setup: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
