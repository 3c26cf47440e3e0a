# libFuzzer target for the text module (cleaner and extractor). Included from
# the top CMakeLists.txt when DN_BUILD_FUZZERS=ON; configure with CC=clang.
#   cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DDN_BUILD_FUZZERS=ON -DDN_BUILD_TESTS=OFF
#   cmake --build build-fuzz --target fuzz_text_extract
#   build-fuzz/fuzz_text_extract -max_total_time=60 tests/fuzz/corpus/fuzz_text_extract
target_compile_options(durand PRIVATE -fsanitize=fuzzer-no-link,address,undefined)
add_executable(fuzz_text_extract tests/fuzz/fuzz_text_extract.c tests/support/fake_place_finder.c)
target_include_directories(fuzz_text_extract PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests/support)
target_compile_definitions(fuzz_text_extract PRIVATE DN_FUZZ_GEODATA="${PROJECT_SOURCE_DIR}/geodata")
target_compile_options(fuzz_text_extract PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_options(fuzz_text_extract PRIVATE -fsanitize=fuzzer,address,undefined)
target_link_libraries(fuzz_text_extract PRIVATE durand)
