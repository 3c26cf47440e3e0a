#!/usr/bin/env bash
# Build the libFuzzer targets with clang into build-fuzz/ and run each for
# SECONDS (default 45: eight targets stay within CI's ~6 minutes of fuzzing).
# New corpus entries go to build-fuzz/corpus/<target>/ (the committed seeds
# in tests/fuzz/corpus/ are only read); a crash leaves
# build-fuzz/artifacts/<target>-crash-* and makes the script fail.
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-45}"
targets=(fuzz_csv_reader fuzz_parse_date fuzz_parse_count fuzz_text_extract fuzz_name_key fuzz_geocode fuzz_filter
  fuzz_gz_image)

CC=clang cmake -S . -B build-fuzz -DDN_BUILD_FUZZERS=ON -DDN_BUILD_TESTS=OFF -DDN_BUILD_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j2 --target "${targets[@]}"

mkdir -p build-fuzz/artifacts
status=0
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t"
  echo "fuzz.sh: running $t for ${seconds}s" >&2
  if ! ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "build-fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$t-" \
      "build-fuzz/corpus/$t" "tests/fuzz/corpus/$t" 2> "build-fuzz/$t.log"; then
    echo "fuzz.sh: $t FAILED (see build-fuzz/$t.log and build-fuzz/artifacts/)" >&2
    tail -40 "build-fuzz/$t.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "build-fuzz/$t.log" | tail -2 >&2 || true
  fi
done
exit $status
