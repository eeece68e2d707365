# Installs the SDK from BUILD_DIR into a temporary prefix, then, as a third party would:
#  - builds each example in EXAMPLES_DIR on its own with find_package(NatsSdk 1.0) and
#    checks that lib<example>.so exports nmk_plugin_entry and nothing else;
#  - checks that find_package(NatsSdk 2.0) is refused (other major);
#  - builds the consumer project (an authenticator and a stream store plus the contract
#    suites from the installed Testing component) and runs its tests.
# Run with cmake -DBUILD_DIR=.. -DEXAMPLES_DIR=.. -DWORK_DIR=.. [-DCXX_COMPILER=..] [-DCXX_LAUNCHER=..] -P <this file>
cmake_minimum_required(VERSION 3.25)

foreach(var BUILD_DIR EXAMPLES_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} is not set")
  endif()
endforeach()

set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

set(common_args -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release)
if(CXX_COMPILER)
  list(APPEND common_args -DCMAKE_CXX_COMPILER=${CXX_COMPILER})
endif()
if(CXX_LAUNCHER)
  list(APPEND common_args -DCMAKE_CXX_COMPILER_LAUNCHER=${CXX_LAUNCHER})
endif()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(JOIN " " command ${ARGN})
    message(FATAL_ERROR "failed (${rc}): ${command}\n${out}\n${err}")
  endif()
endfunction()

# 1. Install.
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --component NatsSdk)
foreach(file
    include/nats_sdk/abi.h include/nats_sdk/plugin.hpp include/nats_sdk/testing/fake_host.hpp
    include/nats_sdk/testing/authenticator_contract.hpp include/nats_sdk/testing/service_contract.hpp
    include/nats_sdk/kinds/stream_store_provider.hpp include/nats_sdk/kinds/stream_store_client.hpp
    include/nats_sdk/testing/stream_store_contract.hpp
    share/nats_sdk/examples/auth_example/auth_example.cpp share/nats_sdk/examples/store_example/store_example.cpp)
  if(NOT EXISTS ${prefix}/${file})
    message(FATAL_ERROR "not installed: ${file}")
  endif()
endforeach()
file(GLOB_RECURSE config_file ${prefix}/*/NatsSdkConfig.cmake)
if(NOT config_file)
  message(FATAL_ERROR "no NatsSdkConfig.cmake under ${prefix}")
endif()

# 2. Each example on its own.
find_program(NM nm REQUIRED)
file(GLOB examples LIST_DIRECTORIES true ${EXAMPLES_DIR}/*)
set(built 0)
foreach(dir ${examples})
  if(NOT EXISTS ${dir}/CMakeLists.txt)
    continue()
  endif()
  get_filename_component(name ${dir} NAME)
  set(build ${WORK_DIR}/${name})
  run(${CMAKE_COMMAND} -S ${dir} -B ${build} ${common_args})
  run(${CMAKE_COMMAND} --build ${build} -j2)
  set(library ${build}/lib${name}.so)
  if(NOT EXISTS ${library})
    message(FATAL_ERROR "${name}: ${library} was not built")
  endif()
  execute_process(COMMAND ${NM} -D --defined-only ${library} OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
  string(REGEX MATCHALL "[^\n]+ [TtWwDdBbRrVvu] [^\n]+" exported "${symbols}")
  if(NOT rc EQUAL 0 OR NOT exported MATCHES "nmk_plugin_entry")
    message(FATAL_ERROR "${name}: does not export nmk_plugin_entry:\n${symbols}")
  endif()
  list(LENGTH exported count)
  if(NOT count EQUAL 1)
    message(FATAL_ERROR "${name}: exports more than nmk_plugin_entry:\n${symbols}")
  endif()
  math(EXPR built "${built} + 1")
endforeach()
if(built LESS 3)
  message(FATAL_ERROR "expected at least 3 examples in ${EXAMPLES_DIR}, built ${built}")
endif()

# 3. Another major is refused.
file(WRITE ${WORK_DIR}/wrong_major/CMakeLists.txt
  "cmake_minimum_required(VERSION 3.25)\nproject(wrong_major LANGUAGES CXX)\nfind_package(NatsSdk 2.0 REQUIRED)\n")
execute_process(COMMAND ${CMAKE_COMMAND} -S ${WORK_DIR}/wrong_major -B ${WORK_DIR}/wrong_major/build ${common_args}
  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "NatsSdk")
  message(FATAL_ERROR "find_package(NatsSdk 2.0) was not refused:\n${err}")
endif()

# 4. A third party's plugin with the contract suites, from the installed package.
get_filename_component(here ${CMAKE_CURRENT_LIST_FILE} DIRECTORY)
run(${CMAKE_COMMAND} -S ${here}/consumer -B ${WORK_DIR}/consumer ${common_args})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/consumer -j2)
run(${CMAKE_COMMAND} -E chdir ${WORK_DIR}/consumer ${CMAKE_CTEST_COMMAND} --output-on-failure)

message(STATUS "out-of-tree: installed to ${prefix}, built ${built} examples, consumer contract tests passed")
