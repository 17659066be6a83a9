// posix-sockets, Promise API: the C peers' loops with `await` on each blocking call.
import { socket, accept, connect, send, recv, close, shutdown, sizeof, AF_INET, SOCK_STREAM, SHUT_WR } from '../../dist/index.js';
import { check, loopback, nodelay, listenLoopback } from './posix-common.mjs';
import { runAsyncPeer } from './async-peer.mjs';

await runAsyncPeer({
  socket, accept, connect, send, recv, close, shutdown, sizeof, AF_INET, SOCK_STREAM, SHUT_WR,
  check, loopback, nodelay, listenLoopback,
});
