/* The C reference server for each workload. Listens on 127.0.0.1 port 0,
 * prints "port N", serves, then prints {"peak_rss_kb": N} and exits.
 *
 *   server w1|w2|w3|w4|w4s|w4p|w4e [size=512] [clients=256] [limit=S]
 *
 * w1: one connection, echoes whatever arrives until the peer closes.
 * w2: one connection, reads until EOF, answers with the byte count (8 bytes).
 * w3: one connection at a time: accept, one echo, close; a connection that
 *     closes without sending ends the run.
 * w4: `clients` connections served together from one epoll loop (what a C
 *     server with many clients on 2 cores would do); ends when all have closed.
 * w4s, w4p, w4e: the same load served by a select(), poll() or epoll loop,
 *     the I/O-model chapter's servers (w4e is w4); each peer makes the same. */
#include "common.h"

#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>

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

/* select(): the set rebuilt before each call, as the chapter's server does. */
static int serve_w4s(int lfd, size_t size, int clients) {
  int *fds = malloc(sizeof(int) * (size_t)clients);
  char *buf = malloc(size);
  int accepted = 0, open = 0;
  fd_set rset;
  while (accepted < clients || open > 0) {
    FD_ZERO(&rset);
    int maxfd = -1;
    if (accepted < clients) {
      FD_SET(lfd, &rset);
      maxfd = lfd;
    }
    for (int i = 0; i < open; i++) {
      FD_SET(fds[i], &rset);
      if (fds[i] > maxfd) maxfd = fds[i];
    }
    int n = select(maxfd + 1, &rset, NULL, NULL, NULL);
    if (n == -1) {
      if (errno == EINTR) continue;
      die("select");
    }
    if (accepted < clients && FD_ISSET(lfd, &rset)) {
      int cfd = accept(lfd, NULL, NULL);
      if (cfd == -1) die("accept");
      if (cfd >= FD_SETSIZE) die("accept: descriptor past FD_SETSIZE");
      nodelay(cfd);
      fds[open++] = cfd; /* not in this call's set: FD_ISSET is 0 for it below */
      accepted++;
    }
    for (int i = 0; i < open; i++) {
      if (!FD_ISSET(fds[i], &rset)) continue;
      ssize_t r = recv(fds[i], buf, size, 0);
      if (r <= 0) {
        close(fds[i]);
        fds[i--] = fds[--open];
        continue;
      }
      send_all(fds[i], buf, (size_t)r);
    }
  }
  free(buf);
  free(fds);
  return 0;
}

/* poll(): fds[0] the listener (fd -1 once every client is in), fds[1..] the clients. */
static int serve_w4p(int lfd, size_t size, int clients) {
  struct pollfd *fds = calloc((size_t)clients + 1, sizeof(struct pollfd));
  char *buf = malloc(size);
  int accepted = 0, nfds = 1;
  fds[0].fd = lfd;
  fds[0].events = POLLIN;
  while (accepted < clients || nfds > 1) {
    int n = poll(fds, (nfds_t)nfds, -1);
    if (n == -1) {
      if (errno == EINTR) continue;
      die("poll");
    }
    if (fds[0].revents & POLLIN) {
      int cfd = accept(lfd, NULL, NULL);
      if (cfd == -1) die("accept");
      nodelay(cfd);
      fds[nfds].fd = cfd;
      fds[nfds].events = POLLIN;
      fds[nfds].revents = 0;
      nfds++;
      if (++accepted == clients) fds[0].fd = -1;
    }
    for (int i = 1; i < nfds; i++) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t r = recv(fds[i].fd, buf, size, 0);
      if (r <= 0) {
        close(fds[i].fd);
        fds[i--] = fds[--nfds];
        continue;
      }
      send_all(fds[i].fd, buf, (size_t)r);
    }
  }
  free(buf);
  free(fds);
  return 0;
}

int main(int argc, char **argv) {
  g_argc = argc;
  g_argv = argv;
  if (argc < 2) {
    fprintf(stderr, "usage: server w1|w2|w3|w4|w4s|w4p|w4e [key=value...]\n");
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
  } else if (strcmp(w, "w4") == 0 || strcmp(w, "w4e") == 0) {
    serve_w4(lfd, size, (int)arg_num("clients", 256));
  } else if (strcmp(w, "w4s") == 0) {
    serve_w4s(lfd, size, (int)arg_num("clients", 256));
  } else if (strcmp(w, "w4p") == 0) {
    serve_w4p(lfd, size, (int)arg_num("clients", 256));
  } else {
    fprintf(stderr, "server: unknown workload %s\n", w);
    return 2;
  }
  close(lfd);
  printf("{\"peak_rss_kb\": %ld}\n", peak_rss_kb());
  return 0;
}
