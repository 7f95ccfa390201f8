// The process-spawning seam. Everything kbench runs (tar, git, patch, make,
// qemu) goes through a ProcessRunner: argv only, never a shell; each child in
// its own process group; a deadline per command; TERM then KILL of the whole
// group on expiry, on interrupt, or when the handle is destroyed. A child also
// dies with kbench itself, even when kbench is SIGKILLed (PR_SET_PDEATHSIG).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kbench::util {

// One command to run.
struct Command {
  // Program and arguments; argv[0] is looked up in PATH when it has no '/'.
  std::vector<std::string> argv;
  // Working directory; empty means kbench's own.
  std::filesystem::path cwd;
  // Variables added to (or replacing those of) kbench's environment.
  std::vector<std::pair<std::string, std::string>> env;
  // Variables removed from the environment.
  std::vector<std::string> unset_env;
  // File that receives stdout and stderr (appended); empty means both are
  // captured into CommandResult::output.
  std::filesystem::path log_file;
  // Deadline for the whole command; zero means none.
  std::chrono::milliseconds timeout{ 0 };
  // Grace period between SIGTERM and SIGKILL when the command is stopped.
  std::chrono::milliseconds kill_grace{ std::chrono::seconds(5) };
  // Signal the child receives when kbench dies, whatever kills it (0: none).
  // SIGTERM lets make stop its own children; QEMU gets SIGKILL.
  int parent_death_signal = SIGTERM;
};

// How a command ended.
struct CommandResult {
  int exit_code = -1;  // exit status, or -1 when killed by a signal
  int term_signal = 0; // signal that ended it, or 0
  bool timed_out = false;
  std::string output; // captured stdout+stderr when Command::log_file was empty
  std::chrono::milliseconds elapsed{ 0 };

  // Return true when the command exited with status 0.
  bool ok() const noexcept { return exit_code == 0 && !timed_out; }
};

// A started child process (the leader of its own process group).
class Process {
public:
  virtual ~Process() = default;

  // Return the child's pid (also its process group id).
  virtual int pid() const = 0;

  // Return the result once the child has exited and was reaped, else nullopt.
  virtual std::optional<CommandResult> poll() = 0;

  // Send SIGTERM to the group, wait up to `grace`, then SIGKILL the group;
  // reap the child. Return its result.
  virtual CommandResult terminate(std::chrono::milliseconds grace) = 0;
};

// Starts processes. The real runner uses Boost.Process; tests use a fake.
class ProcessRunner {
public:
  virtual ~ProcessRunner() = default;

  // Start `command` without waiting for it.
  virtual std::unique_ptr<Process> start(const Command& command) = 0;

  // Start `command` and wait for it, honouring its timeout and interrupts
  // (SIGINT/SIGTERM stop the child's group and throw kbench::Interrupted).
  // `on_tick` is called about every 100 ms while the command runs.
  CommandResult run(const Command& command, const std::function<void()>& on_tick = {});
};

// In a child between fork and exec: arrange for `signal` when the parent dies
// (PR_SET_PDEATHSIG), then, if the parent `parent` is already gone (the child
// was reparented before the request took effect), raise `signal` at once.
// Async-signal-safe; `signal` 0 does nothing.
void die_with_parent(int signal, pid_t parent) noexcept;

// Return the runner that spawns real processes.
std::unique_ptr<ProcessRunner> make_real_process_runner();

// Return `argv` as a shell-quoted line, for logs and --dry-run output.
std::string format_argv(const std::vector<std::string>& argv);

// Return a one-line description of how `result` ended ("exit status 2",
// "killed by signal 9", "timed out after 30 s").
std::string describe_result(const CommandResult& result);

// Return the last `max_lines` lines of `text`.
std::string tail_lines(const std::string& text, std::size_t max_lines);

} // namespace kbench::util
