// The one translation unit that compiles stb's image reader, writer and resizer.
// Only the formats we document are compiled in, and stb itself refuses any side over
// kMaxImageSide, a second line of defence behind the header check in image_decode.cc.
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <cstring>

#include "image_decode.h"

// stb_image calls memcpy(NULL, data, 0) for a PNG whose first IDAT chunk is empty (it
// allocates its buffer at the first non-empty one): undefined behaviour, found by the image
// fuzzer (tests/fuzz/corpus/image/regression_empty_first_idat.png). Every memcpy of the stb
// code in this file goes through this instead, which skips empty copies. <string.h> is
// included above, so the macro does not touch its declaration.
static void* StbMemcpy(void* to, const void* from, size_t bytes) {
  return bytes == 0 ? to : std::memcpy(to, from, bytes);
}
#define memcpy StbMemcpy

// stb_image 2.27 is compiled from a copy with checks added (cmake/DnzHardenedStb.cmake);
// these two are what the added checks call. Signed overflow is undefined, so both compute
// in a wider type.
static inline bool DnzStbSumFitsInt(int a, int b) {
  const long long sum = (long long)a + b;
  return sum >= INT_MIN && sum <= INT_MAX;
}
static inline bool DnzStbProductFitsShort(int a, int b) {
  const long long product = (long long)a * b;
  return product >= SHRT_MIN && product <= SHRT_MAX;
}

// Every block stb allocates starts zeroed: its JPEG decoder reads fields of its state that
// a corrupt file never set (fixed upstream after 2.27 the same way).
#define STBI_MALLOC(size) calloc(1, size)
#define STBI_REALLOC(pointer, size) realloc(pointer, size)
#define STBI_FREE(pointer) free(pointer)

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_BMP
#define STBI_ONLY_PNM
#define STBI_MAX_DIMENSIONS 8192
#include "stb_image.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include "stb_image_write.h"

#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include "stb_image_resize.h"

#undef memcpy

static_assert(dnz::demo::kMaxImageSide == STBI_MAX_DIMENSIONS, "keep the two limits equal");
