# Benchmark programs (DN_BUILD_BENCH=ON): one add_executable per benchmark, linking durand.
add_executable(bench_text bench/bench_text.c tests/support/fake_place_finder.c)
target_include_directories(bench_text PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests/support)
target_compile_definitions(bench_text PRIVATE DN_BENCH_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_link_libraries(bench_text PRIVATE durand)
add_executable(bench_query bench/bench_query.c)
target_include_directories(bench_query PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(bench_query PRIVATE durand)
