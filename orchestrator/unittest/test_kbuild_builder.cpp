// Tests of the kernel builder with a fake source and a fake runner whose
// `make` imitates kbuild's outputs; cp and patch run for real on tiny trees.
#include <kbench/kbuild/builder.hpp>
#include <kbench/kconfig/fragment.hpp>
#include <kbench/patches/series.hpp>
#include <kbench/source/source.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/process.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fakes.hpp"

// Skip a test that demonstrates a known bug (see its message) unless
// KBENCH_RUN_BUG_TESTS is set; remove the skip once the bug is fixed.
#define KBENCH_SKIP_BUG(why)                                                                       \
  if (std::getenv("KBENCH_RUN_BUG_TESTS") == nullptr)                                              \
  GTEST_SKIP() << "BUG: " why

namespace kbench::kbuild {
namespace {

namespace fs = std::filesystem;
using test::FakeProcessRunner;

const fs::path k_unit = fs::path(KBENCH_TESTDATA_DIR) / "unit" / "patches";

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

bool has_arg(const std::vector<std::string>& argv, const std::string& arg) {
  return std::find(argv.begin(), argv.end(), arg) != argv.end();
}

std::map<std::string, std::string> pristine_files() {
  std::string ksm;
  for (int i = 1; i <= 30; ++i) {
    ksm += (i < 10 ? "line 0" : "line ") + std::to_string(i) + "\n";
  }
  return { { "mm/ksm.c", ksm },
           { "include/linux/ksm.h", "first\nsecond\nthird\n" },
           { "Makefile", "# fake kernel Makefile\n" } };
}

// A source with a fixed identity whose tree is the tiny pristine tree.
class FakeSource final : public source::KernelSource {
public:
  // A git source makes materialize() create a repository with one commit.
  explicit FakeSource(bool git = false) : m_git(git) {
    m_identity.id = git ? "fake-git:tiny-tree-1" : "fake:tiny-tree-1";
    m_identity.description = "a tiny fake kernel tree";
    m_identity.timestamp = 1700000000; // Tue Nov 14 22:13:20 UTC 2023
    m_identity.git_tree = git;
  }

  const source::Identity& identify() override { return m_identity; }

  std::optional<std::string> read_file(const std::string& relative_path) override {
    const auto files = pristine_files();
    const auto it = files.find(relative_path);
    return it == files.end() ? std::nullopt : std::optional<std::string>(it->second);
  }

  void materialize(const fs::path& dest) override {
    ++materialized;
    for (const auto& [rel, text] : pristine_files()) {
      util::create_directories((dest / rel).parent_path());
      util::write_file_atomic(dest / rel, text);
    }
    if (m_git) {
      for (const std::vector<std::string>& args :
           std::vector<std::vector<std::string>>{ { "init", "-q", "-b", "main" },
                                                  { "add", "." },
                                                  { "commit", "-q", "-m", "pristine" } }) {
        util::Command cmd;
        cmd.argv = { "git", "-C", dest.string() };
        cmd.argv.insert(cmd.argv.end(), args.begin(), args.end());
        cmd.env = {
          { "GIT_CONFIG_GLOBAL", "/dev/null" }, { "GIT_CONFIG_NOSYSTEM", "1" },
          { "GIT_AUTHOR_NAME", "t" },           { "GIT_AUTHOR_EMAIL", "t@example.org" },
          { "GIT_COMMITTER_NAME", "t" },        { "GIT_COMMITTER_EMAIL", "t@example.org" },
          { "GIT_AUTHOR_DATE", "@1600000000" }, { "GIT_COMMITTER_DATE", "@1600000000" }
        };
        ASSERT_TRUE(m_runner->run(cmd).ok()) << util::format_argv(cmd.argv);
      }
    }
  }

  int materialized = 0;

private:
  bool m_git;
  std::unique_ptr<util::ProcessRunner> m_runner = util::make_real_process_runner();
  source::Identity m_identity;
};

util::CommandResult ok_result() {
  util::CommandResult r;
  r.exit_code = 0;
  return r;
}

bool is_make(const util::Command& c, const std::string& target) {
  return !c.argv.empty() && c.argv[0] == "make" && FakeProcessRunner::contains_word(c, target);
}

// Return the tree of a `make -C TREE ...` command.
fs::path make_tree(const util::Command& c) {
  return c.argv.size() > 2 && c.argv[1] == "-C" ? fs::path(c.argv[2]) : fs::path();
}

const std::string k_good_config = "CONFIG_KSM=y\n# CONFIG_MODULES is not set\nCONFIG_NR_CPUS=2\n";

// A fake runner: cp, patch and git run for real; make olddefconfig writes the
// .config returned by `config_for(tree)`; make bzImage writes a kernel.
struct Rig {
  util::TempDir dir{ "kbench-builder" };
  FakeSource source;
  FakeProcessRunner fake;
  std::unique_ptr<util::ProcessRunner> real = util::make_real_process_runner();
  std::function<std::string(const fs::path&)> config_for = [](const fs::path&) {
    return k_good_config;
  };

  Rig() { script(fake); }

  // Install the rules on `runner`.
  void script(FakeProcessRunner& runner) {
    runner.on(
      [](const util::Command& c) {
        return !c.argv.empty() && (c.argv[0] == "cp" || c.argv[0] == "patch" || c.argv[0] == "git");
      },
      [this](const util::Command& c) { return real->run(c); });
    runner.on([](const util::Command& c) { return is_make(c, "olddefconfig"); },
              [this](const util::Command& c) {
                const fs::path out = make_tree(c) / "kbench-out";
                util::create_directories(out);
                util::write_file_atomic(out / ".config", config_for(make_tree(c)));
                return ok_result();
              });
    runner.on(
      [](const util::Command& c) { return is_make(c, "bzImage"); },
      [](const util::Command& c) {
        const fs::path out = make_tree(c) / "kbench-out";
        util::create_directories(out / "arch/x86/boot");
        util::create_directories(out / "include/config");
        util::write_file_atomic(out / "arch/x86/boot/bzImage",
                                "MZ kernel of " + make_tree(c).filename().string());
        util::write_file_atomic(out / "include/config/kernel.release", "6.12.117\n");
        const std::string log = util::read_file_if_exists(c.log_file, "build log").value_or("");
        util::write_file_atomic(c.log_file, log + "  CC      mm/ksm.o\n  LD      vmlinux\n"
                                                  "Kernel: arch/x86/boot/bzImage is ready\n");
        return ok_result();
      });
  }

  BuildSettings settings() const {
    BuildSettings s;
    s.cache_dir = dir.path() / "cache";
    s.fragments = { kconfig::parse_fragment("CONFIG_KSM=y\n# CONFIG_MODULES is not set\n",
                                            "/cfg/bench.config") };
    s.jobs = 3;
    return s;
  }

  std::vector<Variant> variants(bool conflict = false) const {
    return { { "baseline", patches::Series{} },
             { "patched",
               patches::load_series(std::vector<fs::path>{
                 k_unit / "tiny" / "0001-ksm-first-change.patch",
                 conflict ? k_unit / "conflict" / "0002-ksm-conflicting-second-change.patch"
                          : k_unit / "tiny" / "0002-ksm-second-change.patch" }) } };
  }
};

std::vector<util::Command> makes_of(const FakeProcessRunner& runner, const std::string& target) {
  std::vector<util::Command> found;
  for (const auto& c : runner.commands) {
    if (is_make(c, target)) {
      found.push_back(c);
    }
  }
  return found;
}

// --- plan ---------------------------------------------------------------------

TEST(KbuildBuilderPlan, ListsReproducibleMakeCommandsForEachVariant) {
  Rig rig;
  KernelBuilder builder(rig.fake, rig.source, rig.settings());
  const auto plan = builder.plan(rig.variants());
  ASSERT_EQ(plan.size(), 6u);
  EXPECT_EQ(plan[0].variant, "baseline");
  EXPECT_EQ(plan[5].variant, "patched");
  EXPECT_TRUE(rig.fake.commands.empty()); // nothing was run
  for (const auto& p : plan) {
    const auto& a = p.argv;
    EXPECT_EQ(a.at(0), "make");
    EXPECT_EQ(a.at(1), "-C");
    EXPECT_EQ(fs::path(a.at(2)).filename(), p.variant);
    EXPECT_TRUE(contains(a.at(2), (rig.dir.path() / "cache" / "trees").string())) << a.at(2);
    for (const std::string arg :
         { "O=kbench-out", "ARCH=x86_64", "-j3",
           "LOCALVERSION=", "KBUILD_BUILD_TIMESTAMP=Tue Nov 14 22:13:20 UTC 2023",
           "KBUILD_BUILD_USER=kbench", "KBUILD_BUILD_HOST=kbench", "KBUILD_BUILD_VERSION=1",
           "KCFLAGS=-ffile-prefix-map=../=", "CC=ccache gcc" }) {
      EXPECT_TRUE(has_arg(a, arg)) << arg << " missing from " << util::format_argv(a);
    }
    const std::map<std::string, std::string> env(p.env.begin(), p.env.end());
    EXPECT_EQ(env.at("CCACHE_DIR"), (rig.dir.path() / "cache" / "ccache").string());
    EXPECT_EQ(env.at("LC_ALL"), "C");
  }
  EXPECT_EQ(plan[0].argv.back(), "tinyconfig");
  EXPECT_EQ(plan[1].argv.back(), "olddefconfig");
  EXPECT_EQ(plan[2].argv.back(), "bzImage");
}

TEST(KbuildBuilderPlan, LeavesCcacheOutWhenItIsOff) {
  Rig rig;
  auto settings = rig.settings();
  settings.ccache = false;
  settings.jobs = 1;
  KernelBuilder builder(rig.fake, rig.source, settings);
  for (const auto& p : builder.plan(rig.variants())) {
    EXPECT_FALSE(has_arg(p.argv, "CC=ccache gcc")) << util::format_argv(p.argv);
    EXPECT_TRUE(has_arg(p.argv, "-j1"));
  }
}

TEST(KbuildBuilderPlan, DoesNotListABaseConfigFileAsAMakeTarget) {
  Rig rig;
  auto settings = rig.settings();
  settings.base_config = (rig.dir.path() / "base.config").string();
  util::write_file_atomic(settings.base_config, "CONFIG_KSM=y\n");
  KernelBuilder builder(rig.fake, rig.source, settings);
  for (const auto& p : builder.plan(rig.variants())) {
    EXPECT_FALSE(p.argv.at(0) == "make" && has_arg(p.argv, settings.base_config))
      << util::format_argv(p.argv);
  }
}

TEST(KbuildBuilder, RefusesABaseConfigFileThatIsMissingOrADevice) {
  Rig rig;
  auto settings = rig.settings();
  for (const std::string& path :
       { (rig.dir.path() / "missing.config").string(), std::string("/dev/zero") }) {
    settings.base_config = path;
    const auto e = error_of([&] { KernelBuilder builder(rig.fake, rig.source, settings); });
    EXPECT_EQ(e.code(), ExitCode::invalid_config);
    EXPECT_TRUE(contains(e.what(), "base config " + path)) << e.what();
  }
}

TEST(KbuildBuilder, RefusesABaseConfigTargetThatMakeWouldReadAsAnOption) {
  Rig rig;
  auto settings = rig.settings();
  settings.base_config = "--eval=$(shell id)";
  const auto e = error_of([&] { KernelBuilder builder(rig.fake, rig.source, settings); });
  EXPECT_EQ(e.code(), ExitCode::invalid_config);
  EXPECT_TRUE(contains(e.what(), "--base-config \"--eval=$(shell id)\"")) << e.what();
  EXPECT_TRUE(rig.fake.commands.empty());
}

// --- build_all ----------------------------------------------------------------

TEST(KbuildBuilderBuildAll, BuildsBothVariantsAndStoresTheKernels) {
  Rig rig;
  KernelBuilder builder(rig.fake, rig.source, rig.settings());
  const auto built = builder.build_all(rig.variants());
  ASSERT_EQ(built.size(), 2u);
  EXPECT_EQ(built[0].variant, "baseline");
  EXPECT_EQ(built[1].variant, "patched");
  for (const auto& b : built) {
    EXPECT_FALSE(b.cache_hit);
    EXPECT_EQ(b.objects_built, 2);
    EXPECT_EQ(b.kernel.kernel_release, "6.12.117");
    EXPECT_EQ(util::read_file(b.kernel.bzimage), "MZ kernel of " + b.variant);
    EXPECT_EQ(util::read_file(b.kernel.config), k_good_config);
    EXPECT_TRUE(contains(util::read_file(b.kernel.build_log), "  CC      mm/ksm.o\n"));
    EXPECT_TRUE(fs::is_directory(rig.dir.path() / "cache" / "kernels" / b.kernel.key));
    EXPECT_EQ(b.kernel.meta.at("variant"), b.variant);
  }
  EXPECT_NE(built[0].kernel.key, built[1].kernel.key);
  EXPECT_EQ(built[1].kernel.meta.at("series").size(), 2u);
  EXPECT_EQ(built[0].kernel.meta.at("build_timestamp"), "Tue Nov 14 22:13:20 UTC 2023");
  EXPECT_EQ(rig.source.materialized, 1);

  const auto bzimages = makes_of(rig.fake, "bzImage");
  ASSERT_EQ(bzimages.size(), 2u);
  for (const auto& c : bzimages) {
    EXPECT_FALSE(c.log_file.empty());
    EXPECT_TRUE(std::find(c.unset_env.begin(), c.unset_env.end(), "KCFLAGS") != c.unset_env.end());
    EXPECT_EQ(c.timeout, std::chrono::minutes(120));
  }
  EXPECT_EQ(makes_of(rig.fake, "tinyconfig").size(), 2u);
  EXPECT_EQ(rig.fake.with_word("-m").size(), 2u); // merge_config.sh -m, once per variant
}

TEST(KbuildBuilderBuildAll, CreatesThePatchedTreeByCopyingTheBuiltBaselineTree) {
  Rig rig;
  KernelBuilder builder(rig.fake, rig.source, rig.settings());
  const auto built = builder.build_all(rig.variants());
  ASSERT_EQ(built.size(), 2u);
  const fs::path baseline = fs::path(makes_of(rig.fake, "bzImage").at(0).argv.at(2));
  const fs::path patched = fs::path(makes_of(rig.fake, "bzImage").at(1).argv.at(2));
  EXPECT_EQ(baseline.filename(), "baseline");
  EXPECT_EQ(patched.filename(), "patched");

  std::vector<util::Command> copies;
  for (const auto& c : rig.fake.commands) {
    if (c.argv.at(0) == "cp") {
      copies.push_back(c);
    }
  }
  ASSERT_EQ(copies.size(), 1u);
  EXPECT_TRUE(has_arg(copies[0].argv, "-a"));
  EXPECT_TRUE(has_arg(copies[0].argv, baseline.string() + "/."))
    << util::format_argv(copies[0].argv);
  EXPECT_EQ(copies[0].argv.back(), patched.string());
  EXPECT_TRUE(contains(built[1].tree_action, "copied from baseline")) << built[1].tree_action;
  EXPECT_TRUE(contains(built[1].tree_action, "applied 2 patch(es)")) << built[1].tree_action;

  // The copy was patched; the baseline tree was not.
  const std::string patched_ksm = util::read_file(patched / "mm/ksm.c");
  EXPECT_TRUE(contains(patched_ksm, "line 12 changed by B\n"));
  EXPECT_EQ(util::read_file(baseline / "mm/ksm.c"), pristine_files().at("mm/ksm.c"));
}

TEST(KbuildBuilderBuildAll, IsACacheHitWithoutAnyBuildStepWhenAskedAgain) {
  Rig rig;
  std::vector<BuiltKernel> first;
  {
    KernelBuilder builder(rig.fake, rig.source, rig.settings());
    first = builder.build_all(rig.variants());
  }
  FakeProcessRunner again;
  rig.script(again);
  FakeSource source;
  KernelBuilder builder(again, source, rig.settings());
  const auto built = builder.build_all(rig.variants());
  ASSERT_EQ(built.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_TRUE(built[i].cache_hit);
    EXPECT_EQ(built[i].kernel.key, first[i].kernel.key);
    EXPECT_EQ(built[i].kernel.bzimage, first[i].kernel.bzimage);
  }
  EXPECT_EQ(source.materialized, 0);
  for (const auto& c : again.commands) {
    // Only the toolchain probes (gcc/ld/make --version) may run.
    EXPECT_TRUE(FakeProcessRunner::contains_word(c, "--version")) << util::format_argv(c.argv);
  }
}

TEST(KbuildBuilderBuildAll, FailsNamingTheSymbolAndFragmentLineWhenASymbolCannotBeSet) {
  Rig rig;
  rig.config_for = [](const fs::path&) {
    return std::string("# CONFIG_KSM is not set\n# CONFIG_MODULES is not set\n");
  };
  KernelBuilder builder(rig.fake, rig.source, rig.settings());
  const auto e = error_of([&] { builder.build_all(rig.variants()); });
  EXPECT_EQ(e.code(), ExitCode::kconfig);
  EXPECT_TRUE(contains(e.what(), "/cfg/bench.config:1: CONFIG_KSM requested CONFIG_KSM=y"))
    << e.what();
  EXPECT_FALSE(contains(e.what(), "CONFIG_MODULES requested")) << e.what();
  EXPECT_TRUE(makes_of(rig.fake, "bzImage").empty());
}

TEST(KbuildBuilderBuildAll, FailsWithTheDiffWhenThePatchedConfigDiffersFromTheBaseline) {
  Rig rig;
  rig.config_for = [](const fs::path& tree) {
    return tree.filename() == "patched" ? k_good_config + "CONFIG_EXTRA=y\n" : k_good_config;
  };
  KernelBuilder builder(rig.fake, rig.source, rig.settings());
  const auto e = error_of([&] { builder.build_all(rig.variants()); });
  EXPECT_EQ(e.code(), ExitCode::kconfig);
  EXPECT_TRUE(contains(e.what(), "the final .config of patched differs from baseline's"))
    << e.what();
  EXPECT_TRUE(contains(e.what(), "  +CONFIG_EXTRA=y\n")) << e.what();
  const auto bzimages = makes_of(rig.fake, "bzImage");
  ASSERT_EQ(bzimages.size(), 1u); // the baseline only
  EXPECT_EQ(fs::path(bzimages[0].argv.at(2)).filename(), "baseline");
}

TEST(KbuildBuilderBuildAll, ChecksEveryPatchBeforeBuildingAnything) {
  Rig rig;
  KernelBuilder builder(rig.fake, rig.source, rig.settings());
  const auto e = error_of([&] { builder.build_all(rig.variants(/*conflict=*/true)); });
  EXPECT_EQ(e.code(), ExitCode::patch);
  EXPECT_TRUE(contains(e.what(), "0002-ksm-conflicting-second-change.patch")) << e.what();
  EXPECT_TRUE(contains(e.what(), "hunk #2 of mm/ksm.c")) << e.what();
  EXPECT_EQ(rig.source.materialized, 0);
  EXPECT_TRUE(makes_of(rig.fake, "tinyconfig").empty());
  EXPECT_TRUE(makes_of(rig.fake, "bzImage").empty());
}

// Variants whose first patch is a "measurement layer" changing line 20 of
// mm/ksm.c and whose patched variant adds `user` (a diff of mm/ksm.c).
std::vector<Variant> layered_variants(const fs::path& dir, const std::string& user) {
  util::write_file_atomic(dir / "layer.patch",
                          "--- a/mm/ksm.c\n+++ b/mm/ksm.c\n@@ -20 +20 @@\n-line 20\n"
                          "+line 20 measured\n");
  util::write_file_atomic(dir / "user.patch", user);
  const auto layer = patches::load_series(dir / "layer.patch");
  return { { "baseline", layer, 1 },
           { "patched", patches::concat(layer, patches::load_series(dir / "user.patch")), 1 } };
}

// Return the preflight error of layered_variants(user) in `rig` (exit code checked).
std::string layered_preflight_error(Rig& rig, const std::string& user) {
  KernelBuilder builder(rig.fake, rig.source, rig.settings());
  const auto variants = layered_variants(rig.dir.path(), user);
  const auto e = error_of([&] { builder.preflight(variants); });
  EXPECT_EQ(e.code(), ExitCode::patch);
  return e.what();
}

TEST(KbuildBuilderPreflight, SaysAPatchThatAppliesToThePristineTreeConflictsWithTheLayer) {
  Rig rig;
  const std::string msg = layered_preflight_error(
    rig, "--- a/mm/ksm.c\n+++ b/mm/ksm.c\n@@ -19,3 +19,3 @@\n line 19\n-line 20\n"
         "+line 20 by the user\n line 21\n");
  EXPECT_TRUE(contains(msg, "user.patch")) << msg;
  EXPECT_TRUE(contains(msg, "hunk #1 of mm/ksm.c")) << msg;
  EXPECT_TRUE(contains(msg, "patched's patches apply to the pristine source, so this one "
                            "conflicts with kbench's measurement layer, applied before them:\n  " +
                              (rig.dir.path() / "layer.patch").string()))
    << msg;
  EXPECT_EQ(rig.source.materialized, 0);
}

TEST(KbuildBuilderPreflight, SaysAPatchThatDoesNotApplyToThePristineTreeEither) {
  Rig rig;
  const std::string msg = layered_preflight_error(
    rig, "--- a/mm/ksm.c\n+++ b/mm/ksm.c\n@@ -2,3 +2,3 @@\n line 02\n-no such line\n"
         "+line 03 by the user\n line 04\n");
  EXPECT_TRUE(contains(msg, "it does not apply to the pristine source either (without kbench's "
                            "measurement layer): patch "))
    << msg;
  EXPECT_FALSE(contains(msg, "conflicts with kbench's measurement layer")) << msg;
}

TEST(KbuildBuilderPreflight, SaysWhenTheMeasurementLayerItselfDoesNotApply) {
  Rig rig;
  KernelBuilder builder(rig.fake, rig.source, rig.settings());
  util::write_file_atomic(rig.dir.path() / "layer.patch",
                          "--- a/mm/ksm.c\n+++ b/mm/ksm.c\n@@ -20 +20 @@\n-line 20 of another "
                          "tree\n+line 20 measured\n");
  const auto layer = patches::load_series(rig.dir.path() / "layer.patch");
  const std::string msg = error_of([&] { builder.preflight({ { "baseline", layer, 1 } }); }).what();
  EXPECT_TRUE(contains(msg, "this patch is part of the measurement layer")) << msg;
}

TEST(KbuildBuilderBuildAll, ReportsACompilerErrorFromTheBuildLog) {
  Rig rig;
  FakeProcessRunner failing;
  failing.on([](const util::Command& c) { return is_make(c, "bzImage"); },
             [](const util::Command& c) {
               util::write_file_atomic(c.log_file, "  CC      mm/ksm.o\n"
                                                   "mm/ksm.c:12:1: error: expected ';'\n"
                                                   "make[3]: *** [mm/ksm.o] Error 1\n");
               util::CommandResult r;
               r.exit_code = 2;
               return r;
             });
  rig.script(failing);
  KernelBuilder builder(failing, rig.source, rig.settings());
  const auto e = error_of([&] { builder.build_all(rig.variants()); });
  EXPECT_EQ(e.code(), ExitCode::build);
  EXPECT_TRUE(contains(e.what(), "kernel build of baseline failed (exit status 2)")) << e.what();
  EXPECT_TRUE(contains(e.what(), "mm/ksm.c:12:1: error: expected ';'")) << e.what();
}

TEST(KbuildBuilderBuildAll, ReusesTheTreesWhenOnlyTheConfigFragmentsChange) {
  Rig rig;
  {
    KernelBuilder builder(rig.fake, rig.source, rig.settings());
    builder.build_all(rig.variants());
  }
  auto settings = rig.settings();
  settings.fragments.push_back(kconfig::parse_fragment("CONFIG_NR_CPUS=2\n", "/cfg/more.config"));
  FakeProcessRunner again;
  rig.script(again);
  FakeSource source;
  KernelBuilder builder(again, source, settings);
  const auto built = builder.build_all(rig.variants());
  ASSERT_EQ(built.size(), 2u);
  EXPECT_EQ(source.materialized, 0);
  EXPECT_EQ(built[0].tree_action, "reused");
  EXPECT_EQ(built[1].tree_action, "reused");
  // Same final .config as before: the kernels come from the cache by key.
  EXPECT_TRUE(built[0].cache_hit);
  EXPECT_TRUE(built[1].cache_hit);
  EXPECT_TRUE(makes_of(again, "bzImage").empty());
}

TEST(KbuildBuilderBuildAll, RevertsPatchesThatLeftTheSeries) {
  Rig rig;
  {
    KernelBuilder builder(rig.fake, rig.source, rig.settings());
    builder.build_all(rig.variants());
  }
  const std::vector<Variant> shorter = {
    { "baseline", patches::Series{} },
    { "patched", patches::load_series(k_unit / "tiny" / "0001-ksm-first-change.patch") }
  };
  FakeProcessRunner again;
  rig.script(again);
  FakeSource source;
  KernelBuilder builder(again, source, rig.settings());
  const auto built = builder.build_all(shorter);
  ASSERT_EQ(built.size(), 2u);
  EXPECT_TRUE(built[0].cache_hit);
  EXPECT_FALSE(built[1].cache_hit);
  EXPECT_EQ(built[1].tree_action, "reused, reverted 1 patch(es)");
  EXPECT_EQ(source.materialized, 0);
  const fs::path patched = fs::path(makes_of(again, "bzImage").at(0).argv.at(2));
  const std::string ksm = util::read_file(patched / "mm/ksm.c");
  EXPECT_TRUE(contains(ksm, "line 05 changed by A\n")) << ksm;
  EXPECT_TRUE(contains(ksm, "line 12\n")) << ksm;
  EXPECT_FALSE(contains(ksm, "changed by B")) << ksm;
}

TEST(KbuildBuilderBuildAll, MaterializesAFreshTreeWhenTheBaselineIsNotAPrefix) {
  Rig rig;
  const std::vector<Variant> variants = {
    { "baseline", patches::load_series(k_unit / "tiny" / "0001-ksm-first-change.patch") },
    { "patched", patches::load_series(k_unit / "tiny" / "0002-ksm-second-change.patch") }
  };
  KernelBuilder builder(rig.fake, rig.source, rig.settings());
  const auto built = builder.build_all(variants);
  ASSERT_EQ(built.size(), 2u);
  EXPECT_EQ(rig.source.materialized, 2);
  for (const auto& c : rig.fake.commands) {
    EXPECT_NE(c.argv.at(0), "cp") << util::format_argv(c.argv);
  }
  EXPECT_EQ(built[1].tree_action, "fresh copy of the source, applied 1 patch(es)");
  const fs::path patched = fs::path(makes_of(rig.fake, "bzImage").at(1).argv.at(2));
  const std::string ksm = util::read_file(patched / "mm/ksm.c");
  EXPECT_TRUE(contains(ksm, "line 12 changed by B\n")) << ksm;
  EXPECT_FALSE(contains(ksm, "changed by A")) << ksm;
}

TEST(KbuildBuilderBuildAll, CommitsEachPatchInGitTreesAndRevertsByReset) {
  Rig rig;
  FakeSource git_source(/*git=*/true);
  std::string first_patch_commit;
  {
    KernelBuilder builder(rig.fake, git_source, rig.settings());
    const auto built = builder.build_all(rig.variants());
    ASSERT_EQ(built.size(), 2u);
    const fs::path patched = fs::path(makes_of(rig.fake, "bzImage").at(1).argv.at(2));
    util::Command log;
    log.argv = { "git", "-C", patched.string(), "log", "--format=%H %s" };
    const std::string history = rig.real->run(log).output;
    EXPECT_TRUE(contains(history, " ksm: second change\n")) << history;
    EXPECT_TRUE(contains(history, " ksm: first change\n")) << history;
    EXPECT_TRUE(contains(history, " pristine\n")) << history;
    const auto first = history.find(" ksm: first change");
    first_patch_commit = history.substr(history.rfind('\n', first) + 1, 40);
  }
  const std::vector<Variant> shorter = {
    { "baseline", patches::Series{} },
    { "patched", patches::load_series(k_unit / "tiny" / "0001-ksm-first-change.patch") }
  };
  FakeProcessRunner again;
  rig.script(again);
  KernelBuilder builder(again, git_source, rig.settings());
  const auto built = builder.build_all(shorter);
  ASSERT_EQ(built.size(), 2u);
  EXPECT_EQ(built[1].tree_action, "reused, reverted 1 patch(es)");
  bool reset = false;
  for (const auto& c : again.commands) {
    reset = reset || (has_arg(c.argv, "reset") && has_arg(c.argv, first_patch_commit));
  }
  EXPECT_TRUE(reset) << "no git reset to " << first_patch_commit;
  const fs::path patched = fs::path(makes_of(again, "bzImage").at(0).argv.at(2));
  EXPECT_FALSE(contains(util::read_file(patched / "mm/ksm.c"), "changed by B"));
}

} // namespace
} // namespace kbench::kbuild
