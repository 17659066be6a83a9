// posix-sockets, Sync twins: the C peers' loops, line for line, on the JS thread.
import {
  socket, acceptSync, connectSync, sendSync, recvSync, close, shutdown, sizeof, AF_INET, SOCK_STREAM, SHUT_WR,
} from '../../dist/index.js';
import { check, loopback, nodelay, listenLoopback } from './posix-common.mjs';
import { runSyncPeer } from './sync-peer.mjs';

runSyncPeer({
  socket, acceptSync, connectSync, sendSync, recvSync, close, shutdown, sizeof, AF_INET, SOCK_STREAM, SHUT_WR,
  check, loopback, nodelay, listenLoopback,
});
