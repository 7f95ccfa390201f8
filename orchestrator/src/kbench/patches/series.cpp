#include <kbench/patches/series.hpp>

#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/hash.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>

namespace kbench::patches {

namespace fs = std::filesystem;

namespace {

std::string strip_prefix(std::string_view name) {
  if (const auto tab = name.find('\t'); tab != std::string_view::npos) {
    name = name.substr(0, tab);
  }
  if (name.substr(0, 2) == "a/" || name.substr(0, 2) == "b/") {
    name.remove_prefix(2);
  }
  return std::string(name);
}

int parse_old_start(std::string_view header) {
  // "@@ -3136,7 +3136,17 @@ ..."
  const auto minus = header.find('-');
  if (minus == std::string_view::npos) {
    return 0;
  }
  int value = 0;
  const char* begin = header.data() + minus + 1;
  std::from_chars(begin, header.data() + header.size(), value);
  return value;
}

struct Parser {
  Patch& patch;
  std::string current_file;
  int hunk_in_file = 0;

  void line(std::string_view l) {
    if (l.substr(0, 9) == "Subject: " && patch.subject.empty() && patch.files.empty()) {
      patch.subject = std::string(l.substr(9));
    } else if (l.substr(0, 4) == "+++ ") {
      const std::string name = strip_prefix(l.substr(4));
      if (name != "/dev/null") {
        current_file = name;
      }
      hunk_in_file = 0;
      patch.files.push_back(current_file);
    } else if (l.substr(0, 4) == "--- ") {
      const std::string name = strip_prefix(l.substr(4));
      current_file = name == "/dev/null" ? "" : name;
    } else if (l.substr(0, 3) == "@@ " && !current_file.empty()) {
      patch.hunks.push_back({current_file, ++hunk_in_file, parse_old_start(l), std::string(l)});
    }
  }
};

std::vector<fs::path> series_file_order(const fs::path& dir) {
  std::vector<fs::path> files;
  const std::string text = util::read_file(dir / "series");
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    if (const auto hash = line.find('#'); hash != std::string::npos) {
      line.erase(hash);
    }
    line.erase(line.find_last_not_of(" \t\r") + 1);
    if (!line.empty()) {
      files.push_back(dir / line);
    }
  }
  return files;
}

std::vector<fs::path> directory_order(const fs::path& dir) {
  if (fs::exists(dir / "series")) {
    return series_file_order(dir);
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".patch" || ext == ".diff")) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

} // namespace

std::string Series::hash() const {
  util::Sha256 h;
  h.field("kbench-series-v1");
  for (const auto& p : patches) {
    h.field(p.sha256);
  }
  return h.hex_digest();
}

std::vector<std::string> Series::touched_files() const {
  std::set<std::string> seen;
  std::vector<std::string> files;
  for (const auto& p : patches) {
    for (const auto& f : p.files) {
      if (!f.empty() && seen.insert(f).second) {
        files.push_back(f);
      }
    }
  }
  return files;
}

Patch parse_patch(std::string_view text, const fs::path& path) {
  Patch patch;
  patch.path = path;
  patch.sha256 = util::sha256_hex(text);
  Parser parser{patch, {}, 0};
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view l = text.substr(0, nl);
    if (!l.empty() && l.back() == '\r') {
      l.remove_suffix(1);
    }
    parser.line(l);
    if (nl == std::string_view::npos) {
      break;
    }
    text.remove_prefix(nl + 1);
  }
  if (patch.hunks.empty() && patch.files.empty()) {
    throw Error(ExitCode::patch, fmt::format("{}: not a patch (no diff found)", path.string()));
  }
  if (patch.subject.empty()) {
    patch.subject = path.filename().string();
  }
  return patch;
}

Series load_series(const fs::path& input) {
  if (!fs::exists(input)) {
    throw Error(ExitCode::patch, fmt::format("patch series not found: {}", input.string()));
  }
  const std::vector<fs::path> files =
    fs::is_directory(input) ? directory_order(input) : std::vector<fs::path>{input};
  Series series;
  for (const auto& file : files) {
    if (!fs::is_regular_file(file)) {
      throw Error(ExitCode::patch, fmt::format("patch file not found: {}", file.string()));
    }
    series.patches.push_back(parse_patch(util::read_file(file), file));
  }
  return series;
}

Series load_series(const std::vector<fs::path>& inputs) {
  Series series;
  for (const auto& input : inputs) {
    series = concat(series, load_series(input));
  }
  return series;
}

Series concat(const Series& series, const Series& more) {
  Series joined = series;
  joined.patches.insert(joined.patches.end(), more.patches.begin(), more.patches.end());
  return joined;
}

bool is_prefix(const Series& prefix, const Series& series) {
  if (prefix.patches.size() > series.patches.size()) {
    return false;
  }
  return std::equal(prefix.patches.begin(), prefix.patches.end(), series.patches.begin(),
                    [](const Patch& a, const Patch& b) { return a.sha256 == b.sha256; });
}

const Hunk* find_hunk(const Patch& patch, std::string_view file, int old_line) {
  const Hunk* best = nullptr;
  for (const auto& hunk : patch.hunks) {
    if (hunk.file == file && hunk.old_start <= old_line &&
        (best == nullptr || hunk.old_start > best->old_start)) {
      best = &hunk;
    }
  }
  return best;
}

const Hunk* find_hunk_by_number(const Patch& patch, std::string_view file, int number) {
  for (const auto& hunk : patch.hunks) {
    if (hunk.file == file && hunk.number == number) {
      return &hunk;
    }
  }
  return nullptr;
}

} // namespace kbench::patches
