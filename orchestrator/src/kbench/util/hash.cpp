#include <kbench/util/error.hpp>
#include <kbench/util/hash.hpp>

#include <fmt/format.h>
#include <openssl/evp.h>

#include <array>
#include <fstream>

namespace kbench::util {

namespace {

EVP_MD_CTX* ctx_of(void* p) {
  return static_cast<EVP_MD_CTX*>(p);
}

} // namespace

Sha256::Sha256() : m_ctx(EVP_MD_CTX_new()) {
  if (m_ctx == nullptr || EVP_DigestInit_ex(ctx_of(m_ctx), EVP_sha256(), nullptr) != 1) {
    throw Error(ExitCode::infra, "EVP_DigestInit_ex failed");
  }
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(ctx_of(m_ctx));
}

Sha256& Sha256::update(std::string_view data) {
  EVP_DigestUpdate(ctx_of(m_ctx), data.data(), data.size());
  return *this;
}

Sha256& Sha256::field(std::string_view data) {
  update(data);
  return update(std::string_view("\0", 1));
}

std::string Sha256::hex_digest() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx_of(m_ctx), digest.data(), &length);
  std::string hex;
  hex.reserve(std::size_t{ length } * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += fmt::format("{:02x}", digest[i]);
  }
  return hex;
}

std::string sha256_hex(std::string_view data) {
  return Sha256().update(data).hex_digest();
}

std::string sha256_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) { // a device would be hashed forever
    throw Error(ExitCode::infra, fmt::format("cannot hash {}: not a regular file{}", path.string(),
                                             ec ? " (" + ec.message() + ")" : std::string()));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(ExitCode::infra, fmt::format("cannot read {}", path.string()));
  }
  Sha256 hash;
  std::array<char, 1 << 16> buffer{};
  while (in) {
    in.read(buffer.data(), buffer.size());
    hash.update(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  return hash.hex_digest();
}

} // namespace kbench::util
