#===- AddPhaze.cmake - helpers for phaze's CMake ---------------------------===#
#
# Part of the phaze project, under the Apache License v2.0 with LLVM
# Exceptions.
#
#===----------------------------------------------------------------------===#
#
# Thin wrappers over MLIR's helpers. MLIR libraries are linked through
# mlir_target_link_libraries so that, with MLIR_LINK_MLIR_DYLIB, every phaze
# library and tool uses the one libMLIR.so that Debian's mlir-opt loads.
#
#===----------------------------------------------------------------------===#

# add_phaze_library(name srcs...
#   [DEPENDS targets...] [MLIR_LIBS MLIRFoo...] [LINK_LIBS other...])
function(add_phaze_library name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;MLIR_LIBS;LINK_LIBS" ${ARGN})
  add_mlir_library(${name} ${ARG_UNPARSED_ARGUMENTS}
    DISABLE_INSTALL
    EXCLUDE_FROM_LIBMLIR
    DEPENDS ${ARG_DEPENDS} phaze-headers)
  if(ARG_MLIR_LIBS)
    mlir_target_link_libraries(${name} PUBLIC ${ARG_MLIR_LIBS})
  endif()
  if(ARG_LINK_LIBS)
    target_link_libraries(${name} PUBLIC ${ARG_LINK_LIBS})
  endif()
  phaze_export_library(${name})
endfunction()

# phaze_export_library(name): installs the library and adds it to the
# PhazeTargets export set (find_package(Phaze) in other projects).
function(phaze_export_library name)
  set_property(GLOBAL APPEND PROPERTY PHAZE_EXPORTED_LIBRARIES ${name})
  target_include_directories(${name} INTERFACE
    $<INSTALL_INTERFACE:include>)
endfunction()

# add_phaze_solver_library(name srcs... [LINK_LIBS ...] [PRIVATE_LIBS ...])
# A plain library compiled with exceptions and RTTI, for solver back ends whose
# headers need them. It must expose no solver header in its public interface.
function(add_phaze_solver_library name)
  cmake_parse_arguments(ARG "" "" "LINK_LIBS;PRIVATE_LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_UNPARSED_ARGUMENTS})
  target_compile_options(${name} PRIVATE -fexceptions -frtti)
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  if(ARG_LINK_LIBS)
    target_link_libraries(${name} PUBLIC ${ARG_LINK_LIBS})
  endif()
  if(ARG_PRIVATE_LIBS)
    target_link_libraries(${name} PRIVATE ${ARG_PRIVATE_LIBS})
  endif()
  phaze_export_library(${name})
endfunction()

# add_phaze_doc(td_file output_path command...)
function(add_phaze_doc td_filename output_file)
  set(LLVM_TARGET_DEFINITIONS ${td_filename}.td)
  mlir_tablegen(${td_filename}.md ${ARGN})
  set(GEN_DOC_FILE ${PHAZE_BINARY_DIR}/docs/${output_file}.md)
  add_custom_command(
    OUTPUT ${GEN_DOC_FILE}
    COMMAND ${CMAKE_COMMAND} -E copy
      ${CMAKE_CURRENT_BINARY_DIR}/${td_filename}.md ${GEN_DOC_FILE}
    DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/${td_filename}.md)
  string(REPLACE "/" "_" target_name "${output_file}")
  add_custom_target(phaze-doc-${target_name} DEPENDS ${GEN_DOC_FILE})
  add_dependencies(phaze-doc phaze-doc-${target_name})
endfunction()
