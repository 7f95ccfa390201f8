#include <kbench/initramfs/cpio.hpp>
#include <kbench/util/error.hpp>
#include <kbench/util/fs.hpp>
#include <kbench/util/hash.hpp>

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>

namespace kbench::initramfs {

namespace {

constexpr std::uint32_t k_type_directory = 0040000;
constexpr std::uint32_t k_type_file = 0100000;
constexpr std::uint32_t k_type_char = 0020000;
constexpr std::uint32_t k_type_symlink = 0120000;

std::uint32_t mode_of(const Entry& e) {
  switch (e.type) {
    case Entry::Type::directory:
      return k_type_directory | e.permissions;
    case Entry::Type::file:
      return k_type_file | e.permissions;
    case Entry::Type::char_device:
      return k_type_char | e.permissions;
    case Entry::Type::symlink:
      return k_type_symlink | 0777;
  }
  return e.permissions;
}

void pad4(std::string& out) {
  while (out.size() % 4 != 0) {
    out.push_back('\0');
  }
}

void append_member(std::string& out, std::uint32_t ino, std::uint32_t mode, std::uint32_t nlink,
                   const std::string& name, std::string_view data, std::uint32_t rmajor,
                   std::uint32_t rminor) {
  // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor,
  // rdevmajor, rdevminor, namesize, check
  out +=
    fmt::format("070701{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}{:08X}"
                "{:08X}{:08X}",
                ino, mode, 0, 0, nlink, 0, data.size(), 0, 0, rmajor, rminor, name.size() + 1, 0);
  out += name;
  out.push_back('\0');
  pad4(out);
  out += data;
  pad4(out);
}

std::string read_binary(const std::filesystem::path& path, std::string_view what) {
  if (!util::is_regular_file(path, "guest program")) {
    throw Error(
      ExitCode::guest,
      fmt::format("guest {} not found: {} (build it: cmake --build build)", what, path.string()));
  }
  return util::read_file(path);
}

} // namespace

std::string write_newc(std::vector<Entry> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.path < b.path; });
  std::string out;
  std::uint32_t ino = 1;
  for (const auto& e : entries) {
    const std::uint32_t nlink = e.type == Entry::Type::directory ? 2 : 1;
    append_member(out, ino++, mode_of(e), nlink, e.path, e.data, e.rdev_major, e.rdev_minor);
  }
  append_member(out, 0, 0, 1, "TRAILER!!!", {}, 0, 0);
  while (out.size() % 512 != 0) {
    out.push_back('\0');
  }
  return out;
}

std::string gzip(std::string_view data, int level) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip wrapper whose header zlib writes with mtime 0.
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw Error(ExitCode::guest, "deflateInit2 failed");
  }
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const auto produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    throw Error(ExitCode::guest, fmt::format("deflate failed ({})", rc));
  }
  out.resize(produced);
  return out;
}

std::vector<Entry> guest_entries(const GuestImage& image) {
  using T = Entry::Type;
  std::vector<Entry> entries = {
    { "bin", T::directory, 0755, {}, 0, 0 },
    { "dev", T::directory, 0755, {}, 0, 0 },
    { "dev/console", T::char_device, 0600, {}, 5, 1 },
    { "proc", T::directory, 0755, {}, 0, 0 },
    { "sys", T::directory, 0755, {}, 0, 0 },
    { "tmp", T::directory, 01777, {}, 0, 0 },
    { "init", T::file, 0755, read_binary(image.init, "init"), 0, 0 },
    { "bin/rmap_benchmark", T::file, 0755, read_binary(image.benchmark, "rmap_benchmark"), 0, 0 },
  };
  return entries;
}

std::string build_guest_initramfs(const GuestImage& image, const std::filesystem::path& output) {
  const std::string compressed = gzip(write_newc(guest_entries(image)));
  util::write_file_atomic(output, compressed);
  return util::sha256_hex(compressed);
}

} // namespace kbench::initramfs
