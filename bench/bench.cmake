# Benchmark programs (DN_BUILD_BENCH): one executable each, linking durand.
add_executable(bench_export ${PROJECT_SOURCE_DIR}/bench/bench_export.c)
target_include_directories(bench_export PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(bench_export PRIVATE durand)
set_target_properties(bench_export PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bench)
