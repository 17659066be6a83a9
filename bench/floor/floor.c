/* The bench's two floors: the least a socket addon can do per call, measured
 * beside posix-sockets in the same rounds (bench/peers/floor-sync.mjs,
 * bench/peers/floor-async.mjs).
 *
 * - sync floor: recvSync(fd, buf, len, flags) and sendSync(...) make recv(2)
 *   and send(2) on the JS thread and return their result; nothing else is
 *   checked than what keeps the process safe (a buffer, len within it).
 * - event-loop floor: recv(fd, buf, len, flags) and accept(fd) return a
 *   Promise under this library's rule: the descriptor stays blocking (no
 *   O_NONBLOCK, no MSG_DONTWAIT), the call is made only once a private epoll
 *   instance, watched by one uv_poll handle, reports the descriptor readable
 *   (EPOLLIN | EPOLLONESHOT, re-armed by each call). send(fd, buf, len, flags)
 *   is send(2) on the JS thread and an already settled Promise: a ping-pong
 *   never fills the socket buffer (a bulk sender blocks in it, as the sync
 *   floor does). Per W1 round trip and side: sendto, epoll_ctl, Node's
 *   epoll_pwait, epoll_wait, recvfrom.
 *
 * errno() is the errno of the last call that returned -1, read right after
 * the call or right after its await (one call in flight per descriptor).
 * Linux only (epoll): the bench runs on Linux. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <node_api.h>
#include <uv.h>

#define BATCH 64 /* completions per uv_poll callback: the loop's other work keeps its turn */

enum kind { IDLE, RECV, ACCEPT };

/* One call waiting for its descriptor, indexed by the descriptor. */
struct op {
  enum kind kind;
  int armed; /* the descriptor is in the epoll set (ADD done) */
  napi_deferred deferred;
  napi_ref buffer; /* keeps the caller's buffer alive while the call waits */
  void *data;
  size_t len;
  int flags;
};

/* Per-environment state, freed by the cleanup hook. */
struct floor_env {
  napi_env env;
  int epfd;
  uv_poll_t poll;
  int polling;
  int waiting; /* calls in flight: the handle keeps the loop alive only then */
  struct op *ops;
  int nops;
  napi_ref resource;
  napi_async_context context;
  napi_async_cleanup_hook_handle cleanup;
};

static int last_errno;

#define CHECK(call)                                                  \
  do {                                                               \
    if ((call) != napi_ok) {                                         \
      napi_throw_error(env, NULL, "floor: N-API call failed: " #call); \
      return NULL;                                                   \
    }                                                                \
  } while (0)

static napi_value number(napi_env env, double x) {
  napi_value v;
  return napi_create_double(env, x, &v) == napi_ok ? v : NULL;
}

/* The arguments (fd, buf, len, flags) of recv and send. */
struct io {
  int fd;
  napi_value buf;
  void *data;
  size_t len;
  int flags;
};

/* Reads `io`: a buffer and a len within it, else a thrown TypeError/RangeError naming `fn`. */
static int io_args(napi_env env, napi_callback_info info, const char *fn, struct io *io) {
  size_t argc = 4;
  napi_value argv[4];
  double n;
  size_t have;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4 ||
      napi_get_value_int32(env, argv[0], &io->fd) != napi_ok || napi_get_value_int32(env, argv[3], &io->flags) != napi_ok ||
      napi_get_value_double(env, argv[2], &n) != napi_ok || napi_get_buffer_info(env, argv[1], &io->data, &have) != napi_ok) {
    napi_throw_type_error(env, NULL, fn);
    return 0;
  }
  if (!(n >= 0 && n <= (double)have)) {
    napi_throw_range_error(env, NULL, fn);
    return 0;
  }
  io->buf = argv[1];
  io->len = (size_t)n;
  return 1;
}

static napi_value result(napi_env env, ssize_t r) {
  if (r == -1) last_errno = errno;
  return number(env, (double)r);
}

static napi_value RecvSync(napi_env env, napi_callback_info info) {
  struct io a;
  if (!io_args(env, info, "recvSync(fd, buf, len, flags): a Buffer and a len within it", &a)) return NULL;
  return result(env, recv(a.fd, a.data, a.len, a.flags));
}

static napi_value SendSync(napi_env env, napi_callback_info info) {
  struct io a;
  if (!io_args(env, info, "sendSync(fd, buf, len, flags): a Buffer and a len within it", &a)) return NULL;
  return result(env, send(a.fd, a.data, a.len, a.flags));
}

static napi_value Errno(napi_env env, napi_callback_info info) { return number(env, last_errno); }

/* ------------------------------------------------------------------------- */
/* The event-loop floor */

static void on_ready(uv_poll_t *handle, int status, int events);

/* Settles `op`'s Promise with the call's result, in a callback scope of its
 * own: the continuation's microtasks run before the next completion, as after
 * a real callback, and its garbage dies young. */
static void complete(struct floor_env *fe, struct op *op, ssize_t r) {
  napi_env env = fe->env;
  napi_handle_scope hs;
  napi_callback_scope cs;
  napi_value resource, v;
  napi_deferred d = op->deferred;
  if (r == -1) last_errno = errno;
  napi_open_handle_scope(env, &hs);
  napi_get_reference_value(env, fe->resource, &resource);
  napi_open_callback_scope(env, resource, fe->context, &cs);
  if (op->buffer) napi_delete_reference(env, op->buffer);
  op->kind = IDLE;
  op->buffer = NULL;
  op->deferred = NULL;
  if (--fe->waiting == 0) uv_unref((uv_handle_t *)&fe->poll);
  napi_create_double(env, (double)r, &v);
  napi_resolve_deferred(env, d, v);
  napi_close_callback_scope(env, cs);
  napi_close_handle_scope(env, hs);
}

static void on_ready(uv_poll_t *handle, int status, int events) {
  struct floor_env *fe = handle->data;
  struct epoll_event ev[BATCH];
  int n = epoll_wait(fe->epfd, ev, BATCH, 0);
  for (int i = 0; i < n; i++) {
    int fd = ev[i].data.fd;
    struct op *op = &fe->ops[fd];
    if (op->kind == RECV) complete(fe, op, recv(fd, op->data, op->len, op->flags));
    else if (op->kind == ACCEPT) complete(fe, op, accept(fd, NULL, NULL));
  }
}

/* The slot for `fd`, the array grown to hold it; NULL (thrown) if a call already waits there. */
static struct op *slot(napi_env env, struct floor_env *fe, int fd) {
  if (fd < 0) {
    napi_throw_range_error(env, NULL, "floor: fd must be >= 0");
    return NULL;
  }
  if (fd >= fe->nops) {
    int n = fd * 2 + 16;
    struct op *ops = realloc(fe->ops, (size_t)n * sizeof(*ops));
    if (ops == NULL) {
      napi_throw_error(env, NULL, "floor: out of memory");
      return NULL;
    }
    memset(ops + fe->nops, 0, (size_t)(n - fe->nops) * sizeof(*ops));
    fe->ops = ops;
    fe->nops = n;
  }
  if (fe->ops[fd].kind != IDLE) {
    napi_throw_error(env, NULL, "floor: one call at a time per descriptor");
    return NULL;
  }
  return &fe->ops[fd];
}

/* Starts a call that waits for `fd` to be readable: arms the descriptor
 * (MOD, ADD the first time or when a closed number was reused) and returns the
 * Promise. On an epoll_ctl failure the Promise is settled at once with -1. */
static napi_value wait_readable(napi_env env, struct floor_env *fe, struct op *op, int fd) {
  napi_value promise;
  struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.fd = fd};
  int r = op->armed ? epoll_ctl(fe->epfd, EPOLL_CTL_MOD, fd, &ev) : -1;
  if (r == -1 && (!op->armed || errno == ENOENT)) r = epoll_ctl(fe->epfd, EPOLL_CTL_ADD, fd, &ev);
  CHECK(napi_create_promise(env, &op->deferred, &promise));
  if (r == -1) {
    last_errno = errno;
    napi_deferred d = op->deferred;
    op->deferred = NULL;
    if (op->buffer) napi_delete_reference(env, op->buffer);
    op->buffer = NULL;
    op->kind = IDLE;
    CHECK(napi_resolve_deferred(env, d, number(env, -1)));
    return promise;
  }
  op->armed = 1;
  if (!fe->polling) {
    if (uv_poll_start(&fe->poll, UV_READABLE, on_ready) != 0) {
      napi_throw_error(env, NULL, "floor: uv_poll_start failed");
      return NULL;
    }
    fe->polling = 1;
  }
  if (fe->waiting++ == 0) uv_ref((uv_handle_t *)&fe->poll);
  return promise;
}

static struct floor_env *state(napi_env env) {
  void *fe;
  return napi_get_instance_data(env, &fe) == napi_ok ? fe : NULL;
}

static napi_value Recv(napi_env env, napi_callback_info info) {
  struct floor_env *fe = state(env);
  struct io a;
  if (!io_args(env, info, "recv(fd, buf, len, flags): a Buffer and a len within it", &a)) return NULL;
  struct op *op = slot(env, fe, a.fd);
  if (op == NULL) return NULL;
  CHECK(napi_create_reference(env, a.buf, 1, &op->buffer));
  op->kind = RECV;
  op->data = a.data;
  op->len = a.len;
  op->flags = a.flags;
  return wait_readable(env, fe, op, a.fd);
}

static napi_value Accept(napi_env env, napi_callback_info info) {
  struct floor_env *fe = state(env);
  size_t argc = 1;
  napi_value argv[1];
  int fd;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_int32(env, argv[0], &fd) != napi_ok) {
    napi_throw_type_error(env, NULL, "accept(fd): fd must be a number");
    return NULL;
  }
  struct op *op = slot(env, fe, fd);
  if (op == NULL) return NULL;
  op->kind = ACCEPT;
  op->buffer = NULL;
  return wait_readable(env, fe, op, fd);
}

static napi_value Send(napi_env env, napi_callback_info info) {
  struct io a;
  napi_value promise;
  napi_deferred d;
  if (!io_args(env, info, "send(fd, buf, len, flags): a Buffer and a len within it", &a)) return NULL;
  napi_value r = result(env, send(a.fd, a.data, a.len, a.flags));
  CHECK(napi_create_promise(env, &d, &promise));
  CHECK(napi_resolve_deferred(env, d, r));
  return promise;
}

/* ------------------------------------------------------------------------- */

static void on_closed(uv_handle_t *handle) {
  struct floor_env *fe = handle->data;
  napi_async_cleanup_hook_handle h = fe->cleanup;
  free(fe->ops);
  free(fe);
  napi_remove_async_cleanup_hook(h);
}

static void cleanup(napi_async_cleanup_hook_handle h, void *arg) {
  struct floor_env *fe = arg;
  napi_async_destroy(fe->env, fe->context);
  napi_delete_reference(fe->env, fe->resource);
  close(fe->epfd);
  uv_close((uv_handle_t *)&fe->poll, on_closed);
}

static napi_value Init(napi_env env, napi_value exports) {
  struct floor_env *fe = calloc(1, sizeof(*fe));
  uv_loop_t *loop;
  napi_value resource, name;
  if (fe == NULL) {
    napi_throw_error(env, NULL, "floor: out of memory");
    return NULL;
  }
  fe->env = env;
  fe->epfd = epoll_create1(EPOLL_CLOEXEC);
  if (fe->epfd == -1) {
    napi_throw_error(env, NULL, "floor: epoll_create1 failed");
    return NULL;
  }
  CHECK(napi_get_uv_event_loop(env, &loop));
  if (uv_poll_init(loop, &fe->poll, fe->epfd) != 0) {
    napi_throw_error(env, NULL, "floor: uv_poll_init failed");
    return NULL;
  }
  fe->poll.data = fe;
  uv_unref((uv_handle_t *)&fe->poll);
  CHECK(napi_create_object(env, &resource));
  CHECK(napi_create_reference(env, resource, 1, &fe->resource));
  CHECK(napi_create_string_utf8(env, "floor", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_async_init(env, resource, name, &fe->context));
  CHECK(napi_set_instance_data(env, fe, NULL, NULL));
  CHECK(napi_add_async_cleanup_hook(env, cleanup, fe, &fe->cleanup));

  napi_property_descriptor props[] = {
      {"recvSync", NULL, RecvSync, NULL, NULL, NULL, napi_default, NULL},
      {"sendSync", NULL, SendSync, NULL, NULL, NULL, napi_default, NULL},
      {"recv", NULL, Recv, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, Send, NULL, NULL, NULL, napi_default, NULL},
      {"accept", NULL, Accept, NULL, NULL, NULL, napi_default, NULL},
      {"errno", NULL, Errno, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
