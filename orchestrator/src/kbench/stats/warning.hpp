// Warnings attached to a comparison: a machine-readable kind plus a sentence
// for the reader. The statistics layer raises few_boots, unstable, empty_boots
// and no_data itself; the caller appends lost_events and accelerator_mismatch
// (it alone knows the trace buffers and the accelerators) with make_warning.
#pragma once

#include <string>
#include <string_view>

namespace kbench::stats {

// What a warning is about; the names returned by warning_kind_name are stable.
enum class WarningKind {
  few_boots,            // a side has fewer boots with samples than CompareSettings::min_boots
  unstable,             // a side's per-boot values vary more than CompareSettings::max_boot_cov
  empty_boots,          // a side has boots that produced no sample for this metric
  no_data,              // a side has no sample at all; the verdict is meaningless
  lost_events,          // (caller) the trace lost events, so samples are incomplete
  accelerator_mismatch, // (caller) the variants ran under different accelerators (KVM vs TCG)
};

// One warning about one metric's comparison.
struct Warning {
  WarningKind kind; // machine-readable category
  std::string text; // one sentence for the reader, naming the side and the numbers
};

// Return the stable snake_case name of `kind` ("few_boots", "unstable", ...).
std::string_view warning_kind_name(WarningKind kind);

// Return a Warning of `kind` with `text`.
Warning make_warning(WarningKind kind, std::string text);

} // namespace kbench::stats
