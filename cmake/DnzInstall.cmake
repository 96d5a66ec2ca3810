# `cmake --install`: what a user's own project needs to link the runtime, found either way a
# C or C++ project looks for a library:
#   find_package(dnz CONFIG)  ->  target dnz::runtime (lib/cmake/dnz/)
#   pkg-config dnz            ->  flags for a Makefile (lib/pkgconfig/dnz.pc, relocatable)
# plus runtime_demo and host_train in bin/ (when built) and the shipped model in share/dnz/.
# tests/install builds a consumer against an installed copy, so none of this can rot.
include(CMakePackageConfigHelpers)  # GNUInstallDirs: included at the top (CMakeLists.txt)

set(DNZ_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/dnz)
install(TARGETS dnz_runtime EXPORT dnzTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/runtime/include/dnz
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT runtime)
install(FILES ${PROJECT_SOURCE_DIR}/models/default.dnz
        DESTINATION ${CMAKE_INSTALL_DATADIR}/dnz OPTIONAL COMPONENT runtime)
install(EXPORT dnzTargets NAMESPACE dnz:: DESTINATION ${DNZ_CMAKE_DIR} COMPONENT runtime)

# The config finds what the static library links against: oneDNN and OpenMP when the onednn
# backend is in it.
set(DNZ_INSTALLED_WITH_ONEDNN ${DNZ_HAVE_ONEDNN})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/dnzConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/dnzConfig.cmake
                              INSTALL_DESTINATION ${DNZ_CMAKE_DIR}
                              PATH_VARS CMAKE_INSTALL_DATADIR)
# 0.x: a minor version may change the API (SameMinorVersion).
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/dnzConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/dnzConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/dnzConfigVersion.cmake
        DESTINATION ${DNZ_CMAKE_DIR} COMPONENT runtime)

# pkg-config: paths relative to the .pc file, so the prefix can move after installing.
set(DNZ_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
file(RELATIVE_PATH DNZ_PC_TO_PREFIX /root/${DNZ_PC_DIR} /root)
string(REGEX REPLACE "/$" "" DNZ_PC_TO_PREFIX "${DNZ_PC_TO_PREFIX}")
set(DNZ_PC_LIBS "-ldnz_runtime")
if(DNZ_HAVE_ONEDNN)
  string(APPEND DNZ_PC_LIBS " -ldnnl -fopenmp")
endif()
string(APPEND DNZ_PC_LIBS " -lstdc++ -lm")  # the runtime is C++: a C program links these too
configure_file(${CMAKE_CURRENT_LIST_DIR}/dnz.pc.in ${CMAKE_CURRENT_BINARY_DIR}/dnz.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/dnz.pc DESTINATION ${DNZ_PC_DIR} COMPONENT runtime)

foreach(tool runtime_demo host_train)
  if(TARGET ${tool})
    install(TARGETS ${tool} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tools)
  endif()
endforeach()
