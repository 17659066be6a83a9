/* The C reference server for each workload. Listens on 127.0.0.1 port 0,
 * prints "port N", serves, then prints {"peak_rss_kb": N} and exits.
 *
 *   server w1|w2|w3|w4 [size=512] [clients=256] [limit=S]
 *
 * w1: one connection, echoes whatever arrives until the peer closes.
 * w2: one connection, reads until EOF, answers with the byte count (8 bytes).
 * w3: one connection at a time: accept, one echo, close; a connection that
 *     closes without sending ends the run.
 * w4: `clients` connections served together from one epoll loop (what a C
 *     server with many clients on 2 cores would do); ends when all have closed. */
#include "common.h"

#include <signal.h>
#include <sys/epoll.h>

static int serve_w4(int lfd, size_t size, int clients) {
  int ep = epoll_create1(0);
  if (ep == -1) die("epoll_create1");
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) == -1) die("epoll_ctl");
  char *buf = malloc(size);
  int accepted = 0, open = 0;
  struct epoll_event events[64];
  while (accepted < clients || open > 0) {
    int n = epoll_wait(ep, events, 64, -1);
    if (n == -1) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int i = 0; i < n; i++) {
      int fd = events[i].data.fd;
      if (fd == lfd) {
        int cfd = accept(lfd, NULL, NULL);
        if (cfd == -1) die("accept");
        nodelay(cfd);
        struct epoll_event cev = {.events = EPOLLIN, .data.fd = cfd};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &cev) == -1) die("epoll_ctl");
        accepted++;
        open++;
        if (accepted == clients) epoll_ctl(ep, EPOLL_CTL_DEL, lfd, NULL);
        continue;
      }
      /* Blocking sockets: after EPOLLIN, recv returns at once; a 512-byte
       * echo always fits the send buffer of a ping-pong connection. */
      ssize_t r = recv(fd, buf, size, 0);
      if (r <= 0) {
        epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
        close(fd);
        open--;
        continue;
      }
      send_all(fd, buf, (size_t)r);
    }
  }
  close(ep);
  free(buf);
  return 0;
}

int main(int argc, char **argv) {
  g_argc = argc;
  g_argv = argv;
  if (argc < 2) {
    fprintf(stderr, "usage: server w1|w2|w3|w4 [key=value...]\n");
    return 2;
  }
  const char *w = argv[1];
  size_t size = (size_t)arg_num("size", 512);
  alarm((unsigned)arg_num("limit", 60)); /* stops by itself, whatever happens */
  signal(SIGPIPE, SIG_IGN);

  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  if (lfd == -1) die("socket");
  struct sockaddr_in addr = loopback(0);
  if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) == -1) die("bind");
  if (listen(lfd, SOMAXCONN) == -1) die("listen");
  socklen_t alen = sizeof(addr);
  if (getsockname(lfd, (struct sockaddr *)&addr, &alen) == -1) die("getsockname");
  printf("port %d\n", ntohs(addr.sin_port));
  fflush(stdout);

  if (strcmp(w, "w1") == 0) {
    int cfd = accept(lfd, NULL, NULL);
    if (cfd == -1) die("accept");
    nodelay(cfd);
    char *buf = malloc(size);
    for (;;) {
      ssize_t r = recv(cfd, buf, size, 0);
      if (r == -1) die("recv");
      if (r == 0) break;
      send_all(cfd, buf, (size_t)r);
    }
    close(cfd);
  } else if (strcmp(w, "w2") == 0) {
    int cfd = accept(lfd, NULL, NULL);
    if (cfd == -1) die("accept");
    size_t chunk = (size_t)arg_num("chunk", 65536);
    char *buf = malloc(chunk);
    uint64_t total = 0;
    for (;;) {
      ssize_t r = recv(cfd, buf, chunk, 0);
      if (r == -1) die("recv");
      if (r == 0) break;
      total += (uint64_t)r;
    }
    send_all(cfd, &total, sizeof(total));
    close(cfd);
  } else if (strcmp(w, "w3") == 0) {
    char *buf = malloc(size);
    for (;;) {
      int cfd = accept(lfd, NULL, NULL);
      if (cfd == -1) die("accept");
      nodelay(cfd);
      ssize_t r = recv(cfd, buf, size, 0);
      if (r == -1) die("recv");
      if (r == 0) {
        close(cfd);
        break;
      }
      send_all(cfd, buf, (size_t)r);
      close(cfd);
    }
  } else if (strcmp(w, "w4") == 0) {
    serve_w4(lfd, size, (int)arg_num("clients", 256));
  } else {
    fprintf(stderr, "server: unknown workload %s\n", w);
    return 2;
  }
  close(lfd);
  printf("{\"peak_rss_kb\": %ld}\n", peak_rss_kb());
  return 0;
}
