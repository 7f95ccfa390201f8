/* rmap_benchmark: many VMAs sharing one anon_vma, one KSM page mapped from
 * dup_pages of them, and timed rmap walks of that KSM page (migrate, compact
 * or swap), measured in the kernel by kbench's measurement layer (the
 * kbench:kbench_rmap_walk{,_lock} events, patches/measurement) or
 * function_graph, with a victim thread contending for the anon_vma lock and a
 * correctness check after every walk. With the layer, every recorded walk
 * trigger runs twice: once with lock-hold timing off (the walk durations),
 * once with it on (the lock holds and their iteration counts), so that timing
 * the holds never inflates the walk figures.
 *
 * Arguments: key=value (vmas, dup_pages, walks, trigger, seed, victim,
 * merge_timeout_s; mode is accepted and ignored). Output: result-channel
 * record bodies on stdout, one per line (init frames them), diagnostics on
 * stderr. Exit 0 = ok, 2 = correctness failure, 1 = benchmark failure.
 * See docs/result-channel.md and guest/README.md.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kbench_record.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#define KB_MPOL_MF_MOVE_ALL (1 << 2)
#define TRACE_DIR "/sys/kernel/tracing"
#define HOLD_TIMING "/sys/kernel/debug/kbench/hold_timing"
#define KSM_DIR "/sys/kernel/mm/ksm"
#define VICTIM_RESERVOIR 100000
#define MAX_WALKS 10000

enum trigger { TRIGGER_MIGRATE, TRIGGER_COMPACT, TRIGGER_SWAP };
enum method { METHOD_NONE, METHOD_LAYER, METHOD_FUNCTION_GRAPH };
static const char* const k_trigger_names[] = { "migrate", "compact", "swap" };
static const char* const k_method_names[] = { "none", "layer", "function_graph" };

struct params {
  unsigned long vmas, dup_pages, walks, seed, victim, merge_timeout_s, isolate, victim_pause_us,
    warmup;
  enum trigger trigger;
  const char* trace; /* auto | layer | function_graph | none */
};

static struct params g_p = { 20000, 256, 5, 1, 1, 120, 1, 0, 1, TRIGGER_MIGRATE, "auto" };
static size_t g_page;
static size_t g_npages;
static unsigned char* g_region;
static unsigned long* g_dup_index; /* page index of every dup page */
static unsigned char* g_pattern;   /* expected content of the dup pages */
static enum method g_method;
static int g_hold_timing; /* the layer's lock-hold timing can be switched on */

/* ---- output ------------------------------------------------------------ */

static void out(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
}

static void diag(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("rmap_benchmark: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static void emit_text(const char* type, int code, const char* fmt, va_list ap) {
  char text[1024], esc[3 * sizeof text];
  vsnprintf(text, sizeof text, fmt, ap);
  diag("%s: %s", type, text);
  kb_escape(esc, sizeof esc, text);
  out("%s text=%s", type, esc);
  if (code >= 0) {
    fflush(stdout);
    exit(code);
  }
}

/* Report a benchmark failure and exit 1. */
static void die(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  emit_text("error", 1, fmt, ap);
  va_end(ap);
}

/* Report a correctness failure and exit 2. */
static void die_correctness(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  emit_text("error", 2, fmt, ap);
  va_end(ap);
}

static void warn(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  emit_text("warn", -1, fmt, ap);
  va_end(ap);
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- sysfs helpers --------------------------------------------------- */

static int write_str(const char* path, const char* value) {
  int fd = open(path, O_WRONLY | O_CLOEXEC | O_TRUNC);
  if (fd < 0)
    return -1;
  ssize_t n = write(fd, value, strlen(value));
  int saved = errno;
  close(fd);
  errno = saved;
  return n == (ssize_t)strlen(value) ? 0 : -1;
}

static int write_ul(const char* path, unsigned long v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lu", v);
  return write_str(path, buf);
}

static long read_long(const char* path) {
  char buf[64] = "";
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  buf[n > 0 ? n : 0] = '\0';
  return n > 0 ? strtol(buf, NULL, 10) : -1;
}

/* Read a whole (pseudo) file into a malloc'ed NUL-terminated buffer. */
static char* slurp(const char* path, size_t* len_out) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  size_t cap = 1 << 16, len = 0;
  char* buf = malloc(cap);
  for (;;) {
    if (len + 4096 + 1 > cap) {
      cap *= 2;
      buf = realloc(buf, cap);
    }
    ssize_t n = read(fd, buf + len, cap - len - 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    len += (size_t)n;
  }
  close(fd);
  buf[len] = '\0';
  if (len_out)
    *len_out = len;
  return buf;
}

static int exists(const char* path) {
  return access(path, F_OK) == 0;
}

/* ---- parameters ----------------------------------------------------------- */

static unsigned long parse_ul(const char* key, const char* v) {
  char* end;
  errno = 0;
  unsigned long x = strtoul(v, &end, 10);
  if (errno || end == v || *end || *v == '-')
    die("invalid value for %s: '%s'", key, v);
  return x;
}

static void parse_args(int argc, char** argv) {
  for (int i = 1; i < argc; i++) {
    char* eq = strchr(argv[i], '=');
    if (!eq)
      die("argument '%s' is not key=value", argv[i]);
    *eq = '\0';
    const char *k = argv[i], *v = eq + 1;
    if (!strcmp(k, "vmas"))
      g_p.vmas = parse_ul(k, v);
    else if (!strcmp(k, "dup_pages"))
      g_p.dup_pages = parse_ul(k, v);
    else if (!strcmp(k, "walks"))
      g_p.walks = parse_ul(k, v);
    else if (!strcmp(k, "seed"))
      g_p.seed = parse_ul(k, v);
    else if (!strcmp(k, "victim"))
      g_p.victim = parse_ul(k, v);
    else if (!strcmp(k, "victim_pause_us"))
      g_p.victim_pause_us = parse_ul(k, v);
    else if (!strcmp(k, "warmup"))
      g_p.warmup = parse_ul(k, v);
    else if (!strcmp(k, "isolate"))
      g_p.isolate = parse_ul(k, v);
    else if (!strcmp(k, "merge_timeout_s"))
      g_p.merge_timeout_s = parse_ul(k, v);
    else if (!strcmp(k, "trace")) {
      if (strcmp(v, "auto") && strcmp(v, "layer") && strcmp(v, "function_graph") &&
          strcmp(v, "none"))
        die("invalid trace '%s' (expected auto, layer, function_graph or none)", v);
      g_p.trace = v;
    } else if (!strcmp(k, "trigger")) {
      int found = 0;
      for (int t = 0; t < 3; t++)
        if (!strcmp(v, k_trigger_names[t])) {
          g_p.trigger = (enum trigger)t;
          found = 1;
        }
      if (!found)
        die("invalid trigger '%s' (expected migrate, compact or swap)", v);
    } else if (strcmp(k, "mode") != 0)
      die("unknown parameter kbench.%s", k);
  }
  if (g_p.vmas < 4 || g_p.vmas > 10000000)
    die("vmas=%lu out of range [4, 10000000]", g_p.vmas);
  if (g_p.dup_pages < 2 || g_p.dup_pages > g_p.vmas / 2)
    die("dup_pages=%lu out of range [2, vmas/2=%lu]", g_p.dup_pages, g_p.vmas / 2);
  if (g_p.walks < 1 || g_p.walks > MAX_WALKS)
    die("walks=%lu out of range [1, %d]", g_p.walks, MAX_WALKS);
  if (g_p.victim > 1)
    die("victim=%lu must be 0 or 1", g_p.victim);
  if (g_p.warmup > 10)
    die("warmup=%lu out of range [0, 10]", g_p.warmup);
  if (g_p.isolate > 1)
    die("isolate=%lu must be 0 or 1", g_p.isolate);
  out("param mode=bench vmas=%lu dup_pages=%lu walks=%lu trigger=%s seed=%lu victim=%lu "
      "merge_timeout_s=%lu trace=%s",
      g_p.vmas, g_p.dup_pages, g_p.walks, k_trigger_names[g_p.trigger], g_p.seed, g_p.victim,
      g_p.merge_timeout_s, g_p.trace);
}

/* ---- the region --------------------------------------------------------- */

static unsigned char* page_at(unsigned long i) {
  return g_region + i * g_page;
}

/* Page i gets PROT_READ|PROT_WRITE when even, PROT_READ when odd; the last
 * page (index vmas) belongs to the VMA of page vmas-1 and is the victim's. */
static int prot_of(unsigned long i) {
  if (i >= g_p.vmas)
    i = g_p.vmas - 1;
  return (i % 2) ? PROT_READ : PROT_READ | PROT_WRITE;
}

static uint64_t xorshift(uint64_t* s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static void fill_region(void) {
  uint64_t s = g_p.seed * 0x9E3779B97F4A7C15ull + 1;
  g_pattern = malloc(g_page);
  for (size_t o = 0; o < g_page; o += 8) {
    uint64_t v = xorshift(&s);
    memcpy(g_pattern + o, &v, 8);
  }
  g_dup_index = calloc(g_p.dup_pages, sizeof *g_dup_index);
  for (unsigned long j = 0; j < g_p.dup_pages; j++)
    g_dup_index[j] = 2 * (j * (g_p.vmas / 2) / g_p.dup_pages);
  unsigned long next = 0;
  for (unsigned long i = 0; i < g_npages; i++) {
    if (next < g_p.dup_pages && g_dup_index[next] == i) {
      memcpy(page_at(i), g_pattern, g_page);
      next++;
    } else {
      uint64_t hdr[2] = { 0x6b62656e6368ull ^ g_p.seed, i + 1 };
      memcpy(page_at(i), hdr, sizeof hdr);
    }
  }
}

static unsigned long count_region_vmas(void) {
  char* maps = slurp("/proc/self/maps", NULL);
  unsigned long n = 0;
  uintptr_t lo = (uintptr_t)g_region, hi = lo + g_npages * g_page;
  if (!maps)
    die("cannot read /proc/self/maps: %s", strerror(errno));
  for (char* line = maps; *line;) {
    uintptr_t a = 0, b = 0;
    if (sscanf(line, "%lx-%lx", &a, &b) == 2 && a >= lo && b <= hi)
      n++;
    char* nl = strchr(line, '\n');
    if (!nl)
      break;
    line = nl + 1;
  }
  free(maps);
  return n;
}

static void setup_region(void) {
  g_page = (size_t)sysconf(_SC_PAGESIZE);
  g_npages = g_p.vmas + 1;
  long cur = read_long("/proc/sys/vm/max_map_count");
  if (cur >= 0 && (unsigned long)cur < g_p.vmas * 2 + 10000 &&
      write_ul("/proc/sys/vm/max_map_count", g_p.vmas * 2 + 10000) != 0)
    warn("cannot raise vm.max_map_count from %ld: %s", cur, strerror(errno));
  size_t len = g_npages * g_page;
  unsigned char* res =
    mmap(NULL, len + 2 * g_page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (res == MAP_FAILED)
    die("mmap reservation of %zu bytes: %s", len, strerror(errno));
  g_region =
    mmap(res + g_page, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  if (g_region == MAP_FAILED)
    die("mmap of the region (%zu bytes): %s", len, strerror(errno));
  fill_region(); /* faults every page in: one VMA, one anon_vma */
  if (madvise(g_region, len, MADV_MERGEABLE) != 0)
    die("madvise(MADV_MERGEABLE): %s (CONFIG_KSM?)", strerror(errno));
  for (unsigned long i = 1; i < g_p.vmas; i += 2) {
    size_t n = (i == g_p.vmas - 1) ? 2 : 1;
    if (mprotect(page_at(i), n * g_page, PROT_READ) != 0)
      die("mprotect split at page %lu: %s (max_map_count?)", i, strerror(errno));
  }
  unsigned long real = count_region_vmas();
  out("vmas requested=%lu real=%lu pages=%zu", g_p.vmas, real, g_npages);
  diag("region: %lu VMAs (requested %lu)", real, g_p.vmas);
}

/* ---- KSM ------------------------------------------------------------------ */

static void ksm_knob(const char* name, unsigned long v, int must) {
  char path[128];
  snprintf(path, sizeof path, KSM_DIR "/%s", name);
  if (write_ul(path, v) == 0)
    return;
  if (must)
    die("cannot write %lu to %s: %s", v, path, strerror(errno));
  warn("cannot write %lu to %s: %s", v, path, strerror(errno));
}

static long ksm_read(const char* name) {
  char path[128];
  snprintf(path, sizeof path, KSM_DIR "/%s", name);
  return read_long(path);
}

static void ksm_merge(void) {
  if (!exists(KSM_DIR "/run"))
    die("%s is missing (CONFIG_KSM?)", KSM_DIR);
  long mps = ksm_read("max_page_sharing");
  unsigned long want = g_p.dup_pages > 256 ? g_p.dup_pages : 256;
  if (mps < 0 || (unsigned long)mps < want)
    ksm_knob("max_page_sharing", want, 1);
  ksm_knob("pages_to_scan", 10000, 1);
  ksm_knob("sleep_millisecs", 1, 1);
  ksm_knob("run", 1, 1);
  const uint64_t t0 = now_ns(), deadline = t0 + g_p.merge_timeout_s * 1000000000ull;
  long shared = 0, sharing = 0;
  for (;;) {
    shared = ksm_read("pages_shared");
    sharing = ksm_read("pages_sharing");
    if (shared >= 1 && sharing >= (long)g_p.dup_pages - 1)
      break;
    if (now_ns() > deadline) {
      ksm_knob("run", 0, 0);
      die("KSM merge timed out after %lu s: pages_shared=%ld pages_sharing=%ld (want 1 and %lu)",
          g_p.merge_timeout_s, shared, sharing, g_p.dup_pages - 1);
    }
    usleep(20 * 1000);
  }
  const uint64_t merge_ns = now_ns() - t0;
  ksm_knob("run", 0, 1); /* stop scanning, keep the merged pages */
  out("ksm phase=merged pages_shared=%ld pages_sharing=%ld merge_ns=%llu full_scans=%ld", shared,
      sharing, (unsigned long long)merge_ns, ksm_read("full_scans"));
  if (shared != 1)
    warn("pages_shared=%ld, expected 1", shared);
  diag("KSM merged in %.3f s: shared=%ld sharing=%ld", (double)merge_ns / 1e9, shared, sharing);
}

/* ---- tracing -------------------------------------------------------------- */

static int trace_write(const char* file, const char* value) {
  char path[256];
  snprintf(path, sizeof path, TRACE_DIR "/%s", file);
  return write_str(path, value);
}

static void trace_clear(void) {
  int fd = open(TRACE_DIR "/trace", O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd >= 0)
    close(fd);
}

/* Switch the layer's lock-hold timing on or off (between triggers only). */
static void hold_timing(int on) {
  if (write_str(HOLD_TIMING, on ? "1" : "0") != 0)
    die("cannot write %d to %s: %s", on, HOLD_TIMING, strerror(errno));
}

static void setup_tracing(void) {
  const int want_layer = !strcmp(g_p.trace, "auto") || !strcmp(g_p.trace, "layer");
  const int want_fg = !strcmp(g_p.trace, "auto") || !strcmp(g_p.trace, "function_graph");
  g_method = METHOD_NONE;
  if (!strcmp(g_p.trace, "none")) {
    /* measurement disabled on request */
  } else if (!exists(TRACE_DIR "/trace")) {
    warn("tracefs is not available at %s", TRACE_DIR);
  } else if (want_layer && exists(TRACE_DIR "/events/kbench/kbench_rmap_walk/enable") &&
             exists(TRACE_DIR "/events/kbench/kbench_rmap_walk_lock/enable")) {
    trace_write("tracing_on", "0");
    trace_write("current_tracer", "nop");
    if (trace_write("buffer_size_kb", "8192") != 0)
      warn("cannot set buffer_size_kb=8192: %s", strerror(errno));
    if (trace_write("events/kbench/kbench_rmap_walk/enable", "1") == 0 &&
        trace_write("events/kbench/kbench_rmap_walk_lock/enable", "1") == 0)
      g_method = METHOD_LAYER;
    else
      warn("cannot enable the kbench trace events: %s", strerror(errno));
    g_hold_timing = g_method == METHOD_LAYER && exists(HOLD_TIMING);
    if (g_method == METHOD_LAYER && !g_hold_timing)
      warn("%s is missing (CONFIG_DEBUG_FS?): lock holds are not timed", HOLD_TIMING);
    if (g_hold_timing)
      hold_timing(0);
  }
  if (g_method == METHOD_NONE && want_fg && exists(TRACE_DIR "/set_graph_function")) {
    trace_write("tracing_on", "0");
    trace_write("buffer_size_kb", "8192");
    /* hook only rmap_walk_ksm: without set_ftrace_filter every function goes
     * through the graph trampoline, which slows the walk down several times */
    if (trace_write("set_ftrace_filter", "rmap_walk_ksm") == 0 &&
        trace_write("set_graph_function", "rmap_walk_ksm") == 0 &&
        trace_write("max_graph_depth", "1") == 0 &&
        trace_write("current_tracer", "function_graph") == 0)
      g_method = METHOD_FUNCTION_GRAPH;
    else
      warn("function_graph on rmap_walk_ksm unavailable: %s", strerror(errno));
  }
  trace_clear();
  if (g_method != METHOD_NONE)
    trace_write("tracing_on", "1");
  out("trace method=%s hold_timing=%d", k_method_names[g_method], g_hold_timing);
}

static unsigned long long field_ull(const char* s, const char* key) {
  const char* p = strstr(s, key);
  return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

/* Parse the duration (us) of a function_graph line naming rmap_walk_ksm. */
static int graph_duration_ns(const char* line, unsigned long long* ns) {
  const char* us = strstr(line, " us ");
  if (!us || !strstr(line, "rmap_walk_ksm"))
    return 0;
  const char* b = us;
  while (b > line && (b[-1] == '.' || (b[-1] >= '0' && b[-1] <= '9')))
    b--;
  if (b == us)
    return 0;
  *ns = (unsigned long long)(strtod(b, NULL) * 1000.0 + 0.5);
  return 1;
}

static void trace_loss(unsigned long walk, int holds) {
  unsigned long long overrun = 0, dropped = 0;
  DIR* d = opendir(TRACE_DIR "/per_cpu");
  struct dirent* e;
  while (d && (e = readdir(d)) != NULL) {
    char path[300];
    if (strncmp(e->d_name, "cpu", 3) != 0)
      continue;
    snprintf(path, sizeof path, TRACE_DIR "/per_cpu/%s/stats", e->d_name);
    char* st = slurp(path, NULL);
    if (!st)
      continue;
    overrun += field_ull(st, "overrun: ");
    dropped += field_ull(st, "dropped events: ");
    free(st);
  }
  if (d)
    closedir(d);
  out("trace_loss walk=%lu overrun=%llu dropped=%llu holds_timed=%d", walk, overrun, dropped, holds);
}

/* Emit every walk / lock-hold sample of walk `walk`, then clear the buffer.
 * The layer's events say themselves whether hold timing was on. */
static void collect_trace(unsigned long walk, int holds, unsigned long* n_walks,
                          uint64_t* max_walk) {
  *n_walks = 0;
  *max_walk = 0;
  if (g_method == METHOD_NONE)
    return;
  char* buf = slurp(TRACE_DIR "/trace", NULL);
  for (char* line = buf; line && *line;) {
    char* nl = strchr(line, '\n');
    if (nl)
      *nl = '\0';
    const char* ev;
    unsigned long long ns;
    if (line[0] == '#') {
      /* header */
    } else if (g_method == METHOD_LAYER && (ev = strstr(line, "kbench_rmap_walk_lock: "))) {
      out("lock_hold walk=%lu ns=%llu iterations=%llu pfn=%llu", walk, field_ull(ev, "hold_ns="),
          field_ull(ev, "iterations="), field_ull(ev, "pfn="));
    } else if (g_method == METHOD_LAYER && (ev = strstr(line, "kbench_rmap_walk: "))) {
      ns = field_ull(ev, "duration_ns=");
      out("rmap_walk walk=%lu ns=%llu holds_timed=%llu rmap_items=%llu iterations=%llu pfn=%llu "
          "holds=%llu holds_lost=%llu",
          walk, ns, field_ull(ev, "holds_timed="), field_ull(ev, "rmap_items="),
          field_ull(ev, "iterations="), field_ull(ev, "pfn="), field_ull(ev, "holds="),
          field_ull(ev, "holds_lost="));
      ++*n_walks;
      *max_walk = ns > *max_walk ? ns : *max_walk;
    } else if (g_method == METHOD_FUNCTION_GRAPH && graph_duration_ns(line, &ns)) {
      out("rmap_walk walk=%lu ns=%llu", walk, ns);
      ++*n_walks;
      *max_walk = ns > *max_walk ? ns : *max_walk;
    }
    line = nl ? nl + 1 : NULL;
  }
  free(buf);
  trace_loss(walk, holds);
  trace_clear();
}

/* ---- the victim thread --------------------------------------------------------- */

struct victim_walk {
  unsigned long long count, max_ns, sum_ns;
};
static atomic_int g_cur_walk = -1;
static atomic_int g_victim_record; /* record the victim's samples (walk-timed triggers only) */
static atomic_int g_victim_stop;
static struct victim_walk* g_vstat;
static struct {
  uint32_t walk;
  uint64_t ns;
} * g_reservoir;
static unsigned long long g_vseen;

static void victim_record(int walk, uint64_t ns, uint64_t* rng) {
  struct victim_walk* s = &g_vstat[walk];
  s->count++;
  s->sum_ns += ns;
  if (ns > s->max_ns)
    s->max_ns = ns;
  unsigned long long slot = g_vseen++;
  if (slot >= VICTIM_RESERVOIR)
    slot = xorshift(rng) % g_vseen; /* Algorithm R */
  if (slot < VICTIM_RESERVOIR) {
    g_reservoir[slot].walk = (uint32_t)walk;
    g_reservoir[slot].ns = ns;
  }
}

/* ---- placement ---------------------------------------------------------------- */

/* CPU the victim runs on: CPU 0 (the walker has the last one). */
static int g_victim_cpu = -1;

/* Pin the calling thread to `cpu`; return 0 or -1 (warned). */
static int pin_to(int cpu, const char* who) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
  if (rc != 0)
    warn("pin %s to cpu %d: %s", who, cpu, strerror(rc));
  return rc == 0 ? 0 : -1;
}

/* Isolate the walker: with several vCPUs the walker owns the last CPU as
 * SCHED_FIFO and the victim runs on CPU 0, so a lock hold is never stretched by
 * the guest scheduler putting another task (the victim, ksmd, a kworker) on the
 * walker's CPU in the middle of it: both kernels are measured the same way,
 * and what remains is the walk itself. The host boots the guest with
 * nohz_full=<last CPU> and irqaffinity=0, so that (with CONFIG_NO_HZ_FULL)
 * neither the tick nor device interrupts land on the walker's CPU either.
 * RT throttling is off so that a multi-second baseline walk is not parked for
 * 50 ms every second. Records what was done as meta. */
static void isolate_walker(void) {
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  const char* policy = "other";
  int walker_cpu = -1;
  if (g_p.isolate && ncpu >= 2) {
    if (pin_to((int)ncpu - 1, "walker") == 0)
      walker_cpu = (int)ncpu - 1;
    g_victim_cpu = 0;
    if (write_str("/proc/sys/kernel/sched_rt_runtime_us", "-1") != 0)
      warn("cannot disable RT throttling: %s", strerror(errno));
    struct sched_param sp = { .sched_priority = 10 };
    int rc = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
    if (rc == 0)
      policy = "fifo";
    else
      warn("SCHED_FIFO for the walker: %s", strerror(rc));
  }
  out("meta walker_cpu=%d walker_policy=%s victim_cpu=%d online_cpus=%ld warmup_walks=%lu "
      "victim_pause_us=%lu",
      walker_cpu, policy, g_victim_cpu, ncpu, g_p.warmup, g_p.victim_pause_us);
}

/* Toggle the protection of the region's last page: each mprotect splits or
 * re-merges a VMA of the region and so takes the anon_vma lock for write. */
static void* victim_main(void* arg) {
  (void)arg;
  struct sched_param sp = { .sched_priority = 0 };
  pthread_setschedparam(pthread_self(), SCHED_OTHER, &sp); /* not the walker's FIFO */
  if (g_victim_cpu >= 0)
    pin_to(g_victim_cpu, "victim");
  unsigned char* page = page_at(g_p.vmas);
  const int base = prot_of(g_p.vmas),
            other = (base & PROT_WRITE) ? PROT_READ : PROT_READ | PROT_WRITE;
  uint64_t rng = g_p.seed + 12345;
  while (!atomic_load(&g_victim_stop)) {
    int walk = atomic_load(&g_cur_walk);
    if (walk < 0) {
      usleep(100);
      continue;
    }
    uint64_t t0 = now_ns();
    int r1 = mprotect(page, g_page, other);
    uint64_t t1 = now_ns();
    int r2 = mprotect(page, g_page, base);
    uint64_t t2 = now_ns();
    if (r1 != 0 || r2 != 0) {
      diag("victim mprotect failed: %s", strerror(errno));
      break;
    }
    if (atomic_load(&g_victim_record)) {
      victim_record(walk, t1 - t0, &rng);
      victim_record(walk, t2 - t1, &rng);
    }
    if (g_p.victim_pause_us)
      usleep((useconds_t)g_p.victim_pause_us);
  }
  return NULL;
}

static void emit_victim(void) {
  unsigned long long kept = g_vseen < VICTIM_RESERVOIR ? g_vseen : VICTIM_RESERVOIR;
  for (unsigned long long i = 0; i < kept; i++)
    out("victim walk=%u ns=%llu", g_reservoir[i].walk, (unsigned long long)g_reservoir[i].ns);
  for (unsigned long w = 0; w < g_p.walks; w++)
    out("victim_summary walk=%lu count=%llu max_ns=%llu sum_ns=%llu", w, g_vstat[w].count,
        g_vstat[w].max_ns, g_vstat[w].sum_ns);
  out("victim_reservoir capacity=%d kept=%llu seen=%llu", VICTIM_RESERVOIR, kept, g_vseen);
}

/* ---- triggers and checks ------------------------------------------------------- */

static long move_pages_raw(unsigned long count, void** pages, const int* nodes, int* status,
                           int flags) {
  return syscall(SYS_move_pages, 0, count, pages, nodes, status, flags);
}

static void check(unsigned long walk, const char* name, int ok, long page, const char* fmt, ...) {
  char detail[512] = "", esc[3 * sizeof detail];
  if (fmt) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
  }
  kb_escape(esc, sizeof esc, detail);
  if (ok)
    out("check walk=%lu name=%s ok=1", walk, name);
  else
    out("check walk=%lu name=%s ok=0 page=%ld detail=%s", walk, name, page, esc);
  if (!ok)
    die_correctness("walk %lu: check %s failed at dup page %ld: %s", walk, name, page, detail);
}

static int current_node(void** pages, int* status) {
  if (move_pages_raw(g_p.dup_pages, pages, NULL, status, 0) != 0)
    die("move_pages query: %s", strerror(errno));
  return status[0];
}

/* Run trigger for walk `walk`; return its wall time; set *target (-1: n/a). */
static uint64_t trigger(unsigned long walk, void** pages, int* nodes, int* status, int* target) {
  uint64_t t0 = 0, t1 = 0;
  *target = -1;
  if (g_p.trigger == TRIGGER_MIGRATE) {
    int cur = current_node(pages, status);
    if (cur < 0)
      die("walk %lu: dup page 0 has no node (status %d)", walk, cur);
    *target = cur == 0 ? 1 : 0;
    for (unsigned long j = 0; j < g_p.dup_pages; j++)
      nodes[j] = *target;
    t0 = now_ns();
    long rc = move_pages_raw(g_p.dup_pages, pages, nodes, status, KB_MPOL_MF_MOVE_ALL);
    t1 = now_ns();
    if (rc < 0)
      die("walk %lu: move_pages to node %d: %s", walk, *target, strerror(errno));
    if (rc > 0)
      warn("walk %lu: move_pages left %ld pages unmigrated", walk, rc);
  } else if (g_p.trigger == TRIGGER_COMPACT) {
    t0 = now_ns();
    if (write_str("/proc/sys/vm/compact_memory", "1") != 0)
      die("walk %lu: write /proc/sys/vm/compact_memory: %s", walk, strerror(errno));
    t1 = now_ns();
  } else {
    t0 = now_ns();
    for (unsigned long j = 0; j < g_p.dup_pages; j++)
      if (madvise(pages[j], g_page, MADV_PAGEOUT) != 0)
        die("walk %lu: madvise(MADV_PAGEOUT): %s", walk, strerror(errno));
    t1 = now_ns();
  }
  return t1 - t0;
}

static void verify(unsigned long walk, void** pages, int* status, int target) {
  if (target >= 0) {
    if (move_pages_raw(g_p.dup_pages, pages, NULL, status, 0) != 0)
      die("walk %lu: move_pages query: %s", walk, strerror(errno));
    for (unsigned long j = 0; j < g_p.dup_pages; j++)
      if (status[j] != target)
        check(walk, "node", 0, (long)j, "page index %lu is on node %d, expected %d", g_dup_index[j],
              status[j], target);
    check(walk, "node", 1, -1, NULL);
  }
  for (unsigned long j = 0; j < g_p.dup_pages; j++) {
    const unsigned char* p = pages[j];
    if (memcmp(p, g_pattern, g_page) != 0) {
      size_t off = 0;
      while (off < g_page && p[off] == g_pattern[off])
        off++;
      check(walk, "content", 0, (long)j, "page index %lu differs at byte %zu: 0x%02x != 0x%02x",
            g_dup_index[j], off, p[off], g_pattern[off]);
    }
  }
  check(walk, "content", 1, -1, NULL);
}

/* Run the trigger `warmup` times unrecorded (the victim idle, the trace
 * cleared afterwards), so that the first recorded walk of either kernel does
 * not also pay for cold caches, TLBs and, under TCG, code translation. The
 * recorded walks that follow check the page's node and content. */
static void warm_up(void** pages, int* nodes, int* status) {
  for (unsigned long i = 0; i < g_p.warmup; i++) {
    int target;
    uint64_t wall = trigger(i, pages, nodes, status, &target);
    diag("warm-up %lu: trigger %.3f ms (not recorded)", i, (double)wall / 1e6);
  }
  trace_clear();
}

/* Trigger walk `w` once, with the layer's lock-hold timing `holds` off (the
 * walk durations, the victim's samples) or on (the lock holds, the victim
 * running but not recorded), collect what the trace saw and check every
 * mapping. */
static void measured_trigger(unsigned long w, int holds, void** pages, int* nodes, int* status) {
  int target;
  unsigned long n_walks;
  uint64_t max_walk;
  if (g_hold_timing)
    hold_timing(holds);
  trace_clear();
  atomic_store(&g_victim_record, !holds);
  atomic_store(&g_cur_walk, (int)w);
  uint64_t wall = trigger(w, pages, nodes, status, &target);
  atomic_store(&g_cur_walk, -1);
  if (g_hold_timing)
    hold_timing(0);
  out("walk index=%lu trigger_ns=%llu target_node=%d holds_timed=%d", w,
      (unsigned long long)wall, target, holds);
  collect_trace(w, holds, &n_walks, &max_walk);
  diag("walk %lu%s: trigger %.3f ms, %lu rmap walks, max %.3f ms", w,
       holds ? " (lock holds timed)" : "", (double)wall / 1e6, n_walks, (double)max_walk / 1e6);
  if (g_method != METHOD_NONE && n_walks == 0)
    warn("walk %lu: trigger %s caused no rmap_walk_ksm call", w, k_trigger_names[g_p.trigger]);
  verify(w, pages, status, target);
}

static void run_walks(void) {
  void** pages = calloc(g_p.dup_pages, sizeof *pages);
  int* nodes = calloc(g_p.dup_pages, sizeof *nodes);
  int* status = calloc(g_p.dup_pages, sizeof *status);
  for (unsigned long j = 0; j < g_p.dup_pages; j++)
    pages[j] = page_at(g_dup_index[j]);
  pthread_t victim;
  g_vstat = calloc(g_p.walks, sizeof *g_vstat);
  g_reservoir = calloc(VICTIM_RESERVOIR, sizeof *g_reservoir);
  isolate_walker();
  if (g_p.victim && pthread_create(&victim, NULL, victim_main, NULL) != 0)
    die("pthread_create: %s", strerror(errno));
  warm_up(pages, nodes, status);
  for (unsigned long w = 0; w < g_p.walks; w++) {
    measured_trigger(w, 0, pages, nodes, status);
    if (g_hold_timing)
      measured_trigger(w, 1, pages, nodes, status);
    fflush(stdout);
  }
  atomic_store(&g_victim_stop, 1);
  if (g_p.victim)
    pthread_join(victim, NULL);
  emit_victim();
  free(pages);
  free(nodes);
  free(status);
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IOFBF, 1 << 16);
  parse_args(argc, argv);
  setup_region();
  setup_tracing();
  fflush(stdout);
  ksm_merge();
  fflush(stdout);
  run_walks();
  out("ksm phase=final pages_shared=%ld pages_sharing=%ld full_scans=%ld", ksm_read("pages_shared"),
      ksm_read("pages_sharing"), ksm_read("full_scans"));
  trace_write("tracing_on", "0");
  fflush(stdout);
  return 0;
}
