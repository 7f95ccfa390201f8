#include <kbench/util/process.hpp>

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

using namespace kbench::util;

TEST(UtilProcess, RunCapturesOutputAndExitStatus) {
  auto runner = make_real_process_runner();
  Command cmd;
  cmd.argv = { "sh", "-c", "echo hello; exit 3" };
  const auto result = runner->run(cmd);
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.output, "hello\n");
}

namespace {

// Fork a child that runs `body` and exits 0; return its wait status.
int status_of_child(const std::function<void()>& body) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    body();
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

// Return true when `pid` no longer runs (gone, or a zombie nobody reaped yet) within `limit`.
bool gone_within(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string pid_field;
    std::string comm;
    std::string state;
    if (!(stat >> pid_field >> comm >> state) || state == "Z") {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

} // namespace

TEST(UtilProcess, ChildOfAParentAlreadyGoneDiesWithTheDeathSignal) {
  // The child was reparented before its PR_SET_PDEATHSIG took effect: it must
  // not live on (a pid that is not our parent stands for the parent gone).
  const int status = status_of_child([] { die_with_parent(SIGTERM, ::getppid() + 1); });
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
}

TEST(UtilProcess, ChildOfALiveParentKeepsRunning) {
  const int status = status_of_child([] { die_with_parent(SIGKILL, ::getppid()); });
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(UtilProcess, NoDeathSignalLeavesTheChildAlone) {
  const int status = status_of_child([] { die_with_parent(0, ::getppid() + 1); });
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(UtilProcess, ChildDiesWhenItsStarterIsKilled) {
  // A stand-in for kbench starts `sleep 60` through the real runner and is
  // SIGKILLed: no destructor runs, yet the sleep must die with it.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t starter = ::fork();
  if (starter == 0) {
    ::close(fds[0]);
    auto runner = make_real_process_runner();
    Command cmd;
    cmd.argv = { "sleep", "60" };
    auto child = runner->start(cmd);
    const int pid = child->pid();
    if (::write(fds[1], &pid, sizeof pid) != sizeof pid) {
      ::_exit(1);
    }
    ::pause();
    ::_exit(0);
  }
  ::close(fds[1]);
  int sleeper = 0;
  ASSERT_EQ(::read(fds[0], &sleeper, sizeof sleeper), static_cast<ssize_t>(sizeof sleeper));
  ::close(fds[0]);
  ::kill(starter, SIGKILL);
  ::waitpid(starter, nullptr, 0);
  EXPECT_TRUE(gone_within(sleeper, std::chrono::seconds(2)));
  ::kill(sleeper, SIGKILL); // in case it survived: leave nothing behind
}

TEST(UtilProcess, EveryChildDiesWithKbenchByDefault) {
  EXPECT_EQ(Command{}.parent_death_signal, SIGTERM);
}
