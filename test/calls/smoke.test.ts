import { describe, expect, it } from 'vitest';
import { MSG_WAITALL, close, recv, send } from '../../src/index.js';
import { connectedPair } from '../support/sockets.js';

describe('echo over loopback', () => {
  it('send_then_recv_waitall_returns_the_same_bytes', async () => {
    const p = await connectedPair();
    expect(await send(p.client, 'hello\n', 6, 0)).toBe(6);
    const buf = Buffer.alloc(16);
    expect(await recv(p.server, buf, 6, MSG_WAITALL)).toBe(6);
    expect(buf.toString('utf8', 0, 6)).toBe('hello\n');
    close(p.client);
    expect(await recv(p.server, buf, 16, 0)).toBe(0);
    p.closeAll();
  });
});
