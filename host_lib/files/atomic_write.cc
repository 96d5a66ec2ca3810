#include "files/atomic_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace dnz::files {
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

// Writes `file` to a new hidden temporary next to it ("DIR/.NAME.XXXXXX.tmp").
bool WriteTemporary(const std::string& path, const uint8_t* bytes, size_t size,
                    std::string* temp_path, std::string* error) {
  std::string pattern = FolderOf(path) + "/." + NameOf(path) + ".XXXXXX.tmp";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = mkstemps(name.data(), 4);
  if (fd < 0) {
    *error = CannotWrite(path);
    return false;
  }
  *temp_path = name.data();
  // fsync: after a crash the renamed file holds the new bytes, not an empty file.
  const bool written =
      fchmod(fd, DefaultFileMode()) == 0 && WriteAll(fd, bytes, size) && fsync(fd) == 0;
  const int write_errno = errno;  // close() must not hide why the write failed
  const bool closed = close(fd) == 0;
  if (!written || !closed) {
    if (!written) errno = write_errno;
    *error = CannotWrite(path);
    unlink(temp_path->c_str());
    return false;
  }
  return true;
}

// Most rename failures are foreseeable (a directory in the way): refuse before writing.
bool DirectoryInTheWay(const std::string& path, std::string* error) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) return false;
  *error = path + ": cannot write (a directory is in the way)";
  return true;
}

}  // namespace

bool WriteFilesAtomically(const std::vector<OutputFile>& files, std::string* error) {
  for (const OutputFile& file : files) {
    if (DirectoryInTheWay(file.path, error)) return false;
  }
  std::vector<std::string> temps;
  auto remove_temps = [&temps](size_t from) {
    for (size_t i = from; i < temps.size(); ++i) unlink(temps[i].c_str());
  };
  for (const OutputFile& file : files) {
    std::string temp;
    if (!WriteTemporary(file.path, file.bytes.data(), file.bytes.size(), &temp, error)) {
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

bool WriteFileAtomically(const std::string& path, const void* data, size_t size,
                         std::string* error) {
  if (DirectoryInTheWay(path, error)) return false;
  std::string temp;
  if (!WriteTemporary(path, static_cast<const uint8_t*>(data), size, &temp, error)) return false;
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    *error = CannotWrite(path);
    unlink(temp.c_str());
    return false;
  }
  return true;
}

}  // namespace dnz::files
