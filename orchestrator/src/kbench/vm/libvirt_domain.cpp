#include <kbench/vm/libvirt_domain.hpp>

#include <libvirt/virterror.h>
#include <spdlog/spdlog.h>

#include <utility>

namespace kbench::vm {

bool last_error_is_no_domain() noexcept {
  const virErrorPtr error = virGetLastError();
  return error != nullptr && error->code == VIR_ERR_NO_DOMAIN;
}

LibvirtDomain LibvirtDomain::create_transient(const LibvirtConnection& conn, const std::string& xml,
                                              unsigned int flags) {
  virDomainPtr domain = virDomainCreateXML(conn.get(), xml.c_str(), flags);
  if (domain == nullptr) {
    throw libvirt_error("virDomainCreateXML");
  }
  return LibvirtDomain(domain);
}

LibvirtDomain::LibvirtDomain(virDomainPtr domain) : m_domain(domain) {
  const char* name = virDomainGetName(domain);
  m_name = name != nullptr ? name : "";
}

LibvirtDomain::LibvirtDomain(LibvirtDomain&& other) noexcept
  : m_domain(std::exchange(other.m_domain, nullptr)), m_name(std::move(other.m_name)) {}

LibvirtDomain& LibvirtDomain::operator=(LibvirtDomain&& other) noexcept {
  if (this != &other) {
    release();
    m_domain = std::exchange(other.m_domain, nullptr);
    m_name = std::move(other.m_name);
  }
  return *this;
}

LibvirtDomain::~LibvirtDomain() {
  release();
}

void LibvirtDomain::release() noexcept {
  if (m_domain == nullptr) {
    return;
  }
  if (virDomainDestroy(m_domain) == 0) {
    spdlog::debug("vm: destroyed libvirt domain {}", m_name);
  } else if (!last_error_is_no_domain()) {
    spdlog::warn("vm: virDomainDestroy({}) failed: {}", m_name, virGetLastErrorMessage());
  }
  virDomainFree(m_domain);
  m_domain = nullptr;
}

std::optional<int> LibvirtDomain::state() const {
  int state = 0;
  int reason = 0;
  if (virDomainGetState(m_domain, &state, &reason, 0) < 0) {
    if (last_error_is_no_domain()) {
      return std::nullopt;
    }
    throw libvirt_error("virDomainGetState(" + m_name + ")");
  }
  return state;
}

void LibvirtDomain::resume() {
  if (virDomainResume(m_domain) < 0) {
    throw libvirt_error("virDomainResume(" + m_name + ")");
  }
}

bool LibvirtDomain::destroy() {
  if (virDomainDestroy(m_domain) == 0) {
    return true;
  }
  if (last_error_is_no_domain()) {
    return false;
  }
  throw libvirt_error("virDomainDestroy(" + m_name + ")");
}

} // namespace kbench::vm
