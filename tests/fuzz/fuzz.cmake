# libFuzzer targets for the parsers of outside input (README "Fuzzing").
# Included by the top CMakeLists.txt with -DDN_BUILD_FUZZERS=ON; needs clang:
#   CC=clang cmake -S . -B build-fuzz -DDN_BUILD_FUZZERS=ON && cmake --build build-fuzz
# scripts/fuzz.sh does that and runs every target.
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "DN_BUILD_FUZZERS needs clang: configure a fresh build dir with CC=clang")
endif()

set(DN_FUZZ_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)

# A separately instrumented copy of the library: coverage for libFuzzer
# (fuzzer-no-link) plus ASan/UBSan, whatever the main build uses.
add_library(durand_fuzz STATIC ${DN_LIB_SOURCES} ${PROJECT_BINARY_DIR}/generated/dn_build_id.h)
target_compile_options(durand_fuzz PRIVATE -fsanitize=fuzzer-no-link ${DN_FUZZ_SANITIZERS})
target_include_directories(durand_fuzz PUBLIC ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/src
  PRIVATE ${PROJECT_BINARY_DIR}/generated)
target_compile_definitions(durand_fuzz PRIVATE
  DN_VERSION_STRING="${PROJECT_VERSION}"
  DN_DEFAULT_GEODATA_DIR="${DN_GEODATA_DIR}")
target_link_libraries(durand_fuzz PUBLIC
  GDAL::GDAL GEOS::geos_c PROJ::proj SQLite::SQLite3 PkgConfig::SPATIALITE PkgConfig::UTF8PROC PkgConfig::JSONC m)

# One target per parser (the table in README "Fuzzing" maps functions to them).
set(DN_FUZZERS fuzz_csv_reader fuzz_parse_date fuzz_parse_count fuzz_text_extract fuzz_name_key fuzz_geocode
    fuzz_filter fuzz_gz_image)
foreach(target ${DN_FUZZERS})
  add_executable(${target} ${PROJECT_SOURCE_DIR}/tests/fuzz/${target}.c)
  target_compile_options(${target} PRIVATE -fsanitize=fuzzer ${DN_FUZZ_SANITIZERS})
  target_link_options(${target} PRIVATE -fsanitize=fuzzer ${DN_FUZZ_SANITIZERS})
  target_link_libraries(${target} PRIVATE durand_fuzz)
  target_compile_definitions(${target} PRIVATE
    DN_FUZZ_GEODATA="${PROJECT_SOURCE_DIR}/geodata"
    DN_FUZZ_MINI_GEODATA="${PROJECT_SOURCE_DIR}/tests/data/mini-geodata")
endforeach()
# the text extractor finds places through the fixture place finder
target_sources(fuzz_text_extract PRIVATE ${PROJECT_SOURCE_DIR}/tests/support/fake_place_finder.c)
target_include_directories(fuzz_text_extract PRIVATE ${PROJECT_SOURCE_DIR}/tests/support)
