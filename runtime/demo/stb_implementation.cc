// The one translation unit that compiles stb's image reader, writer and resizer.
// Only the formats we document are compiled in, and stb itself refuses any side over
// kMaxImageSide, a second line of defence behind the header check in image_decode.cc.
#include "image_decode.h"

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

static_assert(dnz::demo::kMaxImageSide == STBI_MAX_DIMENSIONS, "keep the two limits equal");
