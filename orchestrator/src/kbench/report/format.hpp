// Number and text formatting shared by the report renderers. Every function
// is deterministic (no locale, fixed precision).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kbench::report {

// Return `ns` in a readable unit with 2 decimals: "850 ns", "12.34 us",
// "705.12 ms", "10.50 s"; "n/a" when `available` is false.
std::string format_duration(double ns, bool available = true);

// Return `ns` as milliseconds with 2 decimals and as integer ns, the seed
// block's cell: "705.12 ms (705119858 ns)".
std::string format_seed_cell(double ns);

// Return a relative change (fraction) as a signed percentage: "-99.84%",
// "+3.10%", "+1234%", "+inf%".
std::string format_change(double change);

// Return a ratio: "0.00163x", "1.02x", "589.6x", "4230x", "inf".
std::string format_ratio(double ratio);

// Return a coefficient of variation (fraction) as "±6.1%" or "±12%".
std::string format_cov(double cov);

// Return a p-value: "0.100", "0.0079", "<0.0001".
std::string format_p(double p);

// Return the number of terminal columns `text` takes (UTF-8 code points).
std::size_t display_width(std::string_view text);

// Return `text` broken at spaces into lines of at most `width` display
// columns (a longer word stays whole), each ending in '\n'.
std::string wrap_words(std::string_view text, std::size_t width);

// Return `text` padded with spaces on the left to `width` columns.
std::string pad_left(std::string_view text, std::size_t width);

// Return `text` padded with spaces on the right to `width` columns.
std::string pad_right(std::string_view text, std::size_t width);

} // namespace kbench::report
