# nats_sdk_add_plugin(<target> <source>...)
#
# Builds a plugin: a MODULE library lib<target>.so, C++20, linked with NatsSdk::sdk,
# hidden visibility, and a linker version script so the only exported symbol is
# nmk_plugin_entry (nothing of the plugin's, of the SDK's or of a static library it
# links can clash with the kernel or with another plugin).
include_guard(GLOBAL)

function(nats_sdk_add_plugin target)
  if(NOT ARGN)
    message(FATAL_ERROR "nats_sdk_add_plugin(${target}): give at least one source file")
  endif()
  set(exports_map "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/plugin_exports.map")
  add_library(${target} MODULE ${ARGN})
  target_link_libraries(${target} PRIVATE NatsSdk::sdk)
  target_compile_features(${target} PRIVATE cxx_std_20)
  set_target_properties(${target} PROPERTIES
    CXX_EXTENSIONS OFF
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON
    LINK_DEPENDS "${exports_map}")
  if(NOT APPLE AND NOT WIN32)
    target_link_options(${target} PRIVATE "LINKER:--version-script=${exports_map}")
  endif()
endfunction()
