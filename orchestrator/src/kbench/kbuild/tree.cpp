#include <kbench/kbuild/tree.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace kbench::kbuild {

namespace fs = std::filesystem;

namespace {

fs::path meta_dir(const fs::path& root) {
  return root / ".kbench";
}

fs::path saved_patch(const fs::path& root, std::size_t index) {
  return meta_dir(root) / "patches" / fmt::format("{:04}.patch", index);
}

void run_checked(util::ProcessRunner& runner, std::vector<std::string> argv, const fs::path& cwd,
                 ExitCode code) {
  util::Command cmd;
  cmd.argv = std::move(argv);
  cmd.cwd = cwd;
  cmd.timeout = std::chrono::minutes(20);
  const auto result = runner.run(cmd);
  if (!result.ok()) {
    throw Error(code,
                fmt::format("{} failed in {} ({}):\n{}", util::format_argv(cmd.argv), cwd.string(),
                            util::describe_result(result), util::tail_lines(result.output, 10)));
  }
}

// Replace the content of `file` with `text`, keeping its modification time (make must not
// see it as changed).
void rewrite_keeping_mtime(const fs::path& file, const std::string& text) {
  std::error_code ec;
  const auto mtime = fs::last_write_time(file, ec);
  if (!ec) {
    util::write_file_atomic(file, text);
    fs::last_write_time(file, mtime, ec);
  }
  if (ec) {
    throw Error(ExitCode::infra, fmt::format("cannot keep the modification time of build record "
                                             "{}: {}",
                                             file.string(), ec.message()));
  }
}

// kbuild builds tools/objtool with absolute paths and records them in the
// tools' .cmd files; after a tree is copied they would not match the new
// location, objtool would be rebuilt and, since every object depends on it,
// the whole kernel with it. Point those records at the new tree, keeping
// their mtimes, so the copy is as up to date as its donor.
void relocate_tool_records(const fs::path& out_dir, const std::string& from,
                           const std::string& to) {
  const fs::path tools = out_dir / "tools";
  if (!util::path_exists(tools, "kernel build directory")) {
    return;
  }
  for (const auto& file : util::files_under(tools, "kernel build directory")) {
    const auto name = file.filename().string();
    if (name.size() < 5 || name.front() != '.' || name.substr(name.size() - 4) != ".cmd") {
      continue;
    }
    std::string text = util::read_file(file);
    if (text.find(from) == std::string::npos) {
      continue;
    }
    for (auto pos = text.find(from); pos != std::string::npos;
         pos = text.find(from, pos + to.size())) {
      text.replace(pos, from.size(), to);
    }
    rewrite_keeping_mtime(file, text);
  }
}

std::size_t common_prefix(const std::vector<std::string>& applied, const patches::Series& series) {
  std::size_t n = 0;
  while (n < applied.size() && n < series.patches.size() &&
         applied[n] == series.patches[n].sha256) {
    ++n;
  }
  return n;
}

} // namespace

VariantTree::VariantTree(fs::path root, util::ProcessRunner& runner)
  : m_root(std::move(root)), m_runner(runner) {}

std::optional<TreeState> VariantTree::state() const {
  const fs::path file = meta_dir(m_root) / "state.json";
  const auto text = util::read_file_if_exists(file, "tree state");
  if (!text) {
    return std::nullopt;
  }
  try {
    const auto j = nlohmann::json::parse(*text);
    TreeState s;
    s.source_id = j.at("source_id").get<std::string>();
    s.base_commit = j.value("base_commit", "");
    s.applied = j.at("applied").get<std::vector<std::string>>();
    s.applied_commits = j.value("applied_commits", std::vector<std::string>{});
    return s;
  } catch (const nlohmann::json::exception& e) { // damaged (an interrupted write of old): rebuild
    spdlog::warn("ignoring the damaged tree state {} (the tree is created again): {}",
                 file.string(), e.what());
    return std::nullopt;
  }
}

void VariantTree::write_state(const TreeState& s) const {
  nlohmann::json j;
  j["source_id"] = s.source_id;
  j["base_commit"] = s.base_commit;
  j["applied"] = s.applied;
  j["applied_commits"] = s.applied_commits;
  util::write_file_atomic(meta_dir(m_root) / "state.json", j.dump(2) + "\n");
}

bool VariantTree::can_donate_to(const std::string& source_id, const patches::Series& series) const {
  const auto s = state();
  return s && s->source_id == source_id && common_prefix(s->applied, series) == s->applied.size() &&
         util::path_exists(out_dir() / ".config", "kernel build directory");
}

std::string VariantTree::git_head() const {
  util::Command cmd;
  cmd.argv = { "git", "-C", m_root.string(), "rev-parse", "HEAD" };
  const auto result = m_runner.run(cmd);
  return result.ok() ? result.output.substr(0, result.output.find('\n')) : "";
}

std::string VariantTree::prepare(source::KernelSource& source, const patches::Series& series,
                                 const VariantTree* donor,
                                 const patches::CommitIdentity& identity) {
  const auto& id = source.identify();
  std::string done;
  auto s = state();
  if (!s || s->source_id != id.id) {
    util::remove_all(m_root);
    if (donor != nullptr && donor->can_donate_to(id.id, series)) {
      spdlog::info("copying {} (with its build directory) to {}", donor->root().string(),
                   m_root.string());
      util::create_directories(m_root);
      run_checked(m_runner,
                  { "cp", "-a", "--reflink=auto", donor->root().string() + "/.", m_root.string() },
                  {}, ExitCode::infra);
      relocate_tool_records(out_dir(), donor->root().string(), m_root.string());
      s = state();
      done = "copied from " + donor->root().filename().string();
    } else {
      spdlog::info("creating tree {} from {}", m_root.string(), id.description);
      util::create_directories(m_root.parent_path());
      source.materialize(m_root);
      s = TreeState{ id.id, id.git_tree ? git_head() : "", {}, {} };
      done = "fresh copy of the source";
    }
  } else {
    done = "reused";
  }
  util::create_directories(meta_dir(m_root));
  const std::size_t keep = common_prefix(s->applied, series);
  if (keep < s->applied.size()) {
    done += fmt::format(", reverted {} patch(es)", s->applied.size() - keep);
    revert_to(*s, keep, id.git_tree);
  }
  if (keep < series.patches.size()) {
    done += fmt::format(", applied {} patch(es)", series.patches.size() - keep);
    apply_tail(*s, series, id.git_tree, identity);
  }
  write_state(*s);
  return done;
}

void VariantTree::revert_to(TreeState& s, std::size_t keep, bool git) {
  if (git) {
    const std::string target = keep == 0 ? s.base_commit : s.applied_commits.at(keep - 1);
    run_checked(m_runner, { "git", "-C", m_root.string(), "reset", "-q", "--hard", target }, {},
                ExitCode::infra);
  } else {
    for (std::size_t i = s.applied.size(); i-- > keep;) {
      run_checked(m_runner,
                  { "patch", "-R", "-p1", "--batch", "--no-backup-if-mismatch", "-i",
                    saved_patch(m_root, i).string() },
                  m_root, ExitCode::infra);
    }
  }
  s.applied.resize(keep);
  s.applied_commits.resize(std::min(keep, s.applied_commits.size()));
  write_state(s);
}

void VariantTree::apply_tail(TreeState& s, const patches::Series& series, bool git,
                             const patches::CommitIdentity& identity) {
  const fs::path log = meta_dir(m_root) / "patch.log";
  for (std::size_t i = s.applied.size(); i < series.patches.size(); ++i) {
    patches::Series one;
    one.patches.push_back(series.patches[i]);
    patches::apply_series(m_runner, one, m_root,
                          git ? patches::Method::git_am : patches::Method::patch, log, identity);
    util::create_directories(saved_patch(m_root, i).parent_path());
    util::copy_file(series.patches[i].path, saved_patch(m_root, i), "applied patch");
    s.applied.push_back(series.patches[i].sha256);
    if (git) {
      s.applied_commits.push_back(git_head());
    }
    write_state(s);
  }
}

} // namespace kbench::kbuild
