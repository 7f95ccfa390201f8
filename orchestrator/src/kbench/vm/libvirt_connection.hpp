// RAII for a libvirt connection (virConnectPtr) and the one place libvirt
// failures become kbench::Error (infra) naming the failing call.
#pragma once

#include <kbench/util/error.hpp>

#include <libvirt/libvirt.h>

#include <string>
#include <string_view>

namespace kbench::vm {

// Return kbench::Error (infra) "<call> failed: <virGetLastErrorMessage()>".
Error libvirt_error(std::string_view call);

// Initialize libvirt once per process: virInitialize, route its error printer to
// spdlog::debug instead of stderr, register the default event loop (lifecycle
// events need it, and it must precede the first connection).
void init_libvirt();

// An open libvirt connection; move-only, closed by the destructor.
class LibvirtConnection {
public:
  // Open `uri` read-write (e.g. qemu:///system); throw kbench::Error naming virConnectOpen.
  static LibvirtConnection open(const std::string& uri);

  LibvirtConnection(LibvirtConnection&& other) noexcept;
  LibvirtConnection& operator=(LibvirtConnection&& other) noexcept;
  LibvirtConnection(const LibvirtConnection&) = delete;
  LibvirtConnection& operator=(const LibvirtConnection&) = delete;
  // Close the connection (virConnectClose).
  ~LibvirtConnection();

  // Return the raw handle for libvirt calls (owned by this object).
  virConnectPtr get() const noexcept { return m_conn; }

  // Return the URI this connection was opened with.
  const std::string& uri() const noexcept { return m_uri; }

  // Return e.g. "QEMU 7.2.0 via libvirt 9.0.0 (qemu:///system)"; throw kbench::Error on failure.
  std::string hypervisor_version() const;

private:
  LibvirtConnection(virConnectPtr conn, std::string uri) noexcept;
  void close() noexcept;

  virConnectPtr m_conn = nullptr;
  std::string m_uri;
};

// Return "major.minor.micro" of a libvirt version number (1000000*major + 1000*minor + micro).
std::string format_libvirt_version(unsigned long version);

} // namespace kbench::vm
