# Shared build settings: warnings, sanitizers and the test helper.

add_library(twinloop_warnings INTERFACE)
target_compile_options(twinloop_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                   -Wnon-virtual-dtor -Wold-style-cast)
# GCC 12 reports -Wrestrict for `"literal" + std::string` at -O2 and above, where nothing
# overlaps (GCC bug 105329, fixed in GCC 13).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(twinloop_warnings INTERFACE -Wno-restrict)
endif()
if(TWINLOOP_WERROR)
  target_compile_options(twinloop_warnings INTERFACE -Werror)
endif()
add_library(twinloop::warnings ALIAS twinloop_warnings)

if(TWINLOOP_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  # The sanitizers' instrumentation makes GCC's -Wmaybe-uninitialized report values in
  # Boost.Beast and <regex> that are initialised; the warning stays on in the other builds.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(twinloop_warnings INTERFACE -Wno-maybe-uninitialized)
  endif()
endif()

# twinloop_add_library(name SOURCES ... DEPENDS ...): one library of libs/<name>.
function(twinloop_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPENDS;PRIVATE_DEPENDS" ${ARGN})
  add_library(twinloop_${name} STATIC ${ARG_SOURCES})
  add_library(twinloop::${name} ALIAS twinloop_${name})
  target_include_directories(twinloop_${name}
    PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(twinloop_${name} PUBLIC ${ARG_PUBLIC_DEPENDS}
                                         PRIVATE twinloop::warnings ${ARG_PRIVATE_DEPENDS})
endfunction()

# twinloop_add_test(name SOURCES ... DEPENDS ... [LABELS ...]): a GoogleTest executable
# registered with CTest.
function(twinloop_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPENDS} GTest::gtest GTest::gtest_main
                                        twinloop::warnings)
  gtest_discover_tests(${name} PROPERTIES LABELS "${ARG_LABELS}" DISCOVERY_TIMEOUT 60)
  if("unit" IN_LIST ARG_LABELS)
    add_dependencies(twinloop_unit_tests ${name})
  endif()
endfunction()

# twinloop_embed_files(out.cpp namespace symbol files...): generates a source file that defines
# `symbol()` returning the files' names and contents. Used for SQL migrations and openapi.json.
function(twinloop_embed_files out_cpp namespace symbol)
  set(files ${ARGN})
  string(REPLACE ";" "$<SEMICOLON>" files_arg "${files}")
  add_custom_command(
    OUTPUT ${out_cpp}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cpp} -DNAMESPACE=${namespace} -DSYMBOL=${symbol}
            "-DFILES=${files_arg}" -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
    COMMENT "Embedding ${symbol}"
    VERBATIM)
endfunction()
