// The libvirt domain XML of a boot, built without talking to libvirt: the
// same guest as qemu_argv() (q35, direct kernel boot, NUMA cells, serial
// console and results channel to files), as a transient domain.
#pragma once

#include <kbench/vm/vm_spec.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace kbench::vm {

// Return the libvirt domain type for `accelerator` ("kvm" or "qemu" for TCG).
std::string_view domain_type(Accelerator accelerator);

// Return the <cpu> mode for `accelerator` ("host-passthrough" or "maximum", as -cpu host/max).
std::string_view domain_cpu_mode(Accelerator accelerator);

// Return `text` with &, <, >, ' and " replaced by XML entities.
std::string xml_escape(std::string_view text);

// Return the domain name kbench-<run_id>-<work_dir's last component>, every
// character outside [A-Za-z0-9._-] replaced by '_' (ab's work dirs are
// <variant>-<boot>, so names read kbench-<runid>-<variant>-<boot>).
std::string domain_name(std::string_view run_id, const std::filesystem::path& work_dir);

// Return the domain XML booting `spec` as domain `name`; throw kbench::Error
// (invalid_config) for the resources qemu_argv() rejects too.
std::string domain_xml(const VmSpec& spec, std::string_view name);

} // namespace kbench::vm
