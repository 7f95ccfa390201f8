#include <kbench/cli/defaults.hpp>
#include <kbench/util/error.hpp>

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace kbench::cli {

namespace fs = std::filesystem;

namespace {

const char* env_or_null(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

} // namespace

fs::path data_dir() {
  if (const char* dir = env_or_null("KBENCH_DATA_DIR")) {
    return dir;
  }
  return KBENCH_SOURCE_DIR;
}

fs::path default_cache_dir() {
  if (const char* dir = env_or_null("KBENCH_CACHE_DIR")) {
    return dir;
  }
  if (const char* xdg = env_or_null("XDG_CACHE_HOME")) {
    return fs::path(xdg) / "kbench";
  }
  if (const char* home = env_or_null("HOME")) {
    return fs::path(home) / ".cache" / "kbench";
  }
  // No HOME (a service, `env -i`): the user's home directory from the password database,
  // never the current directory.
  if (const struct passwd* user = ::getpwuid(::getuid());
      user != nullptr && user->pw_dir != nullptr && *user->pw_dir == '/') {
    return fs::path(user->pw_dir) / ".cache" / "kbench";
  }
  throw Error(ExitCode::usage, "no cache directory: HOME is not set and the user has no home "
                               "directory; set KBENCH_CACHE_DIR or pass --cache-dir");
}

fs::path default_measurement_patches() {
  return data_dir() / "patches" / "measurement";
}

fs::path default_patch_series() {
  return data_dir() / "patches" / "ksm-rmap-walk";
}

std::vector<fs::path> default_fragments() {
  return { data_dir() / "kernel-configs" / "base.config",
           data_dir() / "kernel-configs" / "bench.config" };
}

} // namespace kbench::cli
