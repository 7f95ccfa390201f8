// Tests of applying patch series (GNU patch and git am) and of the preflight,
// with the real tools on tiny trees, and of failure messages from real tool output.
#include <kbench/patches/apply.hpp>
#include <kbench/patches/series.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/process.hpp>

#include <gtest/gtest.h>

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

namespace kbench::patches {
namespace {

namespace fs = std::filesystem;

const fs::path k_unit = fs::path(KBENCH_TESTDATA_DIR) / "unit" / "patches";
const fs::path k_first = k_unit / "tiny" / "0001-ksm-first-change.patch";
const fs::path k_second = k_unit / "tiny" / "0002-ksm-second-change.patch";
const fs::path k_conflict = k_unit / "conflict" / "0002-ksm-conflicting-second-change.patch";
const fs::path k_plain = k_unit / "plain" / "0003-plain-change.diff";

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

// The pristine tiny tree the patches under testdata/unit/patches apply to.
std::map<std::string, std::string> pristine_files() {
  std::string ksm;
  for (int i = 1; i <= 30; ++i) {
    ksm += (i < 10 ? "line 0" : "line ") + std::to_string(i) + "\n";
  }
  return { { "mm/ksm.c", ksm }, { "include/linux/ksm.h", "first\nsecond\nthird\n" } };
}

SourceReader map_reader(std::map<std::string, std::string> files) {
  return [files = std::move(files)](const std::string& rel) -> std::optional<std::string> {
    const auto it = files.find(rel);
    if (it == files.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

void write_tree(const fs::path& root, const std::map<std::string, std::string>& files) {
  for (const auto& [rel, text] : files) {
    util::create_directories((root / rel).parent_path());
    util::write_file_atomic(root / rel, text);
  }
}

Series series_of(const std::vector<fs::path>& files) {
  Series s;
  for (const auto& f : files) {
    s.patches.push_back(parse_patch(util::read_file(f), f));
  }
  return s;
}

// Run git in `repo` with a fixed identity and dates and no user config.
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

// A git repository holding the pristine tiny tree in one commit.
void make_repo(util::ProcessRunner& runner, const fs::path& dir) {
  git(runner, dir, { "init", "-q", "-b", "main" });
  write_tree(dir, pristine_files());
  git(runner, dir, { "add", "." });
  git(runner, dir, { "commit", "-q", "-m", "base" });
}

// --- describe_failure on real tool output ---------------------------------

// `patch -p1 --forward --batch --dry-run` of the conflicting patch after the first one.
const std::string k_gnu_patch_hunk_failed = "checking file mm/ksm.c\n"
                                            "Hunk #2 FAILED at 17.\n"
                                            "1 out of 2 hunks FAILED\n";

// `git apply -p1` of the same patch.
const std::string k_git_apply_hunk_failed = "error: patch failed: mm/ksm.c:17\n"
                                            "error: mm/ksm.c: patch does not apply\n";

// `git am --no-3way` of the same patch.
const std::string k_git_am_hunk_failed =
  "Applying: ksm: conflicting second change\n"
  "error: patch failed: mm/ksm.c:17\n"
  "error: mm/ksm.c: patch does not apply\n"
  "Patch failed at 0001 ksm: conflicting second change\n"
  "hint: Use 'git am --show-current-patch=diff' to see the failed patch\n"
  "When you have resolved this problem, run \"git am --continue\".\n";

// `patch -p1 --forward --batch` of the first patch, applied a second time.
const std::string k_gnu_patch_reversed =
  "patching file include/linux/ksm.h\n"
  "Reversed (or previously applied) patch detected!  Skipping patch.\n"
  "1 out of 1 hunk ignored -- saving rejects to file include/linux/ksm.h.rej\n"
  "patching file mm/ksm.c\n"
  "Reversed (or previously applied) patch detected!  Skipping patch.\n"
  "2 out of 2 hunks ignored -- saving rejects to file mm/ksm.c.rej\n";

// `patch -p1 --forward --batch --dry-run` of the first patch when mm/ksm.c is missing.
const std::string k_gnu_patch_missing_file = "checking file include/linux/ksm.h\n"
                                             "can't find file to patch at input line 24\n"
                                             "Perhaps you used the wrong -p or --strip option?\n"
                                             "The text leading up to this was:\n"
                                             "--------------------------\n"
                                             "|diff --git a/mm/ksm.c b/mm/ksm.c\n"
                                             "|index c06d75c..9f63f57 100644\n"
                                             "|--- a/mm/ksm.c\n"
                                             "|+++ b/mm/ksm.c\n"
                                             "--------------------------\n"
                                             "No file to patch.  Skipping patch.\n"
                                             "2 out of 2 hunks ignored\n";

TEST(PatchesDescribeFailure, NamesPatchFileHunkAndHeaderFromGnuPatchOutput) {
  const Patch p = parse_patch(util::read_file(k_conflict), k_conflict);
  const std::string msg = describe_failure(p, k_gnu_patch_hunk_failed);
  EXPECT_EQ(msg, "patch " + k_conflict.string() +
                   " (\"[PATCH 2/2] ksm: conflicting second change\"): hunk #2 of mm/ksm.c "
                   "(@@ -17,7 +17,7 @@ line 16) does not apply: patch says \"Hunk #2 FAILED at "
                   "17.\"");
}

TEST(PatchesDescribeFailure, NamesPatchFileHunkAndHeaderFromGitApplyOutput) {
  const Patch p = parse_patch(util::read_file(k_conflict), k_conflict);
  const std::string msg = describe_failure(p, k_git_apply_hunk_failed);
  EXPECT_EQ(msg, "patch " + k_conflict.string() +
                   " (\"[PATCH 2/2] ksm: conflicting second change\"): hunk #2 of mm/ksm.c "
                   "(@@ -17,7 +17,7 @@ line 16) does not apply: git says \"error: patch failed: "
                   "mm/ksm.c:17\"");
}

TEST(PatchesDescribeFailure, NamesTheHunkFromGitAmOutput) {
  const Patch p = parse_patch(util::read_file(k_conflict), k_conflict);
  const std::string msg = describe_failure(p, k_git_am_hunk_failed);
  EXPECT_TRUE(contains(msg, k_conflict.string())) << msg;
  EXPECT_TRUE(contains(msg, "hunk #2 of mm/ksm.c (@@ -17,7 +17,7 @@ line 16)")) << msg;
}

TEST(PatchesDescribeFailure, SaysAPatchIsAlreadyApplied) {
  const Patch p = parse_patch(util::read_file(k_first), k_first);
  const std::string msg = describe_failure(p, k_gnu_patch_reversed);
  EXPECT_TRUE(contains(msg, k_first.string())) << msg;
  EXPECT_TRUE(contains(msg, "include/linux/ksm.h is already applied")) << msg;
}

TEST(PatchesDescribeFailure, SaysAFileIsMissingFromGitOutput) {
  const Patch p = parse_patch(util::read_file(k_first), k_first);
  const std::string gone = describe_failure(p, "error: mm/ksm.c: No such file or directory\n");
  EXPECT_TRUE(contains(gone, "does not exist in the tree")) << gone;
  EXPECT_TRUE(contains(gone, "mm/ksm.c")) << gone;
  EXPECT_TRUE(contains(describe_failure(p, "error: mm/ksm.c: does not exist in index\n"),
                       "does not exist in the tree: mm/ksm.c"));
}

TEST(PatchesDescribeFailure, SaysAFileIsMissingFromGnuPatchOutput) {
  const Patch p = parse_patch(util::read_file(k_first), k_first);
  const std::string msg = describe_failure(p, k_gnu_patch_missing_file);
  EXPECT_TRUE(contains(msg, k_first.string())) << msg;
  EXPECT_TRUE(contains(msg, "does not exist in the tree")) << msg;
}

TEST(PatchesDescribeFailure, NamesTheMissingFileFromGnuPatchOutput) {
  const Patch p = parse_patch(util::read_file(k_first), k_first);
  EXPECT_TRUE(contains(describe_failure(p, k_gnu_patch_missing_file), "mm/ksm.c"));
}

TEST(PatchesDescribeFailure, QuotesTheToolsLastLinesWhenTheOutputIsUnknown) {
  const Patch p = parse_patch(util::read_file(k_first), k_first);
  const std::string msg = describe_failure(p, "line 1\nsomething odd happened\n");
  EXPECT_TRUE(contains(msg, k_first.string())) << msg;
  EXPECT_TRUE(contains(msg, "something odd happened")) << msg;
}

// --- preflight with the real tools ----------------------------------------

TEST(PatchesPreflight, PassesASeriesThatAppliesWithGnuPatch) {
  auto runner = util::make_real_process_runner();
  EXPECT_NO_THROW(preflight(*runner, series_of({ k_first, k_second, k_plain }),
                            map_reader(pristine_files()), Method::patch));
}

TEST(PatchesPreflight, PassesASeriesThatAppliesWithGitApply) {
  auto runner = util::make_real_process_runner();
  EXPECT_NO_THROW(preflight(*runner, series_of({ k_first, k_second, k_plain }),
                            map_reader(pristine_files()), Method::git_am));
}

TEST(PatchesPreflight, PassesAnEmptySeries) {
  auto runner = util::make_real_process_runner();
  EXPECT_NO_THROW(preflight(*runner, Series{}, map_reader({}), Method::patch));
}

TEST(PatchesPreflight, NamesTheSecondPatchAndItsHunkWhenItConflictsUsingGnuPatch) {
  auto runner = util::make_real_process_runner();
  const auto e = error_of([&] {
    preflight(*runner, series_of({ k_first, k_conflict }), map_reader(pristine_files()),
              Method::patch);
  });
  EXPECT_EQ(e.code(), ExitCode::patch);
  const std::string msg = e.what();
  EXPECT_EQ(msg.rfind("patch " + k_conflict.string(), 0), 0u) << msg;
  EXPECT_TRUE(contains(msg, "hunk #2 of mm/ksm.c (@@ -17,7 +17,7 @@ line 16)")) << msg;
}

TEST(PatchesPreflight, NamesTheSecondPatchAndItsHunkWhenItConflictsUsingGitApply) {
  auto runner = util::make_real_process_runner();
  const auto e = error_of([&] {
    preflight(*runner, series_of({ k_first, k_conflict }), map_reader(pristine_files()),
              Method::git_am);
  });
  EXPECT_EQ(e.code(), ExitCode::patch);
  const std::string msg = e.what();
  EXPECT_EQ(msg.rfind("patch " + k_conflict.string(), 0), 0u) << msg;
  EXPECT_TRUE(contains(msg, "hunk #2 of mm/ksm.c (@@ -17,7 +17,7 @@ line 16)")) << msg;
}

TEST(PatchesPreflight, FailsWhenTheSourceLacksAPatchedFile) {
  auto runner = util::make_real_process_runner();
  auto files = pristine_files();
  files.erase("mm/ksm.c");
  for (const Method method : { Method::patch, Method::git_am }) {
    const auto e =
      error_of([&] { preflight(*runner, series_of({ k_first }), map_reader(files), method); });
    EXPECT_EQ(e.code(), ExitCode::patch);
    EXPECT_TRUE(contains(e.what(), k_first.string())) << e.what();
    EXPECT_TRUE(contains(e.what(), "does not exist")) << e.what();
  }
}

TEST(PatchesPreflight, FailsForAPatchThatIsAlreadyApplied) {
  auto runner = util::make_real_process_runner();
  const auto e = error_of([&] {
    preflight(*runner, series_of({ k_first, k_first }), map_reader(pristine_files()),
              Method::patch);
  });
  EXPECT_EQ(e.code(), ExitCode::patch);
  EXPECT_TRUE(contains(e.what(), "already applied")) << e.what();
}

TEST(PatchesPreflight, CopiesTheOldNameOfARenamedFile) {
  auto runner = util::make_real_process_runner();
  util::TempDir dir("kbench-preflight-test");
  util::write_file_atomic(
    dir.path() / "rename.patch",
    "diff --git a/old.c b/new.c\nsimilarity index 50%\nrename from old.c\n"
    "rename to new.c\n--- a/old.c\n+++ b/new.c\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n");
  for (const Method method : { Method::patch, Method::git_am }) {
    EXPECT_NO_THROW(preflight(*runner, series_of({ dir.path() / "rename.patch" }),
                              map_reader({ { "old.c", "a\nb\n" } }), method));
  }
}

// --- apply_series with the real tools -------------------------------------

TEST(PatchesApplySeries, ChangesThePlainTreeWithGnuPatchAndLogsTheCommands) {
  auto runner = util::make_real_process_runner();
  util::TempDir tree("kbench-apply-plain");
  write_tree(tree.path(), pristine_files());
  const fs::path log = tree.path() / "patch.log";
  apply_series(*runner, series_of({ k_first, k_second, k_plain }), tree.path(), Method::patch, log);
  const std::string ksm = util::read_file(tree.path() / "mm/ksm.c");
  EXPECT_TRUE(contains(ksm, "line 05 changed by A\n"));
  EXPECT_TRUE(contains(ksm, "line 12 changed by B\n"));
  EXPECT_TRUE(contains(ksm, "line 20 changed by B\n"));
  EXPECT_TRUE(contains(ksm, "line 25 changed by A\n"));
  EXPECT_TRUE(contains(ksm, "line 28 changed by a plain diff\n"));
  EXPECT_EQ(util::read_file(tree.path() / "include/linux/ksm.h"), "first\nsecond\nthird\nfourth\n");
  EXPECT_FALSE(fs::exists(tree.path() / "mm/ksm.c.orig"));
  EXPECT_FALSE(fs::exists(tree.path() / "mm/ksm.c.rej"));
  const std::string text = util::read_file(log);
  EXPECT_TRUE(contains(text, "$ patch -p1 --forward --batch --no-backup-if-mismatch -i " +
                               k_second.string() + " --dry-run\n"))
    << text;
  EXPECT_TRUE(contains(text, "patching file mm/ksm.c")) << text;
}

TEST(PatchesApplySeries, StopsAtAConflictingPatchWithoutApplyingPartOfIt) {
  auto runner = util::make_real_process_runner();
  util::TempDir tree("kbench-apply-plain");
  write_tree(tree.path(), pristine_files());
  const auto e = error_of([&] {
    apply_series(*runner, series_of({ k_first, k_conflict }), tree.path(), Method::patch, {});
  });
  EXPECT_EQ(e.code(), ExitCode::patch);
  EXPECT_TRUE(contains(e.what(), k_conflict.string())) << e.what();
  EXPECT_TRUE(contains(e.what(), "hunk #2 of mm/ksm.c")) << e.what();
  const std::string ksm = util::read_file(tree.path() / "mm/ksm.c");
  EXPECT_TRUE(contains(ksm, "line 05 changed by A\n")); // the first patch is in
  EXPECT_TRUE(contains(ksm, "line 12\n"));              // hunk 1 of the second is not
  EXPECT_FALSE(fs::exists(tree.path() / "mm/ksm.c.rej"));
}

TEST(PatchesApplySeries, CommitsEachPatchInAGitTree) {
  auto runner = util::make_real_process_runner();
  util::TempDir repo("kbench-apply-git");
  make_repo(*runner, repo.path());
  CommitIdentity identity;
  identity.date = "@1700000000";
  apply_series(*runner, series_of({ k_first, k_second, k_plain }), repo.path(), Method::git_am,
               repo.path() / ".git" / "kbench-patch.log", identity);
  EXPECT_EQ(git(*runner, repo.path(), { "log", "--format=%s|%an|%ce|%ct" }),
            "0003-plain-change.diff|kbench|kbench@localhost|1700000000\n"
            "ksm: second change|t|kbench@localhost|1700000000\n"
            "ksm: first change|t|kbench@localhost|1700000000\n"
            "base|t|t@example.org|1600000000\n");
  EXPECT_EQ(git(*runner, repo.path(), { "status", "--porcelain" }), "");
  const std::string ksm = util::read_file(repo.path() / "mm/ksm.c");
  EXPECT_TRUE(contains(ksm, "line 12 changed by B\n"));
  EXPECT_TRUE(contains(ksm, "line 28 changed by a plain diff\n"));
}

TEST(PatchesApplySeries, MakesTheSameCommitsInTwoFreshRepositories) {
  auto runner = util::make_real_process_runner();
  CommitIdentity identity;
  identity.date = "@1700000000";
  std::vector<std::string> heads;
  for (int i = 0; i < 2; ++i) {
    util::TempDir repo("kbench-apply-git");
    make_repo(*runner, repo.path());
    apply_series(*runner, series_of({ k_first, k_second, k_plain }), repo.path(), Method::git_am,
                 {}, identity);
    heads.push_back(git(*runner, repo.path(), { "rev-parse", "HEAD" }));
  }
  EXPECT_EQ(heads[0].size(), 41u);
  EXPECT_EQ(heads[0], heads[1]);
}

TEST(PatchesApplySeries, AbortsGitAmAndNamesTheConflictingPatch) {
  auto runner = util::make_real_process_runner();
  util::TempDir repo("kbench-apply-git");
  make_repo(*runner, repo.path());
  CommitIdentity identity;
  identity.date = "@1700000000";
  const auto e = error_of([&] {
    apply_series(*runner, series_of({ k_first, k_conflict }), repo.path(), Method::git_am, {},
                 identity);
  });
  EXPECT_EQ(e.code(), ExitCode::patch);
  EXPECT_TRUE(contains(e.what(), k_conflict.string())) << e.what();
  EXPECT_TRUE(contains(e.what(), "hunk #2 of mm/ksm.c (@@ -17,7 +17,7 @@ line 16)")) << e.what();
  EXPECT_FALSE(fs::exists(repo.path() / ".git" / "rebase-apply")); // git am --abort ran
  EXPECT_EQ(git(*runner, repo.path(), { "log", "-1", "--format=%s" }), "ksm: first change\n");
  EXPECT_EQ(git(*runner, repo.path(), { "status", "--porcelain" }), "");
}

} // namespace
} // namespace kbench::patches
