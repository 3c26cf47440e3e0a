#!/usr/bin/env bash
# Build durand with ThreadSanitizer into build-tsan/ and run the tests whose
# durand processes run more than one thread: the ingest's writer thread
# (src/ingest/writer_thread.c) and the WAL checkpointer
# (src/store/checkpointer.c). A data race or lock-order problem in durand's
# code fails the run (tests/tsan.supp names the libraries left out).
# test_crash_consistency is left out: it kills the same ingest 20 times and
# took 6.4 minutes under TSan; test_ingest_bulk and test_concurrent_read run
# the same threads.
#   scripts/tsan.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-tsan -DDN_WERROR=ON -DDN_BUILD_BENCH=OFF -DDN_MIMALLOC=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" >/dev/null
cmake --build build-tsan -j2
TSAN_OPTIONS="halt_on_error=1 exitcode=66 report_signal_unsafe=0 suppressions=$PWD/tests/tsan.supp" \
  ctest --test-dir build-tsan --output-on-failure -j2 \
  -R '^(unit\.store|unit\.ingest|e2e\.test_ingest_writer_thread|e2e\.test_ingest_bulk|e2e\.test_concurrent_read|e2e\.test_ingest)$'
