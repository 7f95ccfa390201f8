#include <kbench/util/process.hpp>

#include <gtest/gtest.h>

using namespace kbench::util;

TEST(UtilProcess, RunCapturesOutputAndExitStatus) {
  auto runner = make_real_process_runner();
  Command cmd;
  cmd.argv = { "sh", "-c", "echo hello; exit 3" };
  const auto result = runner->run(cmd);
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.output, "hello\n");
}
