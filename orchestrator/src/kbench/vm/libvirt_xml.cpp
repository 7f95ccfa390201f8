#include <kbench/util/error.hpp>
#include <kbench/vm/libvirt_xml.hpp>
#include <kbench/vm/qemu_command.hpp>

#include <fmt/format.h>

namespace kbench::vm {

namespace {

// Return the <topology>: one socket per NUMA node when the vCPUs divide
// evenly, else one socket per vCPU (as qemu_argv's -smp).
std::string topology(const VmSpec& spec) {
  const bool even = spec.vcpus % spec.numa_nodes == 0;
  const int sockets = even ? spec.numa_nodes : spec.vcpus;
  return fmt::format("<topology sockets='{}' dies='1' cores='{}' threads='1'/>", sockets,
                     spec.vcpus / sockets);
}

// Return one <cell>: vCPUs [i*V/N, (i+1)*V/N) (none: no cpus attribute), memory
// split evenly with the remainder on the last node.
std::string numa_cell(const VmSpec& spec, int node) {
  const int first = node * spec.vcpus / spec.numa_nodes;
  const int end = (node + 1) * spec.vcpus / spec.numa_nodes;
  const int per_node = spec.memory_mib / spec.numa_nodes;
  const bool last = node == spec.numa_nodes - 1;
  const int memory = last ? spec.memory_mib - per_node * (spec.numa_nodes - 1) : per_node;
  std::string cpus;
  if (end - first == 1) {
    cpus = fmt::format(" cpus='{}'", first);
  } else if (end - first > 1) {
    cpus = fmt::format(" cpus='{}-{}'", first, end - 1);
  }
  return fmt::format("      <cell id='{}'{} memory='{}' unit='MiB'/>\n", node, cpus, memory);
}

std::string cpu_element(const VmSpec& spec) {
  std::string xml =
    fmt::format("  <cpu mode='{}'>\n    {}\n", domain_cpu_mode(spec.accelerator), topology(spec));
  if (spec.numa_nodes > 1) {
    xml += "    <numa>\n";
    for (int node = 0; node < spec.numa_nodes; ++node) {
      xml += numa_cell(spec, node);
    }
    xml += "    </numa>\n";
  }
  return xml + "  </cpu>\n";
}

std::string os_element(const VmSpec& spec) {
  return fmt::format("  <os>\n"
                     "    <type arch='x86_64' machine='q35'>hvm</type>\n"
                     "    <kernel>{}</kernel>\n"
                     "    <initrd>{}</initrd>\n"
                     "    <cmdline>{}</cmdline>\n"
                     "  </os>\n",
                     xml_escape(spec.kernel.string()), xml_escape(spec.initrd.string()),
                     xml_escape(kernel_cmdline(spec)));
}

// Return <devices>: the serial console and the results channel as files, and
// nothing else (no USB, no balloon, no network, no disk, no display).
std::string devices_element(const VmSpec& spec) {
  const auto console = spec.work_dir / k_console_log_name;
  const auto results = spec.work_dir / k_results_file_name;
  return fmt::format("  <devices>\n"
                     "    <controller type='usb' model='none'/>\n"
                     "    <serial type='file'>\n"
                     "      <source path='{}'/>\n"
                     "      <target port='0'/>\n"
                     "    </serial>\n"
                     "    <channel type='file'>\n"
                     "      <source path='{}'/>\n"
                     "      <target type='virtio' name='{}'/>\n"
                     "    </channel>\n"
                     "    <memballoon model='none'/>\n"
                     "  </devices>\n",
                     xml_escape(console.string()), xml_escape(results.string()),
                     xml_escape(k_results_port_name));
}

// Return the QEMU arguments libvirt has no element for: -icount under virtual
// time, through libvirt's QEMU command-line passthrough namespace (libvirt
// marks such a domain "tainted: custom-argv"; nothing else is passed that way).
std::string qemu_commandline_element(const VmSpec& spec) {
  if (spec.timing != Timing::virtual_) {
    return {};
  }
  return fmt::format("  <qemu:commandline>\n"
                     "    <qemu:arg value='-icount'/>\n"
                     "    <qemu:arg value='{}'/>\n"
                     "  </qemu:commandline>\n",
                     xml_escape(k_icount_value));
}

bool name_char_ok(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

} // namespace

std::string_view domain_type(Accelerator accelerator) {
  return accelerator == Accelerator::kvm ? "kvm" : "qemu";
}

std::string_view domain_cpu_mode(Accelerator accelerator) {
  return accelerator == Accelerator::kvm ? "host-passthrough" : "maximum";
}

std::string xml_escape(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '\'':
        escaped += "&apos;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string domain_name(std::string_view run_id, const std::filesystem::path& work_dir) {
  std::string name = fmt::format("kbench-{}-{}", run_id, work_dir.filename().string());
  for (char& c : name) {
    c = name_char_ok(c) ? c : '_';
  }
  return name;
}

std::string domain_xml(const VmSpec& spec, std::string_view name) {
  validate_resources(spec);
  const std::string passthrough = qemu_commandline_element(spec);
  const std::string ns =
    passthrough.empty() ? "" : " xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'";
  return fmt::format("<domain type='{}'{}>\n"
                     "  <name>{}</name>\n"
                     "  <memory unit='MiB'>{}</memory>\n"
                     "  <vcpu>{}</vcpu>\n"
                     "{}"
                     "  <features>\n    <acpi/>\n    <apic/>\n  </features>\n"
                     "{}"
                     "  <clock offset='utc'/>\n"
                     "  <on_poweroff>destroy</on_poweroff>\n"
                     "  <on_reboot>destroy</on_reboot>\n"
                     "  <on_crash>destroy</on_crash>\n"
                     "{}"
                     "{}"
                     "</domain>\n",
                     domain_type(spec.accelerator), ns, xml_escape(name), spec.memory_mib,
                     spec.vcpus, os_element(spec), cpu_element(spec), devices_element(spec),
                     passthrough);
}

} // namespace kbench::vm
