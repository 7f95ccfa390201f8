#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace kbench::util {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void throw_io(std::string_view what, const fs::path& path, int err) {
  throw Error(ExitCode::infra, fmt::format("{} {}: {}", what, path.string(), std::strerror(err)));
}

fs::path temp_root(const fs::path& dir) {
  if (!dir.empty()) {
    return dir;
  }
  const char* tmpdir = std::getenv("TMPDIR");
  return tmpdir != nullptr && *tmpdir != '\0' ? fs::path(tmpdir) : fs::path("/tmp");
}

// RAII file descriptor.
class Fd {
public:
  explicit Fd(int fd) : m_fd(fd) {}
  ~Fd() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }
  int release() {
    const int fd = m_fd;
    m_fd = -1;
    return fd;
  }

private:
  int m_fd;
};

void write_all(int fd, std::string_view data, const fs::path& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw_io("cannot write", path, errno);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

} // namespace

std::string unsafe_relative_name(std::string_view name) {
  if (name.empty()) {
    return "empty name";
  }
  if (name.find('\0') != std::string_view::npos) {
    return "NUL in name";
  }
  if (name.front() == '/') {
    return "absolute path";
  }
  for (const auto& part : fs::path(std::string(name))) {
    if (part == "..") {
      return "'..' component";
    }
  }
  return {};
}

fs::path regular_file_within(const fs::path& root, std::string_view relative) {
  if (!unsafe_relative_name(relative).empty()) {
    return {};
  }
  std::error_code ec;
  const fs::path file = root / std::string(relative);
  if (!fs::is_regular_file(file, ec)) { // follows symlinks: the target must be a file
    return {};
  }
  const fs::path real_root = fs::canonical(root, ec);
  if (ec) {
    return {};
  }
  const fs::path real_file = fs::canonical(file, ec);
  if (ec) {
    return {};
  }
  const auto rel = real_file.lexically_relative(real_root);
  if (rel.empty() || *rel.begin() == "..") {
    return {};
  }
  return file;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw_io("cannot read", path, errno);
  }
  // std::ifstream opens a directory and then reads nothing without an error.
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw_io("cannot read", path, EISDIR);
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    throw_io("cannot read", path, errno);
  }
  return buffer.str();
}

std::string read_file_or_empty(const fs::path& path) noexcept {
  try {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  } catch (...) {
    return {};
  }
}

void write_file_atomic(const fs::path& path, std::string_view data) {
  const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::string tmpl = (dir / ("." + path.filename().string() + ".tmp.XXXXXX")).string();
  Fd fd(::mkstemp(tmpl.data()));
  if (fd.get() < 0) {
    throw_io("cannot create temporary file for", path, errno);
  }
  try {
    write_all(fd.get(), data, path);
    if (::fchmod(fd.get(), 0644) != 0 || ::fsync(fd.get()) != 0) {
      throw_io("cannot sync", path, errno);
    }
    if (::close(fd.release()) != 0) {
      throw_io("cannot close", path, errno);
    }
    if (::rename(tmpl.c_str(), path.c_str()) != 0) {
      throw_io("cannot rename into", path, errno);
    }
  } catch (...) {
    ::unlink(tmpl.c_str());
    throw;
  }
}

void create_directories(const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) {
    throw Error(ExitCode::infra,
                fmt::format("cannot create directory {}: {}", path.string(), ec.message()));
  }
}

void remove_all(const fs::path& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) {
    throw Error(ExitCode::infra, fmt::format("cannot remove {}: {}", path.string(), ec.message()));
  }
}

TempFile::TempFile(std::string_view stem, const fs::path& dir) {
  std::string tmpl = (temp_root(dir) / (std::string(stem) + ".XXXXXX")).string();
  Fd fd(::mkstemp(tmpl.data()));
  if (fd.get() < 0) {
    throw_io("cannot create temporary file", tmpl, errno);
  }
  m_path = tmpl;
}

TempFile::~TempFile() {
  std::error_code ec;
  fs::remove(m_path, ec);
}

TempDir::TempDir(std::string_view stem, const fs::path& parent) {
  std::string tmpl = (temp_root(parent) / (std::string(stem) + ".XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    throw_io("cannot create temporary directory", tmpl, errno);
  }
  m_path = tmpl;
}

TempDir::~TempDir() {
  if (!m_keep) {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
}

fs::path TempDir::release() noexcept {
  m_keep = true;
  return m_path;
}

} // namespace kbench::util
