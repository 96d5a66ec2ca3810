# cmake -P: installs the build's runtime into a scratch prefix, moves the prefix (both ways of
# finding it must be relocatable), then builds denoise_one against the moved copy three ways:
# find_package in C and in C++ (consumer/), and the C file with pkg-config's flags alone. Each
# must print the line REFERENCE (the same source built in this tree) prints with `ref`.
#   -DBUILD_DIR= -DCONSUMER_DIR= -DWORK_DIR= -DREFERENCE= -DCC= -DCXX= -DGENERATOR= -DPKG_CONFIG=
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "install test: ${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix
    --component runtime)
file(RENAME ${WORK_DIR}/prefix ${WORK_DIR}/moved)
set(prefix ${WORK_DIR}/moved)
file(GLOB_RECURSE models ${prefix}/*/default.dnz)
if(NOT models)
  message(FATAL_ERROR "install test: no default.dnz under ${prefix}")
endif()
list(GET models 0 model)

run("the reference" ${REFERENCE} ${model} ref)
set(want "${output}")
string(REGEX REPLACE ", backend .*" "" want_hash "${want}")
message(STATUS "reference: ${want}")

run("configuring the consumer" ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/build
    -G ${GENERATOR} -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_C_COMPILER=${CC}
    -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release)
run("building the consumer" ${CMAKE_COMMAND} --build ${WORK_DIR}/build)

file(GLOB_RECURSE pc_files ${prefix}/*/dnz.pc)
list(GET pc_files 0 pc_file)
get_filename_component(pc_dir ${pc_file} DIRECTORY)
set(ENV{PKG_CONFIG_PATH} ${pc_dir})
run("pkg-config" ${PKG_CONFIG} --cflags --libs dnz)
string(STRIP "${output}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run("building with pkg-config's flags" ${CC} -std=c11 -O2 -Wall -Wextra -Wpedantic -Wconversion
    -Werror ${CONSUMER_DIR}/denoise_one.c
    ${flags} -o ${WORK_DIR}/denoise_one_pkgconfig)

foreach(program build/denoise_one_c build/denoise_one_cc denoise_one_pkgconfig)
  foreach(backend auto ref)
    run("${program} ${backend}" ${WORK_DIR}/${program} ${model} ${backend})
    string(REGEX REPLACE ", backend .*" "" got_hash "${output}")
    if(NOT got_hash STREQUAL want_hash)
      message(FATAL_ERROR "install test: ${program} ${backend} printed\n  ${output}"
                          "but the in-tree build prints\n  ${want}")
    endif()
    message(STATUS "${program} ${backend}: ${output}")
  endforeach()
endforeach()
file(REMOVE_RECURSE ${WORK_DIR})
