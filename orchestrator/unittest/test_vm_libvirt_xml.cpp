#include <kbench/util/error.hpp>
#include <kbench/vm/libvirt_events.hpp>
#include <kbench/vm/libvirt_xml.hpp>
#include <kbench/vm/outcome.hpp>
#include <kbench/vm/qemu_command.hpp>

#include <gtest/gtest.h>

#include <csignal>

namespace {

using kbench::vm::Accelerator;
using kbench::vm::VmSpec;

VmSpec make_spec() {
  VmSpec spec;
  spec.kernel = "/k/bzImage";
  spec.initrd = "/k/initramfs.cpio";
  spec.work_dir = "/w/baseline-0";
  spec.extra_cmdline = "kbench.mode=bench kbench.vmas=2000";
  return spec;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++n;
  }
  return n;
}

} // namespace

TEST(VmLibvirtXml, DefaultSpecGivesTheDocumentedTcgDomain) {
  const std::string expected = R"(<domain type='qemu'>
  <name>kbench-r1-baseline-0</name>
  <memory unit='MiB'>2048</memory>
  <vcpu>2</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>/k/bzImage</kernel>
    <initrd>/k/initramfs.cpio</initrd>
    <cmdline>console=ttyS0 panic=-1 oops=panic softlockup_panic=1 no_timer_check rdinit=/init kbench.mode=bench kbench.vmas=2000</cmdline>
  </os>
  <features>
    <acpi/>
    <apic/>
  </features>
  <cpu mode='maximum'>
    <topology sockets='2' dies='1' cores='1' threads='1'/>
    <numa>
      <cell id='0' cpus='0' memory='1024' unit='MiB'/>
      <cell id='1' cpus='1' memory='1024' unit='MiB'/>
    </numa>
  </cpu>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <controller type='usb' model='none'/>
    <serial type='file'>
      <source path='/w/baseline-0/console.log'/>
      <target port='0'/>
    </serial>
    <channel type='file'>
      <source path='/w/baseline-0/results.bin'/>
      <target type='virtio' name='kbench.results'/>
    </channel>
    <memballoon model='none'/>
  </devices>
</domain>
)";
  EXPECT_EQ(kbench::vm::domain_xml(make_spec(), "kbench-r1-baseline-0"), expected);
}

TEST(VmLibvirtXml, KvmGivesAKvmDomainWithTheHostCpu) {
  VmSpec spec = make_spec();
  spec.accelerator = Accelerator::kvm;
  const std::string xml = kbench::vm::domain_xml(spec, "d");
  EXPECT_TRUE(xml.starts_with("<domain type='kvm'>"));
  EXPECT_TRUE(contains(xml, "<cpu mode='host-passthrough'>"));
  EXPECT_EQ(kbench::vm::domain_type(Accelerator::tcg), "qemu");
  EXPECT_EQ(kbench::vm::domain_cpu_mode(Accelerator::tcg), "maximum");
}

TEST(VmLibvirtXml, CommandLineIsTheQemuBackendsKernelCommandLine) {
  const VmSpec spec = make_spec();
  EXPECT_TRUE(contains(kbench::vm::domain_xml(spec, "d"),
                       "<cmdline>" + kbench::vm::kernel_cmdline(spec) + "</cmdline>"));
}

TEST(VmLibvirtXml, SingleNodeHasNoNumaElement) {
  VmSpec spec = make_spec();
  spec.numa_nodes = 1;
  spec.vcpus = 4;
  const std::string xml = kbench::vm::domain_xml(spec, "d");
  EXPECT_FALSE(contains(xml, "<numa>"));
  EXPECT_TRUE(contains(xml, "<topology sockets='1' dies='1' cores='4' threads='1'/>"));
}

TEST(VmLibvirtXml, UnevenVcpusGetOneSocketEachAndContiguousRanges) {
  VmSpec spec = make_spec();
  spec.vcpus = 3;
  spec.memory_mib = 1001;
  const std::string xml = kbench::vm::domain_xml(spec, "d");
  EXPECT_TRUE(contains(xml, "<topology sockets='3' dies='1' cores='1' threads='1'/>"));
  EXPECT_TRUE(contains(xml, "<cell id='0' cpus='0' memory='500' unit='MiB'/>"));
  EXPECT_TRUE(contains(xml, "<cell id='1' cpus='1-2' memory='501' unit='MiB'/>"));
  EXPECT_TRUE(contains(xml, "<memory unit='MiB'>1001</memory>"));
}

TEST(VmLibvirtXml, NodeWithoutVcpusHasNoCpusAttribute) {
  VmSpec spec = make_spec();
  spec.vcpus = 1;
  const std::string xml = kbench::vm::domain_xml(spec, "d");
  // As qemu_argv: node i gets vCPUs [i*V/N, (i+1)*V/N), so node 0 gets none.
  EXPECT_TRUE(contains(xml, "<cell id='0' memory='1024' unit='MiB'/>"));
  EXPECT_TRUE(contains(xml, "<cell id='1' cpus='0' memory='1024' unit='MiB'/>"));
}

TEST(VmLibvirtXml, HasNoNetworkNoDiskAndExactlyOneSerialAndChannel) {
  const std::string xml = kbench::vm::domain_xml(make_spec(), "d");
  EXPECT_FALSE(contains(xml, "<interface"));
  EXPECT_FALSE(contains(xml, "<disk"));
  EXPECT_FALSE(contains(xml, "<graphics"));
  EXPECT_EQ(count(xml, "<serial "), 1U);
  EXPECT_EQ(count(xml, "<channel "), 1U);
  EXPECT_EQ(count(xml, ">destroy<"), 3U);
}

TEST(VmLibvirtXml, PathsAndCommandLineAreXmlEscaped) {
  VmSpec spec = make_spec();
  spec.work_dir = "/w/a&b'<c>";
  spec.extra_cmdline = "x=\"1\"";
  const std::string xml = kbench::vm::domain_xml(spec, "d");
  EXPECT_TRUE(contains(xml, "<source path='/w/a&amp;b&apos;&lt;c&gt;/console.log'/>"));
  EXPECT_TRUE(contains(xml, "x=&quot;1&quot;</cmdline>"));
  EXPECT_EQ(kbench::vm::xml_escape("a<b>&'\""), "a&lt;b&gt;&amp;&apos;&quot;");
}

TEST(VmLibvirtXml, InconsistentResourcesAreAnInvalidConfigError) {
  VmSpec spec = make_spec();
  spec.memory_mib = 100; // less than 64 MiB per node
  try {
    kbench::vm::domain_xml(spec, "d");
    FAIL() << "no error";
  } catch (const kbench::Error& error) {
    EXPECT_EQ(error.code(), kbench::ExitCode::invalid_config);
  }
  spec = make_spec();
  spec.kernel.clear();
  EXPECT_THROW(kbench::vm::domain_xml(spec, "d"), kbench::Error);
}

TEST(VmLibvirtXml, DomainNameIsKbenchRunIdAndWorkDirWithUnsafeCharactersReplaced) {
  EXPECT_EQ(kbench::vm::domain_name("ab-20261125-230000", "/r/runs/patched-3"),
            "kbench-ab-20261125-230000-patched-3");
  EXPECT_EQ(kbench::vm::domain_name("my run/1", "/r/runs/kvm-probe"), "kbench-my_run_1-kvm-probe");
}

TEST(VmLibvirtStop, GuestShutdownIsExitZeroLikeQemuExitingAfterPoweroffOrPanic) {
  const auto exit = kbench::vm::exit_from_stop(VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN, false);
  EXPECT_EQ(exit.exit_code, 0);
  EXPECT_EQ(exit.term_signal, 0);
  EXPECT_FALSE(exit.stopped_by_kbench);
}

TEST(VmLibvirtStop, CrashAndFailureAreInfraErrorsWhenClassified) {
  for (const int detail : { VIR_DOMAIN_EVENT_STOPPED_CRASHED, VIR_DOMAIN_EVENT_STOPPED_FAILED }) {
    kbench::vm::VmRun run;
    run.qemu_exit = kbench::vm::exit_from_stop(detail, false);
    run.qemu_output_tail = kbench::vm::describe_stop(detail);
    const auto verdict = kbench::vm::classify(run, kbench::vm::GuestStatus::ok);
    EXPECT_EQ(verdict.outcome, kbench::vm::Outcome::infra_error) << verdict.reason;
    EXPECT_TRUE(contains(verdict.reason, "QEMU")) << verdict.reason;
  }
}

TEST(VmLibvirtStop, DestroyByKbenchIsNotAnInfraErrorButAForeignDestroyIs) {
  kbench::vm::VmRun run;
  run.qemu_exit = kbench::vm::exit_from_stop(VIR_DOMAIN_EVENT_STOPPED_DESTROYED, true);
  EXPECT_EQ(kbench::vm::classify(run, kbench::vm::GuestStatus::ok).outcome,
            kbench::vm::Outcome::ok);
  run.qemu_exit = kbench::vm::exit_from_stop(VIR_DOMAIN_EVENT_STOPPED_DESTROYED, false);
  EXPECT_EQ(run.qemu_exit->term_signal, SIGKILL);
  EXPECT_EQ(kbench::vm::classify(run, kbench::vm::GuestStatus::ok).outcome,
            kbench::vm::Outcome::infra_error);
}

TEST(VmLibvirtXml, VirtualTimingPassesIcountThroughTheQemuNamespace) {
  auto spec = make_spec();
  spec.timing = kbench::vm::Timing::virtual_;
  const std::string xml = kbench::vm::domain_xml(spec, "kbench-r1-baseline-0");
  EXPECT_TRUE(contains(xml, "<domain type='qemu' "
                            "xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"))
    << xml;
  EXPECT_TRUE(contains(xml, "  <qemu:commandline>\n"
                            "    <qemu:arg value='-icount'/>\n"
                            "    <qemu:arg value='shift=0,sleep=off,align=off'/>\n"
                            "  </qemu:commandline>\n</domain>\n"))
    << xml;
}

TEST(VmLibvirtXml, WallTimingHasNoQemuNamespace) {
  const std::string xml = kbench::vm::domain_xml(make_spec(), "kbench-r1-baseline-0");
  EXPECT_FALSE(contains(xml, "qemu:")) << xml;
}

TEST(VmLibvirtXml, VirtualTimingUnderKvmIsRefused) {
  auto spec = make_spec();
  spec.accelerator = Accelerator::kvm;
  spec.timing = kbench::vm::Timing::virtual_;
  EXPECT_THROW(kbench::vm::domain_xml(spec, "kbench-r1-baseline-0"), kbench::Error);
}
