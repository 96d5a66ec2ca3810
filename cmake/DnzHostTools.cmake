# Cross builds need a few programs built for the host: firmware_demo/host/make_firmware_data
# (the model array and the expected outputs a firmware image embeds),
# tests/firmware/host/make_firmware_test_data (the on-target tests' fixtures) and an x86 runtime_demo
# (to compare the Arm Linux one against). They come from a host build of this same project
# inside the cross build folder (host-tools/), made with ExternalProject and the host's default
# compiler, so that one `cmake --build` of a cross folder does everything and no other build
# folder is needed. It needs the host packages of scripts/install_deps.sh (oneDNN is left out).
# Only those programs are built (not the Python module, the trainer or the rest of a host
# build: 63 s instead of 106 s on 2 cores for the Arm Linux build's). Two cross builds that
# want the same programs can share one folder: scripts/run_edge_tests.sh points the M7 build
# at the M4 build's (-DDNZ_HOST_TOOLS_DIR), which then builds nothing again.
include(ExternalProject)

set(DNZ_HOST_TOOLS_DIR ${CMAKE_BINARY_DIR}/host-tools CACHE PATH
    "Host build of the programs a cross build runs (another cross build's, to share it)")

# dnz_add_host_tools(WITH_DEMO ON|OFF): defines target dnz_host_tools. WITH_DEMO also builds
# runtime_demo (it needs CLI11 and stb on the host).
function(dnz_add_host_tools)
  cmake_parse_arguments(arg "" "WITH_DEMO" "" ${ARGN})
  set(byproducts ${DNZ_HOST_TOOLS_DIR}/firmware_demo/host/make_firmware_data
                 ${DNZ_HOST_TOOLS_DIR}/tests/firmware/host/make_firmware_test_data)
  set(targets make_firmware_data make_firmware_test_data)
  if(arg_WITH_DEMO)
    list(APPEND byproducts ${DNZ_HOST_TOOLS_DIR}/runtime_demo/runtime_demo)
    list(APPEND targets runtime_demo)
  endif()
  if(CMAKE_GENERATOR MATCHES "Makefiles")
    set(build "$(MAKE)" ${targets})  # shares the outer make's jobs (-j), as tests/web does
  else()
    set(build ${CMAKE_COMMAND} --build <BINARY_DIR> --target ${targets})
  endif()
  ExternalProject_Add(dnz_host_tools
    SOURCE_DIR ${PROJECT_SOURCE_DIR}
    BINARY_DIR ${DNZ_HOST_TOOLS_DIR}
    CMAKE_ARGS -DCMAKE_BUILD_TYPE=Release -DDNZ_WERROR=${DNZ_WERROR}
               -DDNZ_BUILD_HOST_TOOLS=${arg_WITH_DEMO} -DDNZ_BUILD_TRAINER=OFF -DDNZ_PYTHON=OFF
               -DDNZ_BUILD_TESTS=OFF -DDNZ_BUILD_BENCH=OFF -DDNZ_WITH_ONEDNN=OFF
               -DDNZ_WITH_CUDA=OFF
    BUILD_COMMAND ${build}
    INSTALL_COMMAND ""
    BUILD_ALWAYS ON  # follows edits of the sources (its own make decides what to rebuild)
    BUILD_BYPRODUCTS ${byproducts})
endfunction()
