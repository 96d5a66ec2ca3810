#include "files/atomic_write.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace dnz::files {
namespace {

RenameFunction g_rename = std::rename;
StepHook g_step_hook = nullptr;

void AfterStep(WriteStep step) {
  if (g_step_hook != nullptr) g_step_hook(step);
}

// ---- Temporaries in progress, for the signal handler (async-signal-safe: fixed slots,
// no allocation, unlink only).
constexpr int kPendingSlots = 16;
constexpr size_t kMaxPath = 4096;
struct PendingSlot {
  std::atomic<bool> used{false};
  char path[kMaxPath];
};
PendingSlot g_pending[kPendingSlots];

int RegisterPending(const std::string& path) {
  if (path.size() >= kMaxPath) return -1;
  for (int i = 0; i < kPendingSlots; ++i) {
    if (g_pending[i].used.load()) continue;
    std::memcpy(g_pending[i].path, path.c_str(), path.size() + 1);
    g_pending[i].used.store(true);
    return i;
  }
  return -1;  // more at once than slots: the signal cleanup misses this one
}

void Unregister(int slot) {
  if (slot >= 0) g_pending[slot].used.store(false);
}

extern "C" void RemovePendingAndDie(int signal_number) {
  for (PendingSlot& slot : g_pending) {
    if (slot.used.load()) unlink(slot.path);
  }
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

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
  int slot = -1;
};

// Writes the bytes to a new temporary next to `path`.
bool WriteTemporary(const std::string& path, const uint8_t* bytes, size_t size, Staged* staged,
                    std::string* error) {
  const int fd = CreateHidden(path, ".tmp", &staged->temp);
  if (fd < 0) {
    *error = CannotWrite(path);
    return false;
  }
  staged->slot = RegisterPending(staged->temp);
  // fsync: after a crash the renamed file holds the new bytes, not an empty file.
  const bool written =
      fchmod(fd, DefaultFileMode()) == 0 && WriteAll(fd, bytes, size) && fsync(fd) == 0;
  const int write_errno = errno;  // close() must not hide why the write failed
  const bool closed = close(fd) == 0;
  if (!written || !closed) {
    if (!written) errno = write_errno;
    *error = CannotWrite(path);
    unlink(staged->temp.c_str());
    Unregister(staged->slot);
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
    Unregister(s.slot);
  }
}

}  // namespace

bool WriteFilesAtomically(const std::vector<OutputFile>& files, std::string* error) {
  for (const OutputFile& file : files) {
    if (DirectoryInTheWay(file.path, error)) return false;
  }
  std::vector<Staged> staged;
  for (const OutputFile& file : files) {
    Staged s;
    if (!WriteTemporary(file.path, file.bytes.data(), file.bytes.size(), &s, error)) {
      Discard(staged);
      return false;
    }
    staged.push_back(s);
    AfterStep(WriteStep::kTemporaryWritten);
    // A single file needs no backup: its rename replaces the old one or leaves it.
    if (files.size() > 1 && !KeepBackup(file.path, &staged.back(), error)) {
      Discard(staged);
      return false;
    }
    if (!staged.back().backup.empty()) AfterStep(WriteStep::kBackupKept);
  }
  for (size_t i = 0; i < files.size(); ++i) {
    if (g_rename(staged[i].temp.c_str(), files[i].path.c_str()) != 0) {
      *error = CannotWrite(files[i].path);
      // Put back what the paths already renamed held before: all or nothing.
      for (size_t done = 0; done < i; ++done) {
        if (staged[done].backup.empty()) {
          unlink(files[done].path.c_str());
        } else {
          // Should this rename fail too, the old bytes stay in the hidden backup.
          std::rename(staged[done].backup.c_str(), files[done].path.c_str());
          staged[done].backup.clear();
        }
      }
      Discard(staged);
      return false;
    }
    Unregister(staged[i].slot);
    staged[i].slot = -1;
    AfterStep(WriteStep::kRenamed);
  }
  for (Staged& s : staged) s.temp.clear();
  Discard(staged);  // the backups
  return true;
}

bool WriteFileAtomically(const std::string& path, const void* data, size_t size,
                         std::string* error) {
  if (DirectoryInTheWay(path, error)) return false;
  Staged staged;
  if (!WriteTemporary(path, static_cast<const uint8_t*>(data), size, &staged, error)) {
    return false;
  }
  const bool renamed = g_rename(staged.temp.c_str(), path.c_str()) == 0;
  if (!renamed) *error = CannotWrite(path);
  if (!renamed) unlink(staged.temp.c_str());
  Unregister(staged.slot);
  return renamed;
}

void RemoveTemporariesOnSignals() {
  struct sigaction action {};
  action.sa_handler = RemovePendingAndDie;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

void SetRenameForTesting(RenameFunction rename) {
  g_rename = rename != nullptr ? rename : std::rename;
}

void SetStepHookForTesting(StepHook hook) { g_step_hook = hook; }

}  // namespace dnz::files
