// Async-signal-safe interrupt handling: the handler only records the signal;
// wait loops poll interrupt_signal() and stop their children themselves.
#pragma once

namespace kbench::util {

// Install handlers for SIGINT, SIGTERM and SIGHUP that record the signal, and
// ignore SIGPIPE. Idempotent.
void install_interrupt_handlers();

// Return the first interrupting signal received so far, or 0.
int interrupt_signal() noexcept;

// Throw kbench::Interrupted if an interrupting signal was received.
void throw_if_interrupted();

// Forget a recorded signal (tests only).
void reset_interrupt_for_testing() noexcept;

} // namespace kbench::util
