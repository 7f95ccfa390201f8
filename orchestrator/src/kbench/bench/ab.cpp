#include <kbench/bench/ab.hpp>
#include <kbench/bench/resultchannel.hpp>
#include <kbench/bench/runrecord.hpp>
#include <kbench/bench/scenario.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/signals.hpp>
#include <kbench/util/timer.hpp>
#include <kbench/vm/kvm_probe.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <sys/utsname.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <csignal>
#include <ctime>

namespace kbench::bench {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

// Return /proc/cpuinfo ("" where there is none).
std::string cpuinfo() {
  return util::read_file_if_exists("/proc/cpuinfo", "CPU information").value_or("");
}

std::string host_cpu() {
  const std::string text = cpuinfo();
  const auto pos = text.find("model name");
  const auto colon = text.find(':', pos);
  if (pos == std::string::npos || colon == std::string::npos) {
    return "unknown";
  }
  const auto nl = text.find('\n', pos);
  return text.substr(colon + 2, nl - colon - 2);
}

// Return the host's TSC frequency in kHz from /proc/cpuinfo, or 0: under
// wall-clock TCG the guest's TSC runs at the host's rate (vm::clock_cmdline).
long host_tsc_khz() {
  const std::string text = cpuinfo();
  const auto pos = text.find("cpu MHz");
  const auto colon = text.find(':', pos);
  if (pos == std::string::npos || colon == std::string::npos) {
    return 0;
  }
  const auto start = text.find_first_not_of(' ', colon + 1);
  double mhz = 0;
  if (start == std::string::npos ||
      std::from_chars(text.data() + start, text.data() + text.size(), mhz).ec != std::errc()) {
    return 0;
  }
  return static_cast<long>(mhz * 1000.0);
}

std::string host_kernel() {
  struct utsname u {};
  return ::uname(&u) == 0 ? std::string(u.release) : "unknown";
}

KernelRecord kernel_record(const kbuild::BuiltKernel& built) {
  KernelRecord k;
  k.variant = built.variant;
  k.bzimage = built.kernel.bzimage.string();
  k.bzimage_sha256 = built.kernel.bzimage_sha256;
  k.config_sha256 = built.kernel.config_sha256;
  k.release = built.kernel.kernel_release;
  k.key = built.kernel.key;
  k.cache_hit = built.cache_hit;
  k.build_seconds = built.seconds;
  for (const auto& p : built.kernel.meta.value("series", nlohmann::json::array())) {
    k.series.push_back({ p.value("file", ""), p.value("sha256", ""), p.value("subject", "") });
  }
  return k;
}

std::string describe_run(const RunRecord& r) {
  if (r.outcome != vm::Outcome::ok) {
    return fmt::format("{}: {}", vm::to_string(r.outcome), r.reason);
  }
  const auto max_walk =
    r.walk_ns.empty() ? 0 : *std::max_element(r.walk_ns.begin(), r.walk_ns.end());
  return fmt::format(
    "OK in {:.1f}s (benchmark {:.1f}s): {} VMAs, {} walk samples, max walk {:.2f} ms",
    r.phases.at("total"), r.phases.at("benchmark"), r.vmas_real, r.walk_ns.size(),
    static_cast<double>(max_walk) / 1e6);
}

} // namespace

AbRunner::AbRunner(kbuild::KernelBuilder& builder, std::vector<kbuild::Variant> variants,
                   vm::VmRunner& vms, AbSettings settings)
  : m_builder(builder), m_variants(std::move(variants)), m_vms(vms),
    m_settings(std::move(settings)) {}

Results AbRunner::run() {
  const auto start = Clock::now();
  if (m_settings.accelerator_policy == vm::AcceleratorPolicy::kvm) {
    vm::resolve_timing(m_settings.timing_policy, vm::Accelerator::kvm); // virtual: refused now
  }
  util::create_directories(m_settings.results_dir);
  util::write_file_atomic(m_settings.results_dir / k_incomplete_marker,
                          "this run has not finished (or was interrupted)\n");
  m_results.kbench_version = KBENCH_VERSION;
  m_results.created = utc_now();
  m_results.experiment = m_settings.experiment;
  m_results.experiment.accelerator_policy =
    std::string(vm::to_string(m_settings.accelerator_policy));
  m_results.experiment.timing_policy = std::string(vm::to_string(m_settings.timing_policy));
  m_results.source = m_settings.source_description;
  m_results.reproducer = m_settings.reproducer;
  m_results.provenance = m_settings.provenance;
  m_results.environment = { { "host_kernel", host_kernel() }, { "host_cpu", host_cpu() } };
  if (m_settings.shard) {
    m_results.shard =
      ShardRecord{ m_settings.shard->index, m_settings.shard->count, m_settings.experiment.boots };
  }

  build_kernels();
  build_initramfs();
  choose_accelerator();
  boot_all();

  const double total = since(start);
  m_results.phases["guest"] = m_guest_seconds;
  m_results.phases["total"] = total;
  m_results.phases["overhead"] = total - m_guest_seconds - m_results.phases["build"];
  m_results.complete = true;
  save();
  util::remove_file(m_settings.results_dir / k_incomplete_marker, "results directory marker");
  return m_results;
}

void AbRunner::build_kernels() {
  const auto start = Clock::now();
  if (!m_settings.prebuilt.empty()) {
    m_results.kernels = m_settings.prebuilt; // `kbench run --kernel`: nothing to build
    m_results.phases["build"] = since(start);
    return;
  }
  const auto built = m_builder.build_all(m_variants);
  m_results.phases["build"] = since(start);
  for (const auto& b : built) {
    m_results.kernels.push_back(kernel_record(b));
    m_results.environment["compiler"] = b.kernel.meta.value("toolchain", "");
    if (util::path_exists(b.kernel.build_log, "build log")) {
      util::copy_file(b.kernel.build_log, m_settings.results_dir / ("build-" + b.variant + ".log"),
                      "build log");
    }
  }
}

void AbRunner::build_initramfs() {
  const auto start = Clock::now();
  m_initramfs = m_settings.results_dir / "initramfs.cpio.gz";
  m_results.initramfs_sha256 = initramfs::build_guest_initramfs(m_settings.guest, m_initramfs);
  if (!m_results.provenance.inputs.empty()) {
    m_results.provenance.inputs["initramfs"] = m_results.initramfs_sha256;
  }
  m_results.phases["initramfs"] = since(start);
}

void AbRunner::choose_accelerator() {
  const auto start = Clock::now();
  if (m_settings.timing_policy == vm::TimingPolicy::virtual_ &&
      m_settings.accelerator_policy == vm::AcceleratorPolicy::automatic) {
    // Only TCG counts instructions: asking for virtual time decides the accelerator.
    m_accelerator = { vm::Accelerator::tcg, "virtual timing (--timing virtual) needs TCG" };
  } else {
    auto spec = spec_for(m_results.kernels.front(), m_settings.results_dir / "runs");
    m_accelerator = vm::decide_accelerator(m_settings.accelerator_policy, spec, m_vms);
  }
  m_timing = vm::resolve_timing(m_settings.timing_policy, m_accelerator.accelerator);
  m_results.environment["accelerator"] = std::string(vm::to_string(m_accelerator.accelerator));
  m_results.environment["accelerator_reason"] = m_accelerator.reason;
  m_results.environment["timing"] = std::string(vm::to_string(m_timing));
  m_results.environment["timing_detail"] = vm::describe_timing(m_accelerator.accelerator, m_timing);
  m_results.phases["accelerator"] = since(start);
  spdlog::info("accelerator: {}, timing: {}", vm::to_string(m_accelerator.accelerator),
               vm::describe_timing(m_accelerator.accelerator, m_timing));
}

void AbRunner::boot_all() {
  const auto start = Clock::now();
  const int boots = m_settings.experiment.boots;
  for (int boot = 0; boot < boots; ++boot) {
    if (m_settings.shard && !shard_runs_boot(*m_settings.shard, boot)) {
      continue; // another shard's boot
    }
    for (const auto& kernel : m_results.kernels) {
      if (never_boots(m_results.runs, kernel.variant)) {
        continue; // logged once, when it was decided
      }
      m_results.runs.push_back(boot_once(kernel, boot));
      save();
      const auto& r = m_results.runs.back();
      spdlog::info("[{} {}/{}] {}", r.variant, boot + 1, boots, describe_run(r));
      if (r.outcome == vm::Outcome::interrupted) {
        m_results.phases["runs"] = since(start);
        save();
        throw Interrupted(util::interrupt_signal() != 0 ? util::interrupt_signal() : SIGINT);
      }
      if (never_boots(m_results.runs, kernel.variant) && boot + 1 < boots) {
        spdlog::error(
          "{}: its first {} boots never reached init ({}): not booting it again "
          "(each would wait for the {} s boot deadline)",
          kernel.variant, k_boots_before_giving_up, r.outcome,
          std::chrono::duration_cast<std::chrono::seconds>(m_settings.deadlines.boot).count());
      }
    }
  }
  m_results.phases["runs"] = since(start);
}

bool never_boots(const std::vector<RunRecord>& runs, std::string_view variant) {
  int boots = 0;
  for (const auto& r : runs) {
    if (r.variant != variant) {
      continue;
    }
    if (r.outcome != vm::Outcome::boot_timeout) {
      return false;
    }
    ++boots;
  }
  return boots >= k_boots_before_giving_up;
}

RunRecord AbRunner::boot_once(const KernelRecord& kernel, int boot) {
  const fs::path work =
    m_settings.results_dir / "runs" / fmt::format("{}-{}", kernel.variant, boot);
  util::remove_all(work);
  const vm::VmRun run = m_vms.run(spec_for(kernel, work));
  m_guest_seconds += static_cast<double>(run.timings.total.count()) / 1000.0;
  if (!run.qemu_version.empty()) {
    m_results.environment["qemu_version"] = run.qemu_version;
  }
  // One byte over the limit lets the parser say the capture is too large.
  const std::string capture =
    util::read_file_prefix(run.results_file, k_max_capture_bytes + 1, "result channel capture")
      .value_or(std::string());
  const ChannelParse parse = parse_result_channel_lenient(capture);
  return make_run_record(kernel.variant, boot, run, parse, m_settings.results_dir);
}

vm::VmSpec AbRunner::spec_for(const KernelRecord& kernel, const fs::path& work_dir) const {
  return boot_spec(m_settings, kernel, m_initramfs, m_accelerator.accelerator, m_timing, work_dir);
}

vm::VmSpec boot_spec(const AbSettings& settings, const KernelRecord& kernel,
                     const fs::path& initramfs, vm::Accelerator accelerator, vm::Timing timing,
                     const fs::path& work_dir) {
  vm::VmSpec spec;
  spec.kernel = kernel.bzimage;
  spec.initrd = initramfs;
  spec.extra_cmdline = guest_cmdline(settings.experiment);
  const long host_khz = accelerator == vm::Accelerator::tcg ? host_tsc_khz() : 0;
  if (const std::string clock = vm::clock_cmdline(accelerator, timing, host_khz); !clock.empty()) {
    spec.extra_cmdline += " " + clock;
  }
  spec.vcpus = settings.experiment.vcpus;
  spec.memory_mib = settings.experiment.memory_mib;
  spec.numa_nodes = settings.experiment.numa_nodes;
  spec.accelerator = accelerator;
  spec.timing = timing;
  spec.work_dir = work_dir;
  spec.deadlines = settings.deadlines;
  spec.results_complete = [](std::string_view bytes) { return result_channel_complete(bytes); };
  return spec;
}

void AbRunner::save() const {
  write_results(m_results, m_settings.results_dir / "results.json");
}

} // namespace kbench::bench
