#include <kbench/kbuild/builder.hpp>
#include <kbench/kbuild/tree.hpp>
#include <kbench/source/version.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/hash.hpp>
#include <kbench/util/lockfile.hpp>
#include <kbench/util/progress.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <iterator>
#include <string_view>

namespace kbench::kbuild {

namespace fs = std::filesystem;

namespace {

// A base .config file given instead of a make target (--base-config PATH).
constexpr util::InputKind k_base_config_file{ "base config", std::uintmax_t{ 4 } << 20,
                                              ExitCode::invalid_config };

// Environment variables of the user's shell that would change a kernel build.
constexpr std::string_view k_build_env_blocklist[] = { "KBUILD_OUTPUT",
                                                       "KCONFIG_CONFIG",
                                                       "KCONFIG_ALLCONFIG",
                                                       "CROSS_COMPILE",
                                                       "KCFLAGS",
                                                       "KCPPFLAGS",
                                                       "KAFLAGS",
                                                       "KBUILD_EXTRA_SYMBOLS",
                                                       "LLVM",
                                                       "CC",
                                                       "O",
                                                       "ARCH",
                                                       "INSTALL_PATH",
                                                       "SOURCE_DATE_EPOCH" };

std::string first_error_lines(const fs::path& log) {
  const std::string text = util::read_file_if_exists(log, "build log").value_or("");
  std::string found;
  std::size_t start = 0;
  int count = 0;
  while (start < text.size() && count < 5) {
    auto nl = text.find('\n', start);
    if (nl == std::string::npos) {
      nl = text.size();
    }
    const std::string_view line(text.data() + start, nl - start);
    if (line.find("error:") != std::string_view::npos ||
        line.find("Error ") != std::string_view::npos) {
      found += std::string(line) + "\n";
      ++count;
    }
    start = nl + 1;
  }
  return found.empty() ? util::tail_lines(text, 15) : found;
}

std::string read_release(const fs::path& out) {
  std::string release = util::read_file(out / "include/config/kernel.release");
  while (!release.empty() && (release.back() == '\n' || release.back() == ' ')) {
    release.pop_back();
  }
  return release;
}

nlohmann::json series_json(const patches::Series& series) {
  auto list = nlohmann::json::array();
  for (const auto& p : series.patches) {
    list.push_back(
      { { "file", p.path.string() }, { "sha256", p.sha256 }, { "subject", p.subject } });
  }
  return list;
}

} // namespace

std::string fragments_hash(const std::vector<kconfig::Fragment>& fragments) {
  util::Sha256 hash;
  hash.field("kbench-fragments-v1");
  for (const auto& r : kconfig::effective_requests(fragments)) {
    hash.field(r.symbol + "=" + r.value);
  }
  return hash.hex_digest();
}

KernelBuilder::KernelBuilder(util::ProcessRunner& runner, source::KernelSource& source,
                             BuildSettings settings)
  : m_runner(runner), m_source(source), m_settings(std::move(settings)),
    m_cache(m_settings.cache_dir) {
  // A base config without '/' is a make target, passed to make as an argument.
  const std::string& base = m_settings.base_config;
  if (base.find('/') != std::string::npos) {
    m_base_config_text = util::read_input(base, k_base_config_file);
  } else if (!util::is_plain_word(base)) {
    throw Error(ExitCode::invalid_config,
                fmt::format("--base-config \"{}\" is neither a make target like tinyconfig "
                            "(letters, digits and \"._+-\", not starting with '-') nor a path "
                            "to a .config file (with a '/')",
                            base));
  }
}

void KernelBuilder::preflight(const std::vector<Variant>& variants) {
  const bool git = m_source.identify().git_tree;
  const auto method = git ? patches::Method::git_am : patches::Method::patch;
  const patches::SourceReader reader = [this](const std::string& rel) {
    return m_source.read_file(rel);
  };
  for (const auto& variant : variants) {
    spdlog::debug("preflight: checking the {} series ({} patches)", variant.name,
                  variant.series.patches.size());
    if (const auto failure = patches::check_series(m_runner, variant.series, reader, method)) {
      throw Error(ExitCode::patch, explain_failure(variant, *failure, reader, method));
    }
  }
}

std::string KernelBuilder::explain_failure(const Variant& variant,
                                           const patches::PreflightFailure& failure,
                                           const patches::SourceReader& reader,
                                           patches::Method method) {
  const auto& all = variant.series.patches;
  const std::size_t layer = std::min(variant.layer_patches, all.size());
  if (failure.patch < layer) {
    return fmt::format("{}\n(this patch is part of the measurement layer, which kbench applies to "
                       "both kernels first: this source is not one the layer supports)",
                       failure.message);
  }
  if (layer == 0) {
    return failure.message;
  }
  patches::Series own;
  own.patches.assign(all.begin() + static_cast<std::ptrdiff_t>(layer), all.end());
  const auto alone = patches::check_series(m_runner, own, reader, method);
  if (!alone) {
    std::string names;
    for (std::size_t i = 0; i < layer; ++i) {
      names += "\n  " + all[i].path.string();
    }
    return fmt::format("{}\n{}'s patches apply to the pristine source, so this one conflicts with "
                       "kbench's measurement layer, applied before them:{}",
                       failure.message, variant.name, names);
  }
  return fmt::format("{}\nit does not apply to the pristine source either (without kbench's "
                     "measurement layer): {}",
                     failure.message, alone->message);
}

std::vector<BuiltKernel> KernelBuilder::build_all(const std::vector<Variant>& variants) {
  util::create_directories(m_settings.cache_dir);
  util::LockFile lock(m_settings.cache_dir / "lock");
  m_toolchain = detect_toolchain(m_runner);
  std::vector<BuiltKernel> built;
  bool checked = false;
  for (const auto& variant : variants) {
    // Answer pure cache hits without preflight; check patches before the first real build.
    if (!checked && !m_cache.find_by_inputs(input_key(variant).hash())) {
      preflight(variants);
      checked = true;
    }
    built.push_back(build_one(variant, built));
  }
  return built;
}

InputKey KernelBuilder::input_key(const Variant& variant) const {
  InputKey key;
  key.source_id = m_source.identify().id;
  key.series_hash = variant.series.hash();
  key.fragments_hash = fragments_hash(fragments());
  key.base_config = m_settings.base_config.find('/') == std::string::npos
                      ? m_settings.base_config
                      : util::sha256_hex(m_base_config_text);
  key.toolchain_id = m_toolchain ? m_toolchain->id() : "";
  key.arch = m_settings.arch;
  return key;
}

fs::path KernelBuilder::tree_dir(const std::string& variant) const {
  const std::string source = util::sha256_hex(m_source.identify().id).substr(0, 16);
  return m_settings.cache_dir / "trees" / source / variant;
}

BuiltKernel KernelBuilder::build_one(const Variant& variant, const std::vector<BuiltKernel>& done) {
  const auto start = std::chrono::steady_clock::now();
  BuiltKernel result;
  result.variant = variant.name;
  const InputKey inputs = input_key(variant);
  const std::string input_hash = inputs.hash();
  auto finish = [&](CachedKernel kernel, bool hit) {
    result.kernel = std::move(kernel);
    result.cache_hit = hit;
    result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
  };
  if (auto hit = m_cache.find_by_inputs(input_hash)) {
    check_same_config(variant.name, hit->config);
    return finish(*hit, true);
  }
  VariantTree tree(tree_dir(variant.name), m_runner);
  std::optional<VariantTree> donor;
  for (auto it = done.rbegin(); it != done.rend() && !donor; ++it) {
    VariantTree candidate(tree_dir(it->variant), m_runner);
    if (candidate.can_donate_to(inputs.source_id, variant.series)) {
      donor.emplace(std::move(candidate));
    }
  }
  patches::CommitIdentity identity;
  identity.date = fmt::format("@{}", m_source.identify().timestamp);
  {
    util::ScopedPhase phase(result.phases, "prepare");
    result.tree_action =
      tree.prepare(m_source, variant.series, donor ? &*donor : nullptr, identity);
    spdlog::info("{}: tree {}", variant.name, result.tree_action);
  }
  {
    util::ScopedPhase phase(result.phases, "configure");
    configure(tree.root(), variant.name);
  }
  const fs::path config = tree.out_dir() / ".config";
  check_same_config(variant.name, config);
  const std::string key = kernel_key(inputs, util::sha256_file(config));
  if (auto hit = m_cache.find(key)) {
    m_cache.link_inputs(input_hash, key);
    return finish(*hit, true);
  }
  const fs::path log = tree.root() / ".kbench" / "build.log";
  util::write_file_atomic(log, "");
  {
    util::ScopedPhase phase(result.phases, "compile");
    result.objects_built = compile(tree.root(), variant.name, log);
  }
  nlohmann::json meta = {
    { "variant", variant.name },
    { "source",
      { { "id", inputs.source_id }, { "description", m_source.identify().description } } },
    { "series", series_json(variant.series) },
    { "series_hash", inputs.series_hash },
    { "fragments_hash", inputs.fragments_hash },
    { "base_config", m_settings.base_config },
    { "toolchain", m_toolchain ? m_toolchain->id() : "" },
    { "arch", m_settings.arch },
    { "build_timestamp", build_timestamp() },
    { "make", util::format_argv(make_argv(tree.root(), { "bzImage" })) },
    { "compile_seconds", result.phases.seconds("compile") },
  };
  BuildOutputs outputs{ tree.out_dir() / "arch/x86/boot/bzImage", config, log,
                        tree.out_dir() / "System.map", read_release(tree.out_dir()) };
  return finish(m_cache.store(key, input_hash, outputs, std::move(meta)), false);
}

std::vector<std::string> KernelBuilder::make_argv(const fs::path& tree,
                                                  const std::vector<std::string>& targets) const {
  std::vector<std::string> argv = {
    "make",
    "-C",
    tree.string(),
    std::string("O=") + k_out_dir,
    "ARCH=" + m_settings.arch,
    fmt::format("-j{}", m_settings.jobs),
    "LOCALVERSION=",
    "KBUILD_BUILD_TIMESTAMP=" + build_timestamp(),
    "KBUILD_BUILD_USER=kbench",
    "KBUILD_BUILD_HOST=kbench",
    "KBUILD_BUILD_VERSION=1",
    "KCFLAGS=-ffile-prefix-map=../=",
  };
  if (m_settings.ccache) {
    argv.emplace_back("CC=ccache gcc");
  }
  argv.insert(argv.end(), targets.begin(), targets.end());
  return argv;
}

util::Command KernelBuilder::make_command(const fs::path& tree,
                                          const std::vector<std::string>& targets,
                                          const fs::path& log) const {
  util::Command cmd;
  cmd.argv = make_argv(tree, targets);
  cmd.log_file = log;
  cmd.timeout = m_settings.timeout;
  cmd.unset_env.assign(std::begin(k_build_env_blocklist), std::end(k_build_env_blocklist));
  cmd.env = { { "CCACHE_DIR", (m_settings.cache_dir / "ccache").string() },
              { "CCACHE_BASEDIR", tree.string() },
              { "CCACHE_NOHASHDIR", "1" },
              { "LC_ALL", "C" } };
  return cmd;
}

std::string KernelBuilder::configure(const fs::path& tree, const std::string& variant) {
  const fs::path out = tree / k_out_dir;
  const fs::path log = tree / ".kbench" / "config.log";
  util::create_directories(out);
  util::write_file_atomic(log, "");
  auto run = [&](const util::Command& cmd, const std::string& what) {
    const auto r = m_runner.run(cmd);
    if (!r.ok()) {
      throw Error(
        ExitCode::kconfig,
        fmt::format(
          "{}: {} failed ({}); see {}:\n{}", variant, what, util::describe_result(r), log.string(),
          util::tail_lines(util::read_file_if_exists(log, "config log").value_or(""), 15)));
    }
  };
  if (m_settings.base_config.find('/') == std::string::npos) {
    run(make_command(tree, { m_settings.base_config }, log), "make " + m_settings.base_config);
  } else {
    util::write_file_atomic(out / ".config", m_base_config_text);
  }
  util::Command merge = make_command(tree, {}, log);
  merge.argv = { "bash",       (tree / "scripts/kconfig/merge_config.sh").string(),
                 "-m",         "-O",
                 out.string(), (out / ".config").string() };
  // The requests for this kernel version only (kbench-if blocks resolved), one file each.
  const fs::path written = tree / ".kbench" / "fragments";
  util::remove_all(written);
  util::create_directories(written);
  int index = 0;
  for (const auto& fragment : fragments()) {
    const fs::path file =
      written / fmt::format("{:02}-{}", ++index, fragment.path.filename().string());
    util::write_file_atomic(file, kconfig::render_fragment(fragment, m_fragments_for));
    merge.argv.push_back(file.string());
  }
  merge.cwd = tree;
  run(merge, "merge_config.sh");
  run(make_command(tree, { "olddefconfig" }, log), "make olddefconfig");
  verify_config(out / ".config");
  return util::read_file(out / ".config");
}

void KernelBuilder::verify_config(const fs::path& dot_config) {
  const auto config = kconfig::parse_dotconfig(util::read_file(dot_config));
  const auto mismatches = kconfig::verify(fragments(), config);
  if (!mismatches.empty()) {
    throw Error(ExitCode::kconfig,
                fmt::format("{} config symbol(s) could not be set as requested ({}):\n{}",
                            mismatches.size(), dot_config.string(),
                            kconfig::describe_mismatches(mismatches)));
  }
}

void KernelBuilder::check_same_config(const std::string& variant, const fs::path& config) {
  const std::string text = util::read_file(config);
  if (!m_first_config) {
    m_first_config.emplace(variant, fs::path());
    m_first_config->second = config;
    m_first_text = text;
    return;
  }
  const auto diff =
    kconfig::diff_configs(kconfig::parse_dotconfig(m_first_text), kconfig::parse_dotconfig(text));
  if (diff.empty()) {
    return;
  }
  std::string lines;
  for (const auto& l : diff) {
    lines += "  " + l + "\n";
  }
  throw Error(ExitCode::kconfig,
              fmt::format("the final .config of {} differs from {}'s (a patch series must not "
                          "change the kernel config; - is {}, + is {}):\n{}",
                          variant, m_first_config->first, m_first_config->first, variant, lines));
}

long KernelBuilder::compile(const fs::path& tree, const std::string& variant, const fs::path& log) {
  util::BuildLogCounter counter(log);
  util::ProgressLine progress(util::stderr_is_tty());
  const auto start = std::chrono::steady_clock::now();
  auto tick = [&] {
    const long objects = counter.poll();
    const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress.update(fmt::format("[{}] compiling: {} objects, {} elapsed  {}", variant, objects,
                                util::format_duration(secs), counter.last_step()));
  };
  spdlog::info("{}: building bzImage with -j{} (log: {})", variant, m_settings.jobs, log.string());
  const auto result = m_runner.run(make_command(tree, { "bzImage" }, log), tick);
  progress.clear();
  if (!result.ok()) {
    throw Error(ExitCode::build,
                fmt::format("kernel build of {} failed ({}); full log: {}\n{}", variant,
                            util::describe_result(result), log.string(), first_error_lines(log)));
  }
  return counter.poll();
}

const std::vector<kconfig::Fragment>& KernelBuilder::fragments() const {
  if (m_selected) {
    return *m_selected;
  }
  const auto& all = m_settings.fragments;
  const bool conditional = std::any_of(all.begin(), all.end(), [](const kconfig::Fragment& f) {
    return std::any_of(f.requests.begin(), f.requests.end(),
                       [](const kconfig::Request& r) { return r.when.has_value(); });
  });
  if (!conditional) {
    m_fragments_for = "every kernel version (no kbench-if block)";
    return m_selected.emplace(all);
  }
  const source::KernelVersion version = source::kernel_version(m_source);
  m_fragments_for = "kernel " + source::to_string(version);
  std::vector<kconfig::Fragment> selected;
  for (const auto& fragment : all) {
    selected.push_back(kconfig::for_kernel(fragment, version));
  }
  return m_selected.emplace(std::move(selected));
}

std::string KernelBuilder::build_timestamp() const {
  const std::time_t t = static_cast<std::time_t>(m_source.identify().timestamp);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%a %b %e %H:%M:%S UTC %Y", &tm);
  return buffer;
}

std::vector<PlannedCommand> KernelBuilder::plan(const std::vector<Variant>& variants) {
  std::vector<PlannedCommand> commands;
  for (const auto& variant : variants) {
    const fs::path tree = tree_dir(variant.name);
    const auto env = make_command(tree, {}, {}).env;
    if (m_settings.base_config.find('/') == std::string::npos) {
      commands.push_back({ variant.name, "generate the base config",
                           make_argv(tree, { m_settings.base_config }), env });
    } else {
      // configure() copies a base config file; it is no make target.
      commands.push_back(
        { variant.name,
          "copy the base config",
          { "cp", m_settings.base_config, (tree / k_out_dir / ".config").string() },
          {} });
    }
    commands.push_back(
      { variant.name, "finish the merged config", make_argv(tree, { "olddefconfig" }), env });
    commands.push_back({ variant.name, "build the kernel", make_argv(tree, { "bzImage" }), env });
  }
  return commands;
}

} // namespace kbench::kbuild
