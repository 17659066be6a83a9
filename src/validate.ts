// Argument checks for the call wrappers: a programming error throws a
// TypeError or RangeError naming the function and the argument, before any
// syscall is made. What the kernel would reject (a bad descriptor, an unknown
// family) is passed through, so the caller gets C's -1 and errno.

export type Bytes = ArrayBufferView;

/** Anything that has C memory behind it: a struct from this library or a typed array. */
export interface HasBytes {
  readonly bytes: Uint8Array;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'an object';
  return typeof v;
}

/** A C `int`: any 32-bit value; C programs also pass unsigned flag words. */
export function int(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number') {
    throw new TypeError(`${fn}(): argument '${name}' must be a number, got ${describe(v)}`);
  }
  if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
    throw new RangeError(`${fn}(): argument '${name}' must be a 32-bit integer, got ${v}`);
  }
  return v;
}

function detached(view: ArrayBufferView): boolean {
  // A view with bytes is attached; `.buffer` (a call into the runtime) only for an empty one.
  if (view.byteLength !== 0) return false;
  const ab = view.buffer;
  if (ab.byteLength !== 0) return false;
  try {
    new Uint8Array(ab as ArrayBuffer);
    return false;
  } catch {
    return true;
  }
}

/** An ArrayBufferView (Buffer, any TypedArray, DataView) that is not detached. */
export function view(fn: string, name: string, v: unknown): ArrayBufferView {
  if (!ArrayBuffer.isView(v)) {
    throw new TypeError(`${fn}(): argument '${name}' must be a Buffer, TypedArray or DataView, got ${describe(v)}`);
  }
  if (detached(v)) throw new TypeError(`${fn}(): argument '${name}' is a view of a detached ArrayBuffer`);
  return v;
}

/** A `size_t` length that must fit in `limit` bytes of `bufName`. */
export function length(fn: string, name: string, v: unknown, limit: number, bufName: string): number {
  if (typeof v !== 'number') {
    throw new TypeError(`${fn}(): argument '${name}' must be a number, got ${describe(v)}`);
  }
  if (!Number.isInteger(v) || v < 0) {
    throw new RangeError(`${fn}(): argument '${name}' must be a non-negative integer, got ${v}`);
  }
  if (v > limit) {
    throw new RangeError(`${fn}(): argument '${name}' (${v}) exceeds the size of '${bufName}' (${limit} bytes)`);
  }
  return v;
}

/** An unsigned length with no buffer to bound it (addrlen with a null addr). */
export function socklen(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number') {
    throw new TypeError(`${fn}(): argument '${name}' must be a number, got ${describe(v)}`);
  }
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new RangeError(`${fn}(): argument '${name}' must be an integer from 0 to 4294967295, got ${v}`);
  }
  return v;
}

/** C memory given as a struct (sockaddr_in, timeval, ...) or as any ArrayBufferView. */
export function memory(fn: string, name: string, v: unknown): ArrayBufferView {
  if (v !== null && typeof v === 'object' && 'bytes' in v && ArrayBuffer.isView((v as HasBytes).bytes)) {
    return view(fn, name, (v as HasBytes).bytes);
  }
  if (ArrayBuffer.isView(v)) return view(fn, name, v);
  throw new TypeError(
    `${fn}(): argument '${name}' must be a socket address struct or an ArrayBufferView, got ${describe(v)}`,
  );
}

export function optionalMemory(fn: string, name: string, v: unknown): ArrayBufferView | null {
  return v === null || v === undefined ? null : memory(fn, name, v);
}

/** A `socklen_t *`: an object with a numeric `value`, or null. */
export interface LengthRef {
  value: number;
}

export function lengthRef(fn: string, name: string, v: unknown, nullable: boolean): LengthRef | null {
  if ((v === null || v === undefined) && nullable) return null;
  if (v === null || typeof v !== 'object' || typeof (v as LengthRef).value !== 'number') {
    throw new TypeError(
      `${fn}(): argument '${name}' must be a socklen_t ({ value: number }, see socklen_t())${nullable ? ' or null' : ''}, got ${describe(v)}`,
    );
  }
  // The call writes the length back: a read-only value must fail before the syscall, not after.
  if (!Reflect.set(v, 'value', (v as LengthRef).value)) {
    throw new TypeError(`${fn}(): argument '${name}' must be writable, its 'value' is read-only`);
  }
  return v as LengthRef;
}
