// Writes generated C source: byte arrays (64-byte aligned, so that a model file can be
// read in place), numbers and strings, into a file replaced atomically.
#ifndef DNZ_FIRMWARE_DEMO_HOST_C_SOURCE_WRITER_H_
#define DNZ_FIRMWARE_DEMO_HOST_C_SOURCE_WRITER_H_

#include <cstdint>
#include <string>
#include <vector>

namespace dnz::firmware {

class CSourceWriter {
 public:
  explicit CSourceWriter(const std::string& comment);
  void Line(const std::string& text) { text_ += text + "\n"; }
  // `declaration` is what precedes the braces, e.g. "const uint8_t name[16]".
  void Bytes(const std::string& declaration, const uint8_t* bytes, size_t size);
  // A C string literal of `text`, escaped.
  static std::string Quoted(const std::string& text);
  // Writes the text to `path`; false with `error` set on failure.
  bool Write(const std::string& path, std::string* error) const;

 private:
  std::string text_;
};

}  // namespace dnz::firmware

#endif  // DNZ_FIRMWARE_DEMO_HOST_C_SOURCE_WRITER_H_
