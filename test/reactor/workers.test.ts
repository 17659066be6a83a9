// The addon keeps its state per environment, so it loads in worker_threads:
// each worker makes real socket calls, and the main thread is unaffected.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { AF_INET, SOCK_DGRAM, close, socket } from '../../src/index.js';
import { listenLoopback, ok, tempDir } from '../support/sockets.js';
import { distEntry } from '../support/child.js';

// Workers run the built package (a worker cannot load TypeScript sources).
const distIndex = fileURLToPath(distEntry());
const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WORKER_SOURCE = `
import { parentPort, workerData } from 'node:worker_threads';
const ps = await import(workerData.lib);
const { AF_INET, SOCK_STREAM, INADDR_LOOPBACK, socket, bind, listen, getsockname, close, errno,
  sockaddr_in, htons, htonl, ntohs, sizeof, socklen_t } = ps;
const fd = socket(AF_INET, SOCK_STREAM, 0);
const addr = new sockaddr_in();
addr.sin_family = AF_INET;
addr.sin_port = htons(0);
addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
const bound = bind(fd, addr, sizeof(addr));
const listening = listen(fd, 4);
const len = socklen_t(sizeof(addr));
const named = getsockname(fd, addr, len);
const port = ntohs(addr.sin_port);
// Wait until every worker has its socket, so they really overlap.
Atomics.add(workerData.ready, 0, 1);
while (Atomics.load(workerData.ready, 0) < workerData.count) Atomics.wait(workerData.ready, 0, Atomics.load(workerData.ready, 0), 50);
const closed = close(fd);
parentPort.postMessage({ fd, bound, listening, named, port, closed, errno });
`;

interface Report {
  fd: number;
  bound: number;
  listening: number;
  named: number;
  port: number;
  closed: number;
  errno: number;
}

function runWorker(file: string, ready: Int32Array, count: number): Promise<Report> {
  return new Promise((resolve, reject) => {
    const w = new Worker(file, { workerData: { lib: distEntry(), ready, count } });
    let report: Report | undefined;
    const timer = setTimeout(() => {
      void w.terminate();
      reject(new Error('worker timed out'));
    }, 10_000);
    w.on('message', (m: Report) => (report = m));
    w.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    w.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0 || report === undefined) reject(new Error(`worker exited with code ${code} and no report`));
      else resolve(report);
    });
  });
}

describe('worker_threads', () => {
  it('two_workers_at_once_each_bind_a_socket_and_the_main_thread_still_works', async () => {
    expect(existsSync(distIndex), 'the package is built (npm test builds it)').toBe(true);
    const file = join(dir, 'bind-worker.mjs');
    writeFileSync(file, WORKER_SOURCE);
    const ready = new Int32Array(new SharedArrayBuffer(4));
    const reports = await Promise.all([runWorker(file, ready, 2), runWorker(file, ready, 2)]);
    for (const r of reports) {
      expect(r.fd).toBeGreaterThanOrEqual(0);
      expect([r.bound, r.listening, r.named, r.closed]).toEqual([0, 0, 0, 0]);
      expect(r.port).toBeGreaterThan(0);
    }
    // One process, one descriptor table: the overlapping sockets are distinct, as are their ports.
    expect(reports[0].fd).not.toBe(reports[1].fd);
    expect(reports[0].port).not.toBe(reports[1].port);
    // The main thread's addon still works after the workers' environments are torn down.
    const l = listenLoopback();
    expect(l.port).toBeGreaterThan(0);
    close(l.fd);
    const u = ok(socket(AF_INET, SOCK_DGRAM, 0), 'socket');
    expect(close(u)).toBe(0);
    expect(close(u)).toBe(-1);
  });
});
