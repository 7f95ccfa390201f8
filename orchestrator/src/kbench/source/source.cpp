#include <kbench/source/source.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/hash.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include <algorithm>
#include <charconv>

namespace kbench::source {

namespace fs = std::filesystem;

namespace {

util::Command command(std::vector<std::string> argv, const fs::path& cwd = {}) {
  util::Command cmd;
  cmd.argv = std::move(argv);
  cmd.cwd = cwd;
  cmd.timeout = std::chrono::minutes(20);
  return cmd;
}

// Return a git command that ignores the user's global and system config
// (diff.noprefix, color.ui, ... must not change what kbench reads).
util::Command git_command(std::vector<std::string> args, const fs::path& cwd = {}) {
  std::vector<std::string> argv = { "git", "-c", "safe.directory=*" };
  argv.insert(argv.end(), args.begin(), args.end());
  util::Command cmd = command(std::move(argv), cwd);
  cmd.env = { { "GIT_CONFIG_GLOBAL", "/dev/null" }, { "GIT_CONFIG_NOSYSTEM", "1" } };
  return cmd;
}

// Run git on a user's repository: read-only, no config from the user.
util::CommandResult git(util::ProcessRunner& runner, const fs::path& repo,
                        std::vector<std::string> args) {
  args.insert(args.begin(), { "-C", repo.string() });
  return runner.run(git_command(std::move(args)));
}

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

std::int64_t to_int64(const std::string& s) {
  std::int64_t value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

void run_checked(util::ProcessRunner& runner, const util::Command& cmd, ExitCode code) {
  const auto result = runner.run(cmd);
  if (!result.ok()) {
    throw Error(code,
                fmt::format("{} failed ({}):\n{}", util::format_argv(cmd.argv),
                            util::describe_result(result), util::tail_lines(result.output, 10)));
  }
}

void copy_tree(util::ProcessRunner& runner, const fs::path& from, const fs::path& dest) {
  util::create_directories(dest);
  run_checked(runner,
              command({ "cp", "-a", "--reflink=auto", from.string() + "/.", dest.string() }),
              ExitCode::infra);
}

std::int64_t mtime_of(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return 0;
  }
  return st.st_mtim.tv_sec;
}

// Return what identifies a file's version besides its contents: size,
// mtime and ctime to the nanosecond, and inode (an edit within one second
// that keeps the size still changes it).
std::string stat_identity(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return "?";
  }
  return fmt::format("{} {}.{:09} {}.{:09} {}", static_cast<std::int64_t>(st.st_size),
                     static_cast<std::int64_t>(st.st_mtim.tv_sec), st.st_mtim.tv_nsec,
                     static_cast<std::int64_t>(st.st_ctim.tv_sec), st.st_ctim.tv_nsec,
                     static_cast<std::uint64_t>(st.st_ino));
}

void require_kernel_tree(const fs::path& path) {
  if (!util::path_exists(path, "kernel source")) {
    throw Error(ExitCode::source, fmt::format("kernel source not found: {}", path.string()));
  }
  for (const char* marker : { "Makefile", "Kconfig", "arch/x86/Kconfig", "mm/ksm.c" }) {
    if (!util::path_exists(path / marker, "kernel source")) {
      throw Error(ExitCode::source, fmt::format("{} is not a Linux kernel tree: {} is missing",
                                                path.string(), marker));
    }
  }
}

// Clone `repo` into `dest` sharing its objects, and check out `commit`.
void clone_at(util::ProcessRunner& runner, const fs::path& repo, const std::string& commit,
              const fs::path& dest) {
  run_checked(
    runner,
    git_command({ "clone", "-q", "--shared", "--no-checkout", repo.string(), dest.string() }),
    ExitCode::source);
  run_checked(runner, git_command({ "-C", dest.string(), "checkout", "-q", "--detach", commit }),
              ExitCode::source);
}

class DebianPackageSource final : public KernelSource {
public:
  DebianPackageSource(Spec spec, util::ProcessRunner& runner, fs::path cache_dir)
    : m_spec(std::move(spec)), m_runner(runner), m_cache_dir(std::move(cache_dir)) {}

  const Identity& identify() override {
    if (!m_identity) {
      m_identity = resolve();
    }
    return *m_identity;
  }

  std::optional<std::string> read_file(const std::string& relative_path) override {
    // Never read outside the tree, whatever the name or a symlink in the tree says.
    const fs::path file = util::regular_file_within(unpacked(), relative_path);
    if (file.empty()) {
      return std::nullopt;
    }
    return util::read_file(file);
  }

  void materialize(const fs::path& dest) override { copy_tree(m_runner, unpacked(), dest); }

private:
  Identity resolve() {
    if (!util::is_regular_file(m_spec.tarball, "kernel source package")) {
      throw Error(ExitCode::source,
                  fmt::format("kernel source package not installed: {} is missing "
                              "(install it with: apt-get install {})",
                              m_spec.tarball.string(), m_spec.package));
    }
    const auto version =
      m_runner.run(command({ "dpkg-query", "-W", "-f=${Version}", m_spec.package }));
    Identity id;
    id.version = version.ok() ? first_line(version.output) : "unknown";
    id.description = fmt::format("Debian {} {}", m_spec.package, id.version);
    id.timestamp = mtime_of(m_spec.tarball);
    id.id = fmt::format("debian:{}={}:{}", m_spec.package, id.version, tarball_sha256());
    return id;
  }

  // Return the tarball's sha256, cached by (size, mtime).
  std::string tarball_sha256() {
    std::error_code ec;
    const auto size = fs::file_size(m_spec.tarball, ec);
    if (ec) {
      throw Error(ExitCode::source, fmt::format("cannot read the kernel source package {}: {}",
                                                m_spec.tarball.string(), ec.message()));
    }
    const fs::path memo = m_cache_dir / "sources" /
                          fmt::format("{}-{}-{}.sha256", m_spec.tarball.filename().string(), size,
                                      mtime_of(m_spec.tarball));
    if (auto cached = util::read_file_if_exists(memo, "source checksum memo");
        cached && cached->size() == 64) {
      return *cached;
    }
    std::string sha = util::sha256_file(m_spec.tarball);
    util::create_directories(memo.parent_path());
    util::write_file_atomic(memo, sha);
    return sha;
  }

  // Return the unpacked pristine tree, unpacking it once.
  fs::path unpacked() {
    const Identity& id = identify();
    const fs::path dir = m_cache_dir / "sources" /
                         fmt::format("{}_{}", m_spec.package, id.id.substr(id.id.size() - 16));
    fs::path tree = dir / "tree";
    if (util::path_exists(dir / "unpacked", "unpacked kernel source")) {
      return tree;
    }
    spdlog::info("unpacking {} into {} (once)", m_spec.tarball.string(), dir.string());
    util::create_directories(dir.parent_path());
    util::TempDir tmp("unpack", dir.parent_path());
    run_checked(m_runner,
                command({ "tar", "-xf", m_spec.tarball.string(), "-C", tmp.path().string() }),
                ExitCode::source);
    const fs::path top = single_subdirectory(tmp.path());
    util::remove_all(dir);
    util::create_directories(dir);
    util::rename(top, tree, "unpacked kernel source");
    util::write_file_atomic(dir / "unpacked", id.id + "\n");
    return tree;
  }

  fs::path single_subdirectory(const fs::path& dir) const {
    const std::vector<fs::path> entries = util::directory_entries(dir, "unpacked kernel source");
    if (entries.size() != 1 || !util::is_directory(entries.front(), "unpacked kernel source")) {
      throw Error(ExitCode::source, fmt::format("{} does not unpack into a single directory",
                                                m_spec.tarball.string()));
    }
    return entries.front();
  }

  Spec m_spec;
  util::ProcessRunner& m_runner;
  fs::path m_cache_dir;
  std::optional<Identity> m_identity;
};

class PathSource final : public KernelSource {
public:
  PathSource(Spec spec, util::ProcessRunner& runner) : m_spec(std::move(spec)), m_runner(runner) {}

  const Identity& identify() override {
    if (!m_identity) {
      require_kernel_tree(m_spec.path);
      m_identity =
        util::path_exists(m_spec.path / ".git", "kernel source") ? resolve_git() : resolve_plain();
    }
    return *m_identity;
  }

  std::optional<std::string> read_file(const std::string& relative_path) override {
    // Never read outside the tree, whatever the name or a symlink in the tree says.
    const fs::path file = util::regular_file_within(m_spec.path, relative_path);
    if (file.empty()) {
      return std::nullopt;
    }
    return util::read_file(file);
  }

  void materialize(const fs::path& dest) override {
    const Identity& id = identify();
    if (!id.git_tree) {
      copy_tree(m_runner, m_spec.path, dest);
      return;
    }
    clone_at(m_runner, m_spec.path, m_head, dest);
    if (m_dirty_diff.empty()) {
      return;
    }
    util::TempFile diff("kbench-dirty");
    util::write_file_atomic(diff.path(), m_dirty_diff);
    run_checked(m_runner, git_command({ "apply", "--index", diff.path().string() }, dest),
                ExitCode::source);
    auto commit = git_command({ "commit", "-q", "--no-verify", "-m",
                                "kbench: uncommitted changes of " + m_spec.path.string() },
                              dest);
    commit.env.insert(commit.env.end(),
                      { { "GIT_AUTHOR_NAME", "kbench" },
                        { "GIT_AUTHOR_EMAIL", "kbench@localhost" },
                        { "GIT_COMMITTER_NAME", "kbench" },
                        { "GIT_COMMITTER_EMAIL", "kbench@localhost" },
                        { "GIT_AUTHOR_DATE", fmt::format("@{}", id.timestamp) },
                        { "GIT_COMMITTER_DATE", fmt::format("@{}", id.timestamp) } });
    run_checked(m_runner, commit, ExitCode::source);
  }

private:
  Identity resolve_git() {
    const auto head = git(m_runner, m_spec.path, { "rev-parse", "HEAD" });
    if (!head.ok()) {
      throw Error(ExitCode::source, fmt::format("cannot read HEAD of {}: {}", m_spec.path.string(),
                                                first_line(head.output)));
    }
    m_head = first_line(head.output);
    m_dirty_diff = dirty_diff();
    Identity id;
    id.git_tree = true;
    id.version = m_head;
    id.timestamp = to_int64(
      first_line(git(m_runner, m_spec.path, { "log", "-1", "--format=%ct", "HEAD" }).output));
    const std::string dirty =
      m_dirty_diff.empty() ? "" : "+dirty:" + util::sha256_hex(m_dirty_diff).substr(0, 16);
    id.id = fmt::format("git:{}{}", m_head, dirty);
    id.description = fmt::format("{} at {}{}", m_spec.path.string(), m_head.substr(0, 12),
                                 dirty.empty() ? "" : " with uncommitted changes");
    return id;
  }

  // Return the uncommitted changes as a binary diff; written to a file by git,
  // so that warnings on stderr cannot end up in it.
  std::string dirty_diff() {
    util::TempFile out("kbench-dirty");
    const auto result =
      git(m_runner, m_spec.path,
          { "diff", "--binary", "--no-ext-diff", "--no-color", "--no-textconv", "--src-prefix=a/",
            "--dst-prefix=b/", "--output=" + out.path().string(), "HEAD" });
    if (!result.ok()) {
      throw Error(ExitCode::source,
                  fmt::format("cannot read the uncommitted changes of {}: {}", m_spec.path.string(),
                              util::tail_lines(result.output, 5)));
    }
    return util::read_file(out.path());
  }

  // A plain tree: identity from every file's path and stat_identity().
  Identity resolve_plain() const {
    std::vector<std::string> entries;
    std::int64_t newest = 0;
    for (const auto& file : util::files_under(m_spec.path, "kernel source")) {
      newest = std::max(newest, mtime_of(file));
      entries.push_back(
        fmt::format("{} {}", file.lexically_relative(m_spec.path).string(), stat_identity(file)));
    }
    std::sort(entries.begin(), entries.end());
    util::Sha256 hash;
    for (const auto& e : entries) {
      hash.field(e);
    }
    Identity id;
    id.timestamp = newest;
    id.id = "tree:" + hash.hex_digest();
    id.description = fmt::format("{} (plain tree, {} files)", m_spec.path.string(), entries.size());
    return id;
  }

  Spec m_spec;
  util::ProcessRunner& m_runner;
  std::optional<Identity> m_identity;
  std::string m_head;
  std::string m_dirty_diff;
};

class GitRefSource final : public KernelSource {
public:
  GitRefSource(Spec spec, util::ProcessRunner& runner)
    : m_spec(std::move(spec)), m_runner(runner) {}

  const Identity& identify() override {
    if (!m_identity) {
      m_identity = resolve();
    }
    return *m_identity;
  }

  std::optional<std::string> read_file(const std::string& relative_path) override {
    if (!util::unsafe_relative_name(relative_path).empty()) {
      return std::nullopt;
    }
    const std::string commit = identify().version;
    // cat-file blob: the exact bytes, and a failure for a directory (a tree).
    const auto result =
      git(m_runner, m_spec.path, { "cat-file", "blob", commit + ":" + relative_path });
    if (!result.ok()) {
      return std::nullopt;
    }
    return result.output;
  }

  void materialize(const fs::path& dest) override {
    clone_at(m_runner, m_spec.path, identify().version, dest);
  }

private:
  Identity resolve() {
    if (!util::path_exists(m_spec.path, "kernel source")) {
      throw Error(ExitCode::source,
                  fmt::format("kernel source not found: {}", m_spec.path.string()));
    }
    if (!git(m_runner, m_spec.path, { "rev-parse", "--git-dir" }).ok()) {
      throw Error(ExitCode::source,
                  fmt::format("--ref {} needs a git repository, but {} is not one", m_spec.ref,
                              m_spec.path.string()));
    }
    const auto commit =
      git(m_runner, m_spec.path, { "rev-parse", "--verify", "--quiet", m_spec.ref + "^{commit}" });
    if (!commit.ok()) {
      throw Error(ExitCode::source,
                  fmt::format("unknown git ref '{}' in {}", m_spec.ref, m_spec.path.string()));
    }
    Identity id;
    id.git_tree = true;
    id.version = first_line(commit.output);
    id.timestamp = to_int64(
      first_line(git(m_runner, m_spec.path, { "log", "-1", "--format=%ct", id.version }).output));
    id.id = "git:" + id.version;
    id.description =
      fmt::format("{} at {} ({})", m_spec.path.string(), m_spec.ref, id.version.substr(0, 12));
    return id;
  }

  Spec m_spec;
  util::ProcessRunner& m_runner;
  std::optional<Identity> m_identity;
};

} // namespace

Spec parse_spec(const std::string& source, const std::string& ref) {
  Spec spec;
  if (source.empty() || source == "debian" || source.rfind("debian:", 0) == 0) {
    if (!ref.empty()) {
      throw Error(ExitCode::source, "--ref needs --source PATH (a git repository)");
    }
    if (source.size() > 7) {
      spec.package = source.substr(7);
      // The name becomes /usr/src/<name>.tar.xz and an argument of dpkg-query.
      if (!util::is_plain_word(spec.package)) {
        throw Error(ExitCode::source,
                    fmt::format("--source {}: \"{}\" is not a Debian package name (letters, "
                                "digits and \"._+-\", not starting with '-')",
                                source, spec.package));
      }
      spec.tarball = fs::path("/usr/src") / (spec.package + ".tar.xz");
    }
    return spec;
  }
  if (!ref.empty() && ref.front() == '-') {
    throw Error(
      ExitCode::source,
      fmt::format("--ref {}: a git ref cannot start with '-' (git would read an option)", ref));
  }
  spec.path = util::absolute(source);
  spec.kind = ref.empty() ? Kind::path : Kind::git_ref;
  spec.ref = ref;
  return spec;
}

std::unique_ptr<KernelSource> open_source(const Spec& spec, util::ProcessRunner& runner,
                                          const fs::path& cache_dir) {
  switch (spec.kind) {
    case Kind::debian_package:
      return std::make_unique<DebianPackageSource>(spec, runner, cache_dir);
    case Kind::path:
      return std::make_unique<PathSource>(spec, runner);
    case Kind::git_ref:
      return std::make_unique<GitRefSource>(spec, runner);
  }
  throw Error(ExitCode::source, "unknown source kind");
}

} // namespace kbench::source
