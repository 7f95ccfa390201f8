#include <kbench/util/error.hpp>
#include <kbench/util/signals.hpp>

#include <csignal>

namespace kbench::util {

namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_interrupt(int signal_number) {
  if (g_signal == 0) {
    g_signal = signal_number;
  }
}

} // namespace

void install_interrupt_handlers() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0; // no SA_RESTART: blocking calls return EINTR promptly
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGHUP, &action, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

int interrupt_signal() noexcept {
  return g_signal;
}

void throw_if_interrupted() {
  if (const int sig = interrupt_signal(); sig != 0) {
    throw Interrupted(sig == SIGHUP ? SIGTERM : sig);
  }
}

void reset_interrupt_for_testing() noexcept {
  g_signal = 0;
}

} // namespace kbench::util
