// The command line: subcommands and the single top-level catch.
#pragma once

namespace kbench::cli {

// Run kbench with the process's arguments; return the exit code
// (docs/exit-codes.md). Never throws.
int main(int argc, char** argv);

} // namespace kbench::cli
