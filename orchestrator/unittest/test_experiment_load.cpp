// The experiment file: the embedded default, layering, the canonical form and
// its hash, and validation that reports every located problem at once.
#include <kbench/experiment/diagnostic.hpp>
#include <kbench/experiment/embedded.hpp>
#include <kbench/experiment/load.hpp>
#include <kbench/experiment/validate.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <regex>

namespace kbench::experiment {
namespace {

namespace fs = std::filesystem;

const fs::path k_testdata = KBENCH_TESTDATA_DIR;
const fs::path k_data_dir = KBENCH_SOURCE_DIR;

// A temporary experiment file holding `text`.
struct TempExperiment {
  util::TempDir dir{ "kbench-exp" };
  fs::path path;

  explicit TempExperiment(const std::string& text, const std::string& name = "exp.yaml")
    : path(dir.path() / name) {
    util::write_file_atomic(path, text);
  }
};

LoadRequest request(std::vector<fs::path> files = {}, std::vector<Override> overrides = {}) {
  LoadRequest r;
  r.files = std::move(files);
  r.overrides = std::move(overrides);
  r.data_dir = k_data_dir;
  return r;
}

Diagnostics problems_of(const std::string& text) {
  TempExperiment file(text);
  Diagnostics found;
  collect(request({ file.path }), found);
  return found;
}

std::string joined(const Diagnostics& found) {
  std::string text;
  for (const auto& d : found) {
    text += format(d) + "\n";
  }
  return text;
}

TEST(ExperimentDefault, SetsEveryKeyOfTheSchemaAndIsValid) {
  const Experiment e = default_experiment();
  for (const auto& key : schema_keys()) {
    EXPECT_TRUE(e.origins.count(key)) << key << " is not set by experiments/default.yaml";
  }
  EXPECT_EQ(joined(validate(e, k_data_dir)), "");
}

TEST(ExperimentDefault, IsTheSeedExperiment) {
  const Experiment e = default_experiment();
  EXPECT_EQ(e.name, "seed");
  EXPECT_EQ(e.workload.vmas, 20000u);
  EXPECT_EQ(e.workload.dup_pages, 256u);
  EXPECT_EQ(e.workload.trigger, "migrate");
  EXPECT_EQ(e.vm.numa_nodes, 2);
  EXPECT_EQ(e.repetitions.boots, 5);
  EXPECT_EQ(e.patches.patched, std::vector<std::string>{ "@data/patches/ksm-rmap-walk" });
}

TEST(ExperimentHash, OfThePrintedDefaultEqualsTheEmbeddedDefaults) {
  TempExperiment printed{ std::string(embedded_default()) };
  EXPECT_EQ(experiment_hash(load(request({ printed.path }))), experiment_hash(load(request())));
}

TEST(ExperimentHash, OfTheCanonicalYamlEqualsTheExperimentsOwn) {
  LoadRequest r = request({}, { { "workload.vmas", { "3000" }, "--vmas" } });
  r.overlays = { "quick" };
  const Experiment e = load(r);
  TempExperiment canonical{ to_yaml(e) };
  const Experiment again = load(request({ canonical.path }));
  EXPECT_EQ(experiment_hash(again), experiment_hash(e));
  EXPECT_EQ(to_json(again), to_json(e));
}

TEST(ExperimentHash, IgnoresWhereResultsGoButNotTheWorkload) {
  const Experiment base = load(request());
  const Experiment moved =
    load(request({}, { { "outputs.results_dir", { "/tmp/x" }, "--results-dir" } }));
  const Experiment bigger = load(request({}, { { "workload.vmas", { "30000" }, "--vmas" } }));
  EXPECT_EQ(experiment_hash(moved), experiment_hash(base));
  EXPECT_NE(experiment_hash(bigger), experiment_hash(base));
}

TEST(ExperimentLayers, AFileOverridesOnlyTheKeysItSets) {
  TempExperiment file{ "# comment\nworkload:\n  vmas: 3000\n" };
  const Experiment e = load(request({ file.path }));
  EXPECT_EQ(e.workload.vmas, 3000u);
  EXPECT_EQ(e.workload.dup_pages, 256u);
  EXPECT_EQ(e.vm.memory_mib, 2048);
  EXPECT_EQ(to_string(e.origins.at("workload.vmas")), file.path.string() + ":3:9");
  EXPECT_EQ(e.origins.at("workload.dup_pages").file, k_default_name);
}

TEST(ExperimentLayers, TheScenarioOverridesFilesAndFlagsOverrideBoth) {
  TempExperiment file{ "workload:\n  vmas: 3000\n  walks: 7\n  seed: 9\n" };
  LoadRequest r = request({ file.path }, { { "workload.walks", { "2" }, "--walks" } });
  r.overlays = { "quick" };
  const Experiment e = load(r);
  EXPECT_EQ(e.name, "quick");
  EXPECT_EQ(e.workload.vmas, 2000u); // quick over the file
  EXPECT_EQ(e.workload.seed, 9u);    // the file, where quick says nothing
  EXPECT_EQ(e.workload.walks, 2u);   // flag over both
  EXPECT_EQ(e.origins.at("workload.walks").file, "command line (--walks)");
}

TEST(ExperimentLayers, TheSeedScenarioResetsAFilesWorkload) {
  TempExperiment file{ "name: mine\nworkload:\n  vmas: 3000\n  dup_pages: 16\n" };
  LoadRequest r = request({ file.path });
  r.overlays = { "seed" };
  EXPECT_EQ(experiment_hash(load(r)), experiment_hash(load(request())));
}

TEST(ExperimentLayers, QuickOverlayIsTheQuickScenario) {
  LoadRequest r = request();
  r.overlays = { "quick" };
  const Experiment e = load(r);
  EXPECT_EQ(e.workload.vmas, 2000u);
  EXPECT_EQ(e.workload.dup_pages, 16u);
  EXPECT_EQ(e.workload.walks, 5u);
  EXPECT_EQ(e.repetitions.boots, 5);
}

TEST(ExperimentLayers, UnknownScenarioIsAUsageError) {
  LoadRequest r = request();
  r.overlays = { "quik" };
  try {
    load(r);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
  }
}

TEST(ExperimentLayers, RelativePathsResolveAgainstTheFilesDirectory) {
  TempExperiment file{ "patches:\n  patched: [series]\n" };
  fs::create_directories(file.dir.path() / "series");
  const Experiment e = load(request({ file.path }));
  EXPECT_EQ(e.patches.patched, std::vector<std::string>{ (file.dir.path() / "series").string() });
}

TEST(ExperimentValidation, ReportsTheFiveMistakesOfTheTestFileEachLocated) {
  const fs::path file = k_testdata / "experiments" / "five-mistakes.yaml";
  Diagnostics found;
  collect(request({ file }), found);
  ASSERT_EQ(found.size(), 5u) << joined(found);
  const std::regex located(std::regex_replace(file.string(), std::regex(R"([.])"), R"(\.)") +
                           R"(:[0-9]+:[0-9]+: .+)");
  for (const auto& d : found) {
    EXPECT_TRUE(std::regex_match(format(d), located)) << format(d);
  }
  const std::string text = joined(found);
  EXPECT_NE(text.find(":6:3: unknown key \"vmsa\" in 'workload' (did you mean 'vmas'?)"),
            std::string::npos)
    << text;
  EXPECT_NE(text.find(":7:14: 'workload.dup_pages' \"512\" is above KSM's max_page_sharing (256)"),
            std::string::npos)
    << text;
  EXPECT_NE(text.find(":10:10: 'vm.vcpus' expects an integer, got \"two\""), std::string::npos)
    << text;
  EXPECT_NE(text.find(":11:15: 'vm.numa_nodes' \"1\" contradicts 'workload.trigger'"),
            std::string::npos)
    << text;
  EXPECT_NE(text.find(":13:10: 'repetitions.boots' \"0\" is out of range [1, 1000]"),
            std::string::npos)
    << text;
}

TEST(ExperimentValidation, LoadThrowsInvalidConfigListingEveryError) {
  try {
    load(request({ k_testdata / "experiments" / "five-mistakes.yaml" }));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::invalid_config);
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("invalid experiment (5 errors):\n", 0), 0u) << what;
    EXPECT_EQ(std::count(what.begin(), what.end(), '\n'), 5);
  }
}

TEST(ExperimentValidation, ASyntaxErrorIsLocated) {
  const Diagnostics found = problems_of("workload:\n  vmas: [1, 2\n");
  ASSERT_EQ(found.size(), 1u) << joined(found);
  EXPECT_EQ(found[0].where.line, 3);
  EXPECT_NE(found[0].message.find("YAML syntax error"), std::string::npos);
}

TEST(ExperimentValidation, AnUnknownTopLevelKeyNamesItsSection) {
  const Diagnostics found = problems_of("vmas: 3000\nworklaod:\n  walks: 2\n");
  ASSERT_EQ(found.size(), 2u) << joined(found);
  EXPECT_EQ(found[0].message, "unknown key \"vmas\" (did you mean 'workload.vmas'?)");
  EXPECT_EQ(found[1].message, "unknown key \"worklaod\" (did you mean 'workload'?)");
}

TEST(ExperimentValidation, WrongTypesAreReportedWithTheValue) {
  const Diagnostics found =
    problems_of("workload:\n  vmas: -5\n  victim: maybe\nstatistics:\n  alpha: high\n"
                "patches:\n  patched: some-dir\n");
  EXPECT_EQ(joined(found).find("'workload.vmas' expects a non-negative integer, got \"-5\"") !=
              std::string::npos,
            true)
    << joined(found);
  EXPECT_NE(joined(found).find("'workload.victim' expects true or false, got \"maybe\""),
            std::string::npos);
  EXPECT_NE(joined(found).find("'statistics.alpha' expects a number, got \"high\""),
            std::string::npos);
  EXPECT_NE(joined(found).find("'patches.patched' expects a list of paths"), std::string::npos);
  EXPECT_EQ(found.size(), 4u) << joined(found);
}

TEST(ExperimentValidation, TooManyVmasForTheMemoryIsAnError) {
  const Diagnostics found = problems_of("workload:\n  vmas: 1000000\nvm:\n  memory_mib: 1024\n");
  ASSERT_EQ(found.size(), 1u) << joined(found);
  EXPECT_EQ(found[0].where.line, 4);
  EXPECT_NE(found[0].message.find("is too small"), std::string::npos) << found[0].message;
}

TEST(ExperimentValidation, VmasBeyondTheGuestLimitAreAnError) {
  const Diagnostics found = problems_of("workload:\n  vmas: 20000000\n");
  ASSERT_EQ(found.size(), 1u) << joined(found);
  EXPECT_NE(found[0].message.find("out of range [4, 10000000]"), std::string::npos);
}

TEST(ExperimentValidation, ContradictionsAreErrors) {
  const Diagnostics found =
    problems_of("vm:\n  connect: qemu+ssh://host/system\nkernel:\n  ref: v6.12\n");
  ASSERT_EQ(found.size(), 2u) << joined(found);
  EXPECT_NE(joined(found).find("'kernel.ref' \"v6.12\" needs a git repository"), std::string::npos);
  EXPECT_NE(
    joined(found).find("'vm.connect' \"qemu+ssh://host/system\" needs 'vm.backend: libvirt'"),
    std::string::npos);
}

TEST(ExperimentValidation, TimingIsOneOfThreeModesAndVirtualContradictsKvm) {
  const Diagnostics unknown = problems_of("vm:\n  timing: icount\n");
  ASSERT_EQ(unknown.size(), 1u) << joined(unknown);
  EXPECT_NE(joined(unknown).find("exp.yaml:2:11:"), std::string::npos) << joined(unknown);
  const Diagnostics kvm = problems_of("vm:\n  accelerator: kvm\n  timing: virtual\n");
  ASSERT_EQ(kvm.size(), 1u) << joined(kvm);
  EXPECT_NE(joined(kvm).find("'vm.timing' \"virtual\" contradicts 'vm.accelerator' \"kvm\""),
            std::string::npos)
    << joined(kvm);
  EXPECT_TRUE(problems_of("vm:\n  accelerator: tcg\n  timing: wall\n").empty());
}

TEST(ExperimentValidation, RemoteLibvirtNeedsAnExplicitAccelerator) {
  const Diagnostics found =
    problems_of("vm:\n  backend: libvirt\n  connect: qemu+ssh://host/system\n");
  ASSERT_EQ(found.size(), 1u) << joined(found);
  EXPECT_NE(found[0].message.find("choose kvm or tcg"), std::string::npos);
}

TEST(ExperimentValidation, MissingPatchFilesAreLocatedAtTheirItem) {
  const Diagnostics found = problems_of("patches:\n  patched:\n    - /nonexistent/a.patch\n");
  ASSERT_EQ(found.size(), 1u) << joined(found);
  EXPECT_EQ(found[0].where.line, 3);
  EXPECT_EQ(found[0].where.column, 7);
}

TEST(ExperimentValidation, UnknownThresholdMetricsSuggestTheClosest) {
  const Diagnostics found = problems_of("statistics:\n  regression_thresholds:\n    wlak: 0.2\n");
  ASSERT_EQ(found.size(), 1u) << joined(found);
  EXPECT_NE(found[0].message.find("(did you mean 'walk'?)"), std::string::npos);
}

TEST(ExperimentValidation, ACommandLineValueIsCheckedToo) {
  Diagnostics found;
  collect(request({}, { { "workload.dup_pages", { "300" }, "--dup-pages" } }), found);
  ASSERT_EQ(found.size(), 1u) << joined(found);
  EXPECT_EQ(format(found[0]).rfind("command line (--dup-pages): 'workload.dup_pages' \"300\"", 0),
            0u);
}

TEST(ExperimentValidation, NamesThatWouldBecomePathsOrOptionsAreErrors) {
  const Diagnostics found = problems_of("kernel:\n  source: debian:../../tmp/x\nconfig:\n"
                                        "  base: --eval=x\n");
  ASSERT_EQ(found.size(), 2u) << joined(found);
  EXPECT_EQ(found[0].where.line, 2);
  EXPECT_NE(found[0].message.find("\"../../tmp/x\" is not a Debian package name"),
            std::string::npos)
    << joined(found);
  EXPECT_EQ(found[1].where.line, 4);
  EXPECT_NE(found[1].message.find("'config.base' \"--eval=x\" is not a make target"),
            std::string::npos)
    << joined(found);
}

TEST(ExperimentValidation, AGitRefThatLooksLikeAnOptionIsAnError) {
  TempExperiment tree{ "" };
  const Diagnostics found = problems_of(
    fmt::format("kernel:\n  source: {}\n  ref: --output=/tmp/x\n", tree.dir.path().string()));
  ASSERT_EQ(found.size(), 1u) << joined(found);
  EXPECT_EQ(found[0].message,
            "'kernel.ref' \"--output=/tmp/x\" starts with '-' (git would read an option)");
}

TEST(ExperimentValidation, ADeviceAsExperimentFileIsOneLocatedError) {
  Diagnostics found;
  collect(request({ "/dev/urandom" }), found);
  ASSERT_EQ(found.size(), 1u) << joined(found);
  EXPECT_EQ(format(found[0]),
            "/dev/urandom: experiment file /dev/urandom is a character device, not a regular file");
}

TEST(ExperimentValidation, ADuplicateKeyIsAnErrorNamingBothPlaces) {
  TempExperiment file("workload:\n  vmas: 3000\n  walks: 2\n  vmas: 4000\n");
  Diagnostics found;
  collect(request({ file.path }), found);
  ASSERT_EQ(found.size(), 1u) << joined(found);
  EXPECT_EQ(format(found[0]), fmt::format("{}:4:3: duplicate key 'workload.vmas' (first at {}:2:3)",
                                          file.path.string(), file.path.string()));
}

TEST(ExperimentValidation, DuplicateSectionsAndThresholdsAreErrorsToo) {
  const Diagnostics found =
    problems_of("workload:\n  vmas: 3000\nstatistics:\n  regression_thresholds:\n"
                "    walk: 0.1\n    walk: 0.2\nworkload:\n  walks: 2\n");
  ASSERT_EQ(found.size(), 2u) << joined(found);
  EXPECT_EQ(found[0].where.line, 6);
  EXPECT_NE(found[0].message.find("duplicate key 'statistics.regression_thresholds.walk'"),
            std::string::npos)
    << joined(found);
  EXPECT_EQ(found[1].where.line, 7);
  EXPECT_NE(found[1].message.find("duplicate key 'workload' (first at "), std::string::npos)
    << joined(found);
}

TEST(ExperimentValidation, AnEmptyFileChangesNothing) {
  TempExperiment empty{ "" };
  EXPECT_EQ(experiment_hash(load(request({ empty.path }))), experiment_hash(load(request())));
}

TEST(ExperimentDiagnostics, EditDistanceCountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(edit_distance("vmas", "vmas"), 0u);
  EXPECT_EQ(edit_distance("vmsa", "vmas"), 2u);
  EXPECT_EQ(edit_distance("walk", "walks"), 1u);
  EXPECT_EQ(closest("dup_page", { "vmas", "dup_pages", "walks" }), "dup_pages");
  EXPECT_EQ(closest("zzzzzz", { "vmas", "walks" }), "");
}

} // namespace
} // namespace kbench::experiment
