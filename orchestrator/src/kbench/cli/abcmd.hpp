// `kbench ab`: the one-command A/B run (build, boot interleaved, measure,
// tabulate), printing the seed-format blocks and the statistics table.
#pragma once

#include <kbench/bench/results.hpp>
#include <kbench/cli/options.hpp>
#include <kbench/initramfs/cpio.hpp>

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace kbench::cli {

// Options of `kbench ab` beyond the kernel options.
struct AbOptions {
  KernelOptions kernel;
  std::string scenario = "seed";
  int boots = 0;       // 0 = the scenario's
  long walks = 0;      // 0 = the scenario's
  long vmas = 0;       // 0 = the scenario's
  long dup_pages = 0;  // 0 = the scenario's
  std::string trigger; // "" = the scenario's
  std::string accelerator = "auto";
  std::string timing = "auto"; // auto | wall | virtual (vm/timing.hpp)
  int vcpus = 2;
  int memory_mib = 2048;
  int boot_timeout_s = 180;
  int run_timeout_s = 0; // 0 = derived from the scenario
  bool aa = false;       // baseline against itself
  std::filesystem::path results_dir;
  std::string backend = "qemu"; // qemu | libvirt (cli/vmbackend.hpp)
  std::string connect;          // libvirt URI; "" = qemu:///system
  std::string shard;            // "I/N": run only shard I of N (bench/shard.hpp); "" = every boot
  std::vector<std::filesystem::path> experiment_files; // -c/--experiment, layered in order
  std::set<std::string> given; // the options the command line set (they override the files)
};

// A finished `kbench ab` experiment: its results and the directory holding them.
struct AbRun {
  bench::Results results;    // as written to results.json
  std::filesystem::path dir; // the results directory (reports rendered there)
};

// Run `kbench initramfs -o FILE`: build the guest image, print its sha256.
int run_initramfs(const std::filesystem::path& output);

// Return the static guest binaries ($KBENCH_GUEST_DIR, else the build's).
initramfs::GuestImage guest_image();

// Register the options of `kbench ab` (also used by `kbench ci`) on `command`.
void add_ab_options(CLI::App& command, AbOptions& options);

// Run the A/B experiment of `options`: build, boot, write results.json and render every report
// into the results directory; return nullopt for --dry-run (after printing the plan).
std::optional<AbRun> execute_ab(const GlobalOptions& global, const AbOptions& options);

// Return the exit code of a run ending with `results` (vm::exit_code_of, the one rule
// for ab, run, sweep and ci); when it is not 0, log its cause as the last error line
// ("kbench: error: patched boot 0: PANIC: ...", also into kbench.log), prefixed by `where`.
int finish_run(const bench::Results& results, const std::string& where = {});

// Run `kbench ab`; return the exit code (0 when every boot was OK).
int run_ab(const GlobalOptions& global, const AbOptions& options);

} // namespace kbench::cli
