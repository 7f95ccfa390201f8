// The guest's result channel: parse what init and rmap_benchmark wrote on the
// virtio-serial port "kbench.results" (format: docs/result-channel.md).
// Guest output is untrusted: every malformed input is reported with the line
// number and what was wrong, never with a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kbench::bench {

// The format version this parser reads (the "version=" of the begin record).
inline constexpr int k_result_channel_version = 1;
// Upper bound on a capture; larger inputs are rejected before parsing.
inline constexpr std::size_t k_max_capture_bytes = std::size_t{ 256 } << 20;
// Upper bound on one framed line, '\n' included.
inline constexpr std::size_t k_max_line_bytes = 4096;
// Upper bound on the number of lines (records) in one capture.
inline constexpr std::size_t k_max_records = 4'000'000;
// Upper bound on the drain trailer: the newline bytes init writes after the end
// marker as a barrier before power-off (guest/init.c port_drain; 256 today).
inline constexpr std::size_t k_max_drain_trailer_bytes = 4096;
// Upper bound on a walk index (the guest accepts walks <= 10000).
inline constexpr std::uint32_t k_max_walks = 10'000;

// How the guest run ended, from the last status record.
enum class GuestStatus { pending, ok, correctness_fail, bench_fail, probe };

// How the guest measured the rmap walks.
// layer: kbench's measurement layer (patches/measurement, kbench:* events);
// tracepoint: the ksm:* tracepoints of the instrumentation patch kbench used
// before the layer (read in recorded captures only).
enum class MeasurementMethod { unknown, none, layer, tracepoint, function_graph };

// Return the channel spelling of `status` ("pending", "ok", "correctness_fail", ...).
std::string_view guest_status_name(GuestStatus status);

// Return the channel spelling of `method` ("layer", "function_graph", ...).
std::string_view measurement_method_name(MeasurementMethod method);

// The benchmark parameters as the guest understood them (record "param").
struct GuestParameters {
  std::string mode;
  std::uint64_t vmas = 0;
  std::uint64_t dup_pages = 0;
  std::uint64_t walks = 0;
  std::string trigger;
  std::uint64_t seed = 0;
  std::uint64_t victim = 0;
  std::uint64_t merge_timeout_s = 0;
  std::string trace; // requested method: auto | layer | function_graph | none ("" if absent)
};

// Requested and real (from /proc/self/maps) VMA count of the region (record "vmas").
struct VmaCount {
  std::uint64_t requested = 0;
  std::uint64_t real = 0;
};

// KSM counters from /sys/kernel/mm/ksm (record "ksm", phase merged or final).
struct KsmCounters {
  std::uint64_t pages_shared = 0;
  std::uint64_t pages_sharing = 0;
  std::uint64_t full_scans = 0;
  std::optional<std::uint64_t> merge_ns; // only in phase=merged
};

// One trigger of rmap walks (record "walk"): its wall time and target node
// (-1: n/a). With the measurement layer each walk index is triggered twice:
// with lock-hold timing off (the walk durations) and on (the lock holds).
struct WalkTrigger {
  std::uint32_t index = 0;
  std::uint64_t trigger_ns = 0;
  std::int64_t target_node = -1;
  bool holds_timed = false;
};

// One rmap_walk_ksm call (record "rmap_walk"). With method=layer, holds_timed
// says whether lock-hold timing was on during it; the counters are set only
// then (rmap_items, iterations, holds) or with method=tracepoint.
struct RmapWalkSample {
  std::uint32_t walk = 0;
  std::uint64_t duration_ns = 0;
  std::optional<std::uint64_t> rmap_items;
  std::optional<std::uint64_t> iterations;
  std::optional<std::uint64_t> pfn;
  bool holds_timed = false;
  std::optional<std::uint64_t> holds;      // lock holds recorded (method=layer, holds_timed)
  std::optional<std::uint64_t> holds_lost; // lock holds beyond the kernel's buffer
};

// One anon_vma read-lock hold inside rmap_walk_ksm (record "lock_hold").
struct LockHoldSample {
  std::uint32_t walk = 0;
  std::uint64_t hold_ns = 0;
  std::uint64_t iterations = 0;
  std::uint64_t pfn = 0;
};

// One victim operation's latency (record "victim"; a reservoir, see VictimReservoir).
struct VictimSample {
  std::uint32_t walk = 0;
  std::uint64_t stall_ns = 0;
};

// Exact per-walk victim figures (record "victim_summary").
struct VictimSummary {
  std::uint32_t walk = 0;
  std::uint64_t count = 0;
  std::uint64_t max_ns = 0;
  std::uint64_t sum_ns = 0;
};

// How many victim samples were seen and how many were kept (record "victim_reservoir").
struct VictimReservoir {
  std::uint64_t capacity = 0;
  std::uint64_t kept = 0;
  std::uint64_t seen = 0;
};

// Trace events lost during one trigger, summed over CPUs (record "trace_loss").
struct TraceLoss {
  std::uint32_t walk = 0;
  std::uint64_t overrun = 0;
  std::uint64_t dropped = 0;
  bool holds_timed = false;
};

// One correctness check after a walk (record "check").
struct CorrectnessCheck {
  std::uint32_t walk = 0;
  std::string name; // node | content
  bool ok = false;
  std::optional<std::int64_t> page; // failing dup page number
  std::string detail;
};

// Everything one guest run reported.
struct GuestResult {
  int version = 0;
  GuestStatus status = GuestStatus::pending;   // the LAST status record
  std::string error;                           // error text of the final status
  std::map<std::string, std::string> metadata; // "meta" records: kernel_release, clocksource, ...
  std::optional<GuestParameters> parameters;
  std::optional<VmaCount> vmas;
  std::optional<KsmCounters> ksm_merged;
  std::optional<KsmCounters> ksm_final;
  MeasurementMethod method = MeasurementMethod::unknown;
  std::vector<WalkTrigger> walks;
  std::vector<RmapWalkSample> rmap_walks;
  std::vector<LockHoldSample> lock_holds;
  std::vector<VictimSample> victim_samples;
  std::vector<VictimSummary> victim_summaries;
  std::optional<VictimReservoir> victim_reservoir;
  std::vector<TraceLoss> trace_losses;
  std::vector<CorrectnessCheck> checks;
  std::vector<std::string> warnings;                       // "warn" and "error" record texts
  std::optional<std::map<std::string, std::string>> probe; // the "probe" record's fields
  std::size_t record_count = 0; // valid records read (end excluded), also when truncated
  bool complete = false;        // the end marker arrived and its count and checksum match
};

// The bounds a parse enforces on untrusted input (defaults: the k_max_* constants).
struct ChannelLimits {
  std::size_t max_capture_bytes = k_max_capture_bytes;
  std::size_t max_line_bytes = k_max_line_bytes;
  std::size_t max_records = k_max_records;
};

// Where and why a capture is invalid; line is 1-based (0: the capture as a whole).
struct ChannelError {
  std::size_t line = 0;
  std::string message;
};

// The outcome of a lenient parse: what was read up to the first error, and that error.
struct ChannelParse {
  GuestResult result;
  std::optional<ChannelError> error;
};

// Parse a capture and return everything valid up to the first error (or the end).
// Never throws except std::bad_alloc; a capture without the end marker yields the
// error "truncated" and result.complete == false (the run died: see result.status).
ChannelParse parse_result_channel_lenient(std::string_view bytes, const ChannelLimits& limits = {});

// Parse a complete capture; throw kbench::Error(ExitCode::run_failed) naming the line
// and the problem when it is malformed, truncated, or fails its checks.
GuestResult parse_result_channel(std::string_view bytes, const ChannelLimits& limits = {});

// Read the capture file at `path` (at most k_max_capture_bytes) and parse it as
// parse_result_channel does; I/O errors throw kbench::Error(ExitCode::infra).
GuestResult read_result_channel(const std::filesystem::path& path);

// Return true when the capture's last line is a well-framed end marker, possibly
// followed by the drain trailer (the guest finished writing); cheap, meant for
// polling a growing capture file.
bool result_channel_complete(std::string_view bytes) noexcept;

// Return the framed line for `seq` and `body` ("<seq> <body> #<crc32>\n"), as init writes it.
std::string frame_result_line(std::uint64_t seq, std::string_view body);

// Return a capture of `bodies` framed with sequence numbers and line checksums, plus the
// end marker when `with_end` (bodies[0] should be the begin record); for tests and fakes.
std::string make_result_capture(const std::vector<std::string>& bodies, bool with_end = true);

// Return `text` percent-escaped as a channel value (inverse of the parser's decoding).
std::string escape_result_value(std::string_view text);

} // namespace kbench::bench
