#include <kbench/cli/vmbackend.hpp>
#include <kbench/util/error.hpp>
#include <kbench/vm/libvirt_runner.hpp>
#include <kbench/vm/qemu_runner.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace kbench::cli {

std::unique_ptr<vm::VmRunner> make_vm_runner(const std::string& backend, const std::string& connect,
                                             const std::filesystem::path& results_dir,
                                             util::ProcessRunner& processes) {
  if (backend == "qemu") {
    if (!connect.empty()) {
      throw Error(
        ExitCode::usage,
        fmt::format("--connect {} needs --backend libvirt (the backend is qemu)", connect));
    }
    return std::make_unique<vm::QemuRunner>(processes);
  }
  if (backend != "libvirt") {
    throw Error(ExitCode::usage,
                fmt::format("unknown --backend '{}' (expected qemu or libvirt)", backend));
  }
  vm::LibvirtRunnerOptions options;
  options.uri = connect.empty() ? std::string(vm::k_default_libvirt_uri) : connect;
  const auto dir = results_dir.has_filename() ? results_dir : results_dir.parent_path();
  options.run_id = dir.filename().string();
  spdlog::info("VM backend: libvirt on {}", options.uri);
  return std::make_unique<vm::LibvirtRunner>(std::move(options));
}

} // namespace kbench::cli
