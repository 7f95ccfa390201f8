#include <kbench/util/error.hpp>
#include <kbench/vm/vm_spec.hpp>

#include <fmt/format.h>

namespace kbench::vm {

void validate_resources(const VmSpec& spec) {
  if (spec.vcpus < 1 || spec.numa_nodes < 1 || spec.memory_mib < 64 * spec.numa_nodes) {
    throw Error(
      ExitCode::invalid_config,
      fmt::format("invalid VM resources: {} vCPUs, {} MiB, {} NUMA nodes (need at least 1 "
                  "vCPU, 1 node and 64 MiB per node)",
                  spec.vcpus, spec.memory_mib, spec.numa_nodes));
  }
  if (spec.kernel.empty() || spec.initrd.empty() || spec.work_dir.empty()) {
    throw Error(ExitCode::invalid_config, "VM spec needs a kernel, an initrd and a work directory");
  }
  if (spec.timing == Timing::virtual_) {
    resolve_timing(TimingPolicy::virtual_, spec.accelerator); // throws under KVM
  }
}

} // namespace kbench::vm
