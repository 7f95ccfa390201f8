// SHA-256 of strings and files, as lower-case hex.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace kbench::util {

// Incremental SHA-256.
class Sha256 {
public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  // Feed `data`.
  Sha256& update(std::string_view data);

  // Feed `data` followed by a NUL separator (for unambiguous field lists).
  Sha256& field(std::string_view data);

  // Return the hex digest; the object cannot be updated afterwards.
  std::string hex_digest();

private:
  void* m_ctx;
};

// Return the SHA-256 hex digest of `data`.
std::string sha256_hex(std::string_view data);

// Return the SHA-256 hex digest of the file at `path`; throw on I/O errors.
std::string sha256_file(const std::filesystem::path& path);

} // namespace kbench::util
