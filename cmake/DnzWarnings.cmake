# Warning flags for all of our targets: dnz_set_warnings(target)
function(dnz_set_warnings target)
  # nvcc gets the host compiler's warnings through -Xcompiler, without -Wpedantic (its
  # generated host code is not pedantic-clean) and -Wconversion (nor is its headers').
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:C,CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion>
    $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall,-Wextra>)
  if(DNZ_WERROR)
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:C,CXX>:-Werror>
                                             $<$<COMPILE_LANGUAGE:CUDA>:-Werror=all-warnings -Xcompiler=-Werror>)
  endif()
endfunction()

string(TOLOWER "${DNZ_SANITIZE}" DNZ_SANITIZE_KIND)
if(DNZ_SANITIZE_KIND STREQUAL "thread")
  # ThreadSanitizer: C and C++ only, and no CUDA (nvcc's code would go uninstrumented). -g1:
  # function names and lines in the race reports. libgomp (oneDNN's and our OpenMP) is not
  # instrumented: tests/tsan/ says what the test programs do about it.
  string(TOUPPER "${DNZ_WITH_CUDA}" _dnz_cuda_asked)
  if(_dnz_cuda_asked STREQUAL "ON")
    message(FATAL_ERROR "dnz: DNZ_SANITIZE=thread goes with -DDNZ_WITH_CUDA=OFF")
  endif()
  set(DNZ_WITH_CUDA OFF)  # AUTO: off (this variable hides the cache entry)
  if(DNZ_FUZZ)
    message(FATAL_ERROR "dnz: DNZ_FUZZ builds with ASan; it does not go with DNZ_SANITIZE=thread")
  endif()
  add_compile_options($<$<COMPILE_LANGUAGE:C,CXX>:-fsanitize=thread>
                      $<$<COMPILE_LANGUAGE:C,CXX>:-fno-omit-frame-pointer>
                      $<$<COMPILE_LANGUAGE:C,CXX>:-g1>)
  add_link_options(-fsanitize=thread)
elseif(DNZ_SANITIZE)
  # C and C++ only: nvcc does not take these (kernels.cu's host code goes uninstrumented).
  add_compile_options($<$<COMPILE_LANGUAGE:C,CXX>:-fsanitize=address,undefined>
                      $<$<COMPILE_LANGUAGE:C,CXX>:-fno-sanitize-recover=all>
                      $<$<COMPILE_LANGUAGE:C,CXX>:-fno-omit-frame-pointer>)
  add_link_options(-fsanitize=address,undefined)
endif()

if(DNZ_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "dnz: DNZ_FUZZ needs clang (CC=clang CXX=clang++)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer -g
                      -Wno-pass-failed)  # instrumented loops do not vectorize: expected
  add_link_options(-fsanitize=address,undefined)
endif()
