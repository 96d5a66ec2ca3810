// Writes output files so that a reader never sees a partial one: each file is written to
// a temporary file in its own folder and then renamed over the final name (rename is
// atomic within a file system). A failure removes the temporaries and leaves nothing.
#ifndef DNZ_RUNTIME_DEMO_ATOMIC_WRITE_H_
#define DNZ_RUNTIME_DEMO_ATOMIC_WRITE_H_

#include <cstdint>
#include <string>
#include <vector>

namespace dnz::demo {

struct OutputFile {
  std::string path;
  std::vector<uint8_t> bytes;
};

// All or nothing: every file goes to its temporary first; only when all of them are
// written are they renamed into place. On failure returns false with a one-line `error`
// naming the file ("PATH: cannot write (No such file or directory)").
bool WriteFilesAtomically(const std::vector<OutputFile>& files, std::string* error);

}  // namespace dnz::demo

#endif  // DNZ_RUNTIME_DEMO_ATOMIC_WRITE_H_
