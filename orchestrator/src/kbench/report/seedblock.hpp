// The seed-format block: the table of the cover letter that kbench
// reproduces ("KSM rmapping  Maximum duration  Average duration"), one block
// per metric, so that a reviewer can paste it next to the authors' numbers.
#pragma once

#include <kbench/bench/results.hpp>
#include <kbench/report/sides.hpp>

#include <string>

namespace kbench::report {

// Return the seed-format blocks: one for "KSM rmapping" (walk_ns), one for "anon_vma lock"
// (lock_hold_ns), one for "Victim stall" (victim_stall_ns), each:
//   KSM rmapping   Maximum duration           Average duration
//   Before:        705.12 ms (705119858 ns)   532.04 ms (532041586 ns)
//   After:         1.67 ms (1665917 ns)       1.44 ms (1443784 ns)
// Before = baseline, After = patched; Maximum = max over all samples of all OK boots; Average =
// mean over all samples of all OK boots; ms with 2 decimals, ns as an integer; a variant with no
// samples prints "n/a". Preceded by a one-line header naming the kernel release, the patch series
// (its directory/subjects count), the accelerator and the scenario.
std::string render_seed_blocks(const bench::Results& results);

// Return the seed-format blocks of any two sides (rows labelled with
// Side::seed_label), preceded by render_header(sides).
std::string render_seed_blocks(const Sides& sides);

// Return the header: for `ab` one line "kernel R + DIR (N patches) on ACCEL,
// scenario S"; for `compare` one such line per side ("A: FILE VARIANT: ...");
// then what the numbers are: vm::k_virtual_time_note when a side was measured
// in virtual time, else "wall-clock time: ...", wrapped to 80 columns.
std::string render_header(const Sides& sides);

// Return "DIR (N patches)" for the patches `side`'s kernel carries beyond its
// run's baseline kernel (the measurement layer both carry is left out), or "none".
std::string series_description(const Side& side);

// Return the kernel release of `side` (kernel record, else its first run), or "unknown".
std::string kernel_release(const Side& side);

// Return the accelerator `side` ran under, or "unknown".
std::string accelerator_of(const Side& side);

// Return the timing mode `side` was measured in: "virtual time", "wall-clock
// time" (both joined with "+" if its runs mixed them), or "unknown" without runs.
std::string timing_of(const Side& side);

} // namespace kbench::report
