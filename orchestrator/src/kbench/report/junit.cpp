#include <kbench/report/format.hpp>
#include <kbench/report/junit.hpp>
#include <kbench/report/seedblock.hpp>

#include <fmt/format.h>

#include <vector>

namespace kbench::report {

namespace {

// One <testcase>.
struct TestCase {
  std::string name;
  std::string time = "0";
  std::string failure_type;    // empty: passed
  std::string failure_message; // one line
  std::string body;            // failure body, or system-out when passed
};

// One <testsuite>.
struct Suite {
  std::string name;
  std::vector<TestCase> cases;
};

// Return the length of the valid UTF-8 sequence at `text[i]`, or 0.
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  const std::size_t len = lead >= 0xF0 && lead <= 0xF4 ? 4
                          : lead >= 0xE0               ? 3
                          : lead >= 0xC2               ? 2
                                                       : 0;
  if (len == 0 || lead >= 0xF5 || i + len > text.size()) {
    return 0;
  }
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0U) != 0x80U) {
      return 0;
    }
  }
  return len;
}

std::string escape_ascii(char c) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return "&quot;";
    case '\'':
      return "&apos;";
    case '\t':
    case '\n':
    case '\r':
      return std::string(1, c);
    default:
      break;
  }
  return static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? "?" : std::string(1, c);
}

std::string run_name(const Side& side, const bench::RunRecord& run) {
  const std::string prefix =
    side.label == side.variant ? side.variant : side.label + "." + side.variant;
  return fmt::format("{}.boot{}", prefix, run.boot);
}

Suite verdict_suite(const Analysis& analysis) {
  Suite suite{ "kbench.verdicts", {} };
  for (const auto& m : analysis.metrics) {
    for (const bool max : { false, true }) {
      const auto& j = max ? m.comparison.max : m.comparison.mean;
      const std::string verdict(stats::verdict_name(j.verdict));
      TestCase tc{ fmt::format("{}.{}", m.spec->metric.name, max ? "max" : "mean"), "0", "", "",
                   "" };
      const std::string line = fmt::format(
        "{}: per-boot {} of {} ({}): change {} [{}, {}], ratio {} (A/B), p {}", verdict,
        max ? "max" : "mean", m.spec->metric.name, m.spec->description,
        format_change(j.change.point), format_change(j.change.ci.low),
        format_change(j.change.ci.high), format_ratio(j.ratio.point), format_p(j.test.p_value));
      if (j.verdict == stats::Verdict::regressed) {
        tc.failure_type = "regressed";
        tc.failure_message = line;
      }
      tc.body = line;
      suite.cases.push_back(std::move(tc));
    }
  }
  return suite;
}

Suite run_suite(const Analysis& analysis) {
  Suite suite{ "kbench.runs", {} };
  for (const Side* side : { &analysis.sides.a, &analysis.sides.b }) {
    for (const auto* run : side_runs(*side)) {
      const auto total = run->phases.find("total");
      TestCase tc{ run_name(*side, *run) + ".outcome",
                   fmt::format("{:.3f}", total == run->phases.end() ? 0.0 : total->second), "", "",
                   fmt::format("{}: {}", run->outcome, run->reason) };
      if (run->outcome != vm::Outcome::ok) {
        tc.failure_type = vm::to_string(run->outcome);
        tc.failure_message = tc.body;
        for (const auto& line : run->backtrace) {
          tc.body += "\n" + line;
        }
      }
      suite.cases.push_back(std::move(tc));
    }
  }
  return suite;
}

Suite check_suite(const Analysis& analysis) {
  Suite suite{ "kbench.checks", {} };
  for (const Side* side : { &analysis.sides.a, &analysis.sides.b }) {
    for (const auto* run : side_runs(*side)) {
      for (const auto& check : run->checks) {
        TestCase tc{ fmt::format("{}.walk{}.{}", run_name(*side, *run), check.walk, check.name),
                     "0", "", "", check.ok ? "ok" : "FAILED" };
        if (!check.ok) {
          tc.failure_type = "correctness";
          tc.failure_message =
            fmt::format("check {} failed at walk {}: {}", check.name, check.walk, check.detail);
          tc.body = tc.failure_message;
        }
        suite.cases.push_back(std::move(tc));
      }
    }
  }
  return suite;
}

std::size_t failures(const Suite& suite) {
  std::size_t n = 0;
  for (const auto& tc : suite.cases) {
    n += tc.failure_type.empty() ? 0 : 1;
  }
  return n;
}

std::string render_case(const std::string& suite, const TestCase& tc) {
  std::string out = fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{}\">\n",
                                xml_escape(suite), xml_escape(tc.name), tc.time);
  if (!tc.failure_type.empty()) {
    out +=
      fmt::format("      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                  xml_escape(tc.failure_type), xml_escape(tc.failure_message), xml_escape(tc.body));
  } else {
    out += fmt::format("      <system-out>{}</system-out>\n", xml_escape(tc.body));
  }
  return out + "    </testcase>\n";
}

std::string render_properties(const Analysis& analysis) {
  const auto& b = analysis.sides.b;
  std::string out = "    <properties>\n";
  const std::vector<std::pair<std::string, std::string>> props{
    { "kernel_release", kernel_release(b) },        { "series", series_description(b) },
    { "accelerator", accelerator_of(b) },           { "timing", timing_of(b) },
    { "scenario", b.results->experiment.scenario }, { "kbench_version", b.results->kbench_version }
  };
  for (const auto& [name, value] : props) {
    out += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", name, xml_escape(value));
  }
  return out + "    </properties>\n";
}

} // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      out += escape_ascii(text[i]);
      ++i;
    } else if (const std::size_t len = utf8_sequence(text, i); len > 0) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += '?';
      ++i;
    }
  }
  return out;
}

std::string render_junit(const Analysis& analysis) {
  const std::vector<Suite> suites{ verdict_suite(analysis), run_suite(analysis),
                                   check_suite(analysis) };
  std::size_t tests = 0;
  std::size_t failed = 0;
  for (const auto& s : suites) {
    tests += s.cases.size();
    failed += failures(s);
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"kbench\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n",
                     tests, failed);
  for (const auto& s : suites) {
    out += fmt::format(
      "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n", s.name,
      s.cases.size(), failures(s));
    if (&s == &suites.front()) {
      out += render_properties(analysis);
    }
    for (const auto& tc : s.cases) {
      out += render_case(s.name, tc);
    }
    out += "  </testsuite>\n";
  }
  return out + "</testsuites>\n";
}

} // namespace kbench::report
