# Benchmark programs (DN_BUILD_BENCH=ON): one add_executable per benchmark,
# linking the durand library. Run them by hand; figures go to README
# "## Performance".
add_executable(bench_query ${PROJECT_SOURCE_DIR}/bench/bench_query.c)
target_include_directories(bench_query PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(bench_query PRIVATE durand)
