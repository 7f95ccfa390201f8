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
  if (!fs::is_regular_file(path)) {
    throw Error(ExitCode::build, fmt::format("{} was not produced by the build", path.string()));
  }
}

// Copy `from` to `to`, turning a filesystem error into a kbench::Error.
void copy_into_cache(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (!fs::copy_file(from, to, ec)) {
    throw Error(ExitCode::infra, fmt::format("cannot copy {} into the kernel cache ({}): {}",
                                             from.string(), to.string(), ec.message()));
  }
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
  const std::string key = util::read_file_or_empty(m_root / "index" / input_hash);
  if (key.size() != 64) {
    return std::nullopt;
  }
  return find(key);
}

std::optional<CachedKernel> KernelCache::find(const std::string& key) const {
  const fs::path dir = m_root / "kernels" / key;
  const std::string meta_text = util::read_file_or_empty(dir / "meta.json");
  if (meta_text.empty() || !fs::exists(dir / "bzImage")) {
    return std::nullopt;
  }
  CachedKernel kernel;
  try {
    kernel.meta = nlohmann::json::parse(meta_text);
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
  copy_into_cache(outputs.bzimage, tmp.path() / "bzImage");
  copy_into_cache(outputs.config, tmp.path() / "config");
  if (fs::exists(outputs.build_log)) {
    copy_into_cache(outputs.build_log, tmp.path() / "build.log");
  }
  if (!outputs.system_map.empty() && fs::exists(outputs.system_map)) {
    copy_into_cache(outputs.system_map, tmp.path() / "System.map");
  }
  meta["key"] = key;
  meta["bzimage_sha256"] = util::sha256_file(tmp.path() / "bzImage");
  meta["config_sha256"] = util::sha256_file(tmp.path() / "config");
  meta["kernel_release"] = outputs.kernel_release;
  util::write_file_atomic(tmp.path() / "meta.json", meta.dump(2) + "\n");
  const fs::path dir = m_root / "kernels" / key;
  util::remove_all(dir);
  fs::rename(tmp.release(), dir);
  link_inputs(input_hash, key);
  auto stored = find(key);
  if (!stored) {
    throw Error(ExitCode::infra, fmt::format("cannot read back cache entry {}", dir.string()));
  }
  return *stored;
}

} // namespace kbench::kbuild
