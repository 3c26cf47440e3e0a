#!/usr/bin/env bash
# The main job on the bundled sample: install what is missing, build, create
# the database under output/, and (as features land) ingest the sample, write
# the map layers and print a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
mkdir -p output
DURAND=build/durand
DB=output/durand.sqlite
"$DURAND" --db "$DB" init
"$DURAND" --db "$DB" info
# Map layers for QGIS: GeoPackage with its styles (output/durand.gpkg), and
# GeoJSON with .qml styles beside (output/geojson/). Rerunnable: --overwrite
# replaces only these files.
"$DURAND" --db "$DB" export --format gpkg --out output --overwrite
"$DURAND" --db "$DB" export --format geojson --out output/geojson --overwrite
