# Benchmark programs (DN_BUILD_BENCH=ON): one executable per benchmark,
# linking the durand library. Run them by hand; README "## Performance"
# gives the commands and the figures measured.
add_executable(bench_geocode ${CMAKE_CURRENT_LIST_DIR}/bench_geocode.c)
target_include_directories(bench_geocode PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(bench_geocode PRIVATE durand)
