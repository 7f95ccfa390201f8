// libvirt's event loop, driven by kbench's watch loop (no extra thread), and
// the lifecycle event that tells how a domain stopped.
#pragma once

#include <kbench/vm/libvirt_connection.hpp>
#include <kbench/vm/libvirt_domain.hpp>
#include <kbench/vm/vm_runner.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace kbench::vm {

// Runs libvirt's default event loop one iteration at a time; a repeating
// timer bounds each iteration, so run_once() doubles as the poll sleep.
class EventPump {
public:
  // Register a timer firing every `interval`; throw kbench::Error naming virEventAddTimeout.
  explicit EventPump(std::chrono::milliseconds interval);
  EventPump(const EventPump&) = delete;
  EventPump& operator=(const EventPump&) = delete;
  // Remove the timer.
  ~EventPump();

  // Dispatch pending events, waiting at most about one interval for one;
  // throw kbench::Error naming virEventRunDefaultImpl.
  void run_once();

private:
  int m_timer = -1;
};

// Records the STOPPED lifecycle event of one domain; not movable (libvirt
// holds its address until the destructor deregisters it).
class LifecycleWatch {
public:
  // Subscribe to `domain`'s lifecycle events on `conn`; throw kbench::Error
  // naming virConnectDomainEventRegisterAny.
  LifecycleWatch(const LibvirtConnection& conn, const LibvirtDomain& domain);
  LifecycleWatch(const LifecycleWatch&) = delete;
  LifecycleWatch& operator=(const LifecycleWatch&) = delete;
  // Deregister the callback.
  ~LifecycleWatch();

  // Return the virDomainEventStoppedDetailType once the domain stopped.
  std::optional<int> stopped_detail() const noexcept { return m_stopped; }

  // Record one lifecycle event (the libvirt callback's body).
  void on_event(int event, int detail) noexcept;

private:
  virConnectPtr m_conn;
  int m_callback = -1;
  std::optional<int> m_stopped;
};

// Return why a domain stopped, e.g. "guest shut down", for a virDomainEventStoppedDetailType.
std::string describe_stop(int detail);

// Return the QemuExit the QEMU backend would have recorded for a domain that
// stopped with `detail`: a guest shutdown (poweroff, or a panic with
// on_reboot=destroy) is exit status 0; a crash or failure is status 1; a
// destroy kbench did not ask for is SIGKILL; `stopped_by_kbench` is kept.
QemuExit exit_from_stop(int detail, bool stopped_by_kbench);

} // namespace kbench::vm
