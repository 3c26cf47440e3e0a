# Benchmark programs (DN_BUILD_BENCH=ON). Numbers and commands: README "## Performance".
add_executable(gen_acled ${PROJECT_SOURCE_DIR}/bench/gen_acled.c)
add_executable(bench_csv ${PROJECT_SOURCE_DIR}/bench/bench_csv.c)
target_include_directories(bench_csv PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(bench_csv PRIVATE durand)
