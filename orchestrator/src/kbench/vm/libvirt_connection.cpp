#include <kbench/vm/libvirt_connection.hpp>

#include <fmt/format.h>
#include <libvirt/virterror.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <utility>

namespace kbench::vm {

namespace {

// libvirt prints every error to stderr by default; kbench reports them itself.
void log_libvirt_error(void* /*user_data*/, virErrorPtr error) {
  if (error != nullptr && error->message != nullptr) {
    spdlog::debug("libvirt: {}", error->message);
  }
}

} // namespace

Error libvirt_error(std::string_view call) {
  const char* message = virGetLastErrorMessage();
  return Error(ExitCode::infra,
               fmt::format("{} failed: {}", call, message != nullptr ? message : "unknown error"));
}

void init_libvirt() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (virInitialize() < 0) {
      throw libvirt_error("virInitialize");
    }
    virSetErrorFunc(nullptr, log_libvirt_error);
    if (virEventRegisterDefaultImpl() < 0) {
      throw libvirt_error("virEventRegisterDefaultImpl");
    }
  });
}

LibvirtConnection LibvirtConnection::open(const std::string& uri) {
  init_libvirt();
  virConnectPtr conn = virConnectOpen(uri.c_str());
  if (conn == nullptr) {
    throw libvirt_error(fmt::format("virConnectOpen({})", uri));
  }
  return LibvirtConnection(conn, uri);
}

LibvirtConnection::LibvirtConnection(virConnectPtr conn, std::string uri) noexcept
  : m_conn(conn), m_uri(std::move(uri)) {}

LibvirtConnection::LibvirtConnection(LibvirtConnection&& other) noexcept
  : m_conn(std::exchange(other.m_conn, nullptr)), m_uri(std::move(other.m_uri)) {}

LibvirtConnection& LibvirtConnection::operator=(LibvirtConnection&& other) noexcept {
  if (this != &other) {
    close();
    m_conn = std::exchange(other.m_conn, nullptr);
    m_uri = std::move(other.m_uri);
  }
  return *this;
}

LibvirtConnection::~LibvirtConnection() {
  close();
}

void LibvirtConnection::close() noexcept {
  if (m_conn != nullptr) {
    virConnectClose(m_conn);
    m_conn = nullptr;
  }
}

std::string LibvirtConnection::hypervisor_version() const {
  const char* type = virConnectGetType(m_conn);
  if (type == nullptr) {
    throw libvirt_error("virConnectGetType");
  }
  unsigned long hypervisor = 0;
  if (virConnectGetVersion(m_conn, &hypervisor) < 0) {
    throw libvirt_error("virConnectGetVersion");
  }
  unsigned long library = 0;
  if (virConnectGetLibVersion(m_conn, &library) < 0) {
    throw libvirt_error("virConnectGetLibVersion");
  }
  return fmt::format("{} {} via libvirt {} ({})", type, format_libvirt_version(hypervisor),
                     format_libvirt_version(library), m_uri);
}

std::string format_libvirt_version(unsigned long version) {
  return fmt::format("{}.{}.{}", version / 1000000, version / 1000 % 1000, version % 1000);
}

} // namespace kbench::vm
