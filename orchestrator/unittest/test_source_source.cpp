// Tests of kernel sources: spec parsing, identities of plain and git trees,
// git refs, Debian packages, and that materialize() never touches the source.
#include <kbench/source/source.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/process.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

// Skip a test that demonstrates a known bug (see its message) unless
// KBENCH_RUN_BUG_TESTS is set; remove the skip once the bug is fixed.
#define KBENCH_SKIP_BUG(why)                                                                       \
  if (std::getenv("KBENCH_RUN_BUG_TESTS") == nullptr)                                              \
  GTEST_SKIP() << "BUG: " why

namespace kbench::source {
namespace {

namespace fs = std::filesystem;

template<typename F>
Error error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected a kbench::Error";
  return Error(ExitCode::ok, "");
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Create the marker files of a kernel tree (and one more file) under `root`.
void make_kernel_tree(const fs::path& root) {
  for (const auto& [rel, text] :
       std::map<std::string, std::string>{ { "Makefile", "VERSION = 6\n" },
                                           { "Kconfig", "mainmenu \"Linux\"\n" },
                                           { "arch/x86/Kconfig", "config X86\n" },
                                           { "mm/ksm.c", "int ksm;\n" } }) {
    util::create_directories((root / rel).parent_path());
    util::write_file_atomic(root / rel, text);
  }
}

std::string git(util::ProcessRunner& runner, const fs::path& repo,
                const std::vector<std::string>& args) {
  util::Command cmd;
  cmd.argv = { "git", "-C", repo.string() };
  cmd.argv.insert(cmd.argv.end(), args.begin(), args.end());
  cmd.env = { { "GIT_CONFIG_GLOBAL", "/dev/null" }, { "GIT_CONFIG_NOSYSTEM", "1" },
              { "GIT_AUTHOR_NAME", "t" },           { "GIT_AUTHOR_EMAIL", "t@example.org" },
              { "GIT_COMMITTER_NAME", "t" },        { "GIT_COMMITTER_EMAIL", "t@example.org" },
              { "GIT_AUTHOR_DATE", "@1600000000" }, { "GIT_COMMITTER_DATE", "@1600000000" } };
  cmd.timeout = std::chrono::seconds(20);
  const auto r = runner.run(cmd);
  EXPECT_TRUE(r.ok()) << util::format_argv(cmd.argv) << ": " << r.output;
  return r.output;
}

// A git repository holding a tiny kernel tree in one commit dated 1600000000.
void make_kernel_repo(util::ProcessRunner& runner, const fs::path& dir) {
  make_kernel_tree(dir);
  git(runner, dir, { "init", "-q", "-b", "main" });
  git(runner, dir, { "add", "." });
  git(runner, dir, { "commit", "-q", "-m", "base" });
}

std::string trimmed(std::string s) {
  while (!s.empty() && s.back() == '\n') {
    s.pop_back();
  }
  return s;
}

// Path -> (mtime in ns, size) of every file and directory below `root`.
std::map<std::string, std::pair<long long, std::uintmax_t>> snapshot(const fs::path& root) {
  std::map<std::string, std::pair<long long, std::uintmax_t>> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    struct stat st {};
    ::lstat(entry.path().c_str(), &st);
    files[entry.path().string()] = { static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL +
                                       st.st_mtim.tv_nsec,
                                     entry.is_regular_file() ? entry.file_size() : 0 };
  }
  return files;
}

Spec path_spec(const fs::path& path, const std::string& ref = {}) {
  return parse_spec(path.string(), ref);
}

// --- parse_spec -------------------------------------------------------------

TEST(SourceParseSpec, DefaultsToDebiansLinuxSourcePackage) {
  for (const std::string arg : { "", "debian" }) {
    const Spec s = parse_spec(arg, "");
    EXPECT_EQ(s.kind, Kind::debian_package);
    EXPECT_EQ(s.package, "linux-source-6.12");
    EXPECT_EQ(s.tarball, "/usr/src/linux-source-6.12.tar.xz");
  }
}

TEST(SourceParseSpec, ReadsADebianPackageName) {
  const Spec s = parse_spec("debian:linux-source-6.1", "");
  EXPECT_EQ(s.kind, Kind::debian_package);
  EXPECT_EQ(s.package, "linux-source-6.1");
  EXPECT_EQ(s.tarball, "/usr/src/linux-source-6.1.tar.xz");
}

TEST(SourceParseSpec, MakesAPathAbsoluteAndNormal) {
  const Spec s = parse_spec("/srv/src/../linux/", "");
  EXPECT_EQ(s.kind, Kind::path);
  EXPECT_EQ(s.path.lexically_normal(), fs::path("/srv/linux/"));
  EXPECT_TRUE(s.ref.empty());
  const Spec rel = parse_spec("linux", "");
  EXPECT_TRUE(rel.path.is_absolute());
  EXPECT_EQ(rel.path, fs::current_path() / "linux");
}

TEST(SourceParseSpec, ReadsAPathWithARefAsAGitRef) {
  const Spec s = parse_spec("/srv/linux", "v6.12");
  EXPECT_EQ(s.kind, Kind::git_ref);
  EXPECT_EQ(s.path, "/srv/linux");
  EXPECT_EQ(s.ref, "v6.12");
}

TEST(SourceParseSpec, RejectsARefWithoutAPath) {
  for (const std::string arg : { "", "debian", "debian:linux-source-6.1" }) {
    const auto e = error_of([&] { parse_spec(arg, "v6.12"); });
    EXPECT_EQ(e.code(), ExitCode::source);
    EXPECT_TRUE(contains(e.what(), "--ref")) << e.what();
  }
}

TEST(SourceParseSpec, RejectsAPackageNameThatWouldReachOutOfUsrSrc) {
  for (const std::string arg : { "debian:../../tmp/x", "debian:-x", "debian:a/b" }) {
    const auto e = error_of([&] { parse_spec(arg, ""); });
    EXPECT_EQ(e.code(), ExitCode::source);
    EXPECT_TRUE(contains(e.what(), "not a Debian package name")) << e.what();
  }
}

TEST(SourceParseSpec, RejectsARefThatGitWouldReadAsAnOption) {
  const auto e = error_of([] { parse_spec("/srv/linux", "--upload-pack=x"); });
  EXPECT_EQ(e.code(), ExitCode::source);
  EXPECT_TRUE(contains(e.what(), "cannot start with '-'")) << e.what();
}

// --- errors -----------------------------------------------------------------

TEST(SourceOpenSource, NamesAMissingPath) {
  auto runner = util::make_real_process_runner();
  util::TempDir cache("kbench-src-cache");
  for (const std::string ref : { "", "v1" }) {
    auto src = open_source(path_spec("/nonexistent/kbench/linux", ref), *runner, cache.path());
    const auto e = error_of([&] { src->identify(); });
    EXPECT_EQ(e.code(), ExitCode::source);
    EXPECT_TRUE(contains(e.what(), "/nonexistent/kbench/linux")) << e.what();
  }
}

TEST(SourceOpenSource, NamesTheMissingMarkerFileOfANonKernelTree) {
  auto runner = util::make_real_process_runner();
  util::TempDir dir("kbench-src");
  util::write_file_atomic(dir.path() / "Makefile", "all:\n");
  util::write_file_atomic(dir.path() / "Kconfig", "\n");
  auto src = open_source(path_spec(dir.path()), *runner, dir.path());
  const auto e = error_of([&] { src->identify(); });
  EXPECT_EQ(e.code(), ExitCode::source);
  EXPECT_TRUE(contains(e.what(), dir.path().string())) << e.what();
  EXPECT_TRUE(contains(e.what(), "arch/x86/Kconfig is missing")) << e.what();
}

TEST(SourceOpenSource, SaysARefNeedsAGitRepository) {
  auto runner = util::make_real_process_runner();
  util::TempDir dir("kbench-src");
  make_kernel_tree(dir.path());
  auto src = open_source(path_spec(dir.path(), "v6.12"), *runner, dir.path());
  const auto e = error_of([&] { src->identify(); });
  EXPECT_EQ(e.code(), ExitCode::source);
  EXPECT_TRUE(contains(e.what(), "needs a git repository")) << e.what();
  EXPECT_TRUE(contains(e.what(), dir.path().string())) << e.what();
}

TEST(SourceOpenSource, SaysTheDebianPackageIsMissingAndHowToInstallIt) {
  auto runner = util::make_real_process_runner();
  util::TempDir cache("kbench-src-cache");
  Spec spec = parse_spec("debian:linux-source-kbench-test", "");
  spec.tarball = "/nonexistent.tar.xz";
  auto src = open_source(spec, *runner, cache.path());
  const auto e = error_of([&] { src->identify(); });
  EXPECT_EQ(e.code(), ExitCode::source);
  EXPECT_TRUE(contains(e.what(), "/nonexistent.tar.xz")) << e.what();
  EXPECT_TRUE(contains(e.what(), "apt-get install linux-source-kbench-test")) << e.what();
}

// --- plain trees --------------------------------------------------------------

TEST(SourcePlainTree, HasAStableIdentityAcrossCallsAndObjects) {
  auto runner = util::make_real_process_runner();
  util::TempDir dir("kbench-src");
  make_kernel_tree(dir.path());
  auto a = open_source(path_spec(dir.path()), *runner, dir.path());
  auto b = open_source(path_spec(dir.path()), *runner, dir.path());
  const Identity id = a->identify();
  EXPECT_EQ(id.id.rfind("tree:", 0), 0u) << id.id;
  EXPECT_FALSE(id.git_tree);
  EXPECT_TRUE(contains(id.description, "plain tree, 4 files")) << id.description;
  EXPECT_GT(id.timestamp, 0);
  EXPECT_EQ(a->identify().id, id.id);
  EXPECT_EQ(b->identify().id, id.id);
}

TEST(SourcePlainTree, ChangesIdentityWhenAFileChanges) {
  auto runner = util::make_real_process_runner();
  util::TempDir dir("kbench-src");
  make_kernel_tree(dir.path());
  const std::string before = open_source(path_spec(dir.path()), *runner, {})->identify().id;
  util::write_file_atomic(dir.path() / "mm/ksm.c", "int ksm = 1;\n");
  EXPECT_NE(open_source(path_spec(dir.path()), *runner, {})->identify().id, before);
}

TEST(SourcePlainTree, ChangesIdentityWhenAFileIsAdded) {
  auto runner = util::make_real_process_runner();
  util::TempDir dir("kbench-src");
  make_kernel_tree(dir.path());
  const std::string before = open_source(path_spec(dir.path()), *runner, {})->identify().id;
  util::write_file_atomic(dir.path() / "mm/new.c", "\n");
  EXPECT_NE(open_source(path_spec(dir.path()), *runner, {})->identify().id, before);
}

TEST(SourcePlainTree, ChangesIdentityForASameSizeEditWithinOneSecond) {
  auto runner = util::make_real_process_runner();
  util::TempDir dir("kbench-src");
  make_kernel_tree(dir.path());
  const fs::path file = dir.path() / "mm/ksm.c";
  const struct timespec t1[2] = { { 1700000000, 100 }, { 1700000000, 100 } };
  ASSERT_EQ(::utimensat(AT_FDCWD, file.c_str(), t1, 0), 0);
  const std::string before = open_source(path_spec(dir.path()), *runner, {})->identify().id;
  util::write_file_atomic(file, "int kxm;\n"); // same size as "int ksm;\n"
  const struct timespec t2[2] = { { 1700000000, 900 }, { 1700000000, 900 } };
  ASSERT_EQ(::utimensat(AT_FDCWD, file.c_str(), t2, 0), 0);
  EXPECT_NE(open_source(path_spec(dir.path()), *runner, {})->identify().id, before);
}

TEST(SourcePlainTree, ReadsFilesAndAnswersNulloptForAbsentOnes) {
  auto runner = util::make_real_process_runner();
  util::TempDir dir("kbench-src");
  make_kernel_tree(dir.path());
  auto src = open_source(path_spec(dir.path()), *runner, {});
  EXPECT_EQ(src->read_file("mm/ksm.c"), std::optional<std::string>("int ksm;\n"));
  EXPECT_EQ(src->read_file("mm/nope.c"), std::nullopt);
  EXPECT_EQ(src->read_file("mm"), std::nullopt);
}

TEST(SourcePlainTree, MaterializesACopyWithoutTouchingTheOriginal) {
  auto runner = util::make_real_process_runner();
  util::TempDir dir("kbench-src");
  util::TempDir work("kbench-src-work");
  make_kernel_tree(dir.path());
  const auto before = snapshot(dir.path());
  auto src = open_source(path_spec(dir.path()), *runner, {});
  src->materialize(work.path() / "tree");
  EXPECT_EQ(util::read_file(work.path() / "tree/mm/ksm.c"), "int ksm;\n");
  EXPECT_EQ(util::read_file(work.path() / "tree/arch/x86/Kconfig"), "config X86\n");
  util::write_file_atomic(work.path() / "tree/mm/ksm.c", "changed\n");
  EXPECT_EQ(util::read_file(dir.path() / "mm/ksm.c"), "int ksm;\n");
  EXPECT_EQ(snapshot(dir.path()), before);
}

// --- git trees ----------------------------------------------------------------

TEST(SourceGitTree, IsIdentifiedByItsHeadCommit) {
  auto runner = util::make_real_process_runner();
  util::TempDir dir("kbench-src");
  make_kernel_repo(*runner, dir.path());
  const std::string head = trimmed(git(*runner, dir.path(), { "rev-parse", "HEAD" }));
  auto src = open_source(path_spec(dir.path()), *runner, {});
  const Identity& id = src->identify();
  EXPECT_EQ(id.id, "git:" + head);
  EXPECT_EQ(id.version, head);
  EXPECT_TRUE(id.git_tree);
  EXPECT_EQ(id.timestamp, 1600000000);
  EXPECT_EQ(open_source(path_spec(dir.path()), *runner, {})->identify().id, id.id);
}

TEST(SourceGitTree, MarksUncommittedChangesAsDirty) {
  auto runner = util::make_real_process_runner();
  util::TempDir dir("kbench-src");
  make_kernel_repo(*runner, dir.path());
  const std::string head = trimmed(git(*runner, dir.path(), { "rev-parse", "HEAD" }));
  util::write_file_atomic(dir.path() / "mm/ksm.c", "int ksm = 1;\n");
  const Identity id = open_source(path_spec(dir.path()), *runner, {})->identify();
  EXPECT_EQ(id.id.rfind("git:" + head + "+dirty:", 0), 0u) << id.id;
  EXPECT_EQ(id.id.size(), std::string("git:+dirty:").size() + 40 + 16);
  EXPECT_TRUE(contains(id.description, "uncommitted changes")) << id.description;
  util::write_file_atomic(dir.path() / "mm/ksm.c", "int ksm = 2;\n");
  EXPECT_NE(open_source(path_spec(dir.path()), *runner, {})->identify().id, id.id);
}

TEST(SourceGitTree, MaterializesHeadPlusUncommittedChangesWithoutTouchingTheOriginal) {
  auto runner = util::make_real_process_runner();
  util::TempDir dir("kbench-src");
  util::TempDir work("kbench-src-work");
  make_kernel_repo(*runner, dir.path());
  util::write_file_atomic(dir.path() / "mm/ksm.c", "int ksm = 1;\n");
  const std::string status = git(*runner, dir.path(), { "status", "--porcelain" });
  ASSERT_EQ(status, " M mm/ksm.c\n");
  const auto before = snapshot(dir.path());
  auto src = open_source(path_spec(dir.path()), *runner, {});
  src->identify();
  src->materialize(work.path() / "tree");
  EXPECT_EQ(util::read_file(work.path() / "tree/mm/ksm.c"), "int ksm = 1;\n");
  EXPECT_EQ(git(*runner, work.path() / "tree", { "status", "--porcelain" }), "");
  EXPECT_EQ(snapshot(dir.path()), before);
  EXPECT_EQ(git(*runner, dir.path(), { "status", "--porcelain" }), status);
}

TEST(SourceGitTree, MaterializesDirtyTreesRegardlessOfTheUsersGitConfig) {
  auto runner = util::make_real_process_runner();
  util::TempDir dir("kbench-src");
  util::TempDir work("kbench-src-work");
  make_kernel_repo(*runner, dir.path());
  util::write_file_atomic(dir.path() / "mm/ksm.c", "int ksm = 1;\n");
  const fs::path config = work.path() / "gitconfig";
  util::write_file_atomic(config, "[diff]\n\tnoprefix = true\n");
  const char* old = std::getenv("GIT_CONFIG_GLOBAL");
  const std::string saved = old != nullptr ? old : "";
  ::setenv("GIT_CONFIG_GLOBAL", config.c_str(), 1);
  bool ok = false;
  std::string what;
  try {
    auto src = open_source(path_spec(dir.path()), *runner, {});
    src->materialize(work.path() / "tree");
    ok = util::read_file(work.path() / "tree/mm/ksm.c") == "int ksm = 1;\n";
  } catch (const Error& e) {
    what = e.what();
  }
  if (old != nullptr) {
    ::setenv("GIT_CONFIG_GLOBAL", saved.c_str(), 1);
  } else {
    ::unsetenv("GIT_CONFIG_GLOBAL");
  }
  EXPECT_TRUE(ok) << what;
}

// --- git refs -----------------------------------------------------------------

TEST(SourceGitRef, NamesAnUnknownRef) {
  auto runner = util::make_real_process_runner();
  util::TempDir dir("kbench-src");
  make_kernel_repo(*runner, dir.path());
  auto src = open_source(path_spec(dir.path(), "no-such-ref"), *runner, {});
  const auto e = error_of([&] { src->identify(); });
  EXPECT_EQ(e.code(), ExitCode::source);
  EXPECT_TRUE(contains(e.what(), "unknown git ref 'no-such-ref'")) << e.what();
  EXPECT_TRUE(contains(e.what(), dir.path().string())) << e.what();
}

TEST(SourceGitRef, ReadsAndMaterializesTheTreeAtTheRef) {
  auto runner = util::make_real_process_runner();
  util::TempDir dir("kbench-src");
  util::TempDir work("kbench-src-work");
  make_kernel_repo(*runner, dir.path());
  git(*runner, dir.path(), { "tag", "v1" });
  const std::string v1 = trimmed(git(*runner, dir.path(), { "rev-parse", "v1" }));
  util::write_file_atomic(dir.path() / "mm/ksm.c", "int ksm = 2;\n");
  git(*runner, dir.path(), { "commit", "-q", "-am", "second" });
  util::write_file_atomic(dir.path() / "mm/ksm.c", "int ksm = 3; /* dirty */\n");
  const auto before = snapshot(dir.path());

  auto src = open_source(path_spec(dir.path(), "v1"), *runner, {});
  const Identity& id = src->identify();
  EXPECT_EQ(id.id, "git:" + v1);
  EXPECT_EQ(id.version, v1);
  EXPECT_TRUE(id.git_tree);
  EXPECT_EQ(id.timestamp, 1600000000);
  EXPECT_EQ(src->read_file("mm/ksm.c"), std::optional<std::string>("int ksm;\n"));
  EXPECT_EQ(src->read_file("mm/absent.c"), std::nullopt);

  src->materialize(work.path() / "tree");
  EXPECT_EQ(util::read_file(work.path() / "tree/mm/ksm.c"), "int ksm;\n");
  EXPECT_EQ(trimmed(git(*runner, work.path() / "tree", { "rev-parse", "HEAD" })), v1);
  EXPECT_EQ(snapshot(dir.path()), before);
  EXPECT_EQ(git(*runner, dir.path(), { "status", "--porcelain" }), " M mm/ksm.c\n");
}

} // namespace
} // namespace kbench::source
