// Tests of kernel versions: parsing, the top Makefile, constraints.
#include <kbench/source/version.hpp>

#include <gtest/gtest.h>

namespace kbench::source {
namespace {

TEST(SourceVersion, ParsesOneTwoOrThreeNumbersAndNothingElse) {
  EXPECT_EQ(parse_version("6.12.117"), (KernelVersion{ 6, 12, 117 }));
  EXPECT_EQ(parse_version("6.1"), (KernelVersion{ 6, 1, 0 }));
  EXPECT_EQ(parse_version("6"), (KernelVersion{ 6, 0, 0 }));
  for (const char* bad : { "", "6.", "v6.12", "6.12.1.2", "6.x", "6..1" }) {
    EXPECT_FALSE(parse_version(bad)) << bad;
  }
}

TEST(SourceVersion, OrdersByMajorMinorSublevel) {
  EXPECT_LT((KernelVersion{ 6, 1, 192 }), (KernelVersion{ 6, 12, 0 }));
  EXPECT_LT((KernelVersion{ 6, 12, 9 }), (KernelVersion{ 6, 12, 117 }));
  EXPECT_EQ(to_string(KernelVersion{ 6, 12, 117 }), "6.12.117");
  EXPECT_EQ(to_string(KernelVersion{ 6, 12, 117 }, false), "6.12");
}

TEST(SourceVersion, ReadsTheTopMakefile) {
  const std::string makefile = "# SPDX-License-Identifier: GPL-2.0\nVERSION = 6\nPATCHLEVEL = 1\n"
                               "SUBLEVEL = 192\nEXTRAVERSION =\nNAME = Curry Ramen\n";
  EXPECT_EQ(version_from_makefile(makefile), (KernelVersion{ 6, 1, 192 }));
  EXPECT_EQ(version_from_makefile("VERSION = 6\nPATCHLEVEL = 12\n"), (KernelVersion{ 6, 12, 0 }));
  EXPECT_FALSE(version_from_makefile("# fake kernel Makefile\n"));
  EXPECT_FALSE(version_from_makefile("VERSION = 6\n"));
}

TEST(SourceVersion, MinorVersionConstraintsCoverEverySublevel) {
  const auto ge612 = parse_constraint("kernel >= 6.12");
  ASSERT_TRUE(ge612);
  EXPECT_TRUE(satisfies({ 6, 12, 0 }, *ge612));
  EXPECT_TRUE(satisfies({ 6, 12, 117 }, *ge612));
  EXPECT_TRUE(satisfies({ 7, 0, 0 }, *ge612));
  EXPECT_FALSE(satisfies({ 6, 1, 192 }, *ge612));
  const auto lt612 = parse_constraint("< 6.12");
  ASSERT_TRUE(lt612);
  EXPECT_TRUE(satisfies({ 6, 11, 99 }, *lt612));
  EXPECT_FALSE(satisfies({ 6, 12, 117 }, *lt612));
  const auto eq61 = parse_constraint("kernel == 6.1");
  ASSERT_TRUE(eq61);
  EXPECT_TRUE(satisfies({ 6, 1, 192 }, *eq61));
  EXPECT_FALSE(satisfies({ 6, 12, 0 }, *eq61));
  EXPECT_EQ(to_string(*ge612), "kernel >= 6.12");
}

TEST(SourceVersion, SublevelConstraintsCompareTheSublevel) {
  const auto c = parse_constraint("kernel > 6.12.100");
  ASSERT_TRUE(c);
  EXPECT_TRUE(satisfies({ 6, 12, 117 }, *c));
  EXPECT_FALSE(satisfies({ 6, 12, 99 }, *c));
  EXPECT_EQ(to_string(*c), "kernel > 6.12.100");
}

TEST(SourceVersion, MalformedConstraintsAreRejected) {
  for (const char* bad : { "kernel 6.12", ">= six", "=> 6.12", "", "kernel >=" }) {
    EXPECT_FALSE(parse_constraint(bad)) << bad;
  }
}

} // namespace
} // namespace kbench::source
