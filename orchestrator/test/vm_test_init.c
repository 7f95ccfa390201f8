/* A tiny static init for the VM runner's integration tests (not kbench's real
 * guest init). It finds the "kbench.results" virtio-serial port and behaves as
 * /proc/cmdline asks:
 *   kbench.mode=probe   write "pending", "probe", "end", power off
 *   kbench.test=ok      (default) write "pending", "ok", "end", power off
 *   kbench.test=hang    write "pending", then sleep forever
 *   kbench.test=exit    write "pending", then exit: "Attempted to kill init" panic
 *   kbench.test=silent  write nothing, sleep forever
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static char cmdline[4096];

/* Print to the console and wait until the tty has sent it, so that a kernel
 * message that follows (the panic when init exits) is not interleaved with it. */
static void say(const char *what) {
  printf("kbench-test-init: %s\n", what);
  fflush(stdout);
  tcdrain(STDOUT_FILENO);
}

static void read_cmdline(void) {
  int fd = open("/proc/cmdline", O_RDONLY);
  if (fd >= 0) {
    ssize_t n = read(fd, cmdline, sizeof cmdline - 1);
    cmdline[n > 0 ? n : 0] = '\0';
    close(fd);
  }
}

static int has_param(const char *param) {
  const char *p = cmdline;
  size_t len = strlen(param);
  while ((p = strstr(p, param)) != NULL) {
    if ((p == cmdline || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\n' || p[len] == '\0'))
      return 1;
    p += len;
  }
  return 0;
}

/* Return an fd for the port named kbench.results, creating its device node. */
static int open_results_port(void) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    DIR *dir = opendir("/sys/class/virtio-ports");
    struct dirent *entry;
    while (dir && (entry = readdir(dir)) != NULL) {
      char path[512], name[128] = "", dev[32] = "";
      if (entry->d_name[0] == '.')
        continue;
      snprintf(path, sizeof path, "/sys/class/virtio-ports/%s/name", entry->d_name);
      FILE *f = fopen(path, "r");
      if (!f)
        continue;
      if (!fgets(name, sizeof name, f))
        name[0] = '\0';
      fclose(f);
      if (strcmp(name, "kbench.results\n") != 0)
        continue;
      snprintf(path, sizeof path, "/sys/class/virtio-ports/%s/dev", entry->d_name);
      f = fopen(path, "r");
      unsigned major = 0, minor = 0;
      if (f && fgets(dev, sizeof dev, f))
        sscanf(dev, "%u:%u", &major, &minor);
      if (f)
        fclose(f);
      snprintf(path, sizeof path, "/dev/%s", entry->d_name);
      mknod(path, S_IFCHR | 0600, makedev(major, minor)); /* EEXIST with devtmpfs */
      closedir(dir);
      return open(path, O_WRONLY);
    }
    if (dir)
      closedir(dir);
    struct timespec pause = {0, 50 * 1000 * 1000};
    nanosleep(&pause, NULL);
  }
  return -1;
}

static void put(int fd, const char *record) {
  if (fd >= 0 && write(fd, record, strlen(record)) < 0)
    say("write to kbench.results failed");
}

static void power_off(void) {
  sync();
  reboot(RB_POWER_OFF);
  reboot(RB_AUTOBOOT); /* -no-reboot turns a reset into a QEMU exit */
}

static void sleep_forever(void) {
  for (;;)
    pause();
}

int main(void) {
  mkdir("/proc", 0755);
  mkdir("/sys", 0755);
  mkdir("/dev", 0755);
  mount("proc", "/proc", "proc", 0, NULL);
  mount("sysfs", "/sys", "sysfs", 0, NULL);
  mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
  read_cmdline();
  if (has_param("kbench.test=silent")) {
    say("silent: sleeping");
    sleep_forever();
  }
  int fd = open_results_port();
  if (fd < 0)
    say("no kbench.results port");
  put(fd, "pending\n");
  if (has_param("kbench.mode=probe")) {
    say("probe");
    put(fd, "probe\nend\n");
    power_off();
  }
  if (has_param("kbench.test=hang")) {
    say("hang: sleeping");
    sleep_forever();
  }
  if (has_param("kbench.test=exit")) {
    say("exit: init exits");
    return 1;
  }
  say("ok");
  put(fd, "ok\nend\n");
  power_off();
  return 0;
}
