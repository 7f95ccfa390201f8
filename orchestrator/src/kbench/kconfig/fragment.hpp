// Kernel config fragments (merge_config.sh format) and .config files, and the
// check that every symbol a fragment requests holds in the final .config.
#pragma once

#include <kbench/source/version.hpp>
#include <kbench/util/fs.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kbench::kconfig {

// A config fragment as an input (a whole .config has ~200 kB).
inline constexpr util::InputKind k_fragment_file{ "config fragment", std::uintmax_t{ 4 } << 20,
                                                  ExitCode::invalid_config };

// One request of a fragment: `CONFIG_FOO=y` or `# CONFIG_FOO is not set`.
struct Request {
  std::filesystem::path file; // fragment it came from
  int line = 0;               // 1-based line number in `file`
  std::string symbol;         // "CONFIG_FOO"
  std::string value;          // "y", "m", "n" (for "is not set"), "123", "\"text\""
  // The kernel versions the request is for ("# kbench-if: kernel >= 6.12"
  // block around it); unset: every version.
  std::optional<source::VersionConstraint> when;
};

// A parsed fragment.
struct Fragment {
  std::filesystem::path path;
  std::vector<Request> requests;
};

// Parse fragment `text` read from `path`. Blank lines and comments are
// skipped; anything else that is not a request is an error reported as
// `path:line:col: message` (kbench::Error, ExitCode::invalid_config).
// kbench's one extension, invisible to merge_config.sh (comments to it):
//   # kbench-if: kernel >= 6.12
//   CONFIG_ZRAM_BACKEND_LZO=y
//   # kbench-endif
// makes the requests between the two lines hold for those kernel versions
// only (operators <, <=, ==, !=, >=, >; X.Y compares major.minor); blocks do
// not nest.
Fragment parse_fragment(std::string_view text, const std::filesystem::path& path);

// Return `fragment` with only the requests that hold for `version` (their
// `when` unset or satisfied).
Fragment for_kernel(const Fragment& fragment, const source::KernelVersion& version);

// Return `fragment` as merge_config.sh input: a comment naming its origin and
// what it was selected for (`selected_for`, e.g. "kernel 6.12.117"), then one
// line per request.
std::string render_fragment(const Fragment& fragment, std::string_view selected_for);

// Read and parse the fragment file at `path`.
Fragment load_fragment(const std::filesystem::path& path);

// Symbol values of a .config: set symbols map to their value; symbols
// written as "# CONFIG_FOO is not set" map to "n".
using DotConfig = std::map<std::string, std::string>;

// Parse the text of a .config file.
DotConfig parse_dotconfig(std::string_view text);

// A request that does not hold in the final .config.
struct Mismatch {
  Request request;
  std::string actual; // value in .config, "n" when not set, "" when absent
};

// Return the effective requests of `fragments` (a later fragment overrides an
// earlier one for the same symbol, as merge_config.sh does), in order.
std::vector<Request> effective_requests(const std::vector<Fragment>& fragments);

// Return every effective request of `fragments` that `config` does not
// satisfy. A request for "n" holds when the symbol is unset or absent.
std::vector<Mismatch> verify(const std::vector<Fragment>& fragments, const DotConfig& config);

// Return a multi-line error message, one line per mismatch, each starting
// with `file:line:` and naming the symbol.
std::string describe_mismatches(const std::vector<Mismatch>& mismatches);

// Return the lines of a unified-style diff between two configs: "-SYM=a",
// "+SYM=b" for every symbol whose value differs (empty when identical).
std::vector<std::string> diff_configs(const DotConfig& a, const DotConfig& b);

} // namespace kbench::kconfig
