// Builds the kernels of an A/B comparison: patches checked first, each
// variant's config generated from fragments and verified, the final configs
// of all variants compared, then each kernel built incrementally in its own
// tree (the patched tree starts as a copy of the built baseline tree) or
// fetched from the content-addressed cache.
#pragma once

#include <kbench/kbuild/cache.hpp>
#include <kbench/kbuild/toolchain.hpp>
#include <kbench/kconfig/fragment.hpp>
#include <kbench/patches/apply.hpp>
#include <kbench/patches/series.hpp>
#include <kbench/source/source.hpp>
#include <kbench/util/process.hpp>
#include <kbench/util/timer.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kbench::kbuild {

// One kernel to build: a name and the patches applied on top of the source.
struct Variant {
  std::string name; // "baseline", "patched"
  patches::Series series;
  // The first `layer_patches` patches of `series` are kbench's measurement
  // layer (on every variant); the rest are the user's. Only used to explain
  // a series that does not apply.
  std::size_t layer_patches = 0;
};

// How kernels are built.
struct BuildSettings {
  std::filesystem::path cache_dir;          // trees, kernels, ccache live here
  std::vector<kconfig::Fragment> fragments; // merged in order over the base config
  std::string base_config = "tinyconfig";   // a make target or a path to a .config
  std::string arch = "x86_64";
  int jobs = 2;
  bool ccache = true;
  std::chrono::minutes timeout{ 120 }; // per make invocation
};

// A built (or cached) kernel of one variant.
struct BuiltKernel {
  std::string variant;
  CachedKernel kernel;
  bool cache_hit = false;
  std::string tree_action; // what was done to the tree ("reused, applied 2 patch(es)")
  util::PhaseTimes phases; // prepare, configure, compile (seconds)
  double seconds = 0;      // wall time for this variant
  long objects_built = 0;  // kbuild steps seen in the build log
};

// The make command lines a build would run (for --dry-run).
struct PlannedCommand {
  std::string variant;
  std::string description;
  std::vector<std::string> argv;
  std::vector<std::pair<std::string, std::string>> env;
};

// Builds kernels; see the file comment.
class KernelBuilder {
public:
  KernelBuilder(util::ProcessRunner& runner, source::KernelSource& source, BuildSettings settings);

  // Check that every variant's series applies to the source; throws
  // kbench::Error (ExitCode::patch) naming the patch and hunk, and, for a
  // patch after the measurement layer, whether the user's patches apply to
  // the pristine tree without the layer (then they conflict with the layer)
  // or not at all. Nothing is copied or built.
  void preflight(const std::vector<Variant>& variants);

  // Build (or fetch from the cache) every variant, in order. Runs
  // preflight() first. Throws kbench::Error on the first failure.
  std::vector<BuiltKernel> build_all(const std::vector<Variant>& variants);

  // Return the make command lines build_all() would run, without running anything.
  std::vector<PlannedCommand> plan(const std::vector<Variant>& variants);

private:
  std::string explain_failure(const Variant& variant, const patches::PreflightFailure& failure,
                              const patches::SourceReader& reader, patches::Method method);
  BuiltKernel build_one(const Variant& variant, const std::vector<BuiltKernel>& done);
  InputKey input_key(const Variant& variant) const;
  std::filesystem::path tree_dir(const std::string& variant) const;
  std::string configure(const std::filesystem::path& tree, const std::string& variant);
  void verify_config(const std::filesystem::path& dot_config);
  long compile(const std::filesystem::path& tree, const std::string& variant,
               const std::filesystem::path& log);
  std::vector<std::string> make_argv(const std::filesystem::path& tree,
                                     const std::vector<std::string>& targets) const;
  util::Command make_command(const std::filesystem::path& tree,
                             const std::vector<std::string>& targets,
                             const std::filesystem::path& log) const;
  void check_same_config(const std::string& variant, const std::filesystem::path& config);
  std::string build_timestamp() const;
  const std::vector<kconfig::Fragment>& fragments() const;

  util::ProcessRunner& m_runner;
  source::KernelSource& m_source;
  BuildSettings m_settings;
  KernelCache m_cache;
  std::optional<Toolchain> m_toolchain;
  std::optional<std::pair<std::string, std::filesystem::path>> m_first_config;
  std::string m_first_text;
  std::string m_base_config_text; // the base .config file's content ("" for a make target)
  // The fragments' requests for this source's kernel version (fragments()).
  mutable std::optional<std::vector<kconfig::Fragment>> m_selected;
  mutable std::string m_fragments_for; // "kernel 6.12.117": what m_selected was chosen for
};

// Return a fragments hash (their contents, in order) for cache keys.
std::string fragments_hash(const std::vector<kconfig::Fragment>& fragments);

} // namespace kbench::kbuild
