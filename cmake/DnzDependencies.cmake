# Finds what the build needs; optional parts turn themselves off with a message.
if(NOT CMAKE_CROSSCOMPILING)
  find_package(FlatBuffers CONFIG REQUIRED)  # Debian: libflatbuffers-dev, flatbuffers-compiler
else()
  # Cross builds (cmake/*.cmake toolchains): the runtime uses FlatBuffers as headers only, and
  # the host's flatc generates them (schema/CMakeLists.txt).
  include(DnzCrossHeaders)
  dnz_cross_header_folder(DNZ_FLATBUFFERS_INCLUDE flatbuffers flatbuffers /usr/include/flatbuffers)
  if(NOT DNZ_FLATBUFFERS_INCLUDE)
    message(FATAL_ERROR "dnz: cross build needs the FlatBuffers headers (libflatbuffers-dev)")
  endif()
  if(NOT CMAKE_SYSTEM_NAME STREQUAL "Generic")
    # Arm Linux builds runtime_demo too: stb and CLI11, header-only.
    dnz_cross_header_folder(stb_folder stb stb /usr/include/stb)
    if(stb_folder)  # the project includes <stb_image.h>: the linked folder itself
      set(DNZ_STB_INCLUDE ${stb_folder}/stb CACHE PATH "stb headers (cross build)" FORCE)
    endif()
    dnz_cross_header_folder(DNZ_CLI11_INCLUDE cli11 CLI /usr/include/CLI)
    if(DNZ_CLI11_INCLUDE)
      dnz_cross_header_package(CLI11 CLI11::CLI11 ${DNZ_CLI11_INCLUDE})
    endif()
  endif()
endif()

# oneDNN (Debian libdnnl-dev; its CMake config also needs ocl-icd-opencl-dev).
set(DNZ_HAVE_ONEDNN OFF)
if(NOT DNZ_WITH_ONEDNN STREQUAL "OFF" AND NOT CMAKE_CROSSCOMPILING)
  if(DNZ_WITH_ONEDNN STREQUAL "ON")
    find_package(dnnl CONFIG REQUIRED)
  else()
    find_package(dnnl CONFIG QUIET)
  endif()
  if(TARGET DNNL::dnnl)
    set(DNZ_HAVE_ONEDNN ON)
  else()
    message(STATUS "dnz: oneDNN not found; onednn backends off")
  endif()
endif()

# CUDA + cuDNN (preinstalled under /usr/local/cuda, not from apt). Only detected today:
# the GPU trainer backend that will use them has its own issue.
set(DNZ_HAVE_CUDA OFF)
if(NOT DNZ_WITH_CUDA STREQUAL "OFF" AND NOT CMAKE_CROSSCOMPILING)
  if(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    find_package(CUDAToolkit QUIET)
    find_path(DNZ_CUDNN_INCLUDE cudnn.h HINTS ${CUDAToolkit_INCLUDE_DIRS} /usr/local/cuda/include)
    find_library(DNZ_CUDNN_LIBRARY cudnn HINTS ${CUDAToolkit_LIBRARY_DIR} /usr/local/cuda/lib64)
    if(CUDAToolkit_FOUND AND DNZ_CUDNN_INCLUDE AND DNZ_CUDNN_LIBRARY)
      set(DNZ_HAVE_CUDA ON)
    endif()
  endif()
  if(DNZ_WITH_CUDA STREQUAL "ON" AND NOT DNZ_HAVE_CUDA)
    message(FATAL_ERROR "dnz: DNZ_WITH_CUDA=ON but CUDA/cuDNN were not found")
  endif()
  message(STATUS "dnz: CUDA/cuDNN found: ${DNZ_HAVE_CUDA} (no GPU trainer backend is built yet)")
endif()

# stb (Debian libstb-dev): header-only use, implementation compiled in our code.
if(NOT CMAKE_CROSSCOMPILING)
  find_path(DNZ_STB_INCLUDE stb_image.h PATHS /usr/include/stb NO_DEFAULT_PATH)
endif()
