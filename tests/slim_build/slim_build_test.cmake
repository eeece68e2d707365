cmake_minimum_required(VERSION 3.25)
# cmake -DSOURCE_DIR=... -DSCRATCH_DIR=... -DGENERATOR=... -P slim_build_test.cmake
#
# For each selection: configure, then ask the generated build system which
# plugin targets exist. Fails with a message naming the selection that went wrong.

set(auth_plugins auth_token auth_users auth_nkey auth_jwt)

# configure(<selection> <result-var> <output-var>)
function(configure selection result_var output_var)
  string(MAKE_C_IDENTIFIER "${selection}" dir_name)
  set(dir "${SCRATCH_DIR}/${dir_name}")
  file(REMOVE_RECURSE "${dir}")
  execute_process(
    COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${dir}" -G "${GENERATOR}"
            -DNMK_BUILD_TESTS=OFF "-DNMK_PLUGINS=${selection}"
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(${result_var} ${result} PARENT_SCOPE)
  set(${output_var} "${out}${err}" PARENT_SCOPE)
  set(last_dir "${dir}" PARENT_SCOPE)
endfunction()

# The plugin targets a configured tree would build (the "Plugins:" status line).
function(built_plugins output result_var)
  string(REGEX MATCH "-- Plugins: ([^\n]*)" line "${output}")
  set(${result_var} "${CMAKE_MATCH_1}" PARENT_SCOPE)
endfunction()

function(expect_plugins selection expected)
  configure("${selection}" result output)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "NMK_PLUGINS=${selection}: configure failed:\n${output}")
  endif()
  built_plugins("${output}" got)
  # Only the plugins whose sources exist can be built; compare against those.
  set(want)
  foreach(name ${expected})
    if(EXISTS "${SOURCE_DIR}/plugins/${name}/CMakeLists.txt")
      list(APPEND want ${name})
    endif()
  endforeach()
  if(NOT "${got}" STREQUAL "${want}")
    message(FATAL_ERROR "NMK_PLUGINS=${selection}: builds [${got}], expected [${want}]")
  endif()
  # The kernel is in every build.
  execute_process(COMMAND ${CMAKE_COMMAND} --build "${last_dir}" --target help
                  OUTPUT_VARIABLE targets RESULT_VARIABLE r)
  if(NOT r EQUAL 0 OR NOT targets MATCHES "nats-server")
    message(FATAL_ERROR "NMK_PLUGINS=${selection}: no nats-server target")
  endif()
  foreach(name ${auth_plugins} monitoring)
    string(REGEX MATCH "\\.\\.\\. ${name}\n" listed "${targets}")
    if(listed AND NOT name IN_LIST want)
      message(FATAL_ERROR "NMK_PLUGINS=${selection}: target ${name} exists but was not chosen")
    endif()
  endforeach()
  message(STATUS "NMK_PLUGINS=${selection}: [${got}]")
endfunction()

expect_plugins("none" "")
expect_plugins("edge" "auth_token;auth_users;auth_nkey;auth_jwt;monitoring;system_account")
expect_plugins("auth_users" "auth_users")
expect_plugins("auth_users;monitoring" "auth_users;monitoring")

# A typo must not silently drop a plugin.
configure("auth_usres" result output)
if(result EQUAL 0)
  message(FATAL_ERROR "NMK_PLUGINS=auth_usres: configure succeeded, expected an error")
endif()
if(NOT output MATCHES "NMK_PLUGINS: unknown plugin \"auth_usres\"")
  message(FATAL_ERROR "NMK_PLUGINS=auth_usres: error does not name the plugin:\n${output}")
endif()
file(REMOVE_RECURSE "${SCRATCH_DIR}")
