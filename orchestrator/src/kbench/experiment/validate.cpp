#include <kbench/experiment/schema.hpp>
#include <kbench/experiment/validate.hpp>
#include <kbench/util/fs.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace kbench::experiment {

namespace fs = std::filesystem;

namespace {

// Collects the problems of one experiment.
class Checker {
public:
  Checker(const Experiment& e, const fs::path& data_dir, const std::set<std::string>& skip)
    : m_e(e), m_data_dir(data_dir), m_skip(skip) {}

  // Record `message` at the value of `key` unless `ok` or the key was rejected already.
  void check(const std::string& key, bool ok, const std::string& message) {
    if (!ok && m_skip.count(key) == 0) {
      m_found.push_back({ where(key), message });
    }
  }

  // Check that `value` of `key` is one of `allowed`, suggesting the closest.
  void one_of(const std::string& key, const std::string& value,
              const std::vector<std::string>& allowed) {
    if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) {
      return;
    }
    const std::string hint = closest(value, allowed);
    std::string names;
    for (const auto& a : allowed) {
      names += (names.empty() ? "" : " | ") + a;
    }
    check(key, false,
          fmt::format("'{}' must be {}, got {}{}", key, names, quote(value),
                      hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
  }

  // Check that every path of the list `key` exists.
  void paths_exist(const std::string& key, const std::vector<std::string>& paths) {
    for (std::size_t i = 0; i < paths.size(); ++i) {
      const fs::path path = resolve_data_path(paths[i], m_data_dir);
      std::error_code ec;
      if (!fs::exists(path, ec) && m_skip.count(key) == 0) {
        m_found.push_back(
          { where(fmt::format("{}[{}]", key, i)),
            fmt::format("'{}' names {}, which does not exist", key, quote(paths[i])) });
      }
    }
  }

  const Experiment& e() const { return m_e; }
  const fs::path& data_dir() const { return m_data_dir; }
  Diagnostics take() { return std::move(m_found); }

private:
  Location where(const std::string& key) const {
    for (std::string k = key;;) {
      if (const auto it = m_e.origins.find(k); it != m_e.origins.end()) {
        return it->second;
      }
      const auto cut = k.find_last_of(".[");
      if (cut == std::string::npos) {
        return { "<experiment>", 0, 0 };
      }
      k = k.substr(0, cut);
    }
  }

  const Experiment& m_e;
  fs::path m_data_dir;
  const std::set<std::string>& m_skip;
  Diagnostics m_found;
};

std::string q(std::uint64_t value) {
  return quote(std::to_string(value));
}

std::string q(int value) {
  return quote(std::to_string(value));
}

std::string q(double value) {
  return quote(fmt::format("{}", value));
}

void check_kernel(Checker& c) {
  const KernelSpec& k = c.e().kernel;
  c.check("name", !c.e().name.empty(), "'name' must not be empty");
  c.check("kernel.source", !k.source.empty(), "'kernel.source' must not be empty");
  const bool debian = k.source == "debian" || k.source.rfind("debian:", 0) == 0;
  c.check("kernel.ref", !debian || k.ref.empty(),
          fmt::format("'kernel.ref' {} needs a git repository as 'kernel.source', not {}",
                      quote(k.ref), quote(k.source)));
  c.check("kernel.source",
          k.source.rfind("debian:", 0) != 0 || util::is_plain_word(k.source.substr(7)),
          fmt::format("'kernel.source' {}: {} is not a Debian package name (letters, digits and "
                      "\"._+-\", not starting with '-')",
                      quote(k.source),
                      quote(k.source.substr(std::min<std::size_t>(7, k.source.size())))));
  c.check("kernel.ref", k.ref.empty() || k.ref.front() != '-',
          fmt::format("'kernel.ref' {} starts with '-' (git would read an option)", quote(k.ref)));
  std::error_code ec;
  c.check("kernel.source", debian || k.source.empty() || fs::is_directory(k.source, ec),
          fmt::format("'kernel.source' {} is not a directory (a kernel tree or git repository)",
                      quote(k.source)));
}

void check_files(Checker& c) {
  const Experiment& e = c.e();
  c.paths_exist("patches.measurement", e.patches.measurement);
  c.paths_exist("patches.baseline", e.patches.baseline);
  c.paths_exist("patches.patched", e.patches.patched);
  c.paths_exist("config.fragments", e.config.fragments);
  c.check("config.base", !e.config.base.empty(), "'config.base' must not be empty");
  std::error_code ec;
  const bool target = e.config.base.find('/') == std::string::npos;
  c.check("config.base",
          target || fs::is_regular_file(resolve_data_path(e.config.base, c.data_dir()), ec),
          fmt::format("'config.base' {} is not a file", quote(e.config.base)));
  c.check("config.base", !target || e.config.base.empty() || util::is_plain_word(e.config.base),
          fmt::format("'config.base' {} is not a make target like \"tinyconfig\" (letters, "
                      "digits and \"._+-\", not starting with '-'); a .config file needs a '/'",
                      quote(e.config.base)));
}

void check_workload(Checker& c) {
  const Workload& w = c.e().workload;
  c.one_of("workload.benchmark", w.benchmark, { "rmap_benchmark" });
  c.check("workload.vmas", w.vmas >= 4 && w.vmas <= k_max_vmas,
          fmt::format("'workload.vmas' {} is out of range [4, {}] (the guest raises "
                      "vm.max_map_count to 2*vmas+10000)",
                      q(w.vmas), k_max_vmas));
  c.check(
    "workload.dup_pages", w.dup_pages >= 2,
    fmt::format("'workload.dup_pages' {} is below 2: one page makes no KSM page", q(w.dup_pages)));
  c.check("workload.dup_pages", w.dup_pages <= k_max_page_sharing,
          fmt::format("'workload.dup_pages' {} is above KSM's max_page_sharing ({}): the "
                      "duplicates would make several KSM pages",
                      q(w.dup_pages), k_max_page_sharing));
  c.check("workload.dup_pages",
          w.dup_pages > k_max_page_sharing || w.vmas < 4 || w.dup_pages <= w.vmas / 2,
          fmt::format("'workload.dup_pages' {} is above vmas/2 = {}: the benchmark puts one "
                      "duplicate on every other VMA",
                      q(w.dup_pages), w.vmas / 2));
  c.check("workload.walks", w.walks >= 1 && w.walks <= 100000,
          fmt::format("'workload.walks' {} is out of range [1, 100000]", q(w.walks)));
  c.one_of("workload.trigger", w.trigger, { "migrate", "compact", "swap" });
}

void check_vm(Checker& c) {
  const VmSettings& v = c.e().vm;
  c.check("vm.vcpus", v.vcpus >= 1 && v.vcpus <= 64,
          fmt::format("'vm.vcpus' {} is out of range [1, 64]", q(v.vcpus)));
  c.check("vm.numa_nodes", v.numa_nodes >= 1 && v.numa_nodes <= 8,
          fmt::format("'vm.numa_nodes' {} is out of range [1, 8]", q(v.numa_nodes)));
  c.check("vm.numa_nodes", v.numa_nodes < 1 || v.vcpus < 1 || v.numa_nodes <= v.vcpus,
          fmt::format("'vm.numa_nodes' {} exceeds 'vm.vcpus' {}: every node needs a vCPU",
                      q(v.numa_nodes), q(v.vcpus)));
  const std::uint64_t need = required_memory_mib(c.e());
  const bool vmas_ok = c.e().workload.vmas <= k_max_vmas;
  c.check("vm.memory_mib",
          !vmas_ok || (v.memory_mib >= 0 && static_cast<std::uint64_t>(v.memory_mib) >= need),
          fmt::format("'vm.memory_mib' {} is too small: {} VMAs on {} NUMA node(s) need at least "
                      "{} MiB ({} MiB for the kernel + {} KiB per VMA on every node)",
                      q(v.memory_mib), c.e().workload.vmas, v.numa_nodes, need, k_base_memory_mib,
                      k_kib_per_vma));
  c.one_of("vm.accelerator", v.accelerator, { "auto", "kvm", "tcg" });
  c.one_of("vm.timing", v.timing, { "auto", "wall", "virtual" });
  c.check("vm.timing", !(v.timing == "virtual" && v.accelerator == "kvm"),
          "'vm.timing' \"virtual\" contradicts 'vm.accelerator' \"kvm\": QEMU counts "
          "instructions only under TCG (use timing wall with KVM)");
  c.one_of("vm.backend", v.backend, { "qemu", "libvirt" });
  c.check("vm.connect", v.connect.empty() || v.backend != "qemu",
          fmt::format("'vm.connect' {} needs 'vm.backend: libvirt' (the backend is \"qemu\")",
                      quote(v.connect)));
  const bool remote =
    v.connect.find("://") != std::string::npos && v.connect.find(":///") == std::string::npos;
  c.check("vm.accelerator", !(v.backend == "libvirt" && remote && v.accelerator == "auto"),
          fmt::format("'vm.accelerator' \"auto\" probes the local /dev/kvm, but 'vm.connect' {} "
                      "is a remote host: choose kvm or tcg",
                      quote(v.connect)));
  c.check("vm.numa_nodes", c.e().workload.trigger != "migrate" || v.numa_nodes >= 2,
          fmt::format("'vm.numa_nodes' {} contradicts 'workload.trigger' \"migrate\", which "
                      "moves the KSM page between two NUMA nodes (needs >= 2)",
                      q(v.numa_nodes)));
}

void check_statistics(Checker& c) {
  const Experiment& e = c.e();
  c.check("repetitions.boots", e.repetitions.boots >= 1 && e.repetitions.boots <= 1000,
          fmt::format("'repetitions.boots' {} is out of range [1, 1000]", q(e.repetitions.boots)));
  const Statistics& s = e.statistics;
  c.check("statistics.alpha", s.alpha > 0 && s.alpha < 1,
          fmt::format("'statistics.alpha' {} must be in (0, 1)", q(s.alpha)));
  c.check("statistics.noise", s.noise >= 0 && s.noise < 1,
          fmt::format("'statistics.noise' {} must be in [0, 1)", q(s.noise)));
  for (const auto& [metric, value] : s.regression_thresholds) {
    const std::string key = "statistics.regression_thresholds." + metric;
    c.check(key, value > 0 && value <= 10,
            fmt::format("'{}' {} must be in (0, 10] (a relative worsening)", key, q(value)));
  }
}

void check_deadlines(Checker& c) {
  const Deadlines& d = c.e().deadlines;
  c.check("deadlines.boot_s", d.boot_s >= 1 && d.boot_s <= 86400,
          fmt::format("'deadlines.boot_s' {} is out of range [1, 86400]", q(d.boot_s)));
  c.check("deadlines.run_s", d.run_s >= 0 && d.run_s <= 7 * 86400,
          fmt::format("'deadlines.run_s' {} is out of range [0 (derived), 604800]", q(d.run_s)));
  c.check("deadlines.shutdown_s", d.shutdown_s >= 1 && d.shutdown_s <= 3600,
          fmt::format("'deadlines.shutdown_s' {} is out of range [1, 3600]", q(d.shutdown_s)));
}

} // namespace

std::uint64_t required_memory_mib(const Experiment& e) {
  const std::uint64_t region_mib = (e.workload.vmas * k_kib_per_vma + 1023) / 1024;
  const std::uint64_t nodes = e.vm.numa_nodes > 0 ? static_cast<std::uint64_t>(e.vm.numa_nodes) : 1;
  return static_cast<std::uint64_t>(k_base_memory_mib) + nodes * region_mib;
}

Diagnostics validate(const Experiment& experiment, const fs::path& data_dir,
                     const std::set<std::string>& skip) {
  Checker c(experiment, data_dir, skip);
  check_kernel(c);
  check_files(c);
  check_workload(c);
  check_vm(c);
  check_statistics(c);
  check_deadlines(c);
  return c.take();
}

fs::path resolve_data_path(const std::string& path, const fs::path& data_dir) {
  if (path.rfind(k_data_prefix, 0) == 0) {
    return data_dir / path.substr(k_data_prefix.size());
  }
  return path;
}

} // namespace kbench::experiment
