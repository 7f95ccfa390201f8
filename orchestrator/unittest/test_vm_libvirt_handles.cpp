// The libvirt RAII wrappers against libvirt's built-in test driver
// (test:///default: in-process, no daemon); the real daemon is exercised by
// the integration tests (orchestrator/test/ab_libvirt*.sh).
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/vm/libvirt_connection.hpp>
#include <kbench/vm/libvirt_domain.hpp>
#include <kbench/vm/libvirt_events.hpp>
#include <kbench/vm/libvirt_runner.hpp>
#include <kbench/vm/outcome.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace {

using kbench::vm::LibvirtConnection;
using kbench::vm::LibvirtDomain;

constexpr const char* k_test_uri = "test:///default";

std::string test_domain_xml(const std::string& name) {
  return fmt::format("<domain type='test'><name>{}</name><memory>65536</memory>"
                     "<os><type>hvm</type></os></domain>",
                     name);
}

// Return true when `name` is a domain on `conn`.
bool exists(const LibvirtConnection& conn, const std::string& name) {
  virDomainPtr domain = virDomainLookupByName(conn.get(), name.c_str());
  if (domain == nullptr) {
    return false;
  }
  virDomainFree(domain);
  return true;
}

} // namespace

TEST(VmLibvirtHandles, OpeningAnUnknownUriThrowsAnInfraErrorNamingTheCallAndUri) {
  try {
    LibvirtConnection::open("nosuchdriver:///nowhere");
    FAIL() << "no error";
  } catch (const kbench::Error& error) {
    EXPECT_EQ(error.code(), kbench::ExitCode::infra);
    EXPECT_TRUE(
      std::string(error.what()).starts_with("virConnectOpen(nosuchdriver:///nowhere) failed: "))
      << error.what();
  }
}

TEST(VmLibvirtHandles, ConnectionReportsItsHypervisorAndLibvirtVersion) {
  const auto conn = LibvirtConnection::open(k_test_uri);
  const std::string version = conn.hypervisor_version();
  EXPECT_TRUE(version.starts_with("TEST ") || version.starts_with("Test ")) << version;
  EXPECT_NE(version.find(" via libvirt 9."), std::string::npos) << version;
  EXPECT_EQ(kbench::vm::format_libvirt_version(9000000), "9.0.0");
  EXPECT_EQ(kbench::vm::format_libvirt_version(7002022), "7.2.22");
}

TEST(VmLibvirtHandles, DomainGoingOutOfScopeIsDestroyed) {
  const auto conn = LibvirtConnection::open(k_test_uri);
  {
    auto domain = LibvirtDomain::create_transient(conn, test_domain_xml("kb-scope"), 0);
    EXPECT_EQ(domain.name(), "kb-scope");
    EXPECT_EQ(domain.state(), VIR_DOMAIN_RUNNING);
    EXPECT_TRUE(exists(conn, "kb-scope"));
  }
  EXPECT_FALSE(exists(conn, "kb-scope"));
}

TEST(VmLibvirtHandles, DomainIsDestroyedWhenAnExceptionUnwindsItsScope) {
  const auto conn = LibvirtConnection::open(k_test_uri);
  try {
    auto domain = LibvirtDomain::create_transient(conn, test_domain_xml("kb-throw"), 0);
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(exists(conn, "kb-throw"));
}

TEST(VmLibvirtHandles, MovedDomainIsDestroyedOnceByItsNewOwner) {
  const auto conn = LibvirtConnection::open(k_test_uri);
  auto first = LibvirtDomain::create_transient(conn, test_domain_xml("kb-move"), 0);
  LibvirtDomain second = std::move(first);
  EXPECT_EQ(first.get(), nullptr); // NOLINT(bugprone-use-after-move): checking the move
  EXPECT_TRUE(exists(conn, "kb-move"));
  EXPECT_TRUE(second.destroy());
  EXPECT_EQ(second.state(), std::nullopt);
  EXPECT_FALSE(second.destroy()); // already gone: not an error
}

TEST(VmLibvirtHandles, InvalidDomainXmlThrowsNamingVirDomainCreateXml) {
  const auto conn = LibvirtConnection::open(k_test_uri);
  try {
    LibvirtDomain::create_transient(conn, "<domain type='test'><name>x</name>", 0);
    FAIL() << "no error";
  } catch (const kbench::Error& error) {
    EXPECT_EQ(error.code(), kbench::ExitCode::infra);
    EXPECT_TRUE(std::string(error.what()).starts_with("virDomainCreateXML failed: "))
      << error.what();
  }
}

TEST(VmLibvirtHandles, LifecycleWatchSeesTheStoppedEventThroughTheEventPump) {
  const auto conn = LibvirtConnection::open(k_test_uri);
  auto domain = LibvirtDomain::create_transient(conn, test_domain_xml("kb-events"), 0);
  kbench::vm::LifecycleWatch lifecycle(conn, domain);
  kbench::vm::EventPump pump(std::chrono::milliseconds(5));
  EXPECT_EQ(lifecycle.stopped_detail(), std::nullopt);
  ASSERT_TRUE(domain.destroy());
  for (int i = 0; i < 100 && !lifecycle.stopped_detail(); ++i) {
    pump.run_once();
  }
  EXPECT_EQ(lifecycle.stopped_detail(), VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
}

TEST(VmLibvirtRunner, UnreachableDaemonIsAnInfraErrorNamingVirConnectOpen) {
  const kbench::util::TempDir dir("libvirt-unit");
  kbench::vm::VmSpec spec;
  spec.kernel = dir.path() / "bzImage";
  spec.initrd = dir.path() / "initrd";
  spec.work_dir = dir.path() / "work";
  kbench::vm::LibvirtRunner runner({ .uri = "nosuchdriver:///nowhere" });
  const auto run = runner.run(spec);
  EXPECT_NE(run.infra_error.find("virConnectOpen(nosuchdriver:///nowhere) failed"),
            std::string::npos)
    << run.infra_error;
  EXPECT_EQ(kbench::vm::classify(run, kbench::vm::GuestStatus::none).outcome,
            kbench::vm::Outcome::infra_error);
  EXPECT_EQ(run.argv.front(), "virsh");
}

TEST(VmLibvirtRunner, RefusedDomainIsAnInfraErrorNamingVirDomainCreateXmlAndNothingIsLeft) {
  const kbench::util::TempDir dir("libvirt-unit");
  kbench::util::write_file_atomic(dir.path() / "bzImage", "k");
  kbench::util::write_file_atomic(dir.path() / "initrd", "i");
  kbench::vm::VmSpec spec;
  spec.kernel = dir.path() / "bzImage";
  spec.initrd = dir.path() / "initrd";
  spec.work_dir = dir.path() / "work";
  // The test driver knows no 'qemu' domains, so virDomainCreateXML refuses this one.
  kbench::vm::LibvirtRunner runner({ .uri = k_test_uri, .run_id = "unit" });
  const auto run = runner.run(spec);
  EXPECT_TRUE(run.infra_error.starts_with("virDomainCreateXML failed: ")) << run.infra_error;
  EXPECT_FALSE(run.qemu_exit.has_value());
  EXPECT_TRUE(std::filesystem::exists(spec.work_dir / "domain.xml"));
  EXPECT_TRUE(std::filesystem::exists(run.console_log));
  EXPECT_TRUE(std::filesystem::exists(run.results_file));
  const auto conn = LibvirtConnection::open(k_test_uri);
  EXPECT_FALSE(exists(conn, "kbench-unit-work"));
}
