// Tests of config fragments, .config parsing, request verification and config diffs.
#include <kbench/kconfig/fragment.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>

#include <gtest/gtest.h>

#include <string>

namespace kbench::kconfig {
namespace {

// Return the kbench::Error thrown by `f` (fails the test when none is thrown).
template<typename F>
Error error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected a kbench::Error";
  return Error(ExitCode::ok, "");
}

TEST(KconfigParseFragment, ReadsSetRequestsWithTheirLineNumbers) {
  const auto f = parse_fragment(
    "CONFIG_KSM=y\nCONFIG_NR_CPUS=4\nCONFIG_CMDLINE=\"console=ttyS0\"\n", "bench.config");
  ASSERT_EQ(f.requests.size(), 3u);
  EXPECT_EQ(f.path, "bench.config");
  EXPECT_EQ(f.requests[0].symbol, "CONFIG_KSM");
  EXPECT_EQ(f.requests[0].value, "y");
  EXPECT_EQ(f.requests[0].line, 1);
  EXPECT_EQ(f.requests[0].file, "bench.config");
  EXPECT_EQ(f.requests[1].symbol, "CONFIG_NR_CPUS");
  EXPECT_EQ(f.requests[1].value, "4");
  EXPECT_EQ(f.requests[1].line, 2);
  EXPECT_EQ(f.requests[2].value, "\"console=ttyS0\"");
  EXPECT_EQ(f.requests[2].line, 3);
}

TEST(KconfigParseFragment, ReadsIsNotSetAsARequestForN) {
  const auto f = parse_fragment("# CONFIG_MODULES is not set\n", "x.config");
  ASSERT_EQ(f.requests.size(), 1u);
  EXPECT_EQ(f.requests[0].symbol, "CONFIG_MODULES");
  EXPECT_EQ(f.requests[0].value, "n");
  EXPECT_EQ(f.requests[0].line, 1);
}

TEST(KconfigParseFragment, SkipsCommentsAndBlankLinesButCountsThem) {
  const auto f = parse_fragment("# a comment\n\n   \n#CONFIG_FOO=y is commented out\n"
                                "\tCONFIG_KSM=y  \r\n# trailing comment",
                                "x.config");
  ASSERT_EQ(f.requests.size(), 1u);
  EXPECT_EQ(f.requests[0].symbol, "CONFIG_KSM");
  EXPECT_EQ(f.requests[0].value, "y");
  EXPECT_EQ(f.requests[0].line, 5);
}

TEST(KconfigParseFragment, AcceptsAnEmptyFragment) {
  EXPECT_TRUE(parse_fragment("", "empty.config").requests.empty());
  EXPECT_TRUE(parse_fragment("\n\n# only comments\n", "empty.config").requests.empty());
}

TEST(KconfigParseFragment, ReportsGarbageWithFileLineColumnAndTheText) {
  const auto e = error_of([] { parse_fragment("CONFIG_KSM=y\n  KSM=y\n", "dir/bench.config"); });
  EXPECT_EQ(e.code(), ExitCode::invalid_config);
  const std::string msg = e.what();
  EXPECT_EQ(msg.rfind("dir/bench.config:2:3: ", 0), 0u) << msg;
  EXPECT_NE(msg.find("\"KSM=y\""), std::string::npos) << msg;
}

TEST(KconfigParseFragment, ReportsAMissingEqualsSignAtTheColumnAfterTheSymbol) {
  const auto e = error_of([] { parse_fragment("CONFIG_KSM y\n", "b.config"); });
  EXPECT_EQ(e.code(), ExitCode::invalid_config);
  const std::string msg = e.what();
  EXPECT_EQ(msg.rfind("b.config:1:11: ", 0), 0u) << msg;
  EXPECT_NE(msg.find("'='"), std::string::npos) << msg;
  EXPECT_NE(msg.find("\"CONFIG_KSM y\""), std::string::npos) << msg;
}

TEST(KconfigParseFragment, ReportsAnInvalidValueAtItsColumn) {
  const auto e = error_of([] { parse_fragment("\n\nCONFIG_KSM=y # enable\n", "b.config"); });
  EXPECT_EQ(e.code(), ExitCode::invalid_config);
  const std::string msg = e.what();
  EXPECT_EQ(msg.rfind("b.config:3:12: invalid value", 0), 0u) << msg;
  EXPECT_NE(msg.find("CONFIG_KSM=y # enable"), std::string::npos) << msg;
}

TEST(KconfigParseFragment, RejectsAnEmptyValueAndAnUnterminatedString) {
  EXPECT_EQ(error_of([] { parse_fragment("CONFIG_A=\n", "b.config"); }).code(),
            ExitCode::invalid_config);
  EXPECT_EQ(error_of([] { parse_fragment("CONFIG_A=\"abc\n", "b.config"); }).code(),
            ExitCode::invalid_config);
}

TEST(KconfigParseFragment, RejectsEqualsNWithAHintToWriteIsNotSet) {
  const auto e = error_of([] { parse_fragment("CONFIG_MODULES=n\n", "b.config"); });
  EXPECT_EQ(e.code(), ExitCode::invalid_config);
  const std::string msg = e.what();
  EXPECT_EQ(msg.rfind("b.config:1:16: ", 0), 0u) << msg;
  EXPECT_NE(msg.find("merge_config.sh"), std::string::npos) << msg;
  EXPECT_NE(msg.find("is not set"), std::string::npos) << msg;
}

// --- kbench-if blocks ------------------------------------------------------------

const std::string k_versioned = "CONFIG_ZRAM=y\n"
                                "# kbench-if: kernel >= 6.12\n"
                                "CONFIG_ZRAM_BACKEND_LZO=y\n"
                                "# kbench-endif\n"
                                "#kbench-if: kernel < 6.12\n"
                                "CONFIG_CRYPTO_LZO=y\n"
                                "# CONFIG_FOO is not set\n"
                                "#kbench-endif\n"
                                "CONFIG_ZRAM_DEF_COMP_LZORLE=y\n";

std::vector<std::string> symbols(const Fragment& f) {
  std::vector<std::string> out;
  for (const auto& r : f.requests) {
    out.push_back(r.symbol);
  }
  return out;
}

TEST(KconfigKernelBlocks, RequestsInsideABlockCarryItsConditionAndTheirOwnLine) {
  const auto f = parse_fragment(k_versioned, "/cfg/bench.config");
  ASSERT_EQ(f.requests.size(), 5u);
  EXPECT_FALSE(f.requests[0].when);
  ASSERT_TRUE(f.requests[1].when);
  EXPECT_EQ(source::to_string(*f.requests[1].when), "kernel >= 6.12");
  EXPECT_EQ(f.requests[1].line, 3);
  EXPECT_EQ(source::to_string(*f.requests[3].when), "kernel < 6.12");
  EXPECT_FALSE(f.requests[4].when);
}

TEST(KconfigKernelBlocks, ForKernelKeepsUnconditionalRequestsAndTheMatchingBlocks) {
  const auto f = parse_fragment(k_versioned, "/cfg/bench.config");
  EXPECT_EQ(symbols(for_kernel(f, { 6, 12, 117 })),
            (std::vector<std::string>{ "CONFIG_ZRAM", "CONFIG_ZRAM_BACKEND_LZO",
                                       "CONFIG_ZRAM_DEF_COMP_LZORLE" }));
  EXPECT_EQ(symbols(for_kernel(f, { 6, 1, 192 })),
            (std::vector<std::string>{ "CONFIG_ZRAM", "CONFIG_CRYPTO_LZO", "CONFIG_FOO",
                                       "CONFIG_ZRAM_DEF_COMP_LZORLE" }));
}

TEST(KconfigKernelBlocks, RenderedFragmentIsPlainMergeConfigInput) {
  const auto f = for_kernel(parse_fragment(k_versioned, "/cfg/bench.config"), { 6, 1, 192 });
  EXPECT_EQ(render_fragment(f, "kernel 6.1.192"),
            "# /cfg/bench.config for kernel 6.1.192 (written by kbench)\n"
            "CONFIG_ZRAM=y\nCONFIG_CRYPTO_LZO=y\n# CONFIG_FOO is not set\n"
            "CONFIG_ZRAM_DEF_COMP_LZORLE=y\n");
  const auto again = parse_fragment(render_fragment(f, "kernel 6.1.192"), "x");
  EXPECT_EQ(symbols(again), symbols(f));
}

TEST(KconfigKernelBlocks, MisusedBlocksAreLocatedErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
    { "# kbench-if: kernel >= 6.12\n# kbench-if: kernel < 7\n# kbench-endif\n",
      "b.config:2:1: kbench-if blocks do not nest (the one of line 1 is open)" },
    { "CONFIG_A=y\n# kbench-endif\n", "b.config:2:1: kbench-endif without kbench-if" },
    { "# kbench-if: kernel >= 6.12\nCONFIG_A=y\n",
      "b.config:1:1: kbench-if block is never closed by # kbench-endif" },
    { "  # kbench-if: linux 6.12\n", "b.config:1:3: expected a condition like" },
  };
  for (const auto& [text, want] : cases) {
    const auto e = error_of([&] { parse_fragment(text, "b.config"); });
    EXPECT_EQ(e.code(), ExitCode::invalid_config);
    EXPECT_EQ(std::string(e.what()).rfind(want, 0), 0u) << e.what();
  }
}

TEST(KconfigLoadFragment, NamesAMissingFile) {
  const auto e = error_of([] { load_fragment("/nonexistent/kbench/x.config"); });
  EXPECT_EQ(e.code(), ExitCode::invalid_config);
  EXPECT_NE(std::string(e.what()).find("/nonexistent/kbench/x.config"), std::string::npos);
}

TEST(KconfigLoadFragment, ParsesTheFileAndRecordsItsPath) {
  util::TempDir dir("kbench-kconfig");
  const auto path = dir.path() / "a.config";
  util::write_file_atomic(path, "CONFIG_KSM=y\n");
  const auto f = load_fragment(path);
  ASSERT_EQ(f.requests.size(), 1u);
  EXPECT_EQ(f.requests[0].file, path);
}

TEST(KconfigParseDotconfig, MapsSetSymbolsToValuesAndNotSetToN) {
  const auto c =
    parse_dotconfig("#\n# Automatically generated file; DO NOT EDIT.\n#\n"
                    "CONFIG_KSM=y\nCONFIG_NR_CPUS=64\nCONFIG_LOCALVERSION=\"\"\n"
                    "# CONFIG_MODULES is not set\nCONFIG_CC_VERSION_TEXT=\"gcc (Debian "
                    "12.2.0-14) 12.2.0\"\nnot a config line\n");
  EXPECT_EQ(c.size(), 5u);
  EXPECT_EQ(c.at("CONFIG_KSM"), "y");
  EXPECT_EQ(c.at("CONFIG_NR_CPUS"), "64");
  EXPECT_EQ(c.at("CONFIG_LOCALVERSION"), "\"\"");
  EXPECT_EQ(c.at("CONFIG_MODULES"), "n");
  EXPECT_EQ(c.at("CONFIG_CC_VERSION_TEXT"), "\"gcc (Debian 12.2.0-14) 12.2.0\"");
}

TEST(KconfigEffectiveRequests, LetsALaterFragmentOverrideAnEarlierOneInPlace) {
  const auto base = parse_fragment("CONFIG_A=y\nCONFIG_B=y\nCONFIG_C=1\n", "base.config");
  const auto bench = parse_fragment("CONFIG_D=y\n# CONFIG_B is not set\n", "bench.config");
  const auto r = effective_requests({ base, bench });
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].symbol, "CONFIG_A");
  EXPECT_EQ(r[1].symbol, "CONFIG_B");
  EXPECT_EQ(r[1].value, "n");
  EXPECT_EQ(r[1].file, "bench.config");
  EXPECT_EQ(r[1].line, 2);
  EXPECT_EQ(r[2].symbol, "CONFIG_C");
  EXPECT_EQ(r[3].symbol, "CONFIG_D");
}

TEST(KconfigVerify, AcceptsAConfigThatSatisfiesEveryRequest) {
  const auto f = parse_fragment("CONFIG_KSM=y\nCONFIG_NR_CPUS=4\nCONFIG_CMDLINE=\"console="
                                "ttyS0\"\n# CONFIG_MODULES is not set\n"
                                "# CONFIG_DEBUG_INFO is not set\n",
                                "bench.config");
  const auto c =
    parse_dotconfig("CONFIG_KSM=y\nCONFIG_NR_CPUS=4\nCONFIG_CMDLINE=\"console=ttyS0\"\n"
                    "# CONFIG_MODULES is not set\n");
  // CONFIG_DEBUG_INFO is absent from the .config: a request for "n" holds.
  EXPECT_TRUE(verify({ f }, c).empty());
}

TEST(KconfigVerify, ReportsYRequestedButNotSet) {
  const auto f = parse_fragment("CONFIG_KSM=y\n", "bench.config");
  const auto m = verify({ f }, parse_dotconfig("# CONFIG_KSM is not set\n"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].request.symbol, "CONFIG_KSM");
  EXPECT_EQ(m[0].actual, "n");
}

TEST(KconfigVerify, ReportsAnAbsentSymbolWithAnEmptyActualValue) {
  const auto f = parse_fragment("CONFIG_NO_SUCH_THING=y\n", "bench.config");
  const auto m = verify({ f }, parse_dotconfig("CONFIG_KSM=y\n"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].actual, "");
}

TEST(KconfigVerify, ReportsModuleWhereBuiltInWasRequested) {
  const auto f = parse_fragment("CONFIG_KSM=y\n", "bench.config");
  const auto m = verify({ f }, parse_dotconfig("CONFIG_KSM=m\n"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].actual, "m");
}

TEST(KconfigVerify, ReportsASymbolThatIsSetWhenIsNotSetWasRequested) {
  const auto f = parse_fragment("# CONFIG_MODULES is not set\n", "bench.config");
  const auto m = verify({ f }, parse_dotconfig("CONFIG_MODULES=y\n"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].actual, "y");
}

TEST(KconfigVerify, ComparesStringAndIntegerValuesExactly) {
  const auto f = parse_fragment("CONFIG_CMDLINE=\"console=ttyS0\"\nCONFIG_NR_CPUS=4\n", "b.config");
  const auto m =
    verify({ f }, parse_dotconfig("CONFIG_CMDLINE=\"console=tty0\"\nCONFIG_NR_CPUS=8\n"));
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].request.symbol, "CONFIG_CMDLINE");
  EXPECT_EQ(m[0].actual, "\"console=tty0\"");
  EXPECT_EQ(m[1].request.symbol, "CONFIG_NR_CPUS");
  EXPECT_EQ(m[1].actual, "8");
}

TEST(KconfigVerify, ChecksOnlyTheOverridingRequestOfALaterFragment) {
  const auto base = parse_fragment("CONFIG_MODULES=y\n", "base.config");
  const auto bench = parse_fragment("# CONFIG_MODULES is not set\n", "bench.config");
  EXPECT_TRUE(verify({ base, bench }, parse_dotconfig("# CONFIG_MODULES is not set\n")).empty());
  const auto m = verify({ base, bench }, parse_dotconfig("CONFIG_MODULES=y\n"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].request.file, "bench.config");
}

TEST(KconfigDescribeMismatches, NamesFileLineAndSymbolOnePerLine) {
  const auto f = parse_fragment("# c\nCONFIG_KSM=y\nCONFIG_NO_SUCH=y\nCONFIG_NR_CPUS=4\n",
                                "kernel-configs/bench.config");
  const auto m = verify({ f }, parse_dotconfig("# CONFIG_KSM is not set\nCONFIG_NR_CPUS=8\n"));
  ASSERT_EQ(m.size(), 3u);
  const std::string text = describe_mismatches(m);
  EXPECT_EQ(text,
            "kernel-configs/bench.config:2: CONFIG_KSM requested CONFIG_KSM=y, but it is not set "
            "in the final .config (a dependency is missing or something selects against it)\n"
            "kernel-configs/bench.config:3: CONFIG_NO_SUCH requested CONFIG_NO_SUCH=y, but it is "
            "absent from the final .config (unknown symbol, or its dependencies are not met)\n"
            "kernel-configs/bench.config:4: CONFIG_NR_CPUS requested CONFIG_NR_CPUS=4, but it is "
            "CONFIG_NR_CPUS=8 in the final .config");
}

TEST(KconfigDescribeMismatches, IsEmptyWithoutMismatches) {
  EXPECT_EQ(describe_mismatches({}), "");
}

TEST(KconfigDiffConfigs, IsEmptyForIdenticalConfigs) {
  const auto c = parse_dotconfig("CONFIG_A=y\n# CONFIG_B is not set\n");
  EXPECT_TRUE(diff_configs(c, c).empty());
}

TEST(KconfigDiffConfigs, ListsChangedAddedAndRemovedSymbolsInSymbolOrder) {
  const auto a = parse_dotconfig("CONFIG_A=y\nCONFIG_B=y\nCONFIG_D=1\n");
  const auto b = parse_dotconfig("CONFIG_A=y\nCONFIG_C=y\nCONFIG_D=2\n");
  const std::vector<std::string> expected = { "-CONFIG_B=y", "+CONFIG_C=y", "-CONFIG_D=1",
                                              "+CONFIG_D=2" };
  EXPECT_EQ(diff_configs(a, b), expected);
}

} // namespace
} // namespace kbench::kconfig
