#!/bin/sh
# Configures and builds the fuzz targets with clang into <build-dir>.
#   tests/fuzz/build.sh <build-dir>     env: CMAKE_BUILD_PARALLEL_LEVEL (default 2)
# No clang or no libFuzzer fails the configure or the link: CI installs both.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 <build-dir>" >&2; exit 2; }
cmake -S "$(dirname "$0")" -B "$1" -G Ninja -DCMAKE_CXX_COMPILER=clang++
cmake --build "$1" --parallel "${CMAKE_BUILD_PARALLEL_LEVEL:-2}"
