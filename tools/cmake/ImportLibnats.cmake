# The official C client (libnats, Debian libnats-dev) as the imported target cnats::nats.
#
# Debian's cnats package config also declares cnats::nats_static and aborts the
# configure because libnats_static.a is not shipped, so find_package(cnats)
# cannot be used as is. This imports the shared library under the same target
# name, GLOBAL so every directory of the build sees the one definition; and
# the shared owning handles (tools/libnats/handles.hpp) with it.
# Include it from any CMakeLists.txt that links cnats::nats.
include_guard(GLOBAL)

if(NOT TARGET cnats::nats)
  find_library(NMK_LIBNATS NAMES nats REQUIRED)
  find_path(NMK_LIBNATS_INCLUDE nats/nats.h REQUIRED)
  add_library(cnats::nats SHARED IMPORTED GLOBAL)
  set_target_properties(cnats::nats PROPERTIES
    IMPORTED_LOCATION ${NMK_LIBNATS}
    INTERFACE_INCLUDE_DIRECTORIES "${NMK_LIBNATS_INCLUDE};${CMAKE_CURRENT_LIST_DIR}/../..")
endif()
