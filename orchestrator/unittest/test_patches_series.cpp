// Tests of patch parsing and series loading (order, hashing, prefixes).
#include <kbench/patches/series.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/hash.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
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
const fs::path k_ksm = fs::path(KBENCH_TESTDATA_DIR) / ".." / "patches" / "ksm-rmap-walk" / "6.12";
const fs::path k_ksm1 = k_ksm / "0001-ksm-add-linear_page_index-to-ksm_rmap_item.patch";
const fs::path k_ksm2 =
  k_ksm / "0002-ksm-optimize-rmap_walk_ksm-by-passing-a-suitable-page-index.patch";

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

// A minimal unified diff changing one line of `file`.
std::string tiny_diff(const std::string& file, const std::string& from, const std::string& to) {
  return "--- a/" + file + "\n+++ b/" + file + "\n@@ -1 +1 @@\n-" + from + "\n+" + to + "\n";
}

std::vector<std::string> file_names(const Series& s) {
  std::vector<std::string> names;
  for (const auto& p : s.patches) {
    names.push_back(p.path.filename().string());
  }
  return names;
}

TEST(PatchesParsePatch, ReadsSubjectFilesAndNumberedHunksOfARealFormatPatch) {
  const std::string text = util::read_file(k_ksm1);
  const Patch p = parse_patch(text, k_ksm1);
  EXPECT_EQ(p.path, k_ksm1);
  EXPECT_EQ(p.sha256, util::sha256_hex(text));
  EXPECT_EQ(p.subject, "[PATCH 1/2] ksm: add linear_page_index to ksm_rmap_item");
  EXPECT_EQ(p.files, std::vector<std::string>{ "mm/ksm.c" });
  ASSERT_EQ(p.hunks.size(), 3u);
  EXPECT_EQ(p.hunks[0].file, "mm/ksm.c");
  EXPECT_EQ(p.hunks[0].number, 1);
  EXPECT_EQ(p.hunks[0].old_start, 192);
  EXPECT_EQ(p.hunks[0].header, "@@ -192,6 +192,8 @@ struct ksm_stable_node {");
  EXPECT_EQ(p.hunks[1].number, 2);
  EXPECT_EQ(p.hunks[1].old_start, 209);
  EXPECT_EQ(p.hunks[2].number, 3);
  EXPECT_EQ(p.hunks[2].old_start, 1565);
  EXPECT_EQ(p.hunks[2].header,
            "@@ -1565,6 +1568,8 @@ static int try_to_merge_with_ksm_page(struct ksm_rmap_item "
            "*rmap_item,");
}

TEST(PatchesParsePatch, ReadsTheHunksOfTheSecondRealPatch) {
  const Patch p = parse_patch(util::read_file(k_ksm2), k_ksm2);
  ASSERT_EQ(p.hunks.size(), 2u);
  EXPECT_EQ(p.hunks[0].old_start, 3127);
  EXPECT_EQ(p.hunks[1].old_start, 3138);
  EXPECT_EQ(p.hunks[1].number, 2);
  EXPECT_EQ(p.hunks[1].header, "@@ -3138,8 +3139,18 @@ again:");
  EXPECT_EQ(
    p.subject.rfind("[PATCH 2/2] ksm: Optimize rmap_walk_ksm by passing a suitable page", 0), 0u);
}

TEST(PatchesParsePatch, JoinsAFoldedSubjectHeader) {
  const Patch p = parse_patch(util::read_file(k_ksm2), k_ksm2);
  EXPECT_EQ(p.subject, "[PATCH 2/2] ksm: Optimize rmap_walk_ksm by passing a suitable page index");
}

TEST(PatchesParsePatch, TakesABlankContinuationLineOfTheSubjectAsNothing) {
  // Found by fuzz_patchheader: a continuation of blanks only threw std::out_of_range.
  const Patch p = parse_patch("Subject: [PATCH] ksm: x\n \n\t\n--- a/mm/ksm.c\n+++ b/mm/ksm.c\n"
                              "@@ -1 +1 @@\n-a\n+b\n",
                              "p.patch");
  EXPECT_EQ(p.subject, "[PATCH] ksm: x");
  EXPECT_EQ(p.files, std::vector<std::string>{ "mm/ksm.c" });
}

TEST(PatchesParsePatch, RecordsWhetherThePatchIsAMail) {
  EXPECT_TRUE(parse_patch(util::read_file(k_ksm2), k_ksm2).mail_format);
  EXPECT_FALSE(parse_patch("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n", "p.diff").mail_format);
}

TEST(PatchesParsePatch, NumbersHunksPerFileAcrossSeveralFiles) {
  const fs::path path = k_unit / "tiny" / "0001-ksm-first-change.patch";
  const Patch p = parse_patch(util::read_file(path), path);
  EXPECT_EQ(p.subject, "[PATCH 1/2] ksm: first change");
  EXPECT_EQ(p.files, (std::vector<std::string>{ "include/linux/ksm.h", "mm/ksm.c" }));
  ASSERT_EQ(p.hunks.size(), 3u);
  EXPECT_EQ(p.hunks[0].file, "include/linux/ksm.h");
  EXPECT_EQ(p.hunks[0].number, 1);
  EXPECT_EQ(p.hunks[0].old_start, 1);
  EXPECT_EQ(p.hunks[1].file, "mm/ksm.c");
  EXPECT_EQ(p.hunks[1].number, 1);
  EXPECT_EQ(p.hunks[1].old_start, 2);
  EXPECT_EQ(p.hunks[2].number, 2);
  EXPECT_EQ(p.hunks[2].old_start, 22);
  EXPECT_EQ(p.hunks[2].header, "@@ -22,7 +22,7 @@ line 21");
}

TEST(PatchesParsePatch, UsesTheFileNameAsSubjectOfAPlainDiff) {
  const fs::path path = k_unit / "plain" / "0003-plain-change.diff";
  const Patch p = parse_patch(util::read_file(path), path);
  EXPECT_EQ(p.subject, "0003-plain-change.diff");
  EXPECT_EQ(p.files, std::vector<std::string>{ "mm/ksm.c" });
  ASSERT_EQ(p.hunks.size(), 1u);
  EXPECT_EQ(p.hunks[0].old_start, 25);
}

TEST(PatchesParsePatch, HandlesCreatedAndDeletedFilesAndCrLfLineEnds) {
  const std::string text = "--- /dev/null\r\n+++ b/new.c\r\n@@ -0,0 +1 @@\r\n+x\r\n"
                           "--- a/old.c\r\n+++ /dev/null\r\n@@ -1 +0,0 @@\r\n-y\r\n";
  const Patch p = parse_patch(text, "x.diff");
  EXPECT_EQ(p.files, (std::vector<std::string>{ "new.c", "old.c" }));
  ASSERT_EQ(p.hunks.size(), 2u);
  EXPECT_EQ(p.hunks[0].file, "new.c");
  EXPECT_EQ(p.hunks[0].old_start, 0);
  EXPECT_EQ(p.hunks[1].file, "old.c");
  EXPECT_EQ(p.hunks[1].old_start, 1);
}

TEST(PatchesParsePatch, StripsTimestampsAfterATabInFileHeaders) {
  const std::string text = "--- a/mm/ksm.c\t2024-01-01 00:00:00\n+++ b/mm/ksm.c\t2024-01-02\n"
                           "@@ -5 +5 @@\n-a\n+b\n";
  const Patch p = parse_patch(text, "x.diff");
  EXPECT_EQ(p.files, std::vector<std::string>{ "mm/ksm.c" });
  ASSERT_EQ(p.hunks.size(), 1u);
  EXPECT_EQ(p.hunks[0].file, "mm/ksm.c");
}

TEST(PatchesParsePatch, DoesNotTakeRemovedLinesStartingWithDashDashForFileHeaders) {
  // Removes the line "-- signature" (diff line "--- signature") in hunk 1.
  const std::string text = "--- a/doc.txt\n+++ b/doc.txt\n@@ -1,2 +1 @@\n text\n--- signature\n"
                           "@@ -10 +9 @@\n-a\n+b\n";
  const Patch p = parse_patch(text, "x.diff");
  EXPECT_EQ(p.files, std::vector<std::string>{ "doc.txt" });
  ASSERT_EQ(p.hunks.size(), 2u);
  EXPECT_EQ(p.hunks[1].file, "doc.txt");
  EXPECT_EQ(p.hunks[1].number, 2);
}

TEST(PatchesParsePatch, AcceptsAPureRenameWithoutHunks) {
  const std::string text = "Subject: [PATCH] rename\n---\ndiff --git a/old.c b/new.c\n"
                           "similarity index 100%\nrename from old.c\nrename to new.c\n";
  const Patch p = parse_patch(text, "r.patch");
  EXPECT_FALSE(p.files.empty());
}

TEST(PatchesParsePatch, RejectsTextWithoutADiffNamingTheFile) {
  const auto e =
    error_of([] { parse_patch("Subject: notes\n\njust some text\n---\n", "/x/notes.patch"); });
  EXPECT_EQ(e.code(), ExitCode::patch);
  EXPECT_TRUE(contains(e.what(), "/x/notes.patch")) << e.what();
  EXPECT_TRUE(contains(e.what(), "not a patch")) << e.what();
}

TEST(PatchesParsePatch, RejectsAnAbsoluteFileNameNamingThePatchAndLine) {
  const std::string text = "Subject: x\n\n--- /tmp/x/secret\n+++ /tmp/x/secret\n"
                           "@@ -1 +1 @@\n-S\n+P\n";
  const auto e = error_of([&] { parse_patch(text, "/p/1.patch"); });
  EXPECT_EQ(e.code(), ExitCode::patch);
  EXPECT_TRUE(contains(e.what(), "/p/1.patch:3:")) << e.what();
  EXPECT_TRUE(contains(e.what(), "/tmp/x/secret")) << e.what();
  EXPECT_TRUE(contains(e.what(), "absolute")) << e.what();
}

TEST(PatchesParsePatch, RejectsDotDotComponentsInEveryKindOfFileHeader) {
  const std::vector<std::string> texts = {
    "--- a/../x\n+++ b/mm/ksm.c\n@@ -1 +1 @@\n-S\n+P\n",
    "--- a/mm/ksm.c\n+++ b/mm/../../x\n@@ -1 +1 @@\n-S\n+P\n",
    "diff --git a/../../x b/../../x\nindex 1..2 100644\n",
    "diff --git a/old.c b/new.c\nsimilarity index 100%\nrename from old.c\nrename to ../new.c\n",
  };
  for (const auto& text : texts) {
    const auto e = error_of([&] { parse_patch(text, "/p/1.patch"); });
    EXPECT_EQ(e.code(), ExitCode::patch) << text;
    EXPECT_TRUE(contains(e.what(), "'..' component")) << e.what();
    EXPECT_TRUE(contains(e.what(), "/p/1.patch:")) << e.what();
  }
}

TEST(PatchesParsePatch, DevNullIsNoFileOnlyOnMinusAndPlusLines) {
  // Found by fuzz_patchheader: "a//dev/null" in a diff --git line left "/dev/null" as the old
  // name of a file, an absolute path the preflight would have joined to its scratch directory.
  const std::vector<std::string> texts = {
    "diff --git a//dev/null b/mm/ksm.c\nindex 1..2 100644\n",
    "diff --git a/mm/ksm.c b//dev/null\nindex 1..2 100644\n",
    "diff --git a/old.c b/new.c\nsimilarity index 100%\nrename from /dev/null\nrename to new.c\n",
  };
  for (const auto& text : texts) {
    const auto e = error_of([&] { parse_patch(text, "/p/1.patch"); });
    EXPECT_EQ(e.code(), ExitCode::patch) << text;
    EXPECT_TRUE(contains(e.what(), "unsafe file name \"/dev/null\" (absolute path)")) << e.what();
  }
}

TEST(PatchesParsePatch, AcceptsDevNullForCreatedAndDeletedFiles) {
  const Patch p = parse_patch("--- /dev/null\n+++ b/new.c\n@@ -0,0 +1 @@\n+x\n", "n.patch");
  EXPECT_EQ(p.files, std::vector<std::string>{ "new.c" });
}

TEST(PatchesLoadSeries, RejectsASeriesFileEntryOutsideItsDirectory) {
  util::TempDir dir("kbench-series");
  util::write_file_atomic(dir.path() / "series", "../../etc/passwd\n");
  const auto e = error_of([&] { load_series(dir.path()); });
  EXPECT_EQ(e.code(), ExitCode::patch);
  EXPECT_TRUE(contains(e.what(), "'..' component")) << e.what();
}

TEST(PatchesLoadSeries, TakesPatchAndDiffFilesOfADirectoryInLexicalOrder) {
  util::TempDir dir("kbench-series");
  util::write_file_atomic(dir.path() / "0002-b.patch", tiny_diff("b", "1", "2"));
  util::write_file_atomic(dir.path() / "0010-c.diff", tiny_diff("c", "1", "2"));
  util::write_file_atomic(dir.path() / "0001-a.patch", tiny_diff("a", "1", "2"));
  util::write_file_atomic(dir.path() / "README", "not a patch");
  util::write_file_atomic(dir.path() / "0003-notes.txt", "not a patch");
  util::write_file_atomic(dir.path() / "0004-x.patch.orig", "not a patch");
  util::create_directories(dir.path() / "0005-dir.patch");
  const Series s = load_series(dir.path());
  EXPECT_EQ(file_names(s),
            (std::vector<std::string>{ "0001-a.patch", "0002-b.patch", "0010-c.diff" }));
  EXPECT_EQ(s.patches[0].files, std::vector<std::string>{ "a" });
}

TEST(PatchesLoadSeries, FollowsAQuiltSeriesFileWithCommentsAndBlankLines) {
  util::TempDir dir("kbench-series");
  util::write_file_atomic(dir.path() / "0001-a.patch", tiny_diff("a", "1", "2"));
  util::write_file_atomic(dir.path() / "0002-b.patch", tiny_diff("b", "1", "2"));
  util::write_file_atomic(dir.path() / "unlisted.patch", tiny_diff("u", "1", "2"));
  util::write_file_atomic(dir.path() / "series",
                          "# order matters\n0002-b.patch\n\n0001-a.patch   # first in name\n");
  const Series s = load_series(dir.path());
  EXPECT_EQ(file_names(s), (std::vector<std::string>{ "0002-b.patch", "0001-a.patch" }));
}

TEST(PatchesLoadSeries, NamesAPatchOfTheSeriesFileThatIsMissing) {
  util::TempDir dir("kbench-series");
  util::write_file_atomic(dir.path() / "series", "0001-gone.patch\n");
  const auto e = error_of([&] { load_series(dir.path()); });
  EXPECT_EQ(e.code(), ExitCode::patch);
  EXPECT_TRUE(contains(e.what(), (dir.path() / "0001-gone.patch").string())) << e.what();
}

TEST(PatchesLoadSeries, NamesAMissingInput) {
  const auto e = error_of([] { load_series(fs::path("/nonexistent/kbench-series")); });
  EXPECT_EQ(e.code(), ExitCode::patch);
  EXPECT_TRUE(contains(e.what(), "/nonexistent/kbench-series")) << e.what();
}

TEST(PatchesLoadSeries, RejectsANonPatchInTheDirectoryNamingIt) {
  util::TempDir dir("kbench-series");
  util::write_file_atomic(dir.path() / "0001-a.patch", tiny_diff("a", "1", "2"));
  util::write_file_atomic(dir.path() / "0002-empty.patch", "From: someone\n\nno diff here\n");
  const auto e = error_of([&] { load_series(dir.path()); });
  EXPECT_EQ(e.code(), ExitCode::patch);
  EXPECT_TRUE(contains(e.what(), (dir.path() / "0002-empty.patch").string())) << e.what();
}

TEST(PatchesLoadSeries, RefusesADeviceInsteadOfAPatchFileAtOnce) {
  const auto e = error_of([] { load_series(fs::path("/dev/zero")); });
  EXPECT_EQ(e.code(), ExitCode::patch);
  EXPECT_EQ(std::string(e.what()),
            "patch file /dev/zero is a character device, not a regular file");
}

TEST(PatchesLoadSeries, RefusesASeriesFileThatIsADevice) {
  util::TempDir dir("kbench-series");
  fs::create_symlink("/dev/zero", dir.path() / "series");
  const auto e = error_of([&] { load_series(dir.path()); });
  EXPECT_EQ(e.code(), ExitCode::patch);
  EXPECT_TRUE(contains(e.what(), "series file " + (dir.path() / "series").string())) << e.what();
}

TEST(PatchesLoadSeries, RefusesADirectoryWithoutAnyPatchPointingToAa) {
  util::TempDir dir("kbench-series");
  util::write_file_atomic(dir.path() / "README", "no patches here\n");
  auto e = error_of([&] { load_series(dir.path()); });
  EXPECT_EQ(e.code(), ExitCode::patch);
  EXPECT_TRUE(contains(e.what(), dir.path().string() + " holds no patch")) << e.what();
  EXPECT_TRUE(contains(e.what(), "use --aa")) << e.what();
  util::write_file_atomic(dir.path() / "series", "# nothing yet\n");
  e = error_of([&] { load_series(dir.path()); });
  EXPECT_TRUE(contains(e.what(), "holds no patch")) << e.what();
}

// A series directory with one port per kernel version, like patches/ksm-rmap-walk.
struct PortedSeries {
  util::TempDir dir{ "kbench-ports" };
  PortedSeries() {
    util::create_directories(dir.path() / "6.1");
    util::create_directories(dir.path() / "6.12");
    util::create_directories(dir.path() / "notes");
    util::write_file_atomic(dir.path() / "README.md", "one port per version\n");
    util::write_file_atomic(dir.path() / "6.1" / "0001-a.patch", tiny_diff("a61", "1", "2"));
    util::write_file_atomic(dir.path() / "6.12" / "0001-a.patch", tiny_diff("a612", "1", "2"));
  }
};

TEST(PatchesLoadSeries, PicksThePortForTheSourcesMajorMinorVersion) {
  PortedSeries ported;
  const Series s612 = load_series(ported.dir.path(), source::KernelVersion{ 6, 12, 117 });
  ASSERT_EQ(s612.patches.size(), 1u);
  EXPECT_EQ(s612.patches[0].files, std::vector<std::string>{ "a612" });
  EXPECT_EQ(s612.patches[0].path.parent_path().filename(), "6.12");
  const Series s61 = load_series(ported.dir.path(), source::KernelVersion{ 6, 1, 192 });
  EXPECT_EQ(s61.patches.at(0).files, std::vector<std::string>{ "a61" });
}

TEST(PatchesLoadSeries, NamesThePortsWhenNoneFitsTheSourceOrTheVersionIsUnknown) {
  PortedSeries ported;
  const auto e = error_of([&] {
    load_series(ported.dir.path(), source::KernelVersion{ 6, 6, 30 });
  });
  EXPECT_EQ(e.code(), ExitCode::patch);
  EXPECT_TRUE(
    contains(e.what(), "has ports for kernel 6.1, 6.12 only; the kernel source is 6.6.30"))
    << e.what();
  const auto unknown = error_of([&] { load_series(ported.dir.path()); });
  EXPECT_TRUE(contains(unknown.what(), "one port per kernel version (6.1, 6.12)"))
    << unknown.what();
}

TEST(PatchesLoadSeries, ADirectoryWithPatchesOfItsOwnIsNotAPortedSeries) {
  PortedSeries ported;
  util::write_file_atomic(ported.dir.path() / "0001-top.patch", tiny_diff("top", "1", "2"));
  const Series s = load_series(ported.dir.path(), source::KernelVersion{ 6, 12, 0 });
  EXPECT_EQ(file_names(s), std::vector<std::string>{ "0001-top.patch" });
}

TEST(PatchesLoadSeries, TheRepositorysSeedSeriesHasPortsFor61And612) {
  const fs::path seed = fs::path(KBENCH_TESTDATA_DIR) / ".." / "patches" / "ksm-rmap-walk";
  for (const auto& [version, dir] : { std::pair{ source::KernelVersion{ 6, 1, 192 }, "6.1" },
                                      std::pair{ source::KernelVersion{ 6, 12, 117 }, "6.12" } }) {
    const Series s = load_series(seed, version);
    ASSERT_EQ(s.patches.size(), 2u) << dir;
    EXPECT_EQ(s.patches[0].path.parent_path().filename(), dir);
    EXPECT_EQ(s.patches[1].subject,
              "[PATCH 2/2] ksm: Optimize rmap_walk_ksm by passing a suitable page index");
  }
}

// A quilt series directory whose series file has a kbench-if block.
struct ConditionalSeries {
  util::TempDir dir{ "kbench-series-if" };
  explicit ConditionalSeries(const std::string& series) {
    util::write_file_atomic(dir.path() / "0001-all.patch", tiny_diff("all", "1", "2"));
    util::write_file_atomic(dir.path() / "0002-old.patch", tiny_diff("old", "1", "2"));
    util::write_file_atomic(dir.path() / "series", series);
  }
};

TEST(PatchesLoadSeries, ASeriesFileKbenchIfBlockAppliesOnlyToKernelsThatSatisfyIt) {
  ConditionalSeries c("0001-all.patch\n# kbench-if: kernel < 6.5\n0002-old.patch # boot fix\n"
                      "# kbench-endif\n");
  EXPECT_EQ(file_names(load_series(c.dir.path(), source::KernelVersion{ 6, 1, 192 })),
            (std::vector<std::string>{ "0001-all.patch", "0002-old.patch" }));
  EXPECT_EQ(file_names(load_series(c.dir.path(), source::KernelVersion{ 6, 12, 117 })),
            std::vector<std::string>{ "0001-all.patch" });
}

TEST(PatchesLoadSeries, ASeriesFileKbenchIfBlockNeedsTheKernelVersion) {
  ConditionalSeries c("0001-all.patch\n# kbench-if: kernel < 6.5\n0002-old.patch\n"
                      "# kbench-endif\n");
  const auto e = error_of([&] { load_series(c.dir.path()); });
  EXPECT_EQ(e.code(), ExitCode::patch);
  EXPECT_TRUE(contains(e.what(), (c.dir.path() / "series").string() + ":2: the series has "
                                                                      "kbench-if blocks"))
    << e.what();
}

TEST(PatchesLoadSeries, MalformedSeriesFileBlocksAreNamedByFileAndLine) {
  const source::KernelVersion v{ 6, 1, 0 };
  const std::vector<std::pair<std::string, std::string>> cases{
    { "# kbench-if: kernel ~ 6\n", ":1: expected a condition like" },
    { "# kbench-if: kernel < 6.5\n0001-all.patch\n", ":1: kbench-if block is never closed" },
    { "# kbench-endif\n", ":1: kbench-endif without kbench-if" },
    { "# kbench-if: kernel < 6.5\n# kbench-if: kernel < 6.2\n", ":2: kbench-if blocks do "
                                                                "not nest" },
  };
  for (const auto& [series, want] : cases) {
    ConditionalSeries c(series);
    const auto e = error_of([&] { load_series(c.dir.path(), v); });
    EXPECT_EQ(e.code(), ExitCode::patch) << series;
    EXPECT_TRUE(contains(e.what(), want)) << series << " -> " << e.what();
  }
}

TEST(PatchesLoadSeries, TheMeasurementLayerCarriesTheBootFixOnlyForKernelsBefore65) {
  const fs::path layer = fs::path(KBENCH_TESTDATA_DIR) / ".." / "patches" / "measurement";
  const Series s61 = load_series(layer, source::KernelVersion{ 6, 1, 192 });
  ASSERT_EQ(s61.patches.size(), 2u);
  EXPECT_EQ(s61.patches[1].files, std::vector<std::string>{ "arch/x86/kernel/smpboot.c" });
  const Series s612 = load_series(layer, source::KernelVersion{ 6, 12, 117 });
  ASSERT_EQ(s612.patches.size(), 1u);
  EXPECT_EQ(s612.patches[0].path.filename(), "0001-kbench-measurement-layer.patch");
}

TEST(PatchesLoadSeries, LoadsASinglePatchFile) {
  const Series s = load_series(k_ksm1);
  ASSERT_EQ(s.patches.size(), 1u);
  EXPECT_EQ(s.patches[0].path, k_ksm1.lexically_normal());
}

TEST(PatchesLoadSeries, RecordsAbsolutePathsForARelativeInput) {
  // patch(1) runs in the kernel tree: a path relative to the caller must not reach it.
  const fs::path cwd = fs::current_path();
  fs::current_path(k_ksm1.parent_path());
  const Series s = load_series(k_ksm1.filename());
  fs::current_path(cwd);
  ASSERT_EQ(s.patches.size(), 1U);
  EXPECT_TRUE(s.patches[0].path.is_absolute());
  EXPECT_EQ(s.patches[0].path, fs::absolute(k_ksm1).lexically_normal());
}

TEST(PatchesLoadSeries, ConcatenatesSeveralInputsInOrder) {
  const Series s = load_series(std::vector<fs::path>{ k_unit / "plain", k_ksm });
  EXPECT_EQ(file_names(s),
            (std::vector<std::string>{ "0003-plain-change.diff", k_ksm1.filename().string(),
                                       k_ksm2.filename().string() }));
}

TEST(PatchesSeries, HashDependsOnContentAndOrderButNotOnPaths) {
  const std::string a = tiny_diff("a", "1", "2");
  const std::string b = tiny_diff("b", "1", "2");
  Series ab{ { parse_patch(a, "1.patch"), parse_patch(b, "2.patch") } };
  Series ab_elsewhere{ { parse_patch(a, "/x/a.patch"), parse_patch(b, "/x/b.patch") } };
  Series ba{ { parse_patch(b, "2.patch"), parse_patch(a, "1.patch") } };
  Series ab2{ { parse_patch(a, "1.patch"), parse_patch(tiny_diff("b", "1", "3"), "2.patch") } };
  EXPECT_EQ(ab.hash(), ab_elsewhere.hash());
  EXPECT_NE(ab.hash(), ba.hash());
  EXPECT_NE(ab.hash(), ab2.hash());
  EXPECT_NE(ab.hash(), Series{}.hash());
  EXPECT_EQ(ab.hash().size(), 64u);
}

TEST(PatchesSeries, ListsTouchedFilesOnceInFirstSeenOrder) {
  Series s{ { parse_patch(tiny_diff("b", "1", "2") + tiny_diff("a", "1", "2"), "1.patch"),
              parse_patch(tiny_diff("a", "2", "3") + tiny_diff("c", "1", "2"), "2.patch") } };
  EXPECT_EQ(s.touched_files(), (std::vector<std::string>{ "b", "a", "c" }));
}

TEST(PatchesSeries, IsPrefixComparesPatchContentsInOrder) {
  const Patch a = parse_patch(tiny_diff("a", "1", "2"), "a.patch");
  const Patch b = parse_patch(tiny_diff("b", "1", "2"), "b.patch");
  const Patch b_elsewhere = parse_patch(tiny_diff("b", "1", "2"), "/other/b.patch");
  const Series empty;
  const Series sa{ { a } };
  const Series sab{ { a, b } };
  EXPECT_TRUE(is_prefix(empty, sab));
  EXPECT_TRUE(is_prefix(sa, sab));
  EXPECT_TRUE(is_prefix(sab, sab));
  EXPECT_TRUE(is_prefix(Series{ { a, b_elsewhere } }, sab));
  EXPECT_FALSE(is_prefix(sab, sa));
  EXPECT_FALSE(is_prefix(Series{ { b } }, sab));
}

TEST(PatchesSeries, ConcatAppendsTheSecondSeries) {
  const Patch a = parse_patch(tiny_diff("a", "1", "2"), "a.patch");
  const Patch b = parse_patch(tiny_diff("b", "1", "2"), "b.patch");
  const Series joined = concat(Series{ { a } }, Series{ { b } });
  ASSERT_EQ(joined.patches.size(), 2u);
  EXPECT_EQ(joined.patches[0].path, "a.patch");
  EXPECT_EQ(joined.patches[1].path, "b.patch");
  EXPECT_TRUE(is_prefix(Series{ { a } }, joined));
}

TEST(PatchesFindHunk, PicksTheNearestHunkStartingAtOrBeforeALine) {
  const Patch p = parse_patch(util::read_file(k_ksm1), k_ksm1);
  EXPECT_EQ(find_hunk(p, "mm/ksm.c", 100), nullptr);
  EXPECT_EQ(find_hunk(p, "mm/ksm.c", 192)->number, 1);
  EXPECT_EQ(find_hunk(p, "mm/ksm.c", 209)->number, 2);
  EXPECT_EQ(find_hunk(p, "mm/ksm.c", 1000)->number, 2);
  EXPECT_EQ(find_hunk(p, "mm/ksm.c", 1570)->number, 3);
  EXPECT_EQ(find_hunk(p, "mm/rmap.c", 1570), nullptr);
  EXPECT_EQ(find_hunk_by_number(p, "mm/ksm.c", 3)->old_start, 1565);
  EXPECT_EQ(find_hunk_by_number(p, "mm/ksm.c", 4), nullptr);
}

} // namespace
} // namespace kbench::patches
