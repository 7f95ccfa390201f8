// Tests of junit.xml: well-formed (parsed back with Boost.PropertyTree), one
// test case per verdict, boot and check, failures where boots or checks failed.
#include <kbench/report/junit.hpp>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <gtest/gtest.h>

#include <sstream>

#include "test_report_samples.hpp"

namespace kb = kbench;
namespace pt = boost::property_tree;

namespace {

pt::ptree parse(const std::string& xml) {
  std::istringstream in(xml);
  pt::ptree tree;
  pt::read_xml(in, tree);
  return tree;
}

std::string junit_of(const std::string& sample) {
  return kb::report::render_junit(
    kb::report::analyze(kb::report::ab_sides(kb::test::results_sample(sample))));
}

// Count the <testcase>s and their <failure>s in the parsed document.
std::pair<int, int> count_cases(const pt::ptree& tree) {
  int cases = 0;
  int failures = 0;
  for (const auto& [name, suite] : tree.get_child("testsuites")) {
    if (name != "testsuite") {
      continue;
    }
    for (const auto& [child, tc] : suite) {
      if (child == "testcase") {
        ++cases;
        failures += tc.count("failure") > 0 ? 1 : 0;
      }
    }
  }
  return { cases, failures };
}

} // namespace

TEST(ReportJunit, IsWellFormedAndCountsEveryVerdictBootAndCheck) {
  const std::string xml = junit_of("quick-ab-failures.json");
  const auto tree = parse(xml);
  // 6 verdicts (3 metrics x mean/max) + 6 boots + 5 boots with checks x 5 walks x 3 checks.
  const auto [cases, failures] = count_cases(tree);
  EXPECT_EQ(cases, 6 + 6 + 75);
  EXPECT_EQ(failures, 3); // the PANIC boot, the CORRECTNESS_FAIL boot, the failed check
  EXPECT_EQ(tree.get<int>("testsuites.<xmlattr>.tests"), 87);
  EXPECT_EQ(tree.get<int>("testsuites.<xmlattr>.failures"), 3);
}

TEST(ReportJunit, FailedBootsCarryTheirOutcomeReasonAndBacktrace) {
  const std::string xml = junit_of("quick-ab-failures.json");
  EXPECT_NE(xml.find("<testcase classname=\"kbench.runs\" name=\"baseline.boot1.outcome\""),
            std::string::npos);
  EXPECT_NE(xml.find("<failure type=\"PANIC\" message=\"PANIC: Kernel panic - not syncing: "
                     "&lt;fatal &amp; &quot;bad&quot;&gt;\">"),
            std::string::npos)
    << xml;
  EXPECT_NE(xml.find("RIP: 0010:rmap_walk_ksm+0x5c/0x1a0"), std::string::npos);
  EXPECT_NE(xml.find("name=\"patched.boot2.walk1.mappings\""), std::string::npos);
  EXPECT_NE(xml.find("<failure type=\"correctness\" message=\"check mappings failed at walk 1: "
                     "mapping 7 of 16 reads &lt;zeros&gt; instead of the KSM content\""),
            std::string::npos)
    << xml;
}

TEST(ReportJunit, AllPassingRunHasNoFailureAndNamesEachVerdict) {
  const std::string xml = junit_of("quick-ab-5boots.json");
  const auto [cases, failures] = count_cases(parse(xml));
  EXPECT_EQ(cases, 6 + 10 + 10 * 15);
  EXPECT_EQ(failures, 0);
  EXPECT_NE(xml.find("name=\"walk_duration.mean\""), std::string::npos);
  EXPECT_NE(xml.find("<system-out>improved: per-boot mean of walk_duration"), std::string::npos)
    << xml;
  EXPECT_NE(xml.find("<property name=\"accelerator\" value=\"tcg\"/>"), std::string::npos);
}

TEST(ReportJunit, ARegressionIsAFailure) {
  const auto results = kb::test::results_sample("quick-ab-5boots.json");
  const auto sides =
    kb::report::compare_sides(results, "patched", "r.json", results, "baseline", "r.json");
  const std::string xml = kb::report::render_junit(kb::report::analyze(sides));
  EXPECT_NE(xml.find("<failure type=\"regressed\" message=\"regressed: per-boot mean of "
                     "walk_duration"),
            std::string::npos)
    << xml;
  EXPECT_NE(xml.find("name=\"A.patched.boot0.outcome\""), std::string::npos);
  EXPECT_NE(xml.find("name=\"B.baseline.boot0.outcome\""), std::string::npos);
  EXPECT_GE(count_cases(parse(xml)).second, 4);
}

TEST(ReportJunit, EscapesMarkupControlCharactersAndBrokenUtf8) {
  EXPECT_EQ(kb::report::xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(kb::report::xml_escape(std::string("x\x01y\x1bz\tq\n", 8)), "x?y?z\tq\n");
  EXPECT_EQ(kb::report::xml_escape("±5% \xff\xfe ok"), "±5% ?? ok");
  EXPECT_EQ(kb::report::xml_escape("\xe2\x82"), "??"); // truncated sequence
}
