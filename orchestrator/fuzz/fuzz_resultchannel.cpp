// libFuzzer target for the result-channel parser. The first input byte picks a
// mode: raw bytes (the parser must reject junk gracefully), or newline-separated
// record bodies framed with valid sequence numbers and checksums (so the fuzzer
// reaches the record-level rules behind the CRC check).
#include <kbench/bench/resultchannel.hpp>
#include <kbench/util/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

std::string framed(std::string_view text) {
  std::vector<std::string> bodies;
  std::size_t pos = 0;
  while (pos <= text.size() && bodies.size() < 4096) {
    auto nl = text.find('\n', pos);
    if (nl == std::string_view::npos)
      nl = text.size();
    bodies.emplace_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return kbench::bench::make_result_capture(bodies, !text.empty() && text[0] != '!');
}

void check_invariants(std::string_view bytes) {
  namespace kb = kbench::bench;
  const kb::ChannelLimits limits{ 1 << 20, kb::k_max_line_bytes, 20000 };
  const auto parsed = kb::parse_result_channel_lenient(bytes, limits);
  if (!parsed.error && !parsed.result.complete)
    std::abort(); // success always means the end marker was verified
  if (!parsed.error && !kb::result_channel_complete(bytes))
    std::abort(); // a valid capture ends with a well-framed end marker
  try {
    const auto strict = kb::parse_result_channel(bytes, limits);
    if (parsed.error || strict.record_count != parsed.result.record_count)
      std::abort(); // strict and lenient parses agree
  } catch (const kbench::Error& e) {
    if (!parsed.error || e.code() != kbench::ExitCode::run_failed)
      std::abort();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!input.empty() && input[0] == 'F')
    check_invariants(framed(input.substr(1)));
  else
    check_invariants(input);
  return 0;
}
