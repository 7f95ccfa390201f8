/* kbench guest init: PID 1 of a bare initramfs (no busybox).
 *
 * Mounts the pseudo file systems, opens the virtio-serial port named
 * "kbench.results", writes the begin marker and a "pending" status first,
 * then (mode=bench) runs /bin/rmap_benchmark with its stdout piped here and
 * frames every line it prints, or (mode=probe) writes a probe record. It
 * always ends with a final status, the end marker, a drain barrier (see
 * port_drain), sync() and power-off.
 * PID 1 never exits. See docs/result-channel.md and guest/README.md.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kbench_record.h"

#define BENCH_PATH "/bin/rmap_benchmark"
#define PORT_NAME "kbench.results"
#define MAX_ARGS 32

static int g_port = -1;
static volatile sig_atomic_t g_timed_out;
static unsigned long g_seq;
static uint32_t g_stream_crc;
static char g_out[1 << 16];
static size_t g_out_len;

/* Print a diagnostic line on the console (stderr is /dev/console). */
static void console(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("kbench-init: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static void port_flush(void) {
  size_t off = 0;
  while (g_port >= 0 && off < g_out_len) {
    ssize_t n = write(g_port, g_out + off, g_out_len - off);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      console("write to result port failed: %s", strerror(errno));
      break;
    }
    off += (size_t)n;
  }
  g_out_len = 0;
}

/* Frame one record body: "<seq> <body> #<crc32>\n". */
static void emit_body(const char* body) {
  char line[KBENCH_MAX_LINE + 64];
  int n = snprintf(line, sizeof line, "%lu %s", g_seq, body);
  if (n < 0 || (size_t)n >= sizeof line - 16)
    return;
  uint32_t crc = kb_crc32(0, line, (size_t)n);
  n += snprintf(line + n, sizeof line - (size_t)n, " #%08x\n", crc);
  if (g_out_len + (size_t)n > sizeof g_out)
    port_flush();
  memcpy(g_out + g_out_len, line, (size_t)n);
  g_out_len += (size_t)n;
  g_stream_crc = kb_crc32(g_stream_crc, line, (size_t)n);
  g_seq++;
}

static void emitf(const char* fmt, ...) {
  char body[KBENCH_MAX_BODY + 1];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(body, sizeof body, fmt, ap);
  va_end(ap);
  emit_body(body);
}

static void read_small(const char* path, char* buf, size_t cap) {
  buf[0] = '\0';
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  ssize_t n = read(fd, buf, cap - 1);
  close(fd);
  buf[n > 0 ? n : 0] = '\0';
  buf[strcspn(buf, "\n")] = '\0';
}

static void do_mount(const char* src, const char* dst, const char* type) {
  mkdir(dst, 0755);
  if (mount(src, dst, type, 0, NULL) != 0 && errno != EBUSY)
    console("mount %s on %s failed: %s", type, dst, strerror(errno));
}

static void mount_all(void) {
  do_mount("proc", "/proc", "proc");
  do_mount("sysfs", "/sys", "sysfs");
  do_mount("devtmpfs", "/dev", "devtmpfs");
  do_mount("debugfs", "/sys/kernel/debug", "debugfs");
  do_mount("tracefs", "/sys/kernel/tracing", "tracefs");
  int fd = open("/dev/console", O_RDWR);
  if (fd >= 0) {
    dup2(fd, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    if (fd > 2)
      close(fd);
  }
  setvbuf(stderr, NULL, _IONBF, 0);
}

/* Find /sys/class/virtio-ports/<p>/name == PORT_NAME and open /dev/<p>. */
static int open_port_once(void) {
  DIR* d = opendir("/sys/class/virtio-ports");
  struct dirent* e;
  int fd = -1;
  if (!d)
    return -1;
  while (fd < 0 && (e = readdir(d)) != NULL) {
    char path[512], name[128];
    if (e->d_name[0] == '.')
      continue;
    snprintf(path, sizeof path, "/sys/class/virtio-ports/%s/name", e->d_name);
    read_small(path, name, sizeof name);
    if (strcmp(name, PORT_NAME) != 0)
      continue;
    snprintf(path, sizeof path, "/dev/%s", e->d_name);
    fd = open(path, O_WRONLY | O_CLOEXEC);
  }
  closedir(d);
  return fd;
}

static int open_port(void) {
  for (int i = 0; i < 100; i++) { /* devices may probe late: up to ~10 s */
    int fd = open_port_once();
    if (fd >= 0)
      return fd;
    usleep(100 * 1000);
  }
  return -1;
}

/* Drain barrier. The port's write() returns once the data is queued in the
 * virtqueue, not once the host took it; a host whose output backend is
 * throttled (QEMU sets the chardev fd non-blocking: libvirt's virtlogd pipe
 * when virtlogd lags) leaves it queued, and power-off then loses it. QEMU
 * consumes the queue (DRAIN_QUEUE_SIZE buffers) in order and a blocking write
 * waits while it is full, so once DRAIN_WRITES one-byte writes were accepted,
 * every byte written before them has left the guest. The newlines are the
 * drain trailer that docs/result-channel.md allows after the end marker. */
#define DRAIN_QUEUE_SIZE 128 /* QEMU's virtio-serial port queue size */
#define DRAIN_WRITES (2 * DRAIN_QUEUE_SIZE)

static void port_drain(void) {
  for (int i = 0; g_port >= 0 && i < DRAIN_WRITES; i++) {
    ssize_t n;
    do
      n = write(g_port, "\n", 1);
    while (n < 0 && errno == EINTR);
    if (n != 1) {
      console("drain write to result port failed: %s", strerror(errno));
      return;
    }
  }
}

static void power_off(void) {
  port_flush();
  port_drain();
  sync();
  usleep(200 * 1000);
  reboot(RB_POWER_OFF);
  for (;;)
    pause(); /* PID 1 must never exit */
}

/* Write the final status, the end marker, and power off. */
static void finish(const char* state, const char* error_escaped) {
  char cs[128];
  read_small("/sys/devices/system/clocksource/clocksource0/current_clocksource", cs, sizeof cs);
  emitf("meta clocksource=%s", cs[0] ? cs : "unknown");
  if (error_escaped && *error_escaped)
    emitf("status state=%s error=%s", state, error_escaped);
  else
    emitf("status state=%s", state);
  char line[128];
  snprintf(line, sizeof line, "end records=%lu crc=%08x", g_seq, g_stream_crc);
  /* the end line itself is framed but not part of its own checksum */
  emit_body(line);
  console("final status %s %s", state, error_escaped ? error_escaped : "");
  power_off();
}

static void fail(const char* fmt, ...) {
  char text[1024], esc[3 * sizeof text];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  console("error: %s", text);
  kb_escape(esc, sizeof esc, text);
  finish("bench_fail", esc);
}

struct cmdline {
  unsigned timeout_s; /* kbench.timeout_s: guest-side deadline, 0 = none */
  char mode[16];
  char trigger[16];
  char* argv[MAX_ARGS + 2];
  int argc;
  char raw[4096];
};

static void parse_cmdline(struct cmdline* c) {
  static char copy[4096];
  c->timeout_s = 0;
  snprintf(c->mode, sizeof c->mode, "bench");
  snprintf(c->trigger, sizeof c->trigger, "migrate");
  read_small("/proc/cmdline", c->raw, sizeof c->raw);
  snprintf(copy, sizeof copy, "%s", c->raw);
  c->argc = 0;
  c->argv[c->argc++] = (char*)BENCH_PATH;
  for (char* tok = strtok(copy, " \t"); tok; tok = strtok(NULL, " \t")) {
    if (strncmp(tok, "kbench.", 7) != 0)
      continue;
    tok += 7;
    if (strncmp(tok, "mode=", 5) == 0)
      snprintf(c->mode, sizeof c->mode, "%s", tok + 5);
    if (strncmp(tok, "trigger=", 8) == 0)
      snprintf(c->trigger, sizeof c->trigger, "%s", tok + 8);
    if (strncmp(tok, "timeout_s=", 10) == 0) {
      c->timeout_s = (unsigned)strtoul(tok + 10, NULL, 10);
      continue; /* init's own parameter */
    }
    if (c->argc < MAX_ARGS)
      c->argv[c->argc++] = tok;
  }
  c->argv[c->argc] = NULL;
}

static void emit_meta(const struct cmdline* c) {
  struct utsname u;
  char rel[256], ver[512], cs[128], nodes[64], cpus[64], cmd[3 * sizeof c->raw];
  uname(&u);
  kb_escape(rel, sizeof rel, u.release);
  kb_escape(ver, sizeof ver, u.version);
  read_small("/sys/devices/system/clocksource/clocksource0/current_clocksource", cs, sizeof cs);
  read_small("/sys/devices/system/node/online", nodes, sizeof nodes);
  read_small("/sys/devices/system/cpu/online", cpus, sizeof cpus);
  kb_escape(cmd, sizeof cmd, c->raw);
  emitf("meta kernel_release=%s kernel_version=%s machine=%s clocksource_boot=%s", rel, ver,
        u.machine, cs[0] ? cs : "unknown");
  emitf("meta cpus_online=%s nodes_online=%s cmdline=%s", cpus[0] ? cpus : "unknown",
        nodes[0] ? nodes : "unknown", cmd);
}

static int exists(const char* path) {
  struct stat st;
  return stat(path, &st) == 0;
}

static void probe(void) {
  emitf("probe ksm=%d tracefs=%d events=%d zram=%d numa_node1=%d", exists("/sys/kernel/mm/ksm/run"),
        exists("/sys/kernel/tracing/trace"), exists("/sys/kernel/tracing/events/kbench/kbench_rmap_walk"),
        exists("/sys/block/zram0"), exists("/sys/devices/system/node/node1"));
  finish("probe", NULL);
}

static int write_str(const char* path, const char* value) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = write(fd, value, strlen(value));
  int saved = errno;
  close(fd);
  errno = saved;
  return n == (ssize_t)strlen(value) ? 0 : -1;
}

/* zram0 as swap: disksize, a v1 swap header written by hand, swapon. */
static void setup_zram_swap(void) {
  const unsigned long long size = 512ull << 20;
  const long page = sysconf(_SC_PAGESIZE);
  char buf[32];
  snprintf(buf, sizeof buf, "%llu", size);
  if (write_str("/sys/block/zram0/disksize", buf) != 0)
    fail("zram: cannot set /sys/block/zram0/disksize: %s", strerror(errno));
  int fd = open("/dev/zram0", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    fail("zram: cannot open /dev/zram0: %s", strerror(errno));
  unsigned char* hdr = calloc(1, (size_t)page);
  uint32_t words[3] = { 1, (uint32_t)(size / (unsigned long long)page - 1), 0 };
  memcpy(hdr + 1024, words, sizeof words); /* version, last_page, nr_badpages */
  memcpy(hdr + page - 10, "SWAPSPACE2", 10);
  if (write(fd, hdr, (size_t)page) != page)
    fail("zram: cannot write swap header: %s", strerror(errno));
  free(hdr);
  fsync(fd);
  close(fd);
  if (swapon("/dev/zram0", 0) != 0)
    fail("zram: swapon /dev/zram0 failed: %s", strerror(errno));
  emitf("meta swap=zram0 swap_bytes=%llu", size);
}

static int valid_body(const char* s, size_t len) {
  size_t t = 0;
  if (len == 0 || len > KBENCH_MAX_BODY)
    return 0;
  while (t < len && s[t] >= 'a' && s[t] <= 'z')
    t++;
  while (t < len && (s[t] == '_' || (s[t] >= 'a' && s[t] <= 'z')))
    t++;
  if (t == 0 || (t < len && s[t] != ' '))
    return 0;
  if ((t == 5 && !strncmp(s, "begin", 5)) || (t == 3 && !strncmp(s, "end", 3)) ||
      (t == 6 && !strncmp(s, "status", 6)))
    return 0; /* reserved for init */
  for (size_t i = 0; i < len; i++)
    if (s[i] < 0x20 || s[i] > 0x7e)
      return 0;
  return 1;
}

/* Forward one benchmark line; remember the last "error text=" value. */
static void forward_line(char* s, size_t len, char* last_error, size_t cap) {
  s[len] = '\0';
  if (!valid_body(s, len)) {
    char esc[256], cut[64];
    snprintf(cut, sizeof cut, "%.60s", s);
    kb_escape(esc, sizeof esc, cut);
    emitf("warn text=invalid%%20benchmark%%20line%%20dropped:%%20%s", esc);
    return;
  }
  if (strncmp(s, "error text=", 11) == 0)
    snprintf(last_error, cap, "%s", s + 11);
  emit_body(s);
}

static void pump(int rfd, char* last_error, size_t cap) {
  static char buf[1 << 16];
  size_t have = 0;
  int skipping = 0;
  for (;;) {
    ssize_t n = read(rfd, buf + have, sizeof buf - have - 1);
    if (n < 0 && errno == EINTR && !g_timed_out)
      continue;
    if (n <= 0)
      break;
    have += (size_t)n;
    size_t start = 0;
    for (size_t i = 0; i < have; i++) {
      if (buf[i] != '\n')
        continue;
      if (!skipping)
        forward_line(buf + start, i - start, last_error, cap);
      skipping = 0;
      start = i + 1;
    }
    memmove(buf, buf + start, have - start);
    have -= start;
    if (have > KBENCH_MAX_BODY) { /* overlong line: drop it up to its newline */
      if (!skipping)
        emitf("warn text=overlong%%20benchmark%%20line%%20dropped");
      skipping = 1;
      have = 0;
    }
    port_flush();
  }
  if (have > 0 && !skipping)
    forward_line(buf, have, last_error, cap);
  close(rfd);
}

static void on_alarm(int sig) {
  (void)sig;
  g_timed_out = 1;
}

static void run_bench(struct cmdline* c) {
  int p[2];
  char last_error[KBENCH_MAX_BODY + 1] = "";
  if (!exists(BENCH_PATH))
    fail("%s is missing from the initramfs", BENCH_PATH);
  if (pipe2(p, O_CLOEXEC) != 0)
    fail("pipe: %s", strerror(errno));
  pid_t pid = fork();
  if (pid < 0)
    fail("fork: %s", strerror(errno));
  if (pid == 0) {
    dup2(p[1], 1);
    execv(BENCH_PATH, c->argv);
    _exit(127);
  }
  close(p[1]);
  if (c->timeout_s > 0) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm; /* no SA_RESTART: the alarm interrupts read() */
    sigaction(SIGALRM, &sa, NULL);
    alarm(c->timeout_s);
  }
  pump(p[0], last_error, sizeof last_error);
  if (g_timed_out) { /* the child may be stuck in the kernel: do not wait for it */
    kill(pid, SIGKILL);
    fail("rmap_benchmark did not finish within kbench.timeout_s=%u s", c->timeout_s);
  }
  alarm(0);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(st)) {
    if (last_error[0])
      fail("rmap_benchmark killed by signal %d after error: %s", WTERMSIG(st), last_error);
    fail("rmap_benchmark killed by signal %d", WTERMSIG(st));
  }
  int code = WIFEXITED(st) ? WEXITSTATUS(st) : 1;
  if (code == 0)
    finish("ok", NULL);
  if (code == 2)
    finish("correctness_fail", last_error[0] ? last_error : "correctness%20check%20failed");
  if (last_error[0])
    finish("bench_fail", last_error);
  fail("rmap_benchmark exited with code %d", code);
}

/* Reap orphans (PID 1's duty) without disturbing waitpid() on the benchmark. */
static void on_sigchld(int sig) {
  (void)sig;
}

int main(void) {
  struct cmdline c;
  signal(SIGCHLD, on_sigchld);
  mount_all();
  console("started");
  g_port = open_port();
  parse_cmdline(&c);
  if (g_port < 0) {
    console("error: no virtio-serial port named %s; powering off", PORT_NAME);
    power_off();
  }
  emitf("begin magic=%s version=%d", KBENCH_CHANNEL_MAGIC, KBENCH_CHANNEL_VERSION);
  emitf("status state=pending");
  port_flush();
  emit_meta(&c);
  port_flush();
  if (strcmp(c.mode, "probe") == 0)
    probe();
  if (strcmp(c.mode, "bench") != 0)
    fail("unknown kbench.mode=%s (expected bench or probe)", c.mode);
  if (strcmp(c.trigger, "swap") == 0)
    setup_zram_swap();
  port_flush();
  run_bench(&c);
  fail("internal error: run_bench returned");
  return 0;
}
