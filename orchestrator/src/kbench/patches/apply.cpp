#include <kbench/patches/apply.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <fstream>
#include <regex>
#include <sstream>

namespace kbench::patches {

namespace fs = std::filesystem;

namespace {

int to_int(const std::string& s) {
  int value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

// Return the file GNU patch could not find: the "|+++ b/X" (else "|--- a/X")
// line of the text it quotes after "can't find file to patch", or "".
std::string missing_file_of(std::istringstream& in) {
  static const std::regex name_re(R"(^\|(\+\+\+|---) (?:[ab]/)?([^\t\n]+))");
  std::string old_name;
  bool quoting = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind('|', 0) != 0) {
      if (quoting) {
        break;
      }
      continue;
    }
    quoting = true;
    std::smatch m;
    if (!std::regex_search(line, m, name_re) || m[2] == "/dev/null") {
      continue;
    }
    if (m[1] == "+++") {
      return m[2];
    }
    old_name = m[2];
  }
  return old_name;
}

// Parse GNU patch output: "patching file X" / "checking file X", then
// "Hunk #N FAILED at L".
std::string describe_patch_output(const Patch& patch, const std::string& output) {
  static const std::regex file_re(R"((?:patching|checking) file '?([^'\n]+)'?)");
  static const std::regex hunk_re(R"(Hunk #(\d+) FAILED at (\d+))");
  std::string file;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, file_re)) {
      file = m[1];
    } else if (std::regex_search(line, m, hunk_re)) {
      const Hunk* hunk = find_hunk_by_number(patch, file, to_int(m[1]));
      return fmt::format("hunk #{} of {} ({}) does not apply: patch says \"{}\"", m[1].str(), file,
                         hunk != nullptr ? hunk->header : "?", line);
    } else if (line.find("Reversed (or previously applied) patch detected") != std::string::npos) {
      return fmt::format("{} is already applied (or reversed) in this tree", file);
    } else if (line.find("can't find file to patch") != std::string::npos) {
      // The quoted text ("|diff --git ...", "|+++ b/X") follows a separator line.
      const std::string missing = missing_file_of(in);
      return missing.empty()
               ? fmt::format("a file it patches does not exist in the tree: \"{}\"", line)
               : fmt::format("a file it patches does not exist in the tree: {} (patch says \"{}\")",
                             missing, line);
    } else if (line.find("No such file") != std::string::npos) {
      return fmt::format("a file it patches does not exist in the tree: \"{}\"", line);
    }
  }
  return {};
}

// Parse git apply / git am output: "error: patch failed: FILE:LINE".
std::string describe_git_output(const Patch& patch, const std::string& output) {
  static const std::regex failed_re(R"(error: patch failed: ([^:\n]+):(\d+))");
  static const std::regex missing_re(
    R"(error: ([^:\n]+): (does not exist in index|No such file or directory))");
  std::smatch m;
  if (std::regex_search(output, m, failed_re)) {
    const Hunk* hunk = find_hunk(patch, m[1].str(), to_int(m[2]));
    return fmt::format("hunk #{} of {} ({}) does not apply: git says \"{}\"",
                       hunk != nullptr ? hunk->number : 0, m[1].str(),
                       hunk != nullptr ? hunk->header : "?", m[0].str());
  }
  if (std::regex_search(output, m, missing_re)) {
    return fmt::format("a file it patches does not exist in the tree: {}", m[1].str());
  }
  return {};
}

util::Command make_command(std::vector<std::string> argv, const fs::path& cwd) {
  util::Command cmd;
  cmd.argv = std::move(argv);
  cmd.cwd = cwd;
  cmd.timeout = std::chrono::minutes(5);
  return cmd;
}

void append_log(const fs::path& log_file, const std::string& text) {
  if (log_file.empty()) {
    return;
  }
  // A log, not a result: appended in place (rewriting it would cost O(n^2)).
  std::ofstream out(log_file, std::ios::app | std::ios::binary);
  out << text;
}

util::CommandResult run_logged(util::ProcessRunner& runner, const util::Command& cmd,
                               const fs::path& log_file) {
  auto result = runner.run(cmd);
  append_log(log_file, "$ " + util::format_argv(cmd.argv) + "\n" + result.output);
  return result;
}

std::vector<std::pair<std::string, std::string>> git_env(const CommitIdentity& id) {
  std::vector<std::pair<std::string, std::string>> env = {
    { "GIT_COMMITTER_NAME", id.name }, { "GIT_COMMITTER_EMAIL", id.email },
    { "GIT_AUTHOR_NAME", id.name },    { "GIT_AUTHOR_EMAIL", id.email },
    { "GIT_CONFIG_NOSYSTEM", "1" },    { "GIT_CONFIG_GLOBAL", "/dev/null" },
  };
  if (!id.date.empty()) {
    env.emplace_back("GIT_COMMITTER_DATE", id.date);
  }
  return env;
}

[[noreturn]] void fail(const Patch& patch, const util::CommandResult& result) {
  throw Error(ExitCode::patch, describe_failure(patch, result.output));
}

void apply_with_patch(util::ProcessRunner& runner, const Patch& patch, const fs::path& tree,
                      const fs::path& log_file) {
  auto base = std::vector<std::string>{
    "patch", "-p1", "--forward", "--batch", "--no-backup-if-mismatch", "-i", patch.path.string()
  };
  auto dry = base;
  dry.emplace_back("--dry-run");
  if (auto r = run_logged(runner, make_command(dry, tree), log_file); !r.ok()) {
    fail(patch, r);
  }
  if (auto r = run_logged(runner, make_command(base, tree), log_file); !r.ok()) {
    fail(patch, r);
  }
}

void apply_with_git(util::ProcessRunner& runner, const Patch& patch, const fs::path& tree,
                    const fs::path& log_file, const CommitIdentity& identity) {
  util::Command cmd;
  if (patch.mail_format) {
    cmd = make_command({ "git", "am", "--keep-cr", "--no-3way", patch.path.string() }, tree);
    if (identity.date.empty()) {
      cmd.argv.insert(cmd.argv.begin() + 2, "--committer-date-is-author-date");
    }
  } else {
    cmd = make_command({ "git", "apply", "--index", patch.path.string() }, tree);
  }
  cmd.env = git_env(identity);
  auto result = run_logged(runner, cmd, log_file);
  if (!result.ok()) {
    if (cmd.argv[1] == "am") {
      // The abort resets HEAD and writes the reflog: it needs the identity as much as the am
      // did (a machine without a git identity, e.g. a fresh root, refuses it otherwise).
      auto abort = make_command({ "git", "am", "--abort" }, tree);
      abort.env = git_env(identity);
      run_logged(runner, abort, log_file);
    }
    fail(patch, result);
  }
  if (cmd.argv[1] == "apply") {
    auto commit = make_command({ "git", "commit", "-q", "--no-verify", "-m", patch.subject }, tree);
    commit.env = git_env(identity);
    if (!identity.date.empty()) {
      commit.env.emplace_back("GIT_AUTHOR_DATE", identity.date);
    }
    if (auto r = run_logged(runner, commit, log_file); !r.ok()) {
      fail(patch, r);
    }
  }
}

// Copy the pristine content of every file `series` touches into the fresh
// directory `scratch`. Names were checked when the series was parsed (relative,
// no ".."); checked again here, because this is where a name becomes a path.
void copy_touched_files(const Series& series, const SourceReader& read, const fs::path& scratch) {
  for (const auto& file : series.touched_files()) {
    if (const std::string why = util::unsafe_relative_name(file); !why.empty()) {
      throw Error(ExitCode::patch,
                  fmt::format("the series names an unsafe file \"{}\" ({})", file, why));
    }
    if (auto content = read(file)) {
      util::create_directories((scratch / file).parent_path());
      util::write_file_atomic(scratch / file, *content);
    }
  }
}

} // namespace

std::string describe_failure(const Patch& patch, const std::string& output) {
  std::string reason = describe_patch_output(patch, output);
  if (reason.empty()) {
    reason = describe_git_output(patch, output);
  }
  if (reason.empty()) {
    reason = fmt::format("it does not apply:\n{}", util::tail_lines(output, 10));
  }
  return fmt::format("patch {} (\"{}\"): {}", patch.path.string(), patch.subject, reason);
}

void apply_series(util::ProcessRunner& runner, const Series& series, const fs::path& tree,
                  Method method, const fs::path& log_file, const CommitIdentity& identity) {
  for (const auto& patch : series.patches) {
    spdlog::debug("applying {} to {}", patch.path.string(), tree.string());
    if (method == Method::git_am) {
      apply_with_git(runner, patch, tree, log_file, identity);
    } else {
      apply_with_patch(runner, patch, tree, log_file);
    }
  }
}

std::optional<PreflightFailure> check_series(util::ProcessRunner& runner, const Series& series,
                                             const SourceReader& read, Method method) {
  util::TempDir scratch("kbench-preflight");
  copy_touched_files(series, read, scratch.path());
  for (std::size_t i = 0; i < series.patches.size(); ++i) {
    const Patch& patch = series.patches[i];
    util::CommandResult result;
    if (method == Method::git_am) {
      auto cmd = make_command({ "git", "apply", "-p1", patch.path.string() }, scratch.path());
      cmd.env = { { "GIT_CEILING_DIRECTORIES", scratch.path().parent_path().string() },
                  { "GIT_CONFIG_NOSYSTEM", "1" },
                  { "GIT_CONFIG_GLOBAL", "/dev/null" } };
      result = runner.run(cmd);
    } else {
      result = runner.run(make_command({ "patch", "-p1", "--forward", "--batch",
                                         "--no-backup-if-mismatch", "-i", patch.path.string() },
                                       scratch.path()));
    }
    if (!result.ok()) {
      return PreflightFailure{ i, describe_failure(patch, result.output) };
    }
  }
  return std::nullopt;
}

void preflight(util::ProcessRunner& runner, const Series& series, const SourceReader& read,
               Method method) {
  if (const auto failure = check_series(runner, series, read, method)) {
    throw Error(ExitCode::patch, failure->message);
  }
}

} // namespace kbench::patches
