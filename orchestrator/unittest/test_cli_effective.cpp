// The effective experiment of a command line: flags become overrides only
// when given (or changed by the caller), and layer over -c files.
#include <kbench/cli/abcmd.hpp>
#include <kbench/cli/effective.hpp>
#include <kbench/experiment/embedded.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

namespace kbench::cli {
namespace {

namespace fs = std::filesystem;

// Parse `args` (after the program name) with `kbench ab`'s options into `options`.
void parse_ab(std::vector<std::string> args, AbOptions& options) {
  CLI::App app;
  auto* ab = app.add_subcommand("ab");
  add_ab_options(*ab, options);
  args.insert(args.begin(), "ab");
  std::reverse(args.begin(), args.end());
  app.parse(args);
}

std::vector<std::string> keys_of(const experiment::LoadRequest& request) {
  std::vector<std::string> keys;
  for (const auto& o : request.overrides) {
    keys.push_back(o.key);
  }
  return keys;
}

TEST(CliEffective, OnlyTheFlagsGivenBecomeOverrides) {
  AbOptions options;
  parse_ab({ "--vcpus", "2", "--vmas", "3000" }, options);
  EXPECT_EQ(keys_of(load_request(options)),
            (std::vector<std::string>{ "workload.vmas", "vm.vcpus" }));
}

TEST(CliEffective, AFlagWithTheDefaultValueStillOverridesTheFile) {
  util::TempDir dir("kbench-cli");
  util::write_file_atomic(dir.path() / "e.yaml", "vm:\n  vcpus: 4\n  numa_nodes: 2\n");
  AbOptions options;
  parse_ab({ "-c", (dir.path() / "e.yaml").string(), "--vcpus", "2" }, options);
  EXPECT_EQ(effective_experiment(options).vm.vcpus, 2);
  AbOptions file_only;
  parse_ab({ "-c", (dir.path() / "e.yaml").string() }, file_only);
  EXPECT_EQ(effective_experiment(file_only).vm.vcpus, 4);
}

TEST(CliEffective, ACallersChangedFieldOverridesLikeAFlag) {
  AbOptions options;
  options.results_dir = "/tmp/ci-results"; // as `kbench ci` sets it
  const auto e = effective_experiment(options);
  EXPECT_EQ(e.outputs.results_dir, "/tmp/ci-results");
  EXPECT_EQ(effective_options(e, options).results_dir, fs::path("/tmp/ci-results"));
}

TEST(CliEffective, NoFileAndThePrintedDefaultGiveTheSameExperimentHash) {
  util::TempDir dir("kbench-cli");
  util::write_file_atomic(dir.path() / "d.yaml", std::string(experiment::embedded_default()));
  AbOptions plain;
  parse_ab({ "--scenario", "quick" }, plain);
  AbOptions printed;
  parse_ab({ "--scenario", "quick", "-c", (dir.path() / "d.yaml").string() }, printed);
  EXPECT_EQ(experiment::experiment_hash(effective_experiment(plain)),
            experiment::experiment_hash(effective_experiment(printed)));
}

TEST(CliEffective, AaMeansNoPatchesOnTopOfTheBaseline) {
  AbOptions options;
  parse_ab({ "--aa" }, options);
  EXPECT_TRUE(effective_experiment(options).patches.patched.empty());
}

TEST(CliEffective, EffectiveOptionsCarryTheExperimentsValues) {
  AbOptions options;
  parse_ab({ "--scenario", "quick", "--boots", "3" }, options);
  const AbOptions o = effective_options(effective_experiment(options), options);
  EXPECT_EQ(o.vmas, 2000);
  EXPECT_EQ(o.dup_pages, 16);
  EXPECT_EQ(o.boots, 3);
  EXPECT_EQ(o.backend, "qemu");
  EXPECT_FALSE(o.kernel.no_measurement);
  ASSERT_EQ(o.kernel.patches.size(), 1u);
  EXPECT_EQ(o.kernel.patches[0].filename(), "ksm-rmap-walk");
}

TEST(CliEffective, AnInvalidFlagValueIsAnInvalidConfigError) {
  AbOptions options;
  parse_ab({ "--dup-pages", "999" }, options);
  try {
    effective_experiment(options);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid_config);
    EXPECT_NE(std::string(e.what()).find("command line (--dup-pages)"), std::string::npos);
  }
}

TEST(CliEffective, DeadlinesDeriveTheRunDeadlineWhenZero) {
  AbOptions options;
  parse_ab({ "--scenario", "quick", "--boot-timeout", "30" }, options);
  const vm::Deadlines d = deadlines_of(effective_experiment(options));
  EXPECT_EQ(d.boot, std::chrono::seconds(30));
  EXPECT_GE(d.run, std::chrono::minutes(5));
  EXPECT_EQ(d.overall, d.boot + d.run + d.shutdown);
}

} // namespace
} // namespace kbench::cli

namespace kbench::cli {
namespace {

TEST(CliEffective, TheExperimentsBackendReachesTheVmRunnerChoice) {
  util::TempDir dir("kbench-cli");
  util::write_file_atomic(dir.path() / "e.yaml",
                          "vm:\n  backend: libvirt\n  connect: qemu:///system\n");
  AbOptions options;
  parse_ab({ "-c", (dir.path() / "e.yaml").string() }, options);
  const AbOptions o = effective_options(effective_experiment(options), options);
  EXPECT_EQ(o.backend, "libvirt");
  EXPECT_EQ(o.connect, "qemu:///system");
  AbOptions flag;
  parse_ab({ "-c", (dir.path() / "e.yaml").string(), "--backend", "qemu", "--connect", "" }, flag);
  EXPECT_EQ(effective_options(effective_experiment(flag), flag).backend, "qemu");
}

} // namespace
} // namespace kbench::cli
