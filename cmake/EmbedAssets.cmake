# Turns web/static/* and schema.sql into one generated .cpp holding their bytes,
# content type and SHA-256 (the strong ETag). server/web/assets.h is the
# hand-written interface over it and never changes shape.

set(AIGEN_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/EmbedAssetsRun.cmake)

function(aigen_embed_assets target)
  cmake_parse_arguments(ARG "" "STATIC_DIR;SCHEMA;OUTPUT" "" ${ARGN})
  file(GLOB_RECURSE files CONFIGURE_DEPENDS ${ARG_STATIC_DIR}/*)
  add_custom_command(
    OUTPUT ${ARG_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DSTATIC_DIR=${ARG_STATIC_DIR} -DSCHEMA=${ARG_SCHEMA}
            -DOUTPUT=${ARG_OUTPUT} -P ${AIGEN_EMBED_SCRIPT}
    DEPENDS ${files} ${ARG_SCHEMA} ${AIGEN_EMBED_SCRIPT}
    COMMENT "Embedding web/static and schema.sql"
    VERBATIM)
  add_custom_target(${target} DEPENDS ${ARG_OUTPUT})
endfunction()
