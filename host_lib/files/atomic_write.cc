#include "files/atomic_write.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace dnz::files {
namespace {

RenameFunction g_rename = std::rename;
StepHook g_step_hook = nullptr;

void AfterStep(WriteStep step) {
  if (g_step_hook != nullptr) g_step_hook(step);
}

// ---- Signals (RemoveTemporariesOnSignals). A handler that removed files itself would race
// with the writer: it may run on another thread, or between a rename and the writer's note
// of it, and then put back the wrong file. So while a write is in progress the handler only
// notes the signal; each writer looks after every step, puts back what it changed, and the
// last writer to leave ends the process as the signal would have. With no write in
// progress the handler ends the process at once.
static_assert(std::atomic<int>::is_always_lock_free, "read and written by a signal handler");
std::atomic<int> g_writers{0};
std::atomic<int> g_caught_signal{0};

void EndAsSignalled(int signal_number) {
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

extern "C" void OnSignal(int signal_number) {
  g_caught_signal.store(signal_number);
  if (g_writers.load() == 0) EndAsSignalled(signal_number);
}

bool Interrupted() { return g_caught_signal.load() != 0; }

// One call that writes files. Both sides are sequentially consistent (the handler stores the
// signal then reads the count; the writer lowers the count then reads the signal), so a
// signal is never lost between them: one of the two, or both, ends the process.
class WriterScope {
 public:
  WriterScope() { g_writers.fetch_add(1); }
  ~WriterScope() {
    if (g_writers.fetch_sub(1) != 1) return;
    const int signal_number = g_caught_signal.load();
    if (signal_number != 0) EndAsSignalled(signal_number);
  }
  WriterScope(const WriterScope&) = delete;
  WriterScope& operator=(const WriterScope&) = delete;
};

// ---- Paths and plain I/O.
std::string FolderOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string NameOf(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The permissions a plain fopen would give (0666 less the umask); mkstemp uses 0600.
mode_t DefaultFileMode() {
  const mode_t mask = umask(0);
  umask(mask);
  return 0666 & ~mask;
}

bool WriteAll(int fd, const uint8_t* bytes, size_t size) {
  size_t done = 0;
  while (done < size) {
    const ssize_t n = write(fd, bytes + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += size_t(n);
  }
  return true;
}

std::string CannotWrite(const std::string& path) {
  return path + ": cannot write (" + std::strerror(errno) + ")";
}

// A new, empty, hidden file next to `path` named ".NAME.XXXXXX<suffix>"; returns its
// descriptor (or -1) and its name.
int CreateHidden(const std::string& path, const char* suffix, std::string* created) {
  std::string pattern = FolderOf(path) + "/." + NameOf(path) + ".XXXXXX" + suffix;
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = mkstemps(name.data(), int(std::strlen(suffix)));
  if (fd >= 0) *created = name.data();
  return fd;
}

// One file on its way into place: its temporary, and a hard link to what the path held
// before (if anything), so that a failed set can be put back.
struct Staged {
  std::string temp, backup;
};

// Writes the bytes to a new temporary next to `path`.
bool WriteTemporary(const std::string& path, const uint8_t* bytes, size_t size, Staged* staged,
                    std::string* error) {
  const int fd = CreateHidden(path, ".tmp", &staged->temp);
  if (fd < 0) {
    *error = CannotWrite(path);
    return false;
  }
  // fsync: after a crash the renamed file holds the new bytes, not an empty file.
  const bool written =
      fchmod(fd, DefaultFileMode()) == 0 && WriteAll(fd, bytes, size) && fsync(fd) == 0;
  const int write_errno = errno;  // close() must not hide why the write failed
  const bool closed = close(fd) == 0;
  if (!written || !closed) {
    if (!written) errno = write_errno;
    *error = CannotWrite(path);
    unlink(staged->temp.c_str());
    staged->temp.clear();
    return false;
  }
  return true;
}

// A hard link to the file now at `path`, if there is one, under a hidden name.
bool KeepBackup(const std::string& path, Staged* staged, std::string* error) {
  struct stat info {};
  if (lstat(path.c_str(), &info) != 0) return true;  // nothing there to keep
  std::string name;
  const int fd = CreateHidden(path, ".old", &name);
  if (fd < 0 || close(fd) != 0 || unlink(name.c_str()) != 0 || link(path.c_str(), name.c_str())) {
    *error = CannotWrite(path);
    return false;
  }
  staged->backup = name;
  return true;
}

// Most rename failures are foreseeable (a directory in the way): refuse before writing.
bool DirectoryInTheWay(const std::string& path, std::string* error) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) return false;
  *error = path + ": cannot write (a directory is in the way)";
  return true;
}

void Discard(const std::vector<Staged>& staged) {
  for (const Staged& s : staged) {
    if (!s.temp.empty()) unlink(s.temp.c_str());
    if (!s.backup.empty()) unlink(s.backup.c_str());
  }
}

// Puts back what the first `renamed` paths held before (a path that held nothing holds
// nothing again), then removes the temporaries and backups: all or nothing.
void PutBack(const std::vector<OutputFile>& files, std::vector<Staged>* staged, size_t renamed) {
  for (size_t i = 0; i < renamed; ++i) {
    Staged& s = (*staged)[i];
    s.temp.clear();  // renamed: the name is the output's now
    if (s.backup.empty()) {
      unlink(files[i].path.c_str());
    } else if (std::rename(s.backup.c_str(), files[i].path.c_str()) == 0) {
      s.backup.clear();
    }  // else the old bytes stay in the hidden backup rather than be lost
  }
  Discard(*staged);
}

std::string InterruptedAt(const std::string& path) {
  return path + ": not written (interrupted by signal " + std::to_string(g_caught_signal.load()) +
         ")";
}

}  // namespace

bool WriteFilesAtomically(const std::vector<OutputFile>& files, std::string* error) {
  for (const OutputFile& file : files) {
    if (DirectoryInTheWay(file.path, error)) return false;
  }
  WriterScope writing;
  std::vector<Staged> staged(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    const OutputFile& file = files[i];
    if (!WriteTemporary(file.path, file.bytes.data(), file.bytes.size(), &staged[i], error)) {
      Discard(staged);
      return false;
    }
    AfterStep(WriteStep::kTemporaryWritten);
    // A single file needs no backup: its rename replaces the old one or leaves it.
    const bool kept = files.size() == 1 || KeepBackup(file.path, &staged[i], error);
    if (kept && !staged[i].backup.empty()) AfterStep(WriteStep::kBackupKept);
    if (!kept || Interrupted()) {
      if (kept) *error = InterruptedAt(file.path);
      Discard(staged);
      return false;
    }
  }
  for (size_t i = 0; i < files.size(); ++i) {
    if (i > 0 && Interrupted()) {  // before the first rename, the loop above looked
      *error = InterruptedAt(files[i].path);
      PutBack(files, &staged, i);
      return false;
    }
    if (g_rename(staged[i].temp.c_str(), files[i].path.c_str()) != 0) {
      *error = CannotWrite(files[i].path);
      PutBack(files, &staged, i);
      return false;
    }
    AfterStep(WriteStep::kRenamed);
  }
  // A signal after the last rename finds the new set whole: it stays.
  for (Staged& s : staged) s.temp.clear();
  Discard(staged);
  return true;
}

bool WriteFileAtomically(const std::string& path, const void* data, size_t size,
                         std::string* error) {
  if (DirectoryInTheWay(path, error)) return false;
  WriterScope writing;
  Staged staged;
  if (!WriteTemporary(path, static_cast<const uint8_t*>(data), size, &staged, error)) {
    return false;
  }
  AfterStep(WriteStep::kTemporaryWritten);
  bool renamed = false;
  if (Interrupted()) {
    *error = InterruptedAt(path);
  } else if (g_rename(staged.temp.c_str(), path.c_str()) == 0) {
    renamed = true;
  } else {
    *error = CannotWrite(path);
  }
  if (!renamed) unlink(staged.temp.c_str());
  return renamed;
}

void RemoveTemporariesOnSignals() {
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

void SetRenameForTesting(RenameFunction rename) {
  g_rename = rename != nullptr ? rename : std::rename;
}

void SetStepHookForTesting(StepHook hook) { g_step_hook = hook; }

}  // namespace dnz::files
