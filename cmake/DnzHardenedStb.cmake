# stb_image 2.27 (Debian 12's libstb-dev) has memory errors and undefined behaviour on
# corrupt JPEGs that its upstream fixed after that release; the image fuzzer reached one in
# CI: a Huffman table (DHT) whose 16 counts sum past 256 writes past a 257-byte array.
# runtime_demo decodes files users hand it, so its one stb implementation
# (runtime_demo/stb_implementation.cc) compiles a copy of Debian's header with checks of our
# own put in where those errors happen. The copy is written at configure time into the build
# folder; nothing is vendored. Each check names its hazard; the patch refuses to apply to a
# header that is not 2.27 or whose lines moved (then the header is used as it is, with a
# warning: a newer stb has these fixes itself).
#
# Sets DNZ_STB_HARDENED_INCLUDE to the folder holding the patched stb_image.h, or to the
# empty string when the header is used as it is.

function(dnz_stb_patch content anchor replacement expected)
  string(LENGTH "${${content}}" before)
  string(REPLACE "${anchor}" "" without "${${content}}")
  string(LENGTH "${without}" after)
  string(LENGTH "${anchor}" anchor_length)
  math(EXPR found "(${before} - ${after}) / ${anchor_length}")
  if(NOT found EQUAL expected)
    set(DNZ_STB_PATCH_FAILED "'${anchor}' found ${found} times, expected ${expected}" PARENT_SCOPE)
    return()
  endif()
  string(REPLACE "${anchor}" "${replacement}" patched "${${content}}")
  set(${content} "${patched}" PARENT_SCOPE)
endfunction()

set(DNZ_STB_HARDENED_INCLUDE "")
set(dnz_stb_source ${DNZ_STB_INCLUDE}/stb_image.h)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${dnz_stb_source})
file(READ ${dnz_stb_source} dnz_stb)
string(FIND "${dnz_stb}" "stb_image - v2.27 " dnz_stb_is_227)
if(dnz_stb_is_227 EQUAL -1)
  message(STATUS "dnz: stb_image.h is not v2.27; used as it is (no hardening patch)")
  return()
endif()

set(DNZ_STB_PATCH_FAILED "")
set(dnz_check "/* dnz hardening: see cmake/DnzHardenedStb.cmake */")
# 1. A DHT segment's table whose counts sum past 256 overflows the 257-entry size list and
#    the 256 values (the CI fuzz find).
dnz_stb_patch(dnz_stb "L -= 17;"
  "if (n > 256) return stbi__err(\"bad DHT header\",\"Corrupt JPEG\"); ${dnz_check}\n            L -= 17;" 1)
# 2. A code that maps outside the 256 symbols of a malformed table indexes past them.
dnz_stb_patch(dnz_stb
  "   c = ((j->code_buffer >> (32 - k)) & stbi__bmask[k]) + h->delta[k];\n"
  "   c = ((j->code_buffer >> (32 - k)) & stbi__bmask[k]) + h->delta[k];\n   if (c < 0 || c >= 256) return -1; ${dnz_check}\n" 1)
# 3. Bits asked for past the end of the entropy data: stop reading instead of shifting by a
#    negative count.
dnz_stb_patch(dnz_stb "   if (j->code_bits < n) stbi__grow_buffer_unsafe(j);\n"
  "   if (j->code_bits < n) stbi__grow_buffer_unsafe(j);\n   if (j->code_bits < n) return 0; ${dnz_check}\n" 2)
dnz_stb_patch(dnz_stb "   if (j->code_bits < 1) stbi__grow_buffer_unsafe(j);\n"
  "   if (j->code_bits < 1) stbi__grow_buffer_unsafe(j);\n   if (j->code_bits < 1) return 0; ${dnz_check}\n" 1)
# 4. The fast AC path consumes more bits than are buffered: code_bits would go negative.
dnz_stb_patch(dnz_stb "s = r & 15; // combined length"
  "s = r & 15; // combined length\n if (s > j->code_bits) return stbi__err(\"bad huffman code\",\"Corrupt JPEG\"); ${dnz_check}" 2)
# 5. DC prediction and dequantisation overflow int (signed overflow: undefined).
dnz_stb_patch(dnz_stb "dc = j->img_comp[b].dc_pred + diff;"
  "if (!DnzStbSumFitsInt(j->img_comp[b].dc_pred, diff)) return stbi__err(\"bad delta\",\"Corrupt JPEG\"); ${dnz_check}\n dc = j->img_comp[b].dc_pred + diff;" 2)
dnz_stb_patch(dnz_stb "data[0] = (short) (dc * dequant[0]);"
  "if (!DnzStbProductFitsShort(dc, dequant[0])) return stbi__err(\"bad dc\",\"Corrupt JPEG\"); ${dnz_check}\n data[0] = (short) (dc * dequant[0]);" 1)
dnz_stb_patch(dnz_stb "data[0] = (short) (dc * (1 << j->succ_low));"
  "if (!DnzStbProductFitsShort(dc, 1 << j->succ_low)) return stbi__err(\"bad dc\",\"Corrupt JPEG\"); ${dnz_check}\n data[0] = (short) (dc * (1 << j->succ_low));" 1)

if(DNZ_STB_PATCH_FAILED)
  message(WARNING "dnz: stb_image.h v2.27 differs from Debian 12's (${DNZ_STB_PATCH_FAILED}); "
                  "used as it is, without the hardening patch")
  return()
endif()
set(DNZ_STB_HARDENED_INCLUDE ${CMAKE_BINARY_DIR}/stb_hardened)
file(WRITE ${DNZ_STB_HARDENED_INCLUDE}/stb_image.h.new "${dnz_stb}")
file(COPY_FILE ${DNZ_STB_HARDENED_INCLUDE}/stb_image.h.new ${DNZ_STB_HARDENED_INCLUDE}/stb_image.h
     ONLY_IF_DIFFERENT)
file(REMOVE ${DNZ_STB_HARDENED_INCLUDE}/stb_image.h.new)
