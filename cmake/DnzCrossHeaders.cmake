# Header-only Debian packages for a cross compiler. Their headers live in /usr/include, which a
# cross compiler must never search (it would find the host's glibc headers before its own), so
# each package gets a folder in the build tree holding one link to just its headers.

# Sets <out_var> to ${CMAKE_BINARY_DIR}/cross-headers/<package>, which holds <link_name> -> <path>.
function(dnz_cross_header_folder out_var package link_name path)
  if(NOT EXISTS ${path})
    set(${out_var} "" PARENT_SCOPE)
    return()
  endif()
  set(folder ${CMAKE_BINARY_DIR}/cross-headers/${package})
  file(MAKE_DIRECTORY ${folder})
  file(CREATE_LINK ${path} ${folder}/${link_name} SYMBOLIC)
  set(${out_var} ${folder} PARENT_SCOPE)
endfunction()

# A CMake package config for a header-only package (a target with only an include folder), so
# that find_package(<package> CONFIG) in the project's own CMakeLists works unchanged.
function(dnz_cross_header_package package target include_folder)
  set(dir ${CMAKE_BINARY_DIR}/cross-packages/${package})
  file(WRITE ${dir}/${package}Config.cmake
       "if(NOT TARGET ${target})\n"
       "  add_library(${target} INTERFACE IMPORTED)\n"
       "  set_target_properties(${target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES\n"
       "                        ${include_folder})\n"
       "endif()\n")
  set(${package}_DIR ${dir} CACHE PATH "cross build: header-only ${package}" FORCE)
endfunction()
