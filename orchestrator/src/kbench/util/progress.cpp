#include <kbench/util/progress.hpp>

#include <fmt/format.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace kbench::util {

ProgressLine::ProgressLine(bool tty, std::chrono::seconds interval)
  : m_tty(tty), m_interval(interval) {}

ProgressLine::~ProgressLine() {
  clear();
}

void ProgressLine::update(std::string_view text) {
  const auto now = std::chrono::steady_clock::now();
  if (m_tty) {
    fmt::print(stderr, "\r\033[K{}", text);
    std::fflush(stderr);
    m_drawn = true;
    return;
  }
  if (m_last.time_since_epoch().count() == 0 || now - m_last >= m_interval) {
    fmt::print(stderr, "{}\n", text);
    m_last = now;
  }
}

void ProgressLine::clear() {
  if (m_tty && m_drawn) {
    fmt::print(stderr, "\r\033[K");
    std::fflush(stderr);
    m_drawn = false;
  }
}

long BuildLogCounter::poll() {
  std::ifstream in(m_log, std::ios::binary);
  if (!in) {
    return m_objects;
  }
  in.seekg(static_cast<std::streamoff>(m_offset));
  std::string chunk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  m_offset += chunk.size();
  m_partial += chunk;
  std::size_t start = 0;
  for (auto nl = m_partial.find('\n'); nl != std::string::npos; nl = m_partial.find('\n', start)) {
    const std::string_view line(m_partial.data() + start, nl - start);
    // kbuild's quiet output: two spaces, an upper-case tag, spaces, a path.
    if (line.size() > 4 && line[0] == ' ' && line[1] == ' ' && line[2] >= 'A' && line[2] <= 'Z') {
      const auto tag_end = line.find(' ', 2);
      const std::string_view tag = line.substr(2, tag_end - 2);
      if (tag == "CC" || tag == "AS" || tag == "LD" || tag == "AR") {
        ++m_objects;
      }
      const auto path_start = line.find_first_not_of(' ', tag_end);
      m_last_step = fmt::format("{} {}", tag,
                                path_start == std::string_view::npos ? std::string_view()
                                                                     : line.substr(path_start));
    }
    start = nl + 1;
  }
  m_partial.erase(0, start);
  return m_objects;
}

bool stderr_is_tty() {
  return ::isatty(STDERR_FILENO) == 1;
}

} // namespace kbench::util
