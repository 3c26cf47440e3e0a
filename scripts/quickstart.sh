#!/usr/bin/env bash
# The main job on the bundled sample: install what is missing, build, create
# the database under output/, ingest the sample (an ACLED-style events table
# and a news article), print a summary by province and year, and end by
# writing the map layers. Re-runnable: ingesting the same files again stores nothing new,
# and --overwrite replaces only this script's own outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
mkdir -p output
DURAND=build/durand
DB=output/durand.sqlite
"$DURAND" --db "$DB" init
# tests/data/sample/: events.csv (ACLED layout) and article.txt (a news report)
"$DURAND" --db "$DB" ingest tests/data/sample/
"$DURAND" --db "$DB" info
"$DURAND" --db "$DB" summary --by province,year
# Last, the map layers for QGIS: GeoPackage with its styles
# (output/durand.gpkg), and GeoJSON with .qml styles beside (output/geojson/).
"$DURAND" --db "$DB" export --format gpkg --out output --overwrite
"$DURAND" --db "$DB" export --format geojson --out output/geojson --overwrite
