// An exclusive advisory lock on a file (flock), held for the object's lifetime.
#pragma once

#include <filesystem>

namespace kbench::util {

// Holds an exclusive flock on `path` (created if missing); waits for it,
// logging once when another process holds it.
class LockFile {
public:
  explicit LockFile(const std::filesystem::path& path);
  ~LockFile();
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;

private:
  int m_fd = -1;
};

} // namespace kbench::util
