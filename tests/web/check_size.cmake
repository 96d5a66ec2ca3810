# Fails when any of FILES is larger than LIMIT bytes (the page's modules: docs/web.md, "Size").
#   cmake "-DFILES=dnz_web.wasm;dnz_web_portable.wasm" -DLIMIT=150000 -P check_size.cmake
foreach(file IN LISTS FILES)
  file(SIZE ${file} size)
  if(size GREATER LIMIT)
    message(FATAL_ERROR "${file}: ${size} bytes, over the limit of ${LIMIT}")
  endif()
  message(STATUS "${file}: ${size} bytes (limit ${LIMIT})")
endforeach()
