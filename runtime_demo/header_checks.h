// What stb_image 2.27 leaves unchecked in image headers, checked before it decodes:
//   - a PGM/PPM header number too large for an int (stb overflows it: undefined
//     behaviour);
//   - PGM/PPM pixel data shorter than the header says (stb hands back the pixel buffer
//     uninitialised);
//   - uncompressed BMP pixel data shorter than the header says (stb reads zeros past the
//     end, so 54 bytes decode as a black 8192 x 8192 picture, 2 s and 470 MB of work);
//   - a PNG chunk longer than the rest of the file (stb would first grow its buffer to the
//     claimed length, up to 2 GB).
// (Memory errors inside stb's JPEG decoder are patched in its copy instead:
// cmake/DnzHardenedStb.cmake.)
// The first three were found by the image fuzzer, the PNG one in upstream's later fixes.
// Each returns "" when there is nothing to refuse, else the
// reason as a phrase without the file's name.
#ifndef DNZ_RUNTIME_DEMO_HEADER_CHECKS_H_
#define DNZ_RUNTIME_DEMO_HEADER_CHECKS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace dnz::demo {

// Safe to call on any bytes; run before stb parses the header.
std::string HeaderNumberProblem(const std::vector<uint8_t>& bytes);

// Run after the size limits: the pixel data must all be in the file.
std::string TruncationProblem(const std::vector<uint8_t>& bytes);

}  // namespace dnz::demo

#endif  // DNZ_RUNTIME_DEMO_HEADER_CHECKS_H_
