// Kernel sources, three kinds behind one interface: Debian's linux-source
// package (the embedded default), a local tree given by path, and a git ref
// in a local repository. A source is never modified: kbench builds in private
// copies made by materialize().
#pragma once

#include <kbench/util/process.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace kbench::source {

// Which kind of kernel source.
enum class Kind {
  debian_package, // /usr/src/<package>.tar.xz from Debian's linux-source-X package
  path,           // a local kernel tree (git or plain), used read-only
  git_ref,        // a ref of a local git repository
};

// What the user asked for.
struct Spec {
  Kind kind = Kind::debian_package;
  std::string package = "linux-source-6.12";                           // debian_package
  std::filesystem::path tarball = "/usr/src/linux-source-6.12.tar.xz"; // debian_package
  std::filesystem::path path;                                          // path, git_ref
  std::string ref;                                                     // git_ref
};

// Return the Spec for a `--source` argument ("debian", "debian:PACKAGE" or a
// path) and an optional `--ref`.
Spec parse_spec(const std::string& source, const std::string& ref);

// What a source is, resolved.
struct Identity {
  std::string id;             // stable identity, part of every cache key
  std::string description;    // for humans: "Debian linux-source-6.12 6.12.117-1~deb12u1"
  std::string version;        // package version, git commit, or "" for plain trees
  std::int64_t timestamp = 0; // seconds since the epoch: KBUILD_BUILD_TIMESTAMP
  bool git_tree = false;      // materialized trees are git trees (patches go through git am)
};

// A kernel source.
class KernelSource {
public:
  virtual ~KernelSource() = default;

  // Resolve and return the source's identity; throws kbench::Error
  // (ExitCode::source) naming the missing path, package or ref.
  virtual const Identity& identify() = 0;

  // Return the pristine content of `relative_path`, or nullopt when absent.
  virtual std::optional<std::string> read_file(const std::string& relative_path) = 0;

  // Create a private copy of the tree at `dest` (which must not exist).
  virtual void materialize(const std::filesystem::path& dest) = 0;
};

// Open the source described by `spec`; unpacked packages are kept under
// `cache_dir`/sources.
std::unique_ptr<KernelSource> open_source(const Spec& spec, util::ProcessRunner& runner,
                                          const std::filesystem::path& cache_dir);

} // namespace kbench::source
