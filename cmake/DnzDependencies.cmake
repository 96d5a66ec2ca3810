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
  if(NOT CMAKE_SYSTEM_NAME STREQUAL "Generic" OR DNZ_WASM)
    # Arm Linux builds runtime_demo too, WebAssembly its image conversion: stb (and CLI11),
    # header-only.
    dnz_cross_header_folder(stb_folder stb stb /usr/include/stb)
    if(stb_folder)  # the project includes <stb_image.h>: the linked folder itself
      set(DNZ_STB_INCLUDE ${stb_folder}/stb CACHE PATH "stb headers (cross build)" FORCE)
    endif()
  endif()
  if(NOT CMAKE_SYSTEM_NAME STREQUAL "Generic")
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
  # The onednn backends use oneDNN 2's API (operation descriptors, output scales), which
  # oneDNN 3 removed (Ubuntu 24.04, and so Colab, ships 3.1); 2.6 is the version tested.
  set(_dnz_onednn_versions "2.6 or a later 2.x")
  if(TARGET DNNL::dnnl AND (dnnl_VERSION VERSION_LESS 2.6 OR dnnl_VERSION VERSION_GREATER_EQUAL 3))
    if(DNZ_WITH_ONEDNN STREQUAL "ON")
      message(FATAL_ERROR "dnz: oneDNN ${dnnl_VERSION} found in ${dnnl_DIR}; the onednn backends "
                          "need ${_dnz_onednn_versions} (or -DDNZ_WITH_ONEDNN=OFF)")
    endif()
    message(STATUS "dnz: oneDNN ${dnnl_VERSION} found, but the onednn backends need "
                   "${_dnz_onednn_versions}; onednn backends off")
  elseif(TARGET DNNL::dnnl)
    set(DNZ_HAVE_ONEDNN ON)
  else()
    message(STATUS "dnz: oneDNN not found; onednn backends off")
  endif()
endif()

# CUDA + cuDNN for the GPU trainer (host_train/cuda/). Preinstalled under /usr/local/cuda
# on our machines (not from apt); nvcc is not on a non-login PATH, so look there too.
# cuDNN: headers and libcudnn.so(.9) under the toolkit, or under CUDNN_ROOT (e.g. the
# nvidia-cudnn Python wheel's folder on Colab, which ships only libcudnn.so.9).
set(DNZ_HAVE_CUDA OFF)
if(NOT DNZ_WITH_CUDA STREQUAL "OFF" AND NOT CMAKE_CROSSCOMPILING)
  if(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES 75 90)  # T4 (Colab), H100/H200
    endif()
    enable_language(CUDA)
    find_package(CUDAToolkit QUIET)
    set(_dnz_cudnn_hints ${CUDNN_ROOT} $ENV{CUDNN_ROOT} ${CUDAToolkit_LIBRARY_ROOT} /usr/local/cuda)
    find_path(DNZ_CUDNN_INCLUDE cudnn.h HINTS ${_dnz_cudnn_hints} ${CUDAToolkit_INCLUDE_DIRS}
              PATH_SUFFIXES include)
    find_library(DNZ_CUDNN_LIBRARY NAMES cudnn libcudnn.so.9 HINTS ${_dnz_cudnn_hints}
                 ${CUDAToolkit_LIBRARY_DIR} PATH_SUFFIXES lib64 lib)
    if(CUDAToolkit_FOUND AND DNZ_CUDNN_INCLUDE AND DNZ_CUDNN_LIBRARY)
      set(DNZ_HAVE_CUDA ON)
      # Headers only: the trainer loads the library at run time (host_train/cuda/cudnn_library.h),
      # trying DNZ_CUDNN_LIBRARY last.
      add_library(dnz_cudnn INTERFACE)
      target_include_directories(dnz_cudnn INTERFACE "${DNZ_CUDNN_INCLUDE}")
    endif()
  endif()
  if(DNZ_WITH_CUDA STREQUAL "ON" AND NOT DNZ_HAVE_CUDA)
    message(FATAL_ERROR "dnz: DNZ_WITH_CUDA=ON but nvcc (${CMAKE_CUDA_COMPILER}) or cuDNN "
                        "(${DNZ_CUDNN_INCLUDE}, ${DNZ_CUDNN_LIBRARY}) was not found; set "
                        "CMAKE_CUDA_COMPILER or CUDNN_ROOT")
  endif()
  message(STATUS "dnz: CUDA/cuDNN for the GPU trainer: ${DNZ_HAVE_CUDA} "
                 "(architectures ${CMAKE_CUDA_ARCHITECTURES})")
endif()

# stb (Debian libstb-dev): header-only use, implementation compiled in our code.
if(NOT CMAKE_CROSSCOMPILING)
  find_path(DNZ_STB_INCLUDE stb_image.h PATHS /usr/include/stb NO_DEFAULT_PATH)
endif()
