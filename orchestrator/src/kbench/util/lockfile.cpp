#include <kbench/util/error.hpp>
#include <kbench/util/lockfile.hpp>
#include <kbench/util/signals.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace kbench::util {

LockFile::LockFile(const std::filesystem::path& path) {
  m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (m_fd < 0) {
    throw Error(ExitCode::infra,
                fmt::format("cannot open lock file {}: {}", path.string(), std::strerror(errno)));
  }
  bool told = false;
  while (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
    if (!told) {
      spdlog::warn("waiting for another kbench that holds {}", path.string());
      told = true;
    }
    if (interrupt_signal() != 0) {
      ::close(m_fd);
      throw_if_interrupted();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

LockFile::~LockFile() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

} // namespace kbench::util
