#include <kbench/stats/warning.hpp>

#include <utility>

namespace kbench::stats {

std::string_view warning_kind_name(WarningKind kind) {
  switch (kind) {
    case WarningKind::few_boots:
      return "few_boots";
    case WarningKind::unstable:
      return "unstable";
    case WarningKind::empty_boots:
      return "empty_boots";
    case WarningKind::no_data:
      return "no_data";
    case WarningKind::lost_events:
      return "lost_events";
    case WarningKind::accelerator_mismatch:
      return "accelerator_mismatch";
  }
  return "unknown";
}

Warning make_warning(WarningKind kind, std::string text) {
  return Warning{ kind, std::move(text) };
}

} // namespace kbench::stats
