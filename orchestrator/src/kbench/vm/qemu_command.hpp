// The QEMU command line of a boot, built without running anything.
#pragma once

#include <kbench/vm/vm_spec.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace kbench::util {
class ProcessRunner;
}

namespace kbench::vm {

// Return the kernel command line: kbench's fixed parameters, then spec.extra_cmdline.
std::string kernel_cmdline(const VmSpec& spec);

// Return the QEMU -cpu model used with `accelerator` ("host" or "max").
std::string_view cpu_model(Accelerator accelerator);

// Return the complete QEMU argv for `spec` (for running and for --dry-run);
// throw kbench::Error (invalid_config) when the resources are inconsistent.
std::vector<std::string> qemu_argv(const VmSpec& spec);

// Return the first line of `<qemu_binary> --version`, or "unknown (<why>)".
std::string query_qemu_version(util::ProcessRunner& runner, const std::string& qemu_binary);

} // namespace kbench::vm
