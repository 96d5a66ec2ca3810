// The one way host tools write files (models, checkpoints, pictures, demo outputs), so
// that a reader never sees a partial one and a failure loses nothing:
// - each file is written to a hidden temporary in its own folder (".NAME.XXXXXX.tmp"),
//   flushed to disk, then renamed over the final name (atomic within a file system);
// - a failure removes the temporaries; a file that existed before is never deleted or
//   left replaced: a set of files is all or nothing, old contents restored;
// - RemoveTemporariesOnSignals() makes SIGINT/SIGTERM behave as a failure does: a write in
//   progress puts back what it changed (every old file whole, no temporary or backup left),
//   or, when the signal comes after a set's last rename, keeps the new set whole.
// SIGKILL (or a power cut) runs no code: before a set's first rename the old files are
// whole; hidden ".NAME.XXXXXX.tmp" and ".old" files (the old bytes) may remain.
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
// naming the file ("PATH: cannot write (No such file or directory)"); every path then
// holds what it held before the call.
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

// Installs SIGINT and SIGTERM handlers. With no write in progress they end the process as
// the signal would have; during a write they note the signal, the writer puts back what it
// changed at its next step, and the process then ends as the signal would have. A program
// that handles SIGINT itself (the trainer's Ctrl-C) installs its own after.
void RemoveTemporariesOnSignals();

// Tests only: the rename used to put files in place (default: std::rename), so that
// the failure paths that a real file system rarely takes can be reached.
using RenameFunction = int (*)(const char* from, const char* to);
void SetRenameForTesting(RenameFunction rename);

// Tests only: called after each step of a write (a temporary written, a backup kept, a
// file renamed into place), so that a test can stop a writer at each point and signal it.
enum class WriteStep { kTemporaryWritten, kBackupKept, kRenamed };
using StepHook = void (*)(WriteStep step);
void SetStepHookForTesting(StepHook hook);

}  // namespace dnz::files

#endif  // DNZ_HOST_LIB_FILES_ATOMIC_WRITE_H_
