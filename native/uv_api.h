// The few libuv calls the reactor makes. The cmake-js build compiles against
// the Node-API headers only (the node-api-headers package has no uv.h), so
// where uv.h is missing they are declared here; the reactor uses only these
// functions (no struct members), which libuv keeps stable across 1.x, and
// Node exports them to addons. Handles are allocated with uv_handle_size().
#pragma once

#if __has_include(<uv.h>)
#include <uv.h>
#else
#include <stddef.h>
extern "C" {
typedef struct uv_loop_s uv_loop_t;
typedef struct uv_handle_s uv_handle_t;
typedef struct uv_poll_s uv_poll_t;
typedef struct uv_async_s uv_async_t;
typedef struct uv_timer_s uv_timer_t;
// Values of libuv's UV_HANDLE_TYPE_MAP and uv_poll_event, fixed by its 1.x ABI.
typedef enum { UV_ASYNC = 1, UV_POLL = 8, UV_TIMER = 13 } uv_handle_type;
enum uv_poll_event { UV_READABLE = 1 };
typedef void (*uv_poll_cb)(uv_poll_t* handle, int status, int events);
typedef void (*uv_async_cb)(uv_async_t* handle);
typedef void (*uv_close_cb)(uv_handle_t* handle);
typedef void (*uv_timer_cb)(uv_timer_t* handle);
size_t uv_handle_size(uv_handle_type type);
int uv_poll_init(uv_loop_t* loop, uv_poll_t* handle, int fd);
int uv_poll_start(uv_poll_t* handle, int events, uv_poll_cb cb);
int uv_poll_stop(uv_poll_t* handle);
int uv_async_init(uv_loop_t* loop, uv_async_t* handle, uv_async_cb cb);
int uv_async_send(uv_async_t* handle);
int uv_backend_fd(const uv_loop_t* loop);
int uv_timer_init(uv_loop_t* loop, uv_timer_t* handle);
int uv_timer_start(uv_timer_t* handle, uv_timer_cb cb, unsigned long long timeout, unsigned long long repeat);
int uv_timer_stop(uv_timer_t* handle);
void uv_close(uv_handle_t* handle, uv_close_cb cb);
void uv_ref(uv_handle_t* handle);
void uv_unref(uv_handle_t* handle);
void* uv_handle_get_data(const uv_handle_t* handle);
void uv_handle_set_data(uv_handle_t* handle, void* data);
}
#endif
