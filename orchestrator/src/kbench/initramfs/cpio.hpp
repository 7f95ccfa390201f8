// Reproducible initramfs images: a newc cpio archive (sorted entries, fixed
// owners, mtimes and inode numbers) compressed with gzip (fixed header).
// The same inputs always give the same bytes, hence the same sha256.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace kbench::initramfs {

// One archive member.
struct Entry {
  enum class Type { directory, file, char_device, symlink };

  std::string path; // relative, no leading '/': "bin/rmap_benchmark"
  Type type = Type::file;
  std::uint32_t permissions = 0755;
  std::string data; // file content, or the symlink target
  std::uint32_t rdev_major = 0;
  std::uint32_t rdev_minor = 0;
};

// Return the newc ("070701") cpio archive of `entries`, sorted by path, with
// uid/gid 0, mtime 0 and inode numbers assigned in that order.
std::string write_newc(std::vector<Entry> entries);

// Return `data` gzip-compressed at `level` with a fixed header (mtime 0).
std::string gzip(std::string_view data, int level = 9);

// The kbench guest image: /init, /bin/rmap_benchmark, the mount points and
// /dev/console.
struct GuestImage {
  std::filesystem::path init;
  std::filesystem::path benchmark;
};

// Return the entries of the guest image; throws kbench::Error (guest) when a
// binary is missing.
std::vector<Entry> guest_entries(const GuestImage& image);

// Build the guest initramfs into `output` (written atomically); return its sha256.
std::string build_guest_initramfs(const GuestImage& image, const std::filesystem::path& output);

} // namespace kbench::initramfs
