// junit.xml: one test case per metric verdict (mean and max of each metric),
// per boot outcome and per correctness check, so that a CI system shows
// exactly which boot or check failed.
#pragma once

#include <kbench/report/analysis.hpp>

#include <string>
#include <string_view>

namespace kbench::report {

// Return `text` escaped for XML 1.0 attribute values and text: & < > " ' as
// entities; control characters other than tab, LF and CR (not allowed in XML
// 1.0) and invalid UTF-8 bytes as '?'.
std::string xml_escape(std::string_view text);

// Return junit.xml: <testsuites> with three <testsuite>s, "verdicts" (a
// failure for every "regressed" verdict), "runs" (a failure for every boot not
// OK, its reason and backtrace in the body) and "checks" (a failure for every
// failed correctness check). No timestamps: the same analysis gives the same bytes.
std::string render_junit(const Analysis& analysis);

} // namespace kbench::report
