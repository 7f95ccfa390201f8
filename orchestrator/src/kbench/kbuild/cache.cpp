#include <kbench/kbuild/cache.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/hash.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace kbench::kbuild {

namespace fs = std::filesystem;

namespace {

// Throw a build error unless the build produced `path`.
void require_output(const fs::path& path) {
  if (!util::is_regular_file(path, "build output")) {
    throw Error(ExitCode::build, fmt::format("{} was not produced by the build", path.string()));
  }
}

// Return true when `key` can be a kernel key (64 hex digits): a cache file names it, and it
// becomes a directory name.
bool is_key(const std::string& key) {
  return key.size() == 64 && key.find_first_not_of("0123456789abcdef") == std::string::npos;
}

} // namespace

std::string InputKey::hash() const {
  return util::Sha256()
    .field("kbench-build-inputs-v1")
    .field(source_id)
    .field(series_hash)
    .field(fragments_hash)
    .field(base_config)
    .field(toolchain_id)
    .field(arch)
    .hex_digest();
}

std::string kernel_key(const InputKey& inputs, const std::string& config_sha256) {
  return util::Sha256()
    .field("kbench-kernel-v1")
    .field(inputs.source_id)
    .field(inputs.series_hash)
    .field(config_sha256)
    .field(inputs.toolchain_id)
    .field(inputs.arch)
    .hex_digest();
}

KernelCache::KernelCache(fs::path root) : m_root(std::move(root)) {
  util::create_directories(m_root / "kernels");
  util::create_directories(m_root / "index");
}

std::optional<CachedKernel> KernelCache::find_by_inputs(const std::string& input_hash) const {
  const auto key = util::read_file_if_exists(m_root / "index" / input_hash, "kernel cache index");
  if (!key || !is_key(*key)) {
    return std::nullopt;
  }
  return find(*key);
}

std::optional<CachedKernel> KernelCache::find(const std::string& key) const {
  const fs::path dir = m_root / "kernels" / key;
  const auto meta_text = util::read_file_if_exists(dir / "meta.json", "kernel cache entry");
  if (!meta_text || !util::path_exists(dir / "bzImage", "kernel cache entry")) {
    return std::nullopt;
  }
  CachedKernel kernel;
  try {
    kernel.meta = nlohmann::json::parse(*meta_text);
    kernel.bzimage_sha256 = kernel.meta.at("bzimage_sha256").get<std::string>();
    kernel.config_sha256 = kernel.meta.at("config_sha256").get<std::string>();
    kernel.kernel_release = kernel.meta.value("kernel_release", "");
  } catch (const nlohmann::json::exception& e) {
    spdlog::warn("ignoring damaged cache entry {}: {}", dir.string(), e.what());
    return std::nullopt;
  }
  if (util::sha256_file(dir / "bzImage") != kernel.bzimage_sha256) {
    spdlog::warn("ignoring cache entry {}: bzImage does not match its recorded sha256",
                 dir.string());
    return std::nullopt;
  }
  kernel.key = key;
  kernel.dir = dir;
  kernel.bzimage = dir / "bzImage";
  kernel.config = dir / "config";
  kernel.build_log = dir / "build.log";
  return kernel;
}

void KernelCache::link_inputs(const std::string& input_hash, const std::string& key) const {
  util::write_file_atomic(m_root / "index" / input_hash, key);
}

CachedKernel KernelCache::store(const std::string& key, const std::string& input_hash,
                                const BuildOutputs& outputs, nlohmann::json meta) const {
  require_output(outputs.bzimage);
  require_output(outputs.config);
  util::TempDir tmp(".store-" + key.substr(0, 16), m_root / "kernels");
  const std::string_view role = "build output (into the kernel cache)";
  util::copy_file(outputs.bzimage, tmp.path() / "bzImage", role);
  util::copy_file(outputs.config, tmp.path() / "config", role);
  if (util::path_exists(outputs.build_log, role)) {
    util::copy_file(outputs.build_log, tmp.path() / "build.log", role);
  }
  if (!outputs.system_map.empty() && util::path_exists(outputs.system_map, role)) {
    util::copy_file(outputs.system_map, tmp.path() / "System.map", role);
  }
  meta["key"] = key;
  meta["bzimage_sha256"] = util::sha256_file(tmp.path() / "bzImage");
  meta["config_sha256"] = util::sha256_file(tmp.path() / "config");
  meta["kernel_release"] = outputs.kernel_release;
  util::write_file_atomic(tmp.path() / "meta.json", meta.dump(2) + "\n");
  const fs::path dir = m_root / "kernels" / key;
  util::remove_all(dir);
  util::rename(tmp.path(), dir, "kernel cache entry");
  tmp.release(); // renamed into place: nothing left to remove
  link_inputs(input_hash, key);
  auto stored = find(key);
  if (!stored) {
    throw Error(ExitCode::infra, fmt::format("cannot read back cache entry {}", dir.string()));
  }
  return *stored;
}

} // namespace kbench::kbuild
