// kbench's entry point: everything lives in the stage libraries (cli/app.hpp).
#include <kbench/cli/app.hpp>

int main(int argc, char** argv) {
  return kbench::cli::main(argc, argv);
}
