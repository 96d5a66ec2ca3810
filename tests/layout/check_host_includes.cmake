# The other half of the dependency rule (docs/architecture.md): host code (host_lib/,
# host_train/, runtime_demo/, bench/, python/, web/) never reaches into runtime/src. What it must
# share with the runtime bit for bit is in runtime/internal/dnz_internal/, included by that
# path; the rest of the runtime is its public API (runtime/include/dnz/). A quoted include that
# names a file of runtime/src fails, whatever folder it would resolve from.
#   cmake -DROOT=<repository> -P check_host_includes.cmake
set(folders host_lib host_train runtime_demo bench python web)
set(sources "")
foreach(folder ${folders})
  file(GLOB_RECURSE found ${ROOT}/${folder}/*.h ${ROOT}/${folder}/*.cc ${ROOT}/${folder}/*.cu
       ${ROOT}/${folder}/*.hpp)
  list(APPEND sources ${found})
endforeach()
set(violations "")
set(checked 0)
foreach(source ${sources})
  file(STRINGS ${source} lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
  foreach(line ${lines})
    math(EXPR checked "${checked} + 1")
    if(line MATCHES "#[ \t]*include[ \t]*\"([^\"]+)\"")
      set(name ${CMAKE_MATCH_1})
      if(name MATCHES "runtime/src/" OR EXISTS ${ROOT}/runtime/src/${name})
        list(APPEND violations "${source}: #include \"${name}\" reaches into runtime/src")
      endif()
    endif()
  endforeach()
endforeach()
list(LENGTH sources file_count)
include(${CMAKE_CURRENT_LIST_DIR}/include_report.cmake)
dnz_report_includes(host 50 ${file_count} ${checked} violations
                    "host code includes runtime internals" "none from runtime/src")
