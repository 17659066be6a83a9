// The event-loop floor: the Promise peers' loops over the least an event-loop
// Promise API can do under this library's rule (bench/floor/floor.c): the
// descriptor left blocking, recv and accept made once a private epoll reports
// it readable, send made at once. connect is posix-sockets' connectSync
// (a loopback connect completes at once; W1, W2 and W4 connect before timing).
import { socket, connectSync, close, shutdown, sizeof, AF_INET, SOCK_STREAM, SHUT_WR } from '../../dist/index.js';
import { loopback, nodelay, listenLoopback } from './posix-common.mjs';
import { floor, checker } from './floor-common.mjs';
import { runAsyncPeer } from './async-peer.mjs';

await runAsyncPeer({
  socket, accept: floor.accept, connect: connectSync, send: floor.send, recv: floor.recv, close, shutdown, sizeof,
  AF_INET, SOCK_STREAM, SHUT_WR,
  check: checker(['recv', 'send', 'accept']), loopback, nodelay, listenLoopback,
});
