#include <kbench/cli/app.hpp>

namespace kbench::cli {

int main(int /*argc*/, char** /*argv*/) {
  return 0;
}

} // namespace kbench::cli
