#include <kbench/vm/libvirt_events.hpp>

#include <fmt/format.h>

#include <csignal>

namespace kbench::vm {

namespace {

void ignore_timer(int /*timer*/, void* /*opaque*/) {}

int on_lifecycle(virConnectPtr /*conn*/, virDomainPtr /*domain*/, int event, int detail,
                 void* opaque) {
  static_cast<LifecycleWatch*>(opaque)->on_event(event, detail);
  return 0;
}

} // namespace

EventPump::EventPump(std::chrono::milliseconds interval) {
  m_timer = virEventAddTimeout(static_cast<int>(interval.count()), ignore_timer, nullptr, nullptr);
  if (m_timer < 0) {
    throw libvirt_error("virEventAddTimeout");
  }
}

EventPump::~EventPump() {
  virEventRemoveTimeout(m_timer);
}

void EventPump::run_once() {
  if (virEventRunDefaultImpl() < 0) {
    throw libvirt_error("virEventRunDefaultImpl");
  }
}

LifecycleWatch::LifecycleWatch(const LibvirtConnection& conn, const LibvirtDomain& domain)
  : m_conn(conn.get()) {
  m_callback =
    virConnectDomainEventRegisterAny(m_conn, domain.get(), VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                     VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle), this, nullptr);
  if (m_callback < 0) {
    throw libvirt_error("virConnectDomainEventRegisterAny(" + domain.name() + ")");
  }
}

LifecycleWatch::~LifecycleWatch() {
  virConnectDomainEventDeregisterAny(m_conn, m_callback);
}

void LifecycleWatch::on_event(int event, int detail) noexcept {
  if (event == VIR_DOMAIN_EVENT_STOPPED && !m_stopped) {
    m_stopped = detail;
  }
}

std::string describe_stop(int detail) {
  switch (detail) {
    case VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN:
      return "guest shut down";
    case VIR_DOMAIN_EVENT_STOPPED_DESTROYED:
      return "domain destroyed";
    case VIR_DOMAIN_EVENT_STOPPED_CRASHED:
      return "QEMU crashed";
    case VIR_DOMAIN_EVENT_STOPPED_MIGRATED:
      return "domain migrated away";
    case VIR_DOMAIN_EVENT_STOPPED_SAVED:
      return "domain saved";
    case VIR_DOMAIN_EVENT_STOPPED_FAILED:
      return "QEMU failed";
    case VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT:
      return "domain reverted to a snapshot";
    default:
      return fmt::format("domain stopped (libvirt detail {})", detail);
  }
}

QemuExit exit_from_stop(int detail, bool stopped_by_kbench) {
  if (detail == VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN) {
    return QemuExit{ 0, 0, stopped_by_kbench };
  }
  if (detail == VIR_DOMAIN_EVENT_STOPPED_DESTROYED) {
    return QemuExit{ -1, SIGKILL, stopped_by_kbench };
  }
  return QemuExit{ 1, 0, stopped_by_kbench };
}

} // namespace kbench::vm
