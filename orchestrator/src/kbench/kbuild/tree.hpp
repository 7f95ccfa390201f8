// A variant's private kernel tree in kbench's cache, kept between runs so
// builds are incremental. The build directory (O=) is a direct subdirectory
// of the tree, so kbuild uses relative paths and two trees with the same
// content produce the same objects (and ccache hits) wherever they live.
#pragma once

#include <kbench/patches/apply.hpp>
#include <kbench/patches/series.hpp>
#include <kbench/source/source.hpp>
#include <kbench/util/process.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kbench::kbuild {

// Name of the build directory inside a tree.
inline constexpr const char* k_out_dir = "kbench-out";

// What a tree holds: which source, which patches are applied.
struct TreeState {
  std::string source_id;
  std::string base_commit;                  // git trees: HEAD before any patch
  std::vector<std::string> applied;         // sha256 of each applied patch, in order
  std::vector<std::string> applied_commits; // git trees: HEAD after each patch
};

// A variant's tree at `root` (root/kbench-out is its build directory).
class VariantTree {
public:
  VariantTree(std::filesystem::path root, util::ProcessRunner& runner);

  // Return the tree's root.
  const std::filesystem::path& root() const { return m_root; }

  // Return the build directory (root/kbench-out).
  std::filesystem::path out_dir() const { return m_root / k_out_dir; }

  // Return the recorded state, or nullopt when the tree is missing or damaged.
  std::optional<TreeState> state() const;

  // Make the tree hold `source` with exactly `series` applied, doing as little
  // as possible: an existing tree keeps the common prefix of its patches
  // (the rest is reverted); a missing tree is copied from `donor` (a built
  // tree of the same source whose patches are a prefix of `series`) or
  // materialized from the source. Returns a description of what was done.
  std::string prepare(source::KernelSource& source, const patches::Series& series,
                      const VariantTree* donor, const patches::CommitIdentity& identity);

  // Return true when this tree's state is `source_id` + a prefix of `series`.
  bool can_donate_to(const std::string& source_id, const patches::Series& series) const;

private:
  void write_state(const TreeState& state) const;
  void revert_to(TreeState& state, std::size_t keep, bool git);
  void apply_tail(TreeState& state, const patches::Series& series, bool git,
                  const patches::CommitIdentity& identity);
  std::string git_head() const;

  std::filesystem::path m_root;
  util::ProcessRunner& m_runner;
};

} // namespace kbench::kbuild
