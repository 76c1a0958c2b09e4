set(SECKILL_WARNINGS -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
    -Wsuggest-override -Wno-missing-field-initializers)
option(SECKILL_WERROR "Treat warnings as errors" OFF)
if(SECKILL_WERROR)
  list(APPEND SECKILL_WARNINGS -Werror)
endif()

# seckill_library(NAME SOURCES ... DEPS ...): a static library target seckill_NAME, alias
# seckill::NAME, includes rooted at the repository top.
function(seckill_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(seckill_${name} STATIC ${ARG_SOURCES})
  add_library(seckill::${name} ALIAS seckill_${name})
  target_include_directories(seckill_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_compile_options(seckill_${name} PRIVATE ${SECKILL_WARNINGS})
  target_link_libraries(seckill_${name} PUBLIC ${ARG_DEPS})
endfunction()

# seckill_test(NAME LABEL SOURCES ... DEPS ...): a GoogleTest binary registered with CTest
# under LABEL (unit, integration or e2e).
function(seckill_test name label)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${SECKILL_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS ${label})
  if(NOT label STREQUAL "unit")
    # Integration and e2e tests share one running stack: never run them in parallel.
    set_tests_properties(${name} PROPERTIES RESOURCE_LOCK stack TIMEOUT 900)
  endif()
endfunction()
