# Benchmark programs (DN_BUILD_BENCH=ON): one add_executable per benchmark, linking durand.
add_executable(bench_border bench/bench_border.c)
target_include_directories(bench_border PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(bench_border PRIVATE durand)
