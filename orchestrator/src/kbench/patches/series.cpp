#include <kbench/patches/series.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/hash.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <set>

namespace kbench::patches {

namespace fs = std::filesystem;

namespace {

// A patch file (a large series' biggest patch is a few MB).
constexpr util::InputKind k_patch_file{ "patch file", std::uintmax_t{ 64 } << 20, ExitCode::patch };

// A quilt-style series file: one patch name a line.
constexpr util::InputKind k_series_file{ "series file", std::uintmax_t{ 1 } << 20,
                                         ExitCode::patch };

std::string strip_prefix(std::string_view name) {
  if (const auto tab = name.find('\t'); tab != std::string_view::npos) {
    name = name.substr(0, tab);
  }
  if (name.substr(0, 2) == "a/" || name.substr(0, 2) == "b/") {
    name.remove_prefix(2);
  }
  return std::string(name);
}

int number_after(std::string_view header, char sign, int* count) {
  // "@@ -3136,7 +3136,17 @@ ...": the start after `sign`, the count after ','
  // (1 when absent) into `count`.
  const auto at = header.find(sign, 2);
  int value = 0;
  *count = 1;
  if (at == std::string_view::npos) {
    return 0;
  }
  const char* end = header.data() + header.size();
  const auto [next, ec] = std::from_chars(header.data() + at + 1, end, value);
  if (ec == std::errc() && next != end && *next == ',') {
    std::from_chars(next + 1, end, *count);
  }
  return value;
}

bool starts_with(std::string_view l, std::string_view prefix) {
  return l.substr(0, prefix.size()) == prefix;
}

// Whether a name may be "/dev/null": only on "---"/"+++" lines, where it means
// "no file" (a created or deleted file); elsewhere it is an absolute path.
enum class DevNull { allowed, refused };

// Throw kbench::Error (patch) naming `patch`'s file and line `line_no` when
// `name`, a file name from that line, could reach outside the kernel tree.
void check_name(const Patch& patch, int line_no, std::string_view line, const std::string& name,
                DevNull dev_null) {
  if (name == "/dev/null" && dev_null == DevNull::allowed) {
    return;
  }
  if (const std::string why = util::unsafe_relative_name(name); !why.empty()) {
    throw Error(ExitCode::patch,
                fmt::format("{}:{}: unsafe file name \"{}\" ({}) in \"{}\": a patch may only "
                            "name files inside the kernel tree",
                            patch.path.string(), line_no, name, why, line));
  }
}

struct Parser {
  explicit Parser(Patch& p) : patch(p) {}

  Patch& patch;
  int line_no = 0; // 1-based number of the line being parsed
  std::string current_file;
  std::string old_file;
  int hunk_in_file = 0;
  int old_left = 0; // lines of the current hunk body still expected
  int new_left = 0;
  bool in_subject = false;
  bool git_pending = false; // a "diff --git" whose files are not recorded yet
  std::string git_old;
  std::string git_new;

  void line(std::string_view l) {
    ++line_no;
    if ((old_left > 0 || new_left > 0) && hunk_body(l)) {
      return;
    }
    old_left = new_left = 0;
    if (in_subject && (starts_with(l, " ") || starts_with(l, "\t"))) {
      // A folded Subject: continues on lines that start with blanks (a line of
      // blanks only adds nothing).
      if (const auto text = l.find_first_not_of(" \t"); text != std::string_view::npos) {
        patch.subject += " " + std::string(l.substr(text));
      }
      return;
    }
    in_subject = false;
    if (starts_with(l, "Subject: ") && patch.subject.empty() && patch.files.empty() &&
        !git_pending) {
      patch.subject = std::string(l.substr(9));
      in_subject = true;
    } else if (starts_with(l, "diff --git ")) {
      git_header(l.substr(11));
    } else if (git_pending && starts_with(l, "rename from ")) {
      git_old = checked(l, std::string(l.substr(12)), DevNull::refused);
    } else if (git_pending && starts_with(l, "rename to ")) {
      git_new = checked(l, std::string(l.substr(10)), DevNull::refused);
    } else if (starts_with(l, "+++ ")) {
      new_header(checked(l, strip_prefix(l.substr(4)), DevNull::allowed));
    } else if (starts_with(l, "--- ")) {
      const std::string name = checked(l, strip_prefix(l.substr(4)), DevNull::allowed);
      old_file = name == "/dev/null" ? "" : name;
      current_file = old_file;
    } else if (starts_with(l, "@@ ") && !current_file.empty()) {
      const int old_start = number_after(l, '-', &old_left);
      number_after(l, '+', &new_left);
      patch.hunks.push_back({ current_file, ++hunk_in_file, old_start, std::string(l) });
    }
  }

  // Return `name` (a file name of line `l`) after check_name().
  std::string checked(std::string_view l, std::string name, DevNull dev_null) const {
    check_name(patch, line_no, l, name, dev_null);
    return name;
  }

  // Consume one line of a hunk body; return false when `l` cannot be one.
  bool hunk_body(std::string_view l) {
    const char c = l.empty() ? ' ' : l.front();
    if (c == ' ') {
      --old_left;
      --new_left;
    } else if (c == '-') {
      --old_left;
    } else if (c == '+') {
      --new_left;
    } else if (c != '\\') {
      return false;
    }
    return true;
  }

  void git_header(std::string_view names) {
    finish();
    // "a/X b/Y": split at the " b/" that halves the line when the names are
    // equal, else at the first one.
    auto split = names.find(" b/");
    if (const auto half = names.size() / 2; names.size() % 2 == 1 &&
                                            names.substr(half, 3) == " b/" &&
                                            names.substr(2, half - 2) == names.substr(half + 3)) {
      split = half;
    }
    if (split == std::string_view::npos) {
      return;
    }
    git_old = strip_prefix(names.substr(0, split));
    git_new = strip_prefix(names.substr(split + 1));
    check_name(patch, line_no, names, git_old, DevNull::refused);
    check_name(patch, line_no, names, git_new, DevNull::refused);
    git_pending = true;
  }

  void new_header(const std::string& name) {
    if (name != "/dev/null") {
      current_file = name;
    }
    hunk_in_file = 0;
    git_pending = false;
    record(old_file, current_file);
  }

  void record(const std::string& old_name, const std::string& new_name) {
    patch.files.push_back(new_name);
    patch.old_files.push_back(old_name);
  }

  // Record a git diff without ---/+++ lines (a pure rename, a mode change).
  void finish() {
    if (git_pending) {
      record(git_old, git_new);
      git_pending = false;
    }
  }
};

std::vector<fs::path> series_file_order(const fs::path& dir,
                                        const std::optional<source::KernelVersion>& version) {
  std::vector<fs::path> files;
  const std::string text = util::read_input(dir / "series", k_series_file);
  const fs::path series = dir / "series";
  source::ConditionBlocks blocks([&](int line_no, const std::string& problem) {
    throw Error(ExitCode::patch, fmt::format("{}:{}: {}", series.string(), line_no, problem));
  });
  std::size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    ++line_no;
    if (blocks.take(line, line_no)) {
      if (blocks.when() && !version) {
        throw Error(ExitCode::patch,
                    fmt::format("{}:{}: the series has kbench-if blocks and the kernel version is "
                                "unknown here",
                                series.string(), line_no));
      }
      continue;
    }
    if (const auto hash = line.find('#'); hash != std::string::npos) {
      line.erase(hash);
    }
    line.erase(line.find_last_not_of(" \t\r") + 1);
    if (line.empty() || (blocks.when() && !source::satisfies(*version, *blocks.when()))) {
      continue;
    }
    // quilt's series file may carry options after the name ("x.patch -p1").
    line.erase(std::min(line.find_first_of(" \t"), line.size()));
    if (const std::string why = util::unsafe_relative_name(line); !why.empty()) {
      throw Error(ExitCode::patch,
                  fmt::format("{}:{}: entry \"{}\" ({}): a series file may only name patches "
                              "inside its directory",
                              series.string(), line_no, line, why));
    }
    files.push_back(dir / line);
  }
  blocks.finish();
  return files;
}

// Return the subdirectories of `dir` named after a kernel version ("6.12"),
// sorted by version; empty when `dir` holds patches or a series file itself.
std::vector<std::pair<source::KernelVersion, fs::path>> version_ports(const fs::path& dir) {
  std::vector<std::pair<source::KernelVersion, fs::path>> ports;
  for (const auto& entry : util::directory_entries(dir, "patch series")) {
    const auto ext = entry.extension();
    if (entry.filename() == "series" ||
        ((ext == ".patch" || ext == ".diff") && util::is_regular_file(entry, "patch series"))) {
      return {};
    }
    const std::string name = entry.filename().string();
    const auto version = source::parse_version(name);
    if (version && std::count(name.begin(), name.end(), '.') == 1 &&
        util::is_directory(entry, "patch series")) {
      ports.emplace_back(*version, entry);
    }
  }
  std::sort(ports.begin(), ports.end());
  return ports;
}

// Return the port of `dir` for `version`, or throw naming the ports there are.
fs::path port_for(const fs::path& dir,
                  const std::vector<std::pair<source::KernelVersion, fs::path>>& ports,
                  const std::optional<source::KernelVersion>& version) {
  std::string names;
  for (const auto& [v, path] : ports) {
    if (version && v.major == version->major && v.minor == version->minor) {
      return path;
    }
    names += (names.empty() ? "" : ", ") + source::to_string(v, false);
  }
  throw Error(ExitCode::patch,
              version ? fmt::format("patch series {} has ports for kernel {} only; the kernel "
                                    "source is {}: name a series made for it (--patches DIR)",
                                    dir.string(), names, source::to_string(*version))
                      : fmt::format("patch series {} has one port per kernel version ({}) and "
                                    "the kernel version is unknown here: name the port's "
                                    "directory",
                                    dir.string(), names));
}

std::vector<fs::path> directory_order(const fs::path& dir,
                                      const std::optional<source::KernelVersion>& version) {
  if (util::path_exists(dir / "series", "patch series")) {
    return series_file_order(dir, version);
  }
  std::vector<fs::path> files;
  for (const auto& entry : util::directory_entries(dir, "patch series")) {
    const auto ext = entry.extension();
    if ((ext == ".patch" || ext == ".diff") && util::is_regular_file(entry, "patch series")) {
      files.push_back(entry);
    }
  }
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
  const auto add = [&](const std::string& f) {
    if (!f.empty() && seen.insert(f).second) {
      files.push_back(f);
    }
  };
  for (const auto& p : patches) {
    for (std::size_t i = 0; i < p.files.size(); ++i) {
      add(i < p.old_files.size() ? p.old_files[i] : std::string());
      add(p.files[i]);
    }
  }
  return files;
}

Patch parse_patch(std::string_view text, const fs::path& path) {
  Patch patch;
  patch.path = path;
  patch.sha256 = util::sha256_hex(text);
  patch.mail_format = text.rfind("From ", 0) == 0 || text.find("\nSubject: ") != std::string::npos;
  Parser parser{ patch };
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
  parser.finish();
  if (patch.hunks.empty() && patch.files.empty()) {
    throw Error(ExitCode::patch, fmt::format("{}: not a patch (no diff found)", path.string()));
  }
  if (patch.subject.empty()) {
    patch.subject = path.filename().string();
  }
  return patch;
}

Series load_series(const fs::path& given, const std::optional<source::KernelVersion>& version) {
  // Absolute: patch(1) later runs in the kernel tree, not in the caller's directory.
  fs::path input = util::absolute(given);
  if (!util::path_exists(input, "patch series")) {
    throw Error(ExitCode::patch, fmt::format("patch series not found: {}", input.string()));
  }
  if (util::is_directory(input, "patch series")) {
    if (const auto ports = version_ports(input); !ports.empty()) {
      input = port_for(input, ports, version);
    }
  }
  const bool directory = util::is_directory(input, "patch series");
  const std::vector<fs::path> files =
    directory ? directory_order(input, version) : std::vector<fs::path>{ input };
  if (files.empty()) {
    // An empty series would silently make the patched kernel the baseline.
    throw Error(ExitCode::patch,
                fmt::format("patch series {} holds no patch (no *.patch or *.diff file, no entry "
                            "in a series file); for an A/A run (no patches), use --aa",
                            input.string()));
  }
  Series series;
  for (const auto& file : files) {
    series.patches.push_back(parse_patch(util::read_input(file, k_patch_file), file));
  }
  return series;
}

Series load_series(const std::vector<fs::path>& inputs,
                   const std::optional<source::KernelVersion>& version) {
  Series series;
  for (const auto& input : inputs) {
    series = concat(series, load_series(input, version));
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
