// The sync floor: the Sync peers' loops with recv(2) and send(2) made by an
// addon call that does only the syscall (bench/floor/floor.c). Setup (socket,
// accept, connect) is posix-sockets', outside the timed loops.
import { socket, acceptSync, connectSync, close, shutdown, sizeof, AF_INET, SOCK_STREAM, SHUT_WR } from '../../dist/index.js';
import { loopback, nodelay, listenLoopback } from './posix-common.mjs';
import { floor, checker } from './floor-common.mjs';
import { runSyncPeer } from './sync-peer.mjs';

runSyncPeer({
  socket, acceptSync, connectSync, sendSync: floor.sendSync, recvSync: floor.recvSync, close, shutdown, sizeof,
  AF_INET, SOCK_STREAM, SHUT_WR,
  check: checker(['recv', 'send']), loopback, nodelay, listenLoopback,
});
