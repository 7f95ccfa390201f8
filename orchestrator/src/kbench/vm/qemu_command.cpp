#include <kbench/util/error.hpp>
#include <kbench/util/process.hpp>
#include <kbench/vm/qemu_command.hpp>

#include <fmt/format.h>

namespace kbench::vm {

namespace {

// Parameters every boot gets: console on the first serial port (a file on the
// host), a panic (and an oops or soft lockup, turned into panics) resets the
// guest at once, which -no-reboot turns into a QEMU exit. no_timer_check:
// under TCG on a loaded host the IO-APIC timer check can miss its window and
// panic ("IO-APIC + timer doesn't work!"); virtual machines skip it.
constexpr std::string_view k_fixed_cmdline =
  "console=ttyS0 panic=-1 oops=panic softlockup_panic=1 no_timer_check rdinit=/init";

// Return `path` with commas doubled, as QEMU's option parser wants in a value.
std::string escape_option_value(const std::string& path) {
  std::string escaped;
  for (char c : path) {
    escaped += c;
    if (c == ',') {
      escaped += ',';
    }
  }
  return escaped;
}

// Return the "cpus=a-b," option part for `node`, or "" for a CPU-less node.
std::string node_cpus(const VmSpec& spec, int node) {
  const int first = node * spec.vcpus / spec.numa_nodes;
  const int end = (node + 1) * spec.vcpus / spec.numa_nodes;
  if (first >= end) {
    return "";
  }
  if (end - first == 1) {
    return fmt::format("cpus={},", first);
  }
  return fmt::format("cpus={}-{},", first, end - 1);
}

// Return the -smp value: one socket per NUMA node when the vCPUs divide evenly
// (so no LLC spans two nodes, which makes the kernel WARN in topology_sane()),
// else one socket per vCPU.
std::string smp_topology(const VmSpec& spec) {
  const bool even = spec.vcpus % spec.numa_nodes == 0;
  const int sockets = even ? spec.numa_nodes : spec.vcpus;
  return fmt::format("{},sockets={},cores={},threads=1", spec.vcpus, sockets, spec.vcpus / sockets);
}

void append_numa(const VmSpec& spec, std::vector<std::string>& argv) {
  if (spec.numa_nodes == 1) {
    return;
  }
  const int per_node = spec.memory_mib / spec.numa_nodes;
  for (int node = 0; node < spec.numa_nodes; ++node) {
    const bool last = node == spec.numa_nodes - 1;
    const int size = last ? spec.memory_mib - per_node * (spec.numa_nodes - 1) : per_node;
    argv.insert(argv.end(),
                { "-object", fmt::format("memory-backend-ram,id=m{},size={}M", node, size), "-numa",
                  fmt::format("node,nodeid={},{}memdev=m{}", node, node_cpus(spec, node), node) });
  }
}

} // namespace

std::string kernel_cmdline(const VmSpec& spec) {
  std::string line(k_fixed_cmdline);
  if (!spec.extra_cmdline.empty()) {
    line += ' ';
    line += spec.extra_cmdline;
  }
  return line;
}

std::string_view cpu_model(Accelerator accelerator) {
  return accelerator == Accelerator::kvm ? "host" : "max";
}

std::vector<std::string> qemu_argv(const VmSpec& spec) {
  validate_resources(spec);
  const auto console = spec.work_dir / k_console_log_name;
  const auto results = spec.work_dir / k_results_file_name;
  // clang-format off
  std::vector<std::string> argv = {
    spec.qemu_binary, "-nodefaults", "-no-user-config", "-no-reboot",
    "-display", "none",
    "-machine", "q35",
    "-accel", std::string(to_string(spec.accelerator)),
    "-cpu", std::string(cpu_model(spec.accelerator)),
    "-smp", smp_topology(spec),
    "-m", fmt::format("{}M", spec.memory_mib)};
  // clang-format on
  if (spec.timing == Timing::virtual_) {
    argv.insert(argv.end(), { "-icount", std::string(k_icount_value) });
  }
  append_numa(spec, argv);
  // clang-format off
  argv.insert(argv.end(), {
    "-kernel", spec.kernel.string(),
    "-initrd", spec.initrd.string(),
    "-append", kernel_cmdline(spec),
    "-serial", "file:" + console.string(),
    "-device", "virtio-serial-pci",
    "-chardev", "file,id=results,path=" + escape_option_value(results.string()),
    "-device", fmt::format("virtserialport,chardev=results,name={}", k_results_port_name)});
  // clang-format on
  return argv;
}

std::string query_qemu_version(util::ProcessRunner& runner, const std::string& qemu_binary) {
  util::Command command;
  command.argv = { qemu_binary, "--version" };
  command.timeout = std::chrono::seconds(10);
  try {
    const auto result = runner.run(command);
    if (!result.ok()) {
      return fmt::format("unknown ({})", util::describe_result(result));
    }
    return result.output.substr(0, result.output.find('\n'));
  } catch (const Interrupted&) {
    throw;
  } catch (const Error& error) {
    return fmt::format("unknown ({})", error.what());
  }
}

} // namespace kbench::vm
