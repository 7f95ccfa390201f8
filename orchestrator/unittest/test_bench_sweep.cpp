// Tests of the VMA-count sweep: list validation, the point loop with a fake
// point runner, and the real AbRunner per point with a fake kernel builder
// (fake make) and a FakeVmRunner, to check the order of every boot.
#include <kbench/bench/ab.hpp>
#include <kbench/bench/scenario.hpp>
#include <kbench/bench/sweep.hpp>
#include <kbench/kbuild/builder.hpp>
#include <kbench/source/source.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fake_vm_runner.hpp"
#include "fakes.hpp"

namespace kbench::bench {
namespace {

namespace fs = std::filesystem;

// Return the message of the kbench::Error `f` throws, checking its exit code.
template<typename F>
std::string usage_error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "expected a kbench::Error";
  return "";
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// --- parse_vma_list -------------------------------------------------------------

TEST(BenchSweepList, IsSortedAndDeduplicated) {
  EXPECT_EQ(parse_vma_list("5000,1000,2000,1000"),
            (std::vector<std::uint64_t>{ 1000, 2000, 5000 }));
  EXPECT_EQ(parse_vma_list("4,10000000"), (std::vector<std::uint64_t>{ 4, 10000000 }));
}

TEST(BenchSweepList, RejectsTooFewDistinctCountsNamingTheInput) {
  const auto one = usage_error_of([] { parse_vma_list("1000"); });
  EXPECT_TRUE(contains(one, "--vmas \"1000\"")) << one;
  EXPECT_TRUE(contains(one, "at least 2 distinct")) << one;
  const auto dup = usage_error_of([] { parse_vma_list("2000,2000"); });
  EXPECT_TRUE(contains(dup, "got 1")) << dup;
}

TEST(BenchSweepList, RejectsNonIntegersNamingTheItem) {
  for (const std::string bad :
       { "1000,abc", "1000,2k", "1000,-5", "1000,+5", "1000, 2000", "1000,2.5" }) {
    const auto msg = usage_error_of([&] { parse_vma_list(bad); });
    EXPECT_TRUE(contains(msg, "is not a positive integer")) << bad << ": " << msg;
    EXPECT_TRUE(contains(msg, "\"" + bad + "\"")) << msg;
  }
}

TEST(BenchSweepList, RejectsEmptyItems) {
  for (const std::string bad : { "", "1000,,2000", "1000,2000,", ",1000,2000" }) {
    const auto msg = usage_error_of([&] { parse_vma_list(bad); });
    EXPECT_TRUE(contains(msg, "empty item")) << bad << ": " << msg;
  }
}

TEST(BenchSweepList, RejectsCountsOutsideTheGuestsLimits) {
  for (const std::string bad :
       { "0,1000", "3,1000", "1000,10000001", "1000,99999999999999999999" }) {
    const auto msg = usage_error_of([&] { parse_vma_list(bad); });
    EXPECT_TRUE(contains(msg, "out of range [4, 10000000]")) << bad << ": " << msg;
  }
}

TEST(BenchSweepPoints, RejectsACountTooSmallForTheDuplicatePages) {
  const Experiment seed = scenario("seed"); // 256 duplicate pages
  EXPECT_NO_THROW(check_sweep_points(seed, { 512, 20000 }));
  const auto msg = usage_error_of([&] { check_sweep_points(seed, { 500, 20000 }); });
  EXPECT_TRUE(contains(msg, "500 VMAs cannot hold 256 duplicate pages")) << msg;
}

TEST(BenchSweepPoints, ChangeOnlyTheVmaCount) {
  const Experiment quick = scenario("quick");
  const Experiment e = point_experiment(quick, 7000);
  EXPECT_EQ(e.vmas, 7000u);
  EXPECT_EQ(e.dup_pages, quick.dup_pages);
  EXPECT_EQ(e.walks, quick.walks);
  EXPECT_EQ(e.boots, quick.boots);
  EXPECT_EQ(e.scenario, "quick");
  EXPECT_EQ(point_dir_name(7000), "vmas-7000");
}

// --- run_sweep with a fake point runner ----------------------------------------

Results fake_results(const std::string& accelerator) {
  Results r;
  r.environment["accelerator"] = accelerator;
  r.complete = true;
  return r;
}

TEST(BenchSweepLoop, RunsEveryPointInAscendingOrderIntoItsOwnDirectory) {
  std::vector<PointRequest> requests;
  const auto runner = [&](const PointRequest& r) {
    requests.push_back(r);
    return fake_results("tcg");
  };
  const Experiment base = scenario("quick");
  const Sweep sweep = run_sweep(base, { 5000, 1000, 2000 }, "/res", runner);
  ASSERT_EQ(requests.size(), 3u);
  const std::vector<std::uint64_t> want{ 1000, 2000, 5000 };
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(requests[i].experiment.vmas, want[i]);
    EXPECT_EQ(requests[i].experiment.dup_pages, base.dup_pages);
    EXPECT_EQ(requests[i].results_dir, fs::path("/res") / ("vmas-" + std::to_string(want[i])));
    EXPECT_EQ(sweep.points[i].vmas, want[i]);
    EXPECT_EQ(sweep.points[i].dir, "vmas-" + std::to_string(want[i]));
  }
  EXPECT_TRUE(sweep.complete);
  EXPECT_EQ(sweep.vmas, want);
}

TEST(BenchSweepLoop, PinsTheAcceleratorTheFirstPointChose) {
  std::vector<std::string> asked;
  const auto runner = [&](const PointRequest& r) {
    asked.push_back(r.accelerator);
    return fake_results("kvm");
  };
  const Sweep sweep = run_sweep(scenario("quick"), { 1000, 2000, 4000 }, "/res", runner);
  EXPECT_EQ(asked, (std::vector<std::string>{ "", "kvm", "kvm" }));
  EXPECT_EQ(sweep.accelerator, "kvm");
}

TEST(BenchSweepLoop, RecordsTheTimingModeAndRefusesAPointMeasuredInAnother) {
  int calls = 0;
  const auto runner = [&](const PointRequest&) {
    Results r = fake_results("tcg");
    r.environment["timing"] = ++calls == 2 ? "wall" : "virtual";
    return r;
  };
  try {
    run_sweep(scenario("quick"), { 1000, 2000, 4000 }, "/res", runner);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid_config);
    EXPECT_NE(std::string(e.what()).find("2000 VMAs was measured in wall time, the points before "
                                         "it in virtual time"),
              std::string::npos)
      << e.what();
  }
  calls = 0;
  const auto virtual_only = [&](const PointRequest&) {
    Results r = fake_results("tcg");
    r.environment["timing"] = "virtual";
    return r;
  };
  EXPECT_EQ(run_sweep(scenario("quick"), { 1000, 2000 }, "/res", virtual_only).timing, "virtual");
}

TEST(BenchSweepLoop, ShowsEveryFinishedPointToTheObserverAndStopsOnAnError) {
  std::vector<std::pair<std::size_t, bool>> seen;
  int calls = 0;
  const auto runner = [&](const PointRequest&) {
    if (++calls == 3) {
      throw Interrupted(2);
    }
    return fake_results("tcg");
  };
  EXPECT_THROW(run_sweep(scenario("quick"), { 1000, 2000, 4000 }, "/res", runner,
                         [&](const Sweep& s) { seen.emplace_back(s.points.size(), s.complete); }),
               Interrupted);
  EXPECT_EQ(seen, (std::vector<std::pair<std::size_t, bool>>{ { 1, false }, { 2, false } }));
}

// --- the real AbRunner per point, fake builder and VMs -------------------------

// A source whose tree is one file; `make` is answered by the fake runner.
class TinySource final : public source::KernelSource {
public:
  TinySource() {
    m_identity.id = "fake:sweep-tree";
    m_identity.description = "a tiny fake kernel tree";
    m_identity.timestamp = 1700000000;
  }

  const source::Identity& identify() override { return m_identity; }

  std::optional<std::string> read_file(const std::string& path) override {
    return path == "Makefile" ? std::optional<std::string>("# fake\n") : std::nullopt;
  }

  void materialize(const fs::path& dest) override {
    util::create_directories(dest);
    util::write_file_atomic(dest / "Makefile", "# fake\n");
  }

private:
  source::Identity m_identity;
};

util::CommandResult ok_result() {
  util::CommandResult r;
  r.exit_code = 0;
  return r;
}

fs::path make_tree(const util::Command& c) {
  return c.argv.size() > 2 && c.argv[1] == "-C" ? fs::path(c.argv[2]) : fs::path();
}

bool is_make(const util::Command& c, const std::string& target) {
  return !c.argv.empty() && c.argv[0] == "make" &&
         test::FakeProcessRunner::contains_word(c, target);
}

// A fake runner whose cp runs for real and whose make writes a .config and a bzImage.
void script_make(test::FakeProcessRunner& fake, util::ProcessRunner& real) {
  fake.on([](const util::Command& c) { return !c.argv.empty() && c.argv[0] == "cp"; },
          [&real](const util::Command& c) { return real.run(c); });
  fake.on([](const util::Command& c) { return is_make(c, "olddefconfig"); },
          [](const util::Command& c) {
            util::create_directories(make_tree(c) / "kbench-out");
            util::write_file_atomic(make_tree(c) / "kbench-out/.config", "CONFIG_KSM=y\n");
            return ok_result();
          });
  fake.on([](const util::Command& c) { return is_make(c, "bzImage"); },
          [](const util::Command& c) {
            const fs::path out = make_tree(c) / "kbench-out";
            util::create_directories(out / "arch/x86/boot");
            util::create_directories(out / "include/config");
            util::write_file_atomic(out / "arch/x86/boot/bzImage", "MZ " + c.argv[2]);
            util::write_file_atomic(out / "include/config/kernel.release", "6.12.117\n");
            return ok_result();
          });
}

std::string vmas_of(const vm::VmSpec& spec) {
  const auto pos = spec.extra_cmdline.find("kbench.vmas=");
  const auto end = spec.extra_cmdline.find(' ', pos);
  return spec.extra_cmdline.substr(pos + 12, end - pos - 12);
}

// The real AbRunner over a tiny fake source, a scripted make and fake VMs.
struct FakeAbRig {
  util::TempDir dir{ "kbench-sweep" };
  TinySource source;
  test::FakeProcessRunner fake;
  std::unique_ptr<util::ProcessRunner> real = util::make_real_process_runner();
  std::optional<kbuild::KernelBuilder> builder;
  const std::vector<kbuild::Variant> variants{ { "baseline", {} }, { "patched", {} } };
  test::FakeVmRunner vms;

  FakeAbRig() {
    util::write_file_atomic(dir.path() / "init", "init");
    util::write_file_atomic(dir.path() / "rmap_benchmark", "bench");
    script_make(fake, *real);
    kbuild::BuildSettings build;
    build.cache_dir = dir.path() / "cache";
    build.fragments = { kconfig::parse_fragment("CONFIG_KSM=y\n", "/cfg/bench.config") };
    builder.emplace(fake, source, build);
  }

  // Return A/B settings for `experiment` into `results_dir` under TCG.
  AbSettings settings(const Experiment& experiment, const fs::path& results_dir) const {
    AbSettings s;
    s.experiment = experiment;
    s.results_dir = results_dir;
    s.accelerator_policy = vm::AcceleratorPolicy::tcg;
    s.guest = { dir.path() / "init", dir.path() / "rmap_benchmark" };
    return s;
  }

  // Run the A/B of `s` and return its results.
  Results run(const AbSettings& s) { return AbRunner(*builder, variants, vms, s).run(); }
};

TEST(BenchSweepAb, BootsBaselineAndPatchedInterleavedAtEachPointInAscendingOrder) {
  FakeAbRig rig;
  auto& vms = rig.vms;
  auto& fake = rig.fake;
  const auto& dir = rig.dir;

  Experiment base = scenario("quick");
  base.boots = 2;
  const auto runner = [&](const PointRequest& r) {
    return rig.run(rig.settings(r.experiment, r.results_dir));
  };
  const Sweep sweep = run_sweep(base, { 2000, 500 }, dir.path() / "sweep", runner);

  ASSERT_EQ(vms.specs().size(), 8u); // 2 points x 2 boots x 2 variants
  const std::vector<std::string> want_vmas{ "500",  "500",  "500",  "500",
                                            "2000", "2000", "2000", "2000" };
  ASSERT_EQ(sweep.points.size(), 2u);
  const auto& kernels = sweep.points[0].results.kernels;
  ASSERT_EQ(kernels.size(), 2u);
  for (std::size_t i = 0; i < vms.specs().size(); ++i) {
    EXPECT_EQ(vmas_of(vms.specs()[i]), want_vmas[i]) << vms.specs()[i].extra_cmdline;
    EXPECT_EQ(vms.specs()[i].kernel.string(), kernels[i % 2].bzimage) << "boot " << i;
  }
  for (const auto& point : sweep.points) {
    std::vector<std::string> variants_run;
    for (const auto& run : point.results.runs) {
      variants_run.push_back(run.variant + std::to_string(run.boot));
    }
    EXPECT_EQ(variants_run,
              (std::vector<std::string>{ "baseline0", "patched0", "baseline1", "patched1" }));
    EXPECT_TRUE(fs::exists(dir.path() / "sweep" / point.dir / "results.json"));
    EXPECT_EQ(point.results.experiment.vmas, point.vmas);
  }
  // Each variant is built once; the later points are cache hits.
  std::size_t bzimage_makes = 0;
  for (const auto& c : fake.commands) {
    bzimage_makes += is_make(c, "bzImage") ? 1 : 0;
  }
  EXPECT_LE(bzimage_makes, 2u);
  EXPECT_TRUE(sweep.points[1].results.kernels.at(0).cache_hit);
  EXPECT_TRUE(sweep.points[1].results.kernels.at(1).cache_hit);
}

// Run an A/B of two boots per variant with the fake builder and VMs under the
// given policies; return the results and every spec booted.
struct TimedAb {
  Results results;
  std::vector<vm::VmSpec> specs;
};

TimedAb run_timed_ab(vm::AcceleratorPolicy accelerator, vm::TimingPolicy timing) {
  FakeAbRig rig;
  Experiment e = scenario("quick");
  e.boots = 2;
  AbSettings s = rig.settings(e, rig.dir.path() / "ab");
  s.accelerator_policy = accelerator;
  s.timing_policy = timing;
  Results results = rig.run(s);
  return { std::move(results), rig.vms.specs() };
}

TEST(BenchAbTiming, AutoTimingUnderTcgBootsEveryVariantInVirtualTime) {
  const auto ab = run_timed_ab(vm::AcceleratorPolicy::tcg, vm::TimingPolicy::automatic);
  ASSERT_EQ(ab.specs.size(), 4u);
  for (const auto& spec : ab.specs) {
    EXPECT_EQ(spec.timing, vm::Timing::virtual_);
    EXPECT_NE(spec.extra_cmdline.find("tsc_early_khz=1000000 tsc=reliable"), std::string::npos)
      << spec.extra_cmdline;
  }
  EXPECT_EQ(ab.results.environment.at("timing"), "virtual");
  EXPECT_NE(ab.results.environment.at("timing_detail").find("-icount shift=0"), std::string::npos);
  EXPECT_EQ(ab.results.experiment.timing_policy, "auto");
  for (const auto& run : ab.results.runs) {
    EXPECT_EQ(run.timing, "virtual");
  }
}

TEST(BenchAbTiming, WallTimingUnderTcgKeepsTheHostsClock) {
  const auto ab = run_timed_ab(vm::AcceleratorPolicy::tcg, vm::TimingPolicy::wall);
  for (const auto& spec : ab.specs) {
    EXPECT_EQ(spec.timing, vm::Timing::wall);
    EXPECT_EQ(spec.extra_cmdline.find("tsc_early_khz=1000000"), std::string::npos);
  }
  EXPECT_EQ(ab.results.environment.at("timing"), "wall");
}

TEST(BenchAbTiming, VirtualTimingWithAutoAcceleratorChoosesTcgWithoutAProbeBoot) {
  const auto ab = run_timed_ab(vm::AcceleratorPolicy::automatic, vm::TimingPolicy::virtual_);
  ASSERT_EQ(ab.specs.size(), 4u); // no KVM probe boot before the four measured boots
  for (const auto& spec : ab.specs) {
    EXPECT_EQ(spec.accelerator, vm::Accelerator::tcg);
    EXPECT_EQ(spec.timing, vm::Timing::virtual_);
  }
  EXPECT_NE(ab.results.environment.at("accelerator_reason").find("virtual timing"),
            std::string::npos);
}

TEST(BenchAbTiming, VirtualTimingWithKvmIsRefusedBeforeAnyBuildOrBoot) {
  try {
    run_timed_ab(vm::AcceleratorPolicy::kvm, vm::TimingPolicy::virtual_);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid_config) << e.what(); // not the KVM probe's infra error
  }
}

// A fake boot that never reaches init: nothing on the results channel, the boot deadline hit.
test::FakeBoot boot_timeout() {
  test::FakeBoot b;
  b.timeout = vm::Expiry{ vm::Phase::boot, false, std::chrono::seconds(180) };
  return b;
}

TEST(BenchAbBootTimeouts, AKernelWhoseFirstTwoBootsNeverReachInitIsNotBootedAgain) {
  FakeAbRig rig;
  Experiment e = scenario("quick");
  e.boots = 5;
  // baseline 1, patched 1, baseline 2, patched 2: both kernels never reach init.
  for (int i = 0; i < 4; ++i) {
    rig.vms.push(boot_timeout());
  }
  const Results results = rig.run(rig.settings(e, rig.dir.path() / "ab"));
  EXPECT_EQ(rig.vms.specs().size(), 4u); // not 10: boots 3-5 of each are not attempted
  ASSERT_EQ(results.runs.size(), 4u);
  for (const auto& run : results.runs) {
    EXPECT_EQ(run.outcome, vm::Outcome::boot_timeout);
  }
}

TEST(BenchAbBootTimeouts, OneBootTimeoutAmongGoodBootsDoesNotStopTheKernel) {
  FakeAbRig rig;
  Experiment e = scenario("quick");
  e.boots = 3;
  rig.vms.push(boot_timeout()); // baseline 1; every other boot is the fake's default
  const Results results = rig.run(rig.settings(e, rig.dir.path() / "ab"));
  EXPECT_EQ(rig.vms.specs().size(), 6u);
}

TEST(BenchAbBootTimeouts, NeverBootsNeedsTwoBootsAllTimedOut) {
  const auto run = [](std::string variant, vm::Outcome outcome) {
    RunRecord r;
    r.variant = std::move(variant);
    r.outcome = outcome;
    return r;
  };
  constexpr auto timeout = vm::Outcome::boot_timeout;
  EXPECT_FALSE(never_boots({ run("baseline", timeout) }, "baseline"));
  EXPECT_TRUE(never_boots(
    { run("baseline", timeout), run("patched", vm::Outcome::ok), run("baseline", timeout) },
    "baseline"));
  EXPECT_FALSE(
    never_boots({ run("baseline", timeout), run("baseline", vm::Outcome::panic) }, "baseline"));
  EXPECT_FALSE(never_boots({ run("baseline", timeout), run("baseline", timeout) }, "patched"));
}

} // namespace
} // namespace kbench::bench
