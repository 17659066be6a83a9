/* Shared by the C reference peers: argument parsing, timing, loopback setup.
 * Every peer takes `key=value` arguments, the same ones the Node.js peers take. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int g_argc;
static char **g_argv;

/* The value of `key=...` among the arguments, or `def`. */
static inline double arg_num(const char *key, double def) {
  size_t n = strlen(key);
  for (int i = 1; i < g_argc; i++)
    if (strncmp(g_argv[i], key, n) == 0 && g_argv[i][n] == '=') return atof(g_argv[i] + n + 1);
  return def;
}

static inline void die(const char *what) {
  fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
  exit(1);
}

static inline double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void nodelay(int fd) {
  int one = 1;
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == -1) die("setsockopt(TCP_NODELAY)");
}

static inline struct sockaddr_in loopback(int port) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

static inline void send_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t r = send(fd, p, len, 0);
    if (r == -1) die("send");
    p += r;
    len -= (size_t)r;
  }
}

/* Receives exactly len bytes; returns 0 if the peer closed first. */
static inline int recv_exact(int fd, void *buf, size_t len) {
  char *p = buf;
  while (len > 0) {
    ssize_t r = recv(fd, p, len, 0);
    if (r == -1) die("recv");
    if (r == 0) return 0;
    p += r;
    len -= (size_t)r;
  }
  return 1;
}

/* Peak resident set size of this process image, in KiB: VmHWM. Not
 * getrusage's ru_maxrss, which keeps the high-water mark of the process that
 * forked us across execve (a child of a 50 MB runner would report 50 MB). */
static inline long peak_rss_kb(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  if (f == NULL) return -1;
  while (fgets(line, sizeof(line), f))
    if (sscanf(line, "VmHWM: %ld kB", &kb) == 1) break;
  fclose(f);
  return kb;
}

#endif
