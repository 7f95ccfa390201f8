// libFuzzer target for patch-header parsing (patches/series.cpp parse_patch):
// a patch names the files it touches in "diff --git", "---"/"+++" and
// "rename from/to" lines, and those names later become paths under a scratch
// directory and the kernel tree. Whatever the bytes, the parser either
// refuses the patch with kbench::Error (ExitCode::patch) or returns names that
// stay inside the tree: relative, no "..", no NUL.
#include <kbench/patches/series.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

// Abort unless `name` is "" (no file: a created or deleted side) or safe to join to a directory.
void require_safe(const std::string& name) {
  if (!name.empty() && !kbench::util::unsafe_relative_name(name).empty()) {
    std::abort();
  }
}

void check_invariants(std::string_view text) {
  namespace kp = kbench::patches;
  kp::Patch patch;
  try {
    patch = kp::parse_patch(text, "fuzz.patch");
  } catch (const kbench::Error& e) {
    if (e.code() != kbench::ExitCode::patch) {
      std::abort(); // a bad patch is a patch error, never another kind
    }
    return;
  }
  if (patch.files.size() != patch.old_files.size() || patch.subject.empty()) {
    std::abort();
  }
  for (std::size_t i = 0; i < patch.files.size(); ++i) {
    require_safe(patch.files[i]);
    require_safe(patch.old_files[i]);
  }
  for (const auto& hunk : patch.hunks) {
    require_safe(hunk.file);
    if (hunk.number < 1) {
      std::abort();
    }
  }
  kp::Series series;
  series.patches.push_back(patch);
  for (const auto& name : series.touched_files()) {
    if (name.empty()) {
      std::abort();
    }
    require_safe(name);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_invariants(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
