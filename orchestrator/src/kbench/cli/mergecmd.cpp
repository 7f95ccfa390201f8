#include <kbench/bench/merge.hpp>
#include <kbench/cli/mergecmd.hpp>
#include <kbench/cli/reportcmd.hpp>
#include <kbench/report/render.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/process.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace kbench::cli {

namespace {

const char* const k_merge_examples = R"(Examples:
  kbench ab --scenario quick --boots 6 --shard 1/2 --results-dir shard1   # on host 1
  kbench ab --scenario quick --boots 6 --shard 2/2 --results-dir shard2   # on host 2
  kbench merge -o merged shard1 shard2)";

} // namespace

CLI::App* add_merge_command(CLI::App& app, MergeOptions& o) {
  auto* merge =
    app.add_subcommand("merge", "Merge the results of the shards of one experiment (--shard)");
  merge->footer(k_merge_examples);
  merge->add_option("inputs", o.inputs, "Results directories or results.json files of the shards")
    ->required();
  merge->add_option("-o,--output", o.output, "Directory for the merged results.json and reports")
    ->required();
  merge->fallthrough();
  return merge;
}

int run_merge(const MergeOptions& options) {
  std::vector<bench::MergeInput> inputs;
  for (const auto& path : options.inputs) {
    const auto file = results_file(path);
    inputs.push_back({ bench::read_results(file), file.string() });
  }
  const bench::MergeOutput out = bench::merge_shards(inputs);
  for (const auto& warning : out.warnings) {
    spdlog::warn("{}", warning);
  }
  util::create_directories(options.output);
  bench::write_results(out.merged, options.output / "results.json");
  const auto analysis = report::analyze(report::ab_sides(out.merged));
  auto runner = util::make_real_process_runner();
  report::render_all(analysis, options.output, *runner);
  fmt::print("{}", report::render_text(analysis));
  fmt::print("merged {} results into {}\n", inputs.size(),
             (options.output / "results.json").string());
  return 0;
}

} // namespace kbench::cli
