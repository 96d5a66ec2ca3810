# The sources of dnz_demo_core (image decoding, the conversion to a 28x28 digit, PNG encoding),
# one list for the host library (CMakeLists.txt here) and the WebAssembly module (web/).
set(DNZ_DEMO_CORE_SOURCES
  stb_implementation.cc
  image_decode.cc
  header_checks.cc
  working_image.cc
  background_fit.cc
  ink_finder.cc
  mnist_framing.cc
  area_average.cc
  digit_conversion.cc
  frame_mapping.cc
  png_encode.cc)
list(TRANSFORM DNZ_DEMO_CORE_SOURCES PREPEND ${CMAKE_CURRENT_LIST_DIR}/)
