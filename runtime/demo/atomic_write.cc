#include "atomic_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace dnz::demo {
namespace {

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

bool WriteAll(int fd, const std::vector<uint8_t>& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += size_t(n);
  }
  return true;
}

std::string CannotWrite(const std::string& path) {
  return path + ": cannot write (" + std::strerror(errno) + ")";
}

// Writes `file` to a new hidden temporary next to it ("DIR/.NAME.XXXXXX.tmp").
bool WriteTemporary(const OutputFile& file, std::string* temp_path, std::string* error) {
  std::string pattern = FolderOf(file.path) + "/." + NameOf(file.path) + ".XXXXXX.tmp";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = mkstemps(name.data(), 4);
  if (fd < 0) {
    *error = CannotWrite(file.path);
    return false;
  }
  *temp_path = name.data();
  const bool written = fchmod(fd, DefaultFileMode()) == 0 && WriteAll(fd, file.bytes);
  const int write_errno = errno;  // close() must not hide why the write failed
  const bool closed = close(fd) == 0;
  if (!written || !closed) {
    if (!written) errno = write_errno;
    *error = CannotWrite(file.path);
    unlink(temp_path->c_str());
    return false;
  }
  return true;
}

}  // namespace

bool WriteFilesAtomically(const std::vector<OutputFile>& files, std::string* error) {
  // Most rename failures are foreseeable (a directory in the way): refuse before writing.
  for (const OutputFile& file : files) {
    struct stat info {};
    if (stat(file.path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
      *error = file.path + ": cannot write (a directory is in the way)";
      return false;
    }
  }
  std::vector<std::string> temps;
  auto remove_temps = [&temps](size_t from) {
    for (size_t i = from; i < temps.size(); ++i) unlink(temps[i].c_str());
  };
  for (const OutputFile& file : files) {
    std::string temp;
    if (!WriteTemporary(file, &temp, error)) {
      remove_temps(0);
      return false;
    }
    temps.push_back(temp);
  }
  for (size_t i = 0; i < files.size(); ++i) {
    if (std::rename(temps[i].c_str(), files[i].path.c_str()) != 0) {
      *error = CannotWrite(files[i].path);
      remove_temps(i);
      // Take back the files already renamed, so that the set stays all or nothing.
      for (size_t done = 0; done < i; ++done) unlink(files[done].path.c_str());
      return false;
    }
  }
  return true;
}

}  // namespace dnz::demo
