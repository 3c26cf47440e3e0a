# Benchmark programs (DN_BUILD_BENCH): one executable each, linking durand.
add_executable(gen_acled ${PROJECT_SOURCE_DIR}/bench/gen_acled.c)
set_target_properties(gen_acled PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bench)
add_executable(bench_csv ${PROJECT_SOURCE_DIR}/bench/bench_csv.c)
target_include_directories(bench_csv PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(bench_csv PRIVATE durand)
set_target_properties(bench_csv PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bench)
