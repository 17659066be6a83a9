// Calls in one direction on one socket run in the order they were made, even
// when the caller does not await each one: bytes are never reordered.
import { describe, expect, it } from 'vitest';
import { SOL_SOCKET, SO_RCVBUF, SO_SNDBUF, c_int, recv, send, setsockopt, sizeof } from '../src/index.js';
import { connectedPair, ok } from './helpers.js';

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
