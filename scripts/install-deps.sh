#!/usr/bin/env bash
# Install every Debian package durand needs to build, test and run.
# Idempotent: only missing packages are installed. As non-root it prints the
# apt-get line and stops.
#   scripts/install-deps.sh          build + unit/e2e test dependencies
#   scripts/install-deps.sh --ci     also what CI-only tests use (QGIS, PostGIS, fuzzing)
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libgdal-dev gdal-bin            # OGR: all vector reading and writing; ogr2ogr for the geodata build
  libgeos-dev                     # GEOS C API: prepared geometries, STRtree
  libproj-dev proj-bin            # PROJ: CRS and geodesics
  libsqlite3-dev sqlite3          # the store
  libspatialite-dev spatialite-bin libsqlite3-mod-spatialite  # SpatiaLite extension for the store
  check libsubunit-dev            # Check unit tests
  libutf8proc-dev                 # Unicode normalisation / case folding for the gazetteer
  libjson-c-dev                   # JSON Lines article input (text module)
  libmimalloc-dev                 # malloc of the durand binary (README, "Dependencies")
  python3                         # e2e test driver
  valgrind
)
if [[ "${1:-}" == "--ci" ]]; then
  packages+=(
    clang libclang-rt-14-dev      # libFuzzer and sanitizers
    python3-qgis qgis-providers xvfb xauth  # QGIS end-to-end layer test (headless)
    postgresql postgis postgresql-15-postgis-3  # export to PostGIS test
  )
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages present" >&2
  exit 0
fi
cmd=(apt-get install -y --no-install-recommends "${missing[@]}")
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages; run as root:" >&2
  echo "  apt-get update && ${cmd[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
"${cmd[@]}"
