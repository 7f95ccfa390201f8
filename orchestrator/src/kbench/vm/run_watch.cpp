#include <kbench/util/process.hpp>
#include <kbench/vm/run_watch.hpp>

#include <algorithm>
#include <fstream>

namespace kbench::vm {

namespace {

// Lines of QEMU's own output kept in VmRun::qemu_output_tail.
constexpr std::size_t k_output_tail_lines = 5;

} // namespace

std::string output_tail(const std::string& log) {
  std::string text = util::tail_lines(log, k_output_tail_lines);
  while (!text.empty() && text.back() == '\n') {
    text.pop_back();
  }
  for (char& c : text) {
    c = c == '\n' ? ' ' : c;
  }
  return text;
}

FileTail::FileTail(std::filesystem::path path, std::size_t max_bytes)
  : m_path(std::move(path)), m_max_bytes(max_bytes) {}

std::string FileTail::read_new() {
  std::ifstream in(m_path, std::ios::binary);
  if (!in) {
    return {};
  }
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::streamoff>(in.tellg());
  const auto limit = static_cast<std::streamoff>(m_max_bytes);
  if (size > limit) {
    m_truncated = true;
  }
  const auto end = std::min(size, limit);
  if (end <= m_offset) {
    return {};
  }
  std::string bytes(static_cast<std::size_t>(end - m_offset), '\0');
  in.seekg(m_offset);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  m_offset += static_cast<std::streamoff>(bytes.size());
  return bytes;
}

ResultsWatch::ResultsWatch(std::filesystem::path path, ResultsComplete complete)
  : m_tail(std::move(path)), m_complete(std::move(complete)) {}

void ResultsWatch::update(PhaseTracker& tracker, PhaseTracker::Clock::time_point now) {
  auto fresh = m_tail.read_new();
  if (fresh.empty()) {
    return;
  }
  m_bytes += fresh;
  tracker.init_started(now);
  if (!m_done && m_complete && m_complete(m_bytes)) {
    m_done = true;
    tracker.results_complete(now);
  }
}

} // namespace kbench::vm
