#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/process.hpp>
#include <kbench/util/signals.hpp>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <fmt/format.h>

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>

namespace bp = boost::process;

namespace kbench::util {

namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// The child's environment as a "NAME=value" block: kbench's own, minus
// `unset` and overridden names, plus `set`. Built by hand rather than with
// bp::environment, whose find() over-reads shorter entries (Boost 1.74).
class EnvironmentBlock {
public:
  EnvironmentBlock(const std::vector<std::string>& unset,
                   const std::vector<std::pair<std::string, std::string>>& set) {
    auto dropped = [&](std::string_view entry) {
      const auto name = entry.substr(0, entry.find('='));
      const auto same = [&](const auto& n) { return name == n; };
      return std::any_of(unset.begin(), unset.end(), same) ||
             std::any_of(set.begin(), set.end(), [&](const auto& kv) { return name == kv.first; });
    };
    for (char** e = environ; *e != nullptr; ++e) {
      if (!dropped(*e)) {
        m_entries.emplace_back(*e);
      }
    }
    for (const auto& [name, value] : set) {
      m_entries.push_back(name + "=" + value);
    }
    for (auto& entry : m_entries) {
      m_pointers.push_back(entry.data());
    }
    m_pointers.push_back(nullptr);
  }

  // Return the block in execve()'s format.
  char** data() { return m_pointers.data(); }

private:
  std::vector<std::string> m_entries;
  std::vector<char*> m_pointers;
};

// Prepare the child: its environment (before fork); then, between fork and
// exec, its own process group, default signal dispositions, nothing blocked,
// and death with kbench (`death_signal` when `parent` goes away).
struct ChildSetup : bp::extend::handler {
  char** envp = nullptr;
  int death_signal = 0;
  pid_t parent = 0;

  template<typename Executor>
  void on_setup(Executor& exec) const {
    exec.env = envp;
  }

  template<typename Executor>
  void on_exec_setup(Executor& /*exec*/) const {
    ::setpgid(0, 0);
    sigset_t all;
    sigemptyset(&all);
    ::sigprocmask(SIG_SETMASK, &all, nullptr);
    for (int sig : { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT }) {
      ::signal(sig, SIG_DFL);
    }
    die_with_parent(death_signal, parent);
  }
};

CommandResult result_from_status(int status) {
  CommandResult result;
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.term_signal = WTERMSIG(status);
  }
  return result;
}

boost::filesystem::path resolve_program(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    return name;
  }
  auto found = bp::search_path(name);
  if (found.empty()) {
    throw Error(ExitCode::infra, fmt::format("program not found in PATH: {}", name));
  }
  return found;
}

class RealProcess final : public Process {
public:
  RealProcess(const Command& command) : m_start(Clock::now()) {
    if (command.argv.empty()) {
      throw Error(ExitCode::infra, "internal error: empty command");
    }
    if (command.log_file.empty()) {
      m_capture = std::make_unique<TempFile>("kbench-capture");
      m_output_path = m_capture->path();
    } else {
      m_output_path = command.log_file;
    }
    EnvironmentBlock env(command.unset_env, command.env);
    std::vector<std::string> args(command.argv.begin() + 1, command.argv.end());
    const auto exe = resolve_program(command.argv.front());
    const auto cwd = command.cwd.empty() ? absolute(".") : command.cwd;
    // Append, never truncate: several commands may share one log.
    m_output = std::fopen(m_output_path.c_str(), "ae");
    if (m_output == nullptr) {
      throw Error(ExitCode::infra,
                  fmt::format("cannot open {}: {}", m_output_path.string(), std::strerror(errno)));
    }
    std::error_code ec;
    m_child = bp::child(bp::exe = exe.string(), bp::args = args,
                        bp::std_in<bp::null, (bp::std_out & bp::std_err)> m_output,
                        bp::start_dir = cwd.string(),
                        ChildSetup{ {}, env.data(), command.parent_death_signal, ::getpid() }, ec);
    std::fclose(m_output);
    m_output = nullptr;
    if (ec) {
      throw Error(ExitCode::infra,
                  fmt::format("cannot start {}: {}", format_argv(command.argv), ec.message()));
    }
    m_pid = m_child.id();
  }

  RealProcess(const RealProcess&) = delete;
  RealProcess& operator=(const RealProcess&) = delete;

  ~RealProcess() override {
    if (!m_result) {
      try {
        terminate(std::chrono::seconds(2));
      } catch (...) { // NOLINT(bugprone-empty-catch): destructor must not throw
      }
    }
  }

  int pid() const override { return m_pid; }

  std::optional<CommandResult> poll() override {
    if (m_result) {
      return m_result;
    }
    int status = 0;
    const pid_t rc = ::waitpid(m_pid, &status, WNOHANG);
    if (rc == m_pid) {
      finish(status);
    } else if (rc < 0 && errno == ECHILD) {
      finish(0);
    }
    return m_result;
  }

  CommandResult terminate(std::chrono::milliseconds grace) override {
    if (poll()) {
      kill_group(SIGKILL); // stragglers left in the group
      return *m_result;
    }
    kill_group(SIGTERM);
    const auto deadline = Clock::now() + grace;
    while (!poll() && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill_group(SIGKILL);
    if (!m_result) {
      int status = 0;
      while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
      }
      finish(status);
    }
    kill_stragglers();
    return *m_result;
  }

private:
  void kill_group(int sig) const { ::kill(-m_pid, sig); }

  // Members of the group forked while the first SIGKILL was delivered
  // survive it: repeat until the group is empty (bounded, 1 s).
  void kill_stragglers() const {
    const auto deadline = Clock::now() + std::chrono::seconds(1);
    while (::kill(-m_pid, 0) == 0 && Clock::now() < deadline) {
      kill_group(SIGKILL);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  void finish(int status) {
    m_child.detach(); // reaped by us; keep boost from waiting again
    CommandResult result = result_from_status(status);
    result.elapsed = since(m_start);
    if (m_capture) {
      // The capture file is ours: missing means the command wrote nothing.
      result.output = read_file_if_exists(m_output_path, "captured output").value_or("");
    }
    m_result = std::move(result);
  }

  Clock::time_point m_start;
  std::unique_ptr<TempFile> m_capture;
  std::filesystem::path m_output_path;
  std::FILE* m_output = nullptr;
  bp::child m_child;
  int m_pid = -1;
  std::optional<CommandResult> m_result;
};

class RealProcessRunner final : public ProcessRunner {
public:
  std::unique_ptr<Process> start(const Command& command) override {
    return std::make_unique<RealProcess>(command);
  }
};

bool needs_quoting(const std::string& arg) {
  if (arg.empty()) {
    return true;
  }
  return arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                               "-_./=:,+@%") != std::string::npos;
}

} // namespace

void die_with_parent(int signal, pid_t parent) noexcept {
  if (signal == 0) {
    return;
  }
  // The request is tied to the thread that forked us; kbench starts every
  // child from its main thread, which lives as long as kbench does.
  ::prctl(PR_SET_PDEATHSIG, signal);
  if (::getppid() != parent) {
    ::raise(signal);
    ::_exit(128 + signal); // `signal` was blocked or ignored: end anyway
  }
}

CommandResult ProcessRunner::run(const Command& command, const std::function<void()>& on_tick) {
  const auto start = Clock::now();
  auto process = this->start(command);
  auto next_tick = start;
  while (true) {
    if (auto result = process->poll()) {
      return *result;
    }
    if (const int sig = interrupt_signal(); sig != 0) {
      process->terminate(command.kill_grace);
      throw_if_interrupted();
    }
    if (command.timeout.count() > 0 && since(start) >= command.timeout) {
      CommandResult result = process->terminate(command.kill_grace);
      result.timed_out = true;
      return result;
    }
    if (on_tick && Clock::now() >= next_tick) {
      on_tick();
      next_tick = Clock::now() + std::chrono::milliseconds(100);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::unique_ptr<ProcessRunner> make_real_process_runner() {
  return std::make_unique<RealProcessRunner>();
}

std::string format_argv(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& arg : argv) {
    if (!line.empty()) {
      line += ' ';
    }
    if (!needs_quoting(arg)) {
      line += arg;
      continue;
    }
    line += '\'';
    for (char c : arg) {
      if (c == '\'') {
        line += "'\\''";
      } else {
        line += c;
      }
    }
    line += '\'';
  }
  return line;
}

std::string describe_result(const CommandResult& result) {
  if (result.timed_out) {
    return fmt::format("timed out after {} s", result.elapsed.count() / 1000);
  }
  if (result.term_signal != 0) {
    return fmt::format("killed by signal {}", result.term_signal);
  }
  return fmt::format("exit status {}", result.exit_code);
}

std::string tail_lines(const std::string& text, std::size_t max_lines) {
  std::size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') {
    --pos;
  }
  std::size_t lines = 0;
  while (pos > 0) {
    const auto nl = text.rfind('\n', pos - 1);
    if (nl == std::string::npos) {
      return text;
    }
    if (++lines == max_lines) {
      return text.substr(nl + 1);
    }
    pos = nl;
  }
  return text;
}

} // namespace kbench::util
