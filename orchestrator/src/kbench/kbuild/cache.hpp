// The content-addressed kernel cache. A built kernel is stored under its key,
// the hash of (source identity, patch series hash, final .config hash,
// toolchain); an index maps the hash of the build's *inputs* (which determine
// the final .config) to that key, so asking again answers without touching
// any tree.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace kbench::kbuild {

// Everything that determines a build before its config is generated.
struct InputKey {
  std::string source_id;
  std::string series_hash;
  std::string fragments_hash; // contents of the config fragments, in order
  std::string base_config;    // "tinyconfig" or a file's hash
  std::string toolchain_id;
  std::string arch;

  // Return the hash of these inputs.
  std::string hash() const;
};

// Return the cache key of a kernel: (source, series, final config, toolchain, arch).
std::string kernel_key(const InputKey& inputs, const std::string& config_sha256);

// A kernel stored in the cache.
struct CachedKernel {
  std::string key;
  std::filesystem::path dir;
  std::filesystem::path bzimage;
  std::filesystem::path config;
  std::filesystem::path build_log;
  std::string bzimage_sha256;
  std::string config_sha256;
  std::string kernel_release;
  nlohmann::json meta; // the entry's meta.json
};

// Files of a finished build to store.
struct BuildOutputs {
  std::filesystem::path bzimage;
  std::filesystem::path config;
  std::filesystem::path build_log;
  std::filesystem::path system_map; // optional
  std::string kernel_release;
};

// The cache directory <root>/{kernels,index}.
class KernelCache {
public:
  // Use (and create) the cache under `root`.
  explicit KernelCache(std::filesystem::path root);

  // Return the kernel recorded for build inputs `input_hash`, if present and intact.
  std::optional<CachedKernel> find_by_inputs(const std::string& input_hash) const;

  // Return the kernel stored under `key`, if present and intact.
  std::optional<CachedKernel> find(const std::string& key) const;

  // Record that inputs `input_hash` produce the kernel `key`.
  void link_inputs(const std::string& input_hash, const std::string& key) const;

  // Copy `outputs` into the entry `key` (atomically: a temporary directory
  // renamed into place), with `meta` as meta.json; link `input_hash` to it.
  CachedKernel store(const std::string& key, const std::string& input_hash,
                     const BuildOutputs& outputs, nlohmann::json meta) const;

private:
  std::filesystem::path m_root;
};

} // namespace kbench::kbuild
