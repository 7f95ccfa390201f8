#include <kbench/bench/resultchannel.hpp>
#include <kbench/util/error.hpp>

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <utility>

namespace kbench::bench {

namespace {

constexpr std::string_view k_magic = "kbench-result-channel";

// A parse failure inside one line; converted to ChannelError by the caller.
struct LineError {
  std::string message;
};

[[noreturn]] void fail(std::string message) {
  throw LineError{ std::move(message) };
}

std::uint32_t crc32_of(std::uint32_t crc, std::string_view data) {
  uLong c = crc;
  while (!data.empty()) {
    const auto chunk = static_cast<uInt>(std::min<std::size_t>(data.size(), 1u << 30));
    c = ::crc32(c, reinterpret_cast<const Bytef*>(data.data()), chunk);
    data.remove_prefix(chunk);
  }
  return static_cast<std::uint32_t>(c);
}

bool is_lower_word(std::string_view s, bool allow_digits) {
  if (s.empty()) {
    return false;
  }
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || c == '_' || (allow_digits && c >= '0' && c <= '9');
    if (!ok) {
      return false;
    }
  }
  return true;
}

// Parse all of `s` as a decimal integer of type T; nullopt on anything else.
template<typename T>
std::optional<T> to_integer(std::string_view s) {
  T v = 0;
  if (s.empty() || s.size() > 20) {
    return std::nullopt;
  }
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

std::optional<std::uint64_t> to_u64(std::string_view s) {
  return to_integer<std::uint64_t>(s);
}

std::optional<std::int64_t> to_i64(std::string_view s) {
  return to_integer<std::int64_t>(s);
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

std::string decode_value(std::string_view key, std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') {
      out.push_back(raw[i]);
      continue;
    }
    const int hi = i + 2 < raw.size() ? hex_digit(raw[i + 1]) : -1;
    const int lo = hi >= 0 ? hex_digit(raw[i + 2]) : -1;
    if (lo < 0) {
      fail(fmt::format("field '{}': bad percent escape at offset {}", key, i));
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// One decoded record: its type and its key=value fields.
class Record {
public:
  Record(std::string_view type, std::map<std::string, std::string> fields)
    : m_type(type), m_fields(std::move(fields)) {}

  const std::string& type() const { return m_type; }
  const std::map<std::string, std::string>& fields() const { return m_fields; }

  const std::string& text(const std::string& key) const {
    const auto it = m_fields.find(key);
    if (it == m_fields.end()) {
      fail(fmt::format("record '{}' lacks the field '{}'", m_type, key));
    }
    return it->second;
  }

  std::optional<std::string> maybe_text(const std::string& key) const {
    const auto it = m_fields.find(key);
    return it == m_fields.end() ? std::nullopt : std::optional<std::string>(it->second);
  }

  std::uint64_t u64(const std::string& key) const {
    const auto v = to_u64(text(key));
    if (!v) {
      fail(fmt::format("field '{}' of '{}' is not an unsigned 64-bit integer: '{}'", key, m_type,
                       text(key).substr(0, 40)));
    }
    return *v;
  }

  std::optional<std::uint64_t> maybe_u64(const std::string& key) const {
    return m_fields.count(key) ? std::optional<std::uint64_t>(u64(key)) : std::nullopt;
  }

  std::int64_t i64(const std::string& key) const {
    const auto v = to_i64(text(key));
    if (!v) {
      fail(fmt::format("field '{}' of '{}' is not a 64-bit integer: '{}'", key, m_type,
                       text(key).substr(0, 40)));
    }
    return *v;
  }

  std::uint32_t walk(const std::string& key, std::uint64_t walks) const {
    const std::uint64_t w = u64(key);
    const std::uint64_t limit = walks > 0 ? walks : k_max_walks;
    if (w >= limit) {
      fail(fmt::format("walk index {} of '{}' is out of range (walks={})", w, m_type, limit));
    }
    return static_cast<std::uint32_t>(w);
  }

private:
  std::string m_type;
  std::map<std::string, std::string> m_fields;
};

// Split a framed line into its record after checking sequence number and CRC.
Record decode_line(std::string_view line, std::uint64_t expected_seq) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c < 0x20 || c > 0x7e) {
      fail(fmt::format("non-printable byte 0x{:02x} at column {}", c, i + 1));
    }
  }
  const auto hash = line.rfind(" #");
  if (hash == std::string_view::npos || line.size() - hash != 10) {
    fail("missing the trailing ' #<crc32>' checksum");
  }
  const auto crc_text = line.substr(hash + 2);
  std::uint32_t crc = 0;
  for (const char c : crc_text) {
    const int d = hex_digit(c);
    if (d < 0 || (c >= 'A' && c <= 'F')) {
      fail(fmt::format("malformed checksum '{}'", crc_text));
    }
    crc = crc * 16 + static_cast<std::uint32_t>(d);
  }
  const auto content = line.substr(0, hash);
  if (crc32_of(0, content) != crc) {
    fail(fmt::format("checksum mismatch (line says {}, content gives {:08x})", crc_text,
                     crc32_of(0, content)));
  }
  std::vector<std::string_view> tokens;
  for (std::size_t pos = 0; pos <= content.size();) {
    auto next = content.find(' ', pos);
    if (next == std::string_view::npos) {
      next = content.size();
    }
    tokens.push_back(content.substr(pos, next - pos));
    pos = next + 1;
  }
  if (tokens.size() < 2) {
    fail("a record needs a sequence number and a type");
  }
  const auto seq = to_u64(tokens[0]);
  if (!seq || tokens[0].size() > 1 + (tokens[0][0] == '0' ? 0 : 19)) {
    fail(fmt::format("malformed sequence number '{}'", tokens[0].substr(0, 24)));
  }
  if (*seq != expected_seq) {
    fail(fmt::format("sequence number {} where {} was expected (a line was lost or repeated)", *seq,
                     expected_seq));
  }
  if (!is_lower_word(tokens[1], false)) {
    fail(fmt::format("malformed record type '{}'", tokens[1].substr(0, 40)));
  }
  std::map<std::string, std::string> fields;
  for (std::size_t i = 2; i < tokens.size(); ++i) {
    const auto eq = tokens[i].find('=');
    const auto key = tokens[i].substr(0, eq);
    if (eq == std::string_view::npos || !is_lower_word(key, true)) {
      fail(fmt::format("malformed field '{}' (expected key=value)", tokens[i].substr(0, 40)));
    }
    if (!fields.emplace(std::string(key), decode_value(key, tokens[i].substr(eq + 1))).second) {
      fail(fmt::format("duplicate field '{}'", key));
    }
  }
  return Record(tokens[1], std::move(fields));
}

std::optional<GuestStatus> status_from(std::string_view s) {
  for (const auto st : { GuestStatus::pending, GuestStatus::ok, GuestStatus::correctness_fail,
                         GuestStatus::bench_fail, GuestStatus::probe }) {
    if (guest_status_name(st) == s) {
      return st;
    }
  }
  return std::nullopt;
}

// Accumulates records into a GuestResult, enforcing the per-type rules.
class Builder {
public:
  explicit Builder(GuestResult& result) : m_r(result) {}

  // Apply one record (index = its 0-based sequence number).
  void apply(const Record& rec, std::uint64_t index) {
    if (index == 0) {
      return begin(rec);
    }
    const auto& t = rec.type();
    if (t == "begin") {
      fail("a second begin record");
    } else if (t == "status") {
      status(rec);
    } else if (t == "meta") {
      meta(rec);
    } else if (t == "param") {
      param(rec);
    } else if (t == "vmas") {
      vmas(rec);
    } else if (t == "ksm") {
      ksm(rec);
    } else if (t == "trace") {
      trace(rec);
    } else {
      apply_sample(rec);
    }
  }

  // Check the end record against the lines that precede it.
  void end(const Record& rec, std::uint64_t index, std::uint32_t stream_crc) {
    if (rec.u64("records") != index) {
      fail(
        fmt::format("end record counts {} records but {} precede it", rec.u64("records"), index));
    }
    if (rec.text("crc") != fmt::format("{:08x}", stream_crc)) {
      fail(fmt::format("end record checksum {} does not match the stream's {:08x}",
                       rec.text("crc").substr(0, 16), stream_crc));
    }
    if (m_r.status == GuestStatus::pending) {
      fail("end marker without a final status");
    }
    m_r.complete = true;
  }

private:
  void apply_sample(const Record& rec) {
    const auto& t = rec.type();
    if (t == "walk") {
      walk(rec);
    } else if (t == "rmap_walk") {
      rmap_walk(rec);
    } else if (t == "lock_hold") {
      m_r.lock_holds.push_back(
        { rec.walk("walk", walks()), rec.u64("ns"), rec.u64("iterations"), rec.u64("pfn") });
    } else if (t == "victim") {
      m_r.victim_samples.push_back({ rec.walk("walk", walks()), rec.u64("ns") });
    } else if (t == "victim_summary") {
      victim_summary(rec);
    } else if (t == "victim_reservoir") {
      victim_reservoir(rec);
    } else if (t == "trace_loss") {
      trace_loss(rec);
    } else if (t == "check") {
      check(rec);
    } else if (t == "warn" || t == "error") {
      m_r.warnings.push_back(t + ": " + rec.text("text"));
    } else if (t == "probe") {
      probe(rec);
    } else {
      fail(fmt::format("unknown record type '{}'", t.substr(0, 40)));
    }
  }

  std::uint64_t walks() const { return m_r.parameters ? m_r.parameters->walks : 0; }

  void once(const std::string& what) {
    if (!m_seen.insert(what).second) {
      fail(fmt::format("duplicate '{}' record", what));
    }
  }

  void begin(const Record& rec) {
    if (rec.type() != "begin") {
      fail(fmt::format("the first record must be 'begin', not '{}'", rec.type().substr(0, 40)));
    }
    if (rec.text("magic") != k_magic) {
      fail(fmt::format("begin record has magic '{}', expected '{}'",
                       rec.text("magic").substr(0, 40), k_magic));
    }
    const auto v = rec.u64("version");
    if (v != k_result_channel_version) {
      fail(fmt::format("unsupported result channel version {} (this kbench reads {})", v,
                       k_result_channel_version));
    }
    m_r.version = static_cast<int>(v);
  }

  void status(const Record& rec) {
    const auto st = status_from(rec.text("state"));
    if (!st) {
      fail(fmt::format("unknown status '{}'", rec.text("state").substr(0, 40)));
    }
    if (m_final) {
      fail(fmt::format("status '{}' after the final status '{}'", rec.text("state"),
                       guest_status_name(m_r.status)));
    }
    if (*st == GuestStatus::ok && m_failed_check) {
      fail("status 'ok' contradicts a failed correctness check");
    }
    m_final = *st != GuestStatus::pending;
    m_r.status = *st;
    m_r.error = rec.maybe_text("error").value_or("");
  }

  void meta(const Record& rec) {
    for (const auto& [k, v] : rec.fields()) {
      if (!m_r.metadata.emplace(k, v).second) {
        fail(fmt::format("duplicate metadata key '{}'", k));
      }
    }
  }

  void param(const Record& rec) {
    once("param");
    GuestParameters p;
    p.mode = rec.text("mode");
    p.vmas = rec.u64("vmas");
    p.dup_pages = rec.u64("dup_pages");
    p.walks = rec.u64("walks");
    p.trigger = rec.text("trigger");
    p.seed = rec.u64("seed");
    p.victim = rec.u64("victim");
    p.merge_timeout_s = rec.u64("merge_timeout_s");
    p.trace = rec.maybe_text("trace").value_or("");
    if (p.walks == 0 || p.walks > k_max_walks) {
      fail(fmt::format("param walks={} out of range [1, {}]", p.walks, k_max_walks));
    }
    m_r.parameters = std::move(p);
  }

  void vmas(const Record& rec) {
    once("vmas");
    m_r.vmas = VmaCount{ rec.u64("requested"), rec.u64("real") };
  }

  void ksm(const Record& rec) {
    const auto& phase = rec.text("phase");
    if (phase != "merged" && phase != "final") {
      fail(fmt::format("unknown ksm phase '{}'", phase.substr(0, 40)));
    }
    once("ksm " + phase);
    KsmCounters k{ rec.u64("pages_shared"), rec.u64("pages_sharing"), rec.u64("full_scans"),
                   rec.maybe_u64("merge_ns") };
    (phase == "merged" ? m_r.ksm_merged : m_r.ksm_final) = k;
  }

  void trace(const Record& rec) {
    once("trace");
    const auto& m = rec.text("method");
    for (const auto method : { MeasurementMethod::none, MeasurementMethod::layer,
                               MeasurementMethod::tracepoint, MeasurementMethod::function_graph }) {
      if (measurement_method_name(method) == m) {
        m_r.method = method;
      }
    }
    if (m_r.method == MeasurementMethod::unknown) {
      fail(fmt::format("unknown measurement method '{}'", m.substr(0, 40)));
    }
  }

  void walk(const Record& rec) {
    const auto index = rec.walk("index", walks());
    const bool holds = flag(rec, "holds_timed");
    once(fmt::format("walk index={} holds_timed={}", index, holds ? 1 : 0));
    m_r.walks.push_back({ index, rec.u64("trigger_ns"), rec.i64("target_node"), holds });
  }

  void rmap_walk(const Record& rec) {
    m_r.rmap_walks.push_back({ rec.walk("walk", walks()), rec.u64("ns"),
                               rec.maybe_u64("rmap_items"), rec.maybe_u64("iterations"),
                               rec.maybe_u64("pfn"), flag(rec, "holds_timed"),
                               rec.maybe_u64("holds"), rec.maybe_u64("holds_lost") });
  }

  // Return the 0/1 field `key` of `rec` (absent: 0, as in captures from before it existed).
  bool flag(const Record& rec, const std::string& key) {
    const auto value = rec.maybe_u64(key);
    if (value && *value > 1) {
      fail(fmt::format("field {}={} must be 0 or 1", key, *value));
    }
    return value.value_or(0) == 1;
  }

  void victim_summary(const Record& rec) {
    const auto w = rec.walk("walk", walks());
    once(fmt::format("victim_summary walk={}", w));
    m_r.victim_summaries.push_back({ w, rec.u64("count"), rec.u64("max_ns"), rec.u64("sum_ns") });
  }

  void victim_reservoir(const Record& rec) {
    once("victim_reservoir");
    m_r.victim_reservoir = VictimReservoir{ rec.u64("capacity"), rec.u64("kept"), rec.u64("seen") };
    if (m_r.victim_reservoir->kept != m_r.victim_samples.size()) {
      fail(fmt::format("victim_reservoir says kept={} but {} victim samples precede it",
                       m_r.victim_reservoir->kept, m_r.victim_samples.size()));
    }
  }

  void trace_loss(const Record& rec) {
    const auto w = rec.walk("walk", walks());
    const bool holds = flag(rec, "holds_timed");
    once(fmt::format("trace_loss walk={} holds_timed={}", w, holds ? 1 : 0));
    m_r.trace_losses.push_back({ w, rec.u64("overrun"), rec.u64("dropped"), holds });
  }

  void check(const Record& rec) {
    const auto& ok = rec.text("ok");
    if (ok != "0" && ok != "1") {
      fail(fmt::format("check field ok='{}' must be 0 or 1", ok.substr(0, 40)));
    }
    CorrectnessCheck c{ rec.walk("walk", walks()), rec.text("name"), ok == "1", std::nullopt,
                        rec.maybe_text("detail").value_or("") };
    if (rec.fields().count("page")) {
      c.page = rec.i64("page");
    }
    if (!c.ok && m_r.status == GuestStatus::ok) {
      fail("failed correctness check after status 'ok'");
    }
    m_failed_check = m_failed_check || !c.ok;
    m_r.checks.push_back(std::move(c));
  }

  void probe(const Record& rec) {
    once("probe");
    m_r.probe = rec.fields();
  }

  GuestResult& m_r;
  std::set<std::string> m_seen;
  bool m_final = false;
  bool m_failed_check = false;
};

// Walks the capture line by line; stops at the first error.
class ChannelParser {
public:
  ChannelParser(std::string_view bytes, const ChannelLimits& limits)
    : m_bytes(bytes), m_limits(limits) {}

  ChannelParse run() {
    ChannelParse out;
    if (m_bytes.size() > m_limits.max_capture_bytes) {
      out.error = ChannelError{ 0, fmt::format("capture is {} bytes, more than the limit of {}",
                                               m_bytes.size(), m_limits.max_capture_bytes) };
      return out;
    }
    Builder builder(out.result);
    try {
      parse_lines(builder, out.result);
    } catch (const LineError& e) {
      out.error = ChannelError{ m_line, e.message };
    }
    return out;
  }

private:
  void parse_lines(Builder& builder, GuestResult& result) {
    std::size_t pos = 0;
    std::uint32_t stream_crc = 0;
    while (pos < m_bytes.size()) {
      if (result.complete) {
        check_drain_trailer(m_bytes.substr(pos));
        break;
      }
      ++m_line;
      if (m_line > m_limits.max_records) {
        fail(fmt::format("more than {} records", m_limits.max_records));
      }
      const auto nl = m_bytes.find('\n', pos);
      const auto len = (nl == std::string_view::npos ? m_bytes.size() : nl + 1) - pos;
      if (len > m_limits.max_line_bytes) {
        fail(fmt::format("line longer than {} bytes", m_limits.max_line_bytes));
      }
      if (nl == std::string_view::npos) {
        fail("incomplete last line (no newline): the capture is truncated");
      }
      const auto line = m_bytes.substr(pos, nl - pos);
      const auto seq = m_line - 1;
      const Record rec = decode_line(line, seq);
      if (rec.type() == "end" && seq > 0) {
        builder.end(rec, seq, stream_crc);
      } else {
        builder.apply(rec, seq);
        result.record_count = seq + 1;
      }
      stream_crc = crc32_of(stream_crc, m_bytes.substr(pos, len));
      pos += len;
    }
    if (!result.complete) {
      ++m_line;
      fail(m_line == 1 ? "empty capture: the guest wrote nothing (no begin record)"
                       : fmt::format("truncated: no end marker (the run did not finish; last "
                                     "status '{}')",
                                     guest_status_name(result.status)));
    }
  }

  // Accept what follows the end marker only when it is the drain trailer:
  // newline bytes, at most k_max_drain_trailer_bytes of them.
  void check_drain_trailer(std::string_view rest) {
    ++m_line;
    if (rest.find_first_not_of('\n') != std::string_view::npos) {
      fail("data after the end marker");
    }
    if (rest.size() > k_max_drain_trailer_bytes) {
      fail(fmt::format("{} newline bytes after the end marker, more than the drain trailer's {}",
                       rest.size(), k_max_drain_trailer_bytes));
    }
  }

  std::string_view m_bytes;
  ChannelLimits m_limits;
  std::size_t m_line = 0;
};

} // namespace

std::string_view guest_status_name(GuestStatus status) {
  switch (status) {
    case GuestStatus::pending:
      return "pending";
    case GuestStatus::ok:
      return "ok";
    case GuestStatus::correctness_fail:
      return "correctness_fail";
    case GuestStatus::bench_fail:
      return "bench_fail";
    case GuestStatus::probe:
      return "probe";
  }
  return "unknown";
}

std::string_view measurement_method_name(MeasurementMethod method) {
  switch (method) {
    case MeasurementMethod::unknown:
      return "unknown";
    case MeasurementMethod::none:
      return "none";
    case MeasurementMethod::layer:
      return "layer";
    case MeasurementMethod::tracepoint:
      return "tracepoint";
    case MeasurementMethod::function_graph:
      return "function_graph";
  }
  return "unknown";
}

ChannelParse parse_result_channel_lenient(std::string_view bytes, const ChannelLimits& limits) {
  return ChannelParser(bytes, limits).run();
}

GuestResult parse_result_channel(std::string_view bytes, const ChannelLimits& limits) {
  auto parsed = parse_result_channel_lenient(bytes, limits);
  if (parsed.error) {
    const auto where =
      parsed.error->line == 0 ? std::string("capture") : fmt::format("line {}", parsed.error->line);
    throw Error(ExitCode::run_failed,
                fmt::format("result channel {}: {}", where, parsed.error->message));
  }
  return std::move(parsed.result);
}

GuestResult read_result_channel(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    throw Error(ExitCode::infra,
                fmt::format("cannot stat result capture {}: {}", path.string(), ec.message()));
  }
  if (size > k_max_capture_bytes) {
    throw Error(ExitCode::run_failed,
                fmt::format("result capture {} is {} bytes, more than the limit of {}",
                            path.string(), size, k_max_capture_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!in || !in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
    throw Error(ExitCode::infra, fmt::format("cannot read result capture {}", path.string()));
  }
  try {
    return parse_result_channel(bytes);
  } catch (const Error& e) {
    throw Error(e.code(), fmt::format("{}: {}", path.string(), e.what()));
  }
}

bool result_channel_complete(std::string_view bytes) noexcept {
  try {
    const auto last = bytes.find_last_not_of('\n');
    if (last == std::string_view::npos || last + 1 == bytes.size() ||
        bytes.size() - last - 2 > k_max_drain_trailer_bytes) {
      return false;
    }
    const auto body = bytes.substr(0, last + 1);
    const auto start = body.rfind('\n');
    const auto line = start == std::string_view::npos ? body : body.substr(start + 1);
    const auto space = line.find(' ');
    if (space == std::string_view::npos || line.size() > k_max_line_bytes) {
      return false;
    }
    const auto seq = to_u64(line.substr(0, space));
    return seq && *seq > 0 && decode_line(line, *seq).type() == "end";
  } catch (...) {
    return false;
  }
}

std::string frame_result_line(std::uint64_t seq, std::string_view body) {
  const auto content = fmt::format("{} {}", seq, body);
  return fmt::format("{} #{:08x}\n", content, crc32_of(0, content));
}

std::string make_result_capture(const std::vector<std::string>& bodies, bool with_end) {
  std::string out;
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    out += frame_result_line(i, bodies[i]);
  }
  if (with_end) {
    out += frame_result_line(
      bodies.size(), fmt::format("end records={} crc={:08x}", bodies.size(), crc32_of(0, out)));
  }
  return out;
}

std::string escape_result_value(std::string_view text) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c > 0x20 && c < 0x7f && c != '%') {
      out.push_back(ch);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

} // namespace kbench::bench
