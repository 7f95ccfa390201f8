// Choosing the VM backend of a run: QEMU directly (the default) or libvirt
// (`--backend libvirt --connect URI`, or the experiment's vm.backend/vm.connect).
#pragma once

#include <kbench/vm/vm_runner.hpp>

#include <filesystem>
#include <memory>
#include <string>

namespace kbench::util {
class ProcessRunner;
}

namespace kbench::cli {

// Return the VM runner for `backend` ("qemu" or "libvirt"). `connect` is the
// libvirt URI ("" = qemu:///system) and only valid with libvirt; libvirt
// domains are named kbench-<results_dir's name>-<variant>-<boot>. Throw
// kbench::Error (usage) for an unknown backend or a URI given to QEMU.
// `processes` must outlive the runner.
std::unique_ptr<vm::VmRunner> make_vm_runner(const std::string& backend, const std::string& connect,
                                             const std::filesystem::path& results_dir,
                                             util::ProcessRunner& processes);

} // namespace kbench::cli
