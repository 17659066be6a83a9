// Calls in one direction on one socket run in the order they were made, even
// when the caller does not await each one: bytes are never reordered.
import { describe, expect, it } from 'vitest';
import { MSG_DONTWAIT, SOL_SOCKET, SO_RCVBUF, SO_SNDBUF, c_int, recv, recvSync, send, sendSync, setsockopt, sizeof } from '../../src/index.js';
import { connectedPair, ok } from '../support/sockets.js';

describe('call order on one socket', () => {
  it('sends_without_await_arrive_in_call_order', async () => {
    const p = await connectedPair();
    // Small buffers, so that most sends must wait for room.
    ok(setsockopt(p.client, SOL_SOCKET, SO_SNDBUF, new c_int(4096), sizeof(c_int)), 'setsockopt');
    ok(setsockopt(p.server, SOL_SOCKET, SO_RCVBUF, new c_int(4096), sizeof(c_int)), 'setsockopt');
    const count = 200;
    const size = 3000;
    const sends = Array.from({ length: count }, (_, i) => send(p.client, Buffer.alloc(size, i & 0xff), size, 0));
    const all = Buffer.alloc(count * size);
    let got = 0;
    while (got < all.length) {
      const r = await recv(p.server, all.subarray(got), all.length - got, 0);
      expect(r).toBeGreaterThan(0);
      got += r;
    }
    expect(await Promise.all(sends)).toEqual(new Array(count).fill(size));
    for (let i = 0; i < count; i++) {
      expect(all.subarray(i * size, (i + 1) * size).every((b) => b === (i & 0xff))).toBe(true);
    }
    p.closeAll();
  });

  it('a_send_made_when_room_appears_waits_behind_the_send_already_waiting', async () => {
    const p = await connectedPair();
    ok(setsockopt(p.client, SOL_SOCKET, SO_SNDBUF, new c_int(4096), sizeof(c_int)), 'setsockopt');
    ok(setsockopt(p.server, SOL_SOCKET, SO_RCVBUF, new c_int(4096), sizeof(c_int)), 'setsockopt');
    // Fill both buffers until a non-waiting send finds no room.
    const filler = Buffer.alloc(1024, 0x2e);
    let queued = 0;
    for (;;) {
      const r = sendSync(p.client, filler, filler.length, MSG_DONTWAIT);
      if (r === -1) break;
      queued += r;
    }
    const first = send(p.client, Buffer.alloc(2000, 0x41), 2000, 0); // must wait for room
    // Make room synchronously, then send again before the event loop runs:
    // the second send must not overtake the first.
    const drain = Buffer.alloc(queued);
    let drained = 0;
    while (drained < queued) drained += ok(recvSync(p.server, drain.subarray(drained), queued - drained, 0), 'recv');
    const second = send(p.client, Buffer.alloc(10, 0x42), 10, 0);
    expect(await first).toBe(2000);
    expect(await second).toBe(10);
    const tail = Buffer.alloc(2010);
    let got = 0;
    while (got < tail.length) got += ok(recvSync(p.server, tail.subarray(got), tail.length - got, 0), 'recv');
    expect(tail.subarray(0, 2000).every((b) => b === 0x41)).toBe(true);
    expect(tail.subarray(2000).every((b) => b === 0x42)).toBe(true);
    p.closeAll();
  });

  it('recvs_without_await_take_the_data_in_call_order', async () => {
    const p = await connectedPair();
    const bufs = Array.from({ length: 5 }, () => Buffer.alloc(4));
    const recvs = bufs.map((b) => recv(p.server, b, 4, 0));
    for (const chunk of ['aaaa', 'bbbb', 'cccc', 'dddd', 'eeee']) {
      expect(await send(p.client, chunk, 4, 0)).toBe(4);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await Promise.all(recvs)).toEqual([4, 4, 4, 4, 4]);
    expect(bufs.map((b) => b.toString())).toEqual(['aaaa', 'bbbb', 'cccc', 'dddd', 'eeee']);
    p.closeAll();
  });
});
