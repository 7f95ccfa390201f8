#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

namespace kbench::util {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void throw_io(std::string_view what, const fs::path& path, int err) {
  throw Error(ExitCode::infra, fmt::format("{} {}: {}", what, path.string(), std::strerror(err)));
}

// Throw kbench::Error (infra) "cannot <verb> <role> <path>: <reason>" when `ec` holds an error.
void check_fs(const std::error_code& ec, std::string_view verb, std::string_view role,
              const fs::path& path) {
  if (ec) {
    throw Error(ExitCode::infra,
                fmt::format("cannot {} {} {}: {}", verb, role, path.string(), ec.message()));
  }
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
  Fd(Fd&& other) noexcept : m_fd(other.release()) {}
  Fd& operator=(Fd&&) = delete;
  int get() const { return m_fd; }
  int release() {
    const int fd = m_fd;
    m_fd = -1;
    return fd;
  }

private:
  int m_fd;
};

// Unlinks a file on destruction (a temporary that did not make it) unless keep() was called.
class UnlinkUnlessKept {
public:
  explicit UnlinkUnlessKept(std::string path) : m_path(std::move(path)) {}
  ~UnlinkUnlessKept() {
    if (!m_kept) {
      ::unlink(m_path.c_str());
    }
  }
  UnlinkUnlessKept(const UnlinkUnlessKept&) = delete;
  UnlinkUnlessKept& operator=(const UnlinkUnlessKept&) = delete;

  // Keep the file (it was renamed into place).
  void keep() noexcept { m_kept = true; }

private:
  std::string m_path;
  bool m_kept = false;
};

// Return the status of `path` (following symlinks; not_found when nothing is
// there); throw kbench::Error (infra) naming `role` when it cannot be known.
fs::file_status status_of(const fs::path& path, std::string_view role) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (status.type() != fs::file_type::not_found) {
    check_fs(ec, "check", role, path);
  }
  return status;
}

// Return what kind of file `mode` describes ("a character device", ...).
std::string_view file_type_name(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFDIR:
      return "a directory";
    case S_IFCHR:
      return "a character device";
    case S_IFBLK:
      return "a block device";
    case S_IFIFO:
      return "a FIFO";
    case S_IFSOCK:
      return "a socket";
    default:
      return "not a regular file";
  }
}

// Return the exit code for failing to open an input: the input's own code when
// the name is at fault (missing, a directory, no permission), else infra.
ExitCode open_failure_code(int err, ExitCode code) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
    case EISDIR:
    case EACCES:
    case ELOOP:
    case ENAMETOOLONG:
    case ENXIO:
      return code;
    default:
      return ExitCode::infra;
  }
}

// Read `fd` (the file `path`, read as `role`) to its end or to `max_bytes`,
// whichever comes first.
std::string read_at_most(int fd, std::uintmax_t max_bytes, const fs::path& path,
                         std::string_view role) {
  std::string data;
  char buffer[65536];
  while (data.size() < max_bytes) {
    const auto want = std::min<std::uintmax_t>(sizeof buffer, max_bytes - data.size());
    const ssize_t n = ::read(fd, buffer, static_cast<std::size_t>(want));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      throw_io(fmt::format("cannot read {}", role), path, errno);
    }
    if (n == 0) {
      break;
    }
    data.append(buffer, static_cast<std::size_t>(n));
  }
  return data;
}

// Open the regular file `path` (read as `role`) without blocking on a FIFO;
// return -1 when nothing exists there. Throw kbench::Error(`code`) naming the
// path when it is something else than a regular file, or cannot be opened for
// a reason the name is at fault for; infra for any other failure.
Fd open_regular(const fs::path& path, std::string_view role, ExitCode code) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) {
    const int err = errno;
    if (err == ENOENT) {
      return fd;
    }
    throw Error(open_failure_code(err, code),
                fmt::format("cannot read {} {}: {}", role, path.string(), std::strerror(err)));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    throw_io(fmt::format("cannot read {}", role), path, errno);
  }
  if (!S_ISREG(st.st_mode)) {
    throw Error(code, fmt::format("{} {} is {}, not a regular file", role, path.string(),
                                  file_type_name(st.st_mode)));
  }
  return fd;
}

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

bool is_plain_word(std::string_view word) {
  const auto plain = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '+' ||
           c == '-';
  };
  return !word.empty() && word.front() != '-' && std::all_of(word.begin(), word.end(), plain);
}

fs::path regular_file_within(const fs::path& root, std::string_view relative) {
  if (!unsafe_relative_name(relative).empty()) {
    return {};
  }
  std::error_code ec;
  fs::path file = root / std::string(relative);
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

std::optional<std::string> read_input_if_exists(const fs::path& path, const InputKind& kind) {
  Fd fd = open_regular(path, kind.role, kind.code);
  if (fd.get() < 0) {
    return std::nullopt;
  }
  // One byte more than the limit tells a file at the limit from a larger one
  // (the size fstat() gives can be 0, as in /proc, or grow while we read).
  std::string data = read_at_most(fd.get(), kind.max_bytes + 1, path, kind.role);
  if (data.size() > kind.max_bytes) {
    throw Error(kind.code, fmt::format("{} {} is larger than the {} bytes kbench reads of one",
                                       kind.role, path.string(), kind.max_bytes));
  }
  return data;
}

std::optional<std::string> read_file_prefix(const fs::path& path, std::uintmax_t max_bytes,
                                            std::string_view role) {
  Fd fd = open_regular(path, role, ExitCode::infra);
  if (fd.get() < 0) {
    return std::nullopt;
  }
  return read_at_most(fd.get(), max_bytes, path, role);
}

std::string read_input(const fs::path& path, const InputKind& kind) {
  if (auto text = read_input_if_exists(path, kind)) {
    return *std::move(text);
  }
  throw Error(kind.code, fmt::format("cannot read {} {}: {}", kind.role, path.string(),
                                     std::strerror(ENOENT)));
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

std::optional<std::string> read_file_if_exists(const fs::path& path, std::string_view role) {
  Fd fd = open_regular(path, role, ExitCode::infra);
  if (fd.get() < 0) {
    return std::nullopt;
  }
  return read_at_most(fd.get(), std::numeric_limits<std::uintmax_t>::max(), path, role);
}

bool path_exists(const fs::path& path, std::string_view role) {
  return status_of(path, role).type() != fs::file_type::not_found;
}

bool is_directory(const fs::path& path, std::string_view role) {
  return fs::is_directory(status_of(path, role));
}

bool is_regular_file(const fs::path& path, std::string_view role) {
  return fs::is_regular_file(status_of(path, role));
}

std::vector<fs::path> directory_entries(const fs::path& dir, std::string_view role) {
  std::error_code ec;
  std::vector<fs::path> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    entries.push_back(it->path());
  }
  check_fs(ec, "list", role, dir);
  std::sort(entries.begin(), entries.end());
  return entries;
}

std::vector<fs::path> files_under(const fs::path& root, std::string_view role) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) {
      files.push_back(it->path());
    }
  }
  check_fs(ec, "list", role, root);
  std::sort(files.begin(), files.end());
  return files;
}

void copy_file(const fs::path& from, const fs::path& to, std::string_view role) {
  std::error_code ec;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    throw Error(ExitCode::infra, fmt::format("cannot copy {} {} to {}: {}", role, from.string(),
                                             to.string(), ec.message()));
  }
}

void rename(const fs::path& from, const fs::path& to, std::string_view role) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec) {
    throw Error(ExitCode::infra, fmt::format("cannot rename {} {} to {}: {}", role, from.string(),
                                             to.string(), ec.message()));
  }
}

void remove_file(const fs::path& path, std::string_view role) {
  std::error_code ec;
  fs::remove(path, ec);
  check_fs(ec, "remove", role, path);
}

fs::path absolute(const fs::path& path) {
  std::error_code ec;
  fs::path result = fs::absolute(path, ec);
  check_fs(ec, "resolve", "path", path);
  return result.lexically_normal();
}

void write_file_atomic(const fs::path& path, std::string_view data) {
  const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::string tmpl = (dir / ("." + path.filename().string() + ".tmp.XXXXXX")).string();
  Fd fd(::mkstemp(tmpl.data()));
  if (fd.get() < 0) {
    throw_io("cannot create temporary file for", path, errno);
  }
  UnlinkUnlessKept temporary(tmpl);
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
  temporary.keep();
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
