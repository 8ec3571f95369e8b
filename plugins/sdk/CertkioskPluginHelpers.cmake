# certkiosk_add_plugin_module(<target> SOURCES <files...> [OUTPUT_NAME <name>])
#
# Builds a nation's native module the way the kiosk expects it: a MODULE
# library named <name>.so (no "lib" prefix), compiled against <certkiosk/plugin.h>
# (target certkiosk::plugin) with hidden visibility, and linked with a version
# script so that only certkiosk_plugin_entry_v1 is exported.
set(_CERTKIOSK_PLUGIN_MAP "${CMAKE_CURRENT_LIST_DIR}/certkiosk-plugin.map")

function(certkiosk_add_plugin_module target)
  cmake_parse_arguments(ARG "" "OUTPUT_NAME" "SOURCES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "certkiosk_add_plugin_module(${target}): no SOURCES given")
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE certkiosk::plugin)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    C_STANDARD 11
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  if(ARG_OUTPUT_NAME)
    set_target_properties(${target} PROPERTIES OUTPUT_NAME ${ARG_OUTPUT_NAME})
  endif()
  target_link_options(${target} PRIVATE "LINKER:--version-script=${_CERTKIOSK_PLUGIN_MAP}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${_CERTKIOSK_PLUGIN_MAP}")
endfunction()
