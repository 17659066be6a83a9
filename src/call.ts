// How a call's result reaches the caller, shared by every call module
// (syscalls.ts, io.ts, msg.ts, netdb.ts): the sync twins' errno, and the
// Promise of an async call with its {signal, timeout} options. Internal: not
// re-exported by index.ts.
import { addon, ERRNO_SLOT, OP_ID_SLOT, OUTLEN_SLOT, type Callback } from './addon.js';
import { setErrno } from './errno.js';
import * as v from './validate.js';

export const lastCall = addon.lastCall;

/** Returns a sync call's result; when it failed (-1), first sets `errno` to the value the native call saved. */
export function withErrno(r: number): number {
  if (r === -1) setErrno(lastCall[ERRNO_SLOT]);
  return r;
}

/** Options for the calls that can block (the last argument of each). */
export interface BlockingOptions {
  /**
   * Aborting makes a call that has not completed end with -1 and errno ECANCELED. A call inside
   * its syscall on a pool thread is interrupted there, as by a signal in C: bytes it had already
   * moved (a MSG_WAITALL recv short of len) are its count, and a connect goes on in the kernel.
   */
  signal?: AbortSignal;
  /** Milliseconds; then the call ends as on abort, but with errno EAGAIN, as with SO_RCVTIMEO. */
  timeout?: number;
}

const { EAGAIN, ECANCELED } = addon.constants;

function checkOptions(fn: string, options: unknown): BlockingOptions | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${fn}(): argument 'options' must be an object, got ${v.describe(options)}`);
  }
  const { signal, timeout } = options as BlockingOptions;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`${fn}(): 'options.signal' must be an AbortSignal, got ${v.describe(signal)}`);
  }
  if (timeout !== undefined) {
    if (typeof timeout !== 'number') throw new TypeError(`${fn}(): 'options.timeout' must be a number, got ${v.describe(timeout)}`);
    if (!(timeout >= 0) || timeout > 0x7fffffff) {
      throw new RangeError(`${fn}(): 'options.timeout' must be from 0 to 2147483647 ms, got ${timeout}`);
    }
  }
  // The values checked are the values used: options are read once.
  return { signal, timeout };
}

/**
 * The Promise an awaited call returns. It settles with the call's result;
 * `errno` is the call's own errno (set when it settles with -1), and every
 * reaction to it (`await p`, `p.then(f)`) first sets the global `errno` to
 * that, so the code right after `await p` reads p's errno whatever order calls
 * completed and were awaited in.
 */
export interface CallPromise extends Promise<number> {
  /** This call's errno: 0 until it settles, and when it succeeded. Always this call's own. */
  readonly errno: number;
}

// The class of a CallPromise that failed: its `then` sets errno before each
// reaction. Not exported, so that only the calls make one.
//
// A hooked `then` costs two microtask hops more per await than a native
// Promise's (await takes a native Promise's reactions directly, and any other
// object's through its `then`), so a call's promise is native until it fails:
// - a call that succeeds never needs the hook (errno untouched);
// - an `await p` made while p is pending resumes in the microtask checkpoint
//   of p's own completion, right after settle() set errno to p's;
// - an `await p` made after p failed finds p a Call (settle() gave it this
//   prototype, so p.constructor is no longer Promise) and goes through the hook.
class Call extends Promise<number> implements CallPromise {
  declare errno: number;

  // Derived promises (from then/catch/finally) are plain ones.
  static get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  override then<A = number, B = never>(
    onfulfilled?: ((value: number) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    if (typeof onfulfilled !== 'function') return super.then(onfulfilled, onrejected);
    return super.then((r) => {
      if (r === -1) setErrno(this.errno);
      return onfulfilled(r);
    }, onrejected);
  }
}
// 0 until the call fails: an own property is made only then.
Object.defineProperty(Call.prototype, 'errno', { value: 0, writable: true });

type Settable = Promise<number> & { errno: number };

/** The promise of a call that succeeded inside the call: settled, errno untouched. */
function succeeded(r: number): CallPromise {
  const p = Promise.resolve(r) as Settable;
  p.errno = 0;
  return p;
}

/**
 * Runs an async op. A call that completed inside `start` (it could not
 * block) settles from its own macrotask, so it never settles inside the call;
 * a call completed from the event loop settles there. errno: see CallPromise.
 */
// Promise's executor runs synchronously: it hands over `resolve` through this
// slot, so that a call allocates no executor closure.
let resolveSlot: (value: number) => void = () => {};
function capture(resolve: (value: number) => void): void {
  resolveSlot = resolve;
}

function settle(promise: Settable, resolve: (value: number) => void, r: number, err: number): void {
  if (r === -1) {
    promise.errno = err;
    setErrno(err);
    if (!(promise instanceof Call)) Object.setPrototypeOf(promise, Call.prototype);
  }
  resolve(r);
}

// Runs a call's completion hook (write-backs, tracing).
function completed(fn: string, onDone: (r: number, err: number, outlen: number) => void, r: number, err: number, outlen: number): void {
  try {
    onDone(r, err, outlen);
  } catch (e) {
    // The call happened (a descriptor may have been made): its result is
    // delivered; only the write-back failed (e.g. addrlen frozen meanwhile).
    process.emitWarning(`${fn}(): ${(e as Error).message}`, 'PosixSocketsWarning');
  }
}

const PENDING = addon.pending;

export function queue(
  fn: string,
  options: BlockingOptions | undefined,
  start: (cb: Callback) => number,
  onDone?: (r: number, err: number, outlen: number) => void,
): CallPromise {
  const opts = options === undefined ? undefined : checkOptions(fn, options);
  if (opts?.signal?.aborted) {
    // Never started: like a call interrupted before it reached the kernel.
    const p = new Call(capture);
    setImmediate(settle, p, resolveSlot, -1, ECANCELED);
    return p;
  }
  let promise: Settable; // made once start() has returned
  let resolve: (value: number) => void;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  // The callback runs only for a queued call, from the event loop.
  const now = start((r, err, outlen) => {
    if (timer !== undefined) clearTimeout(timer);
    if (onAbort !== undefined) opts!.signal!.removeEventListener('abort', onAbort);
    if (onDone !== undefined) completed(fn, onDone, r, err, outlen);
    settle(promise, resolve, r, err);
  });
  if (now !== PENDING) {
    // Made at once: the result is the return value, errno and the out-length in their slots.
    const err = now === -1 ? lastCall[ERRNO_SLOT] : 0;
    if (onDone !== undefined) completed(fn, onDone, now, err, lastCall[OUTLEN_SLOT]);
    if (now !== -1) return succeeded(now);
    const p = new Call(capture);
    setImmediate(settle, p, resolveSlot, now, err);
    return p;
  }
  const id = lastCall[OP_ID_SLOT] >>> 0;
  promise = new Promise<number>(capture) as Settable;
  promise.errno = 0;
  resolve = resolveSlot;
  if (opts === undefined) return promise;
  if (opts.timeout !== undefined) timer = setTimeout(() => addon.cancel(id, EAGAIN), opts.timeout);
  if (opts.signal !== undefined) {
    onAbort = () => addon.cancel(id, ECANCELED);
    opts.signal.addEventListener('abort', onAbort, { once: true });
  }
  return promise;
}
