#include <kbench/util/error.hpp>
#include <kbench/vm/qemu_command.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace {

using kbench::vm::Accelerator;
using kbench::vm::VmSpec;

VmSpec make_spec() {
  VmSpec spec;
  spec.kernel = "/k/bzImage";
  spec.initrd = "/k/initramfs.cpio";
  spec.work_dir = "/w/run1";
  spec.extra_cmdline = "kbench.mode=bench kbench.vmas=2000";
  return spec;
}

// Return the value following `option` in `argv` (all values when repeated).
std::vector<std::string> values_of(const std::vector<std::string>& argv,
                                   const std::string& option) {
  std::vector<std::string> values;
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == option) {
      values.push_back(argv[i + 1]);
    }
  }
  return values;
}

bool has(const std::vector<std::string>& argv, const std::string& arg) {
  return std::find(argv.begin(), argv.end(), arg) != argv.end();
}

} // namespace

TEST(VmQemuCommand, DefaultSpecGivesTheDocumentedTcgCommandLine) {
  const auto argv = kbench::vm::qemu_argv(make_spec());
  // clang-format off
  const std::vector<std::string> expected = {
    "qemu-system-x86_64", "-nodefaults", "-no-user-config", "-no-reboot",
    "-display", "none",
    "-machine", "q35",
    "-accel", "tcg",
    "-cpu", "max",
    "-smp", "2,sockets=2,cores=1,threads=1",
    "-m", "2048M",
    "-object", "memory-backend-ram,id=m0,size=1024M",
    "-numa", "node,nodeid=0,cpus=0,memdev=m0",
    "-object", "memory-backend-ram,id=m1,size=1024M",
    "-numa", "node,nodeid=1,cpus=1,memdev=m1",
    "-kernel", "/k/bzImage",
    "-initrd", "/k/initramfs.cpio",
    "-append", "console=ttyS0 panic=-1 oops=panic softlockup_panic=1 no_timer_check rdinit=/init "
               "kbench.mode=bench kbench.vmas=2000",
    "-serial", "file:/w/run1/console.log",
    "-device", "virtio-serial-pci",
    "-chardev", "file,id=results,path=/w/run1/results.bin",
    "-device", "virtserialport,chardev=results,name=kbench.results"};
  // clang-format on
  EXPECT_EQ(argv, expected);
}

TEST(VmQemuCommand, KvmUsesTheHostCpu) {
  auto spec = make_spec();
  spec.accelerator = Accelerator::kvm;
  const auto argv = kbench::vm::qemu_argv(spec);
  EXPECT_EQ(values_of(argv, "-accel"), std::vector<std::string>{ "kvm" });
  EXPECT_EQ(values_of(argv, "-cpu"), std::vector<std::string>{ "host" });
}

TEST(VmQemuCommand, NeverUsesANetworkAShellOrAPty) {
  const auto argv = kbench::vm::qemu_argv(make_spec());
  for (const auto& arg : argv) {
    EXPECT_EQ(arg.find("pty"), std::string::npos) << arg;
    EXPECT_EQ(arg.find("netdev"), std::string::npos) << arg;
    EXPECT_EQ(arg.find("virtfs"), std::string::npos) << arg;
  }
  EXPECT_FALSE(has(argv, "sh"));
  EXPECT_FALSE(has(argv, "-net"));
}

TEST(VmQemuCommand, SpreadsVcpusAndSplitsMemoryAcrossNodes) {
  auto spec = make_spec();
  spec.vcpus = 5;
  spec.memory_mib = 3001;
  spec.numa_nodes = 2;
  const auto argv = kbench::vm::qemu_argv(spec);
  EXPECT_EQ(values_of(argv, "-object"),
            (std::vector<std::string>{ "memory-backend-ram,id=m0,size=1500M",
                                       "memory-backend-ram,id=m1,size=1501M" }));
  EXPECT_EQ(values_of(argv, "-numa"),
            (std::vector<std::string>{ "node,nodeid=0,cpus=0-1,memdev=m0",
                                       "node,nodeid=1,cpus=2-4,memdev=m1" }));
  EXPECT_EQ(values_of(argv, "-m"), std::vector<std::string>{ "3001M" });
  EXPECT_EQ(values_of(argv, "-smp"), std::vector<std::string>{ "5,sockets=5,cores=1,threads=1" });
}

TEST(VmQemuCommand, OneSocketPerNodeSoNoCacheSpansTwoNodes) {
  auto spec = make_spec();
  spec.vcpus = 4;
  EXPECT_EQ(values_of(kbench::vm::qemu_argv(spec), "-smp"),
            std::vector<std::string>{ "4,sockets=2,cores=2,threads=1" });
}

TEST(VmQemuCommand, NodeWithoutVcpusIsMemoryOnly) {
  auto spec = make_spec();
  spec.vcpus = 1;
  const auto numa = values_of(kbench::vm::qemu_argv(spec), "-numa");
  EXPECT_EQ(numa, (std::vector<std::string>{ "node,nodeid=0,memdev=m0",
                                             "node,nodeid=1,cpus=0,memdev=m1" }));
}

TEST(VmQemuCommand, OneNodeOmitsNumaOptions) {
  auto spec = make_spec();
  spec.numa_nodes = 1;
  const auto argv = kbench::vm::qemu_argv(spec);
  EXPECT_TRUE(values_of(argv, "-numa").empty());
  EXPECT_TRUE(values_of(argv, "-object").empty());
}

TEST(VmQemuCommand, CommaInWorkDirIsEscapedForTheChardev) {
  auto spec = make_spec();
  spec.work_dir = "/w/a,b";
  const auto chardev = values_of(kbench::vm::qemu_argv(spec), "-chardev");
  EXPECT_EQ(chardev, std::vector<std::string>{ "file,id=results,path=/w/a,,b/results.bin" });
}

TEST(VmQemuCommand, InconsistentResourcesAreAnInvalidConfig) {
  auto spec = make_spec();
  spec.memory_mib = 100; // less than 64 MiB per node with 2 nodes
  try {
    kbench::vm::qemu_argv(spec);
    FAIL() << "expected an error";
  } catch (const kbench::Error& error) {
    EXPECT_EQ(error.code(), kbench::ExitCode::invalid_config);
  }
  spec = make_spec();
  spec.vcpus = 0;
  EXPECT_THROW(kbench::vm::qemu_argv(spec), kbench::Error);
}

TEST(VmQemuCommand, ExtraCmdlineComesLastSoItCanOverrideDefaults) {
  auto spec = make_spec();
  spec.extra_cmdline = "rdinit=/other";
  EXPECT_EQ(kbench::vm::kernel_cmdline(spec),
            "console=ttyS0 panic=-1 oops=panic softlockup_panic=1 no_timer_check rdinit=/init "
            "rdinit=/other");
  spec.extra_cmdline.clear();
  EXPECT_EQ(kbench::vm::kernel_cmdline(spec),
            "console=ttyS0 panic=-1 oops=panic softlockup_panic=1 no_timer_check rdinit=/init");
}

TEST(VmQemuCommand, VirtualTimingCountsInstructionsWithTheDocumentedIcountSettings) {
  auto spec = make_spec();
  spec.timing = kbench::vm::Timing::virtual_;
  const auto argv = kbench::vm::qemu_argv(spec);
  EXPECT_EQ(values_of(argv, "-icount"), std::vector<std::string>{ "shift=0,sleep=off,align=off" });
  EXPECT_EQ(values_of(argv, "-accel"), std::vector<std::string>{ "tcg" });
}

TEST(VmQemuCommand, WallTimingHasNoIcount) {
  const auto argv = kbench::vm::qemu_argv(make_spec());
  EXPECT_FALSE(has(argv, "-icount"));
}

TEST(VmQemuCommand, VirtualTimingUnderKvmIsAnInvalidConfigNamingBoth) {
  auto spec = make_spec();
  spec.accelerator = Accelerator::kvm;
  spec.timing = kbench::vm::Timing::virtual_;
  try {
    kbench::vm::qemu_argv(spec);
    FAIL() << "expected an error";
  } catch (const kbench::Error& e) {
    EXPECT_EQ(e.code(), kbench::ExitCode::invalid_config);
    EXPECT_NE(std::string(e.what()).find("'virtual' needs TCG"), std::string::npos) << e.what();
  }
}
