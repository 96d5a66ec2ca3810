// The one way host tools write files (models, checkpoints, logs' pictures, demo
// outputs): so that a reader never sees a partial one. Each file is written to a
// hidden temporary in its own folder, flushed to disk, then renamed over the final
// name (rename is atomic within a file system). A failure removes the temporaries
// and leaves nothing behind.
#ifndef DNZ_HOST_LIB_FILES_ATOMIC_WRITE_H_
#define DNZ_HOST_LIB_FILES_ATOMIC_WRITE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dnz::files {

struct OutputFile {
  std::string path;
  std::vector<uint8_t> bytes;
};

// All or nothing: every file goes to its temporary first; only when all of them are
// written are they renamed into place. On failure returns false with a one-line `error`
// naming the file ("PATH: cannot write (No such file or directory)").
bool WriteFilesAtomically(const std::vector<OutputFile>& files, std::string* error);

// One file.
bool WriteFileAtomically(const std::string& path, const void* data, size_t size,
                         std::string* error);
inline bool WriteFileAtomically(const std::string& path, const std::vector<uint8_t>& bytes,
                                std::string* error) {
  return WriteFileAtomically(path, bytes.data(), bytes.size(), error);
}
inline bool WriteFileAtomically(const std::string& path, const std::string& bytes,
                                std::string* error) {
  return WriteFileAtomically(path, bytes.data(), bytes.size(), error);
}

}  // namespace dnz::files

#endif  // DNZ_HOST_LIB_FILES_ATOMIC_WRITE_H_
