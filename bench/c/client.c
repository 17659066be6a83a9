/* The C reference client for each workload, and the load generator of W4.
 * Prints one JSON line: {"ops": N, "bytes": N, "seconds": S}. Every loop is
 * bounded by a count and by `limit` seconds.
 *
 *   client w1 port=P [n=] [warmup=] [size=512] [limit=S]   ping-pong round trips
 *   client w2 port=P [bytes=] [warmup=] [chunk=65536]       one-way stream, then an 8-byte ack
 *   client w3 port=P [n=] [warmup=] [size=64]               connect + one echo + close
 *   client w4 port=P [clients=256] [n=] [size=512]          fan-in load generator (epoll)
 *   client constants                                        socket constants and layouts as JSON */
#include "common.h"

#include <signal.h>
#include <stddef.h>
#include <sys/epoll.h>

static int connect_to(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd == -1) die("socket");
  struct sockaddr_in a = loopback(port);
  if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == -1) die("connect");
  nodelay(fd);
  return fd;
}

static void report(long ops, double bytes, double seconds) {
  printf("{\"ops\": %ld, \"bytes\": %.0f, \"seconds\": %.9f}\n", ops, bytes, seconds);
}

static void w1(int port, double limit) {
  long n = (long)arg_num("n", 5000), warmup = (long)arg_num("warmup", 500);
  size_t size = (size_t)arg_num("size", 512);
  char *msg = malloc(size), *buf = malloc(size);
  memset(msg, 'a', size);
  int fd = connect_to(port);
  double start = 0, end = now() + limit;
  long done = 0;
  for (long i = 0; i < warmup + n; i++) {
    if (i == warmup) start = now();
    send_all(fd, msg, size);
    if (!recv_exact(fd, buf, size)) die("w1: server closed");
    if (i >= warmup) {
      done++;
      if ((done & 63) == 0 && now() > end) break;
    }
  }
  double t = now() - start;
  close(fd);
  report(done, (double)done * size * 2, t);
}

static void w2(int port, double limit) {
  double total = arg_num("bytes", 512.0 * 1024 * 1024), warmup = arg_num("warmup", 32.0 * 1024 * 1024);
  size_t chunk = (size_t)arg_num("chunk", 65536);
  char *buf = malloc(chunk);
  memset(buf, 'b', chunk);
  int fd = connect_to(port);
  double sent = 0, start = 0, end = 0;
  while (sent < warmup) {
    send_all(fd, buf, chunk);
    sent += chunk;
  }
  start = now();
  end = start + limit;
  double timed = 0;
  while (timed < total && now() < end) {
    send_all(fd, buf, chunk);
    timed += chunk;
  }
  shutdown(fd, SHUT_WR);
  uint64_t ack;
  if (!recv_exact(fd, &ack, sizeof(ack))) die("w2: no ack");
  double t = now() - start;
  if ((double)ack != sent + timed) {
    fprintf(stderr, "w2: server counted %llu bytes, sent %.0f\n", (unsigned long long)ack, sent + timed);
    exit(1);
  }
  close(fd);
  report((long)(timed / chunk), timed, t);
}

static void w3(int port, double limit) {
  long n = (long)arg_num("n", 2000), warmup = (long)arg_num("warmup", 200);
  size_t size = (size_t)arg_num("size", 64);
  char *msg = malloc(size), *buf = malloc(size);
  memset(msg, 'c', size);
  double start = 0, end = now() + limit;
  long done = 0;
  for (long i = 0; i < warmup + n; i++) {
    if (i == warmup) start = now();
    int fd = connect_to(port);
    send_all(fd, msg, size);
    if (!recv_exact(fd, buf, size)) die("w3: server closed");
    close(fd);
    if (i >= warmup) {
      done++;
      if ((done & 15) == 0 && now() > end) break;
    }
  }
  double t = now() - start;
  /* A connection that sends nothing tells the server the run is over. */
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = loopback(port);
  if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == -1) die("connect");
  close(fd);
  report(done, (double)done * size * 2, t);
}

/* W4: `clients` connections, each doing `n` round trips of `size` bytes,
 * all in flight at once, driven by one epoll loop. Sockets stay blocking:
 * recv follows EPOLLIN, and a 512-byte send always fits. */
struct conn {
  int fd;
  long left;     /* round trips still to start */
  size_t got;    /* bytes of the current echo received */
};

static void w4(int port, double limit) {
  int clients = (int)arg_num("clients", 256);
  long n = (long)arg_num("n", 100);
  size_t size = (size_t)arg_num("size", 512);
  char *msg = malloc(size), *buf = malloc(size);
  memset(msg, 'd', size);
  struct conn *c = calloc((size_t)clients, sizeof(*c));
  int ep = epoll_create1(0);
  if (ep == -1) die("epoll_create1");
  for (int i = 0; i < clients; i++) {
    c[i].fd = connect_to(port);
    c[i].left = n;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &c[i]};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &ev) == -1) die("epoll_ctl");
  }
  double start = now(), end = start + limit;
  for (int i = 0; i < clients; i++) {
    send_all(c[i].fd, msg, size);
    c[i].left--;
  }
  long done = 0;
  int active = clients;
  struct epoll_event events[64];
  while (active > 0 && now() < end) {
    int k = epoll_wait(ep, events, 64, 100);
    if (k == -1) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int i = 0; i < k; i++) {
      struct conn *x = events[i].data.ptr;
      ssize_t r = recv(x->fd, buf, size - x->got, 0);
      if (r == -1) die("recv");
      if (r == 0) die("w4: server closed");
      x->got += (size_t)r;
      if (x->got < size) continue;
      x->got = 0;
      done++;
      if (x->left > 0) {
        send_all(x->fd, msg, size);
        x->left--;
      } else {
        epoll_ctl(ep, EPOLL_CTL_DEL, x->fd, NULL);
        close(x->fd);
        x->fd = -1;
        active--;
      }
    }
  }
  double t = now() - start;
  for (int i = 0; i < clients; i++)
    if (c[i].fd != -1) close(c[i].fd);
  close(ep);
  report(done, (double)done * size * 2, t);
}

/* What the koffi peer needs to speak to libc directly, from the headers. */
static void constants(void) {
  printf("{\"AF_INET\": %d, \"SOCK_STREAM\": %d, \"SOL_SOCKET\": %d, \"IPPROTO_TCP\": %d, "
         "\"TCP_NODELAY\": %d, \"SOMAXCONN\": %d, \"SHUT_WR\": %d, \"INADDR_LOOPBACK\": %u, "
         "\"sizeof_sockaddr_in\": %zu, \"sizeof_sa_family_t\": %zu, \"offsetof_sin_family\": %zu, "
         "\"offsetof_sin_port\": %zu, \"offsetof_sin_addr\": %zu, \"sizeof_int\": %zu, "
         "\"sizeof_socklen_t\": %zu}\n",
         AF_INET, SOCK_STREAM, SOL_SOCKET, IPPROTO_TCP, TCP_NODELAY, SOMAXCONN, SHUT_WR,
         (unsigned)INADDR_LOOPBACK, sizeof(struct sockaddr_in), sizeof(sa_family_t),
         offsetof(struct sockaddr_in, sin_family), offsetof(struct sockaddr_in, sin_port),
         offsetof(struct sockaddr_in, sin_addr), sizeof(int), sizeof(socklen_t));
}

int main(int argc, char **argv) {
  g_argc = argc;
  g_argv = argv;
  if (argc < 2) {
    fprintf(stderr, "usage: client w1|w2|w3|w4|constants [key=value...]\n");
    return 2;
  }
  const char *w = argv[1];
  if (strcmp(w, "constants") == 0) {
    constants();
    return 0;
  }
  int port = (int)arg_num("port", 0);
  double limit = arg_num("limit", 10);
  alarm((unsigned)(limit + 30)); /* stops by itself, whatever happens */
  signal(SIGPIPE, SIG_IGN);
  if (strcmp(w, "w1") == 0) w1(port, limit);
  else if (strcmp(w, "w2") == 0) w2(port, limit);
  else if (strcmp(w, "w3") == 0) w3(port, limit);
  else if (strcmp(w, "w4") == 0) w4(port, limit);
  else {
    fprintf(stderr, "client: unknown workload %s\n", w);
    return 2;
  }
  return 0;
}
