// The libvirt VM runner: the same boot as QemuRunner (domain XML from
// libvirt_xml.hpp), as a transient domain through the libvirt C API, watched
// by the same poll loop facts (console scan, results channel, deadlines,
// interrupts) and always destroyed at the end.
#pragma once

#include <kbench/vm/vm_runner.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace kbench::vm {

class LibvirtConnection;
class LibvirtDomain;

// The default libvirt URI of `--connect`.
inline constexpr std::string_view k_default_libvirt_uri = "qemu:///system";

// File name of the domain XML kept in VmSpec::work_dir.
inline constexpr std::string_view k_domain_xml_name = "domain.xml";

// File names of the kernel and initramfs staged (hard-linked or copied) into VmSpec::work_dir.
inline constexpr std::string_view k_staged_kernel_name = "bzImage";
inline constexpr std::string_view k_staged_initrd_name = "initrd";

// Where and how the libvirt runner boots.
struct LibvirtRunnerOptions {
  // The hypervisor connection, e.g. qemu:///system, qemu:///session, qemu+ssh://host/system.
  std::string uri{ k_default_libvirt_uri };
  // Middle part of every domain name: kbench-<run_id>-<work dir name>.
  std::string run_id = "run";
  // How often the loop polls the domain, the files and the interrupt flag.
  std::chrono::milliseconds poll_interval{ 50 };
  // How long a domain may live after "Kernel panic" before kbench destroys it.
  std::chrono::milliseconds panic_grace{ std::chrono::seconds(3) };
  // Directory of libvirt's per-domain QEMU logs, copied to qemu.log when readable (local URIs).
  std::filesystem::path qemu_log_dir = "/var/log/libvirt/qemu";
};

// Boots guests as transient libvirt domains (virDomainCreateXML, started
// paused with auto-destroy, resumed once the lifecycle watch is in place).
class LibvirtRunner final : public VmRunner {
public:
  // Connect lazily (on the first run) to `options.uri`.
  explicit LibvirtRunner(LibvirtRunnerOptions options = {});
  // Close the connection (libvirt auto-destroys any domain still left).
  ~LibvirtRunner() override;

  // Boot `spec` until the domain is gone; see VmRunner::run. A failing
  // libvirt call is an infra_error naming the call and libvirt's message.
  VmRun run(const VmSpec& spec) override;

private:
  VmRun prepare(const VmSpec& spec) const;
  const LibvirtConnection& connection();
  void boot(const VmSpec& spec, const std::string& xml, VmRun& run);
  void watch(LibvirtDomain& domain, const VmSpec& spec, VmRun& run);
  void collect_qemu_log(const std::string& name, VmRun& run) const;

  LibvirtRunnerOptions m_options;
  std::unique_ptr<LibvirtConnection> m_connection;
};

} // namespace kbench::vm
