# Fails when FILE is larger than LIMIT bytes (the page's module: docs/web.md, "Size").
#   cmake -DFILE=dnz_web.wasm -DLIMIT=150000 -P check_size.cmake
file(SIZE ${FILE} size)
if(size GREATER LIMIT)
  message(FATAL_ERROR "${FILE}: ${size} bytes, over the limit of ${LIMIT}")
endif()
message(STATUS "${FILE}: ${size} bytes (limit ${LIMIT})")
