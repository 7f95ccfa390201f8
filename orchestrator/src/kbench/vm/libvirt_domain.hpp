// RAII for a libvirt domain (virDomainPtr): a transient domain is destroyed
// by its owner's destructor on every exit path, exceptions included.
#pragma once

#include <kbench/vm/libvirt_connection.hpp>

#include <libvirt/libvirt.h>

#include <optional>
#include <string>

namespace kbench::vm {

// A domain handle; move-only. The destructor destroys the domain if it still
// runs (virDomainDestroy), then frees the handle (virDomainFree).
class LibvirtDomain {
public:
  // Start a transient domain from `xml` (virDomainCreateXML with `flags`);
  // throw kbench::Error naming virDomainCreateXML and libvirt's message.
  static LibvirtDomain create_transient(const LibvirtConnection& conn, const std::string& xml,
                                        unsigned int flags);

  LibvirtDomain(LibvirtDomain&& other) noexcept;
  LibvirtDomain& operator=(LibvirtDomain&& other) noexcept;
  LibvirtDomain(const LibvirtDomain&) = delete;
  LibvirtDomain& operator=(const LibvirtDomain&) = delete;
  // Destroy the domain if it is still there, then free the handle.
  ~LibvirtDomain();

  // Return the raw handle for libvirt calls (owned by this object).
  virDomainPtr get() const noexcept { return m_domain; }

  // Return the domain's name (captured at creation).
  const std::string& name() const noexcept { return m_name; }

  // Return the virDomainState, or nullopt once the domain no longer exists (a
  // transient domain vanishes when it stops); throw kbench::Error otherwise.
  std::optional<int> state() const;

  // Resume a paused domain; throw kbench::Error naming virDomainResume.
  void resume();

  // Stop the domain now (virDomainDestroy: SIGTERM, then SIGKILL); return
  // false when it was already gone. Throw kbench::Error on other failures.
  bool destroy();

private:
  explicit LibvirtDomain(virDomainPtr domain);
  void release() noexcept;

  virDomainPtr m_domain = nullptr;
  std::string m_name;
};

// Return true when libvirt's last error says the domain does not exist (any more).
bool last_error_is_no_domain() noexcept;

} // namespace kbench::vm
