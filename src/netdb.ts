// Names and addresses by the C library (netdb.h, arpa/inet.h): getaddrinfo,
// getnameinfo, gethostbyname, gethostbyaddr and the inet(3) parsers, with
// C's results, lists in libc's order and libc's error texts. Resolution can
// block (files, DNS): the awaited forms run in the C library on a thread of
// this library's own pool, never on the event loop or libuv's threadpool;
// each has a *Sync twin that runs on the calling thread.
import { addon, type GaiEntry, type HostResult, type NameinfoResult } from './addon.js';
import { errno, setErrno } from './errno.js';
import { CStruct, field, in_addr, layoutOf, sockaddr, sockaddr_in, sockaddr_in6, sockaddr_un, sockaddr_storage } from './structs.js';
import * as v from './validate.js';
import type { HasBytes } from './validate.js';

const { AF_INET, AF_INET6, AF_UNIX } = addon.constants;

const AI = {
  size: layoutOf('sizeof_addrinfo'),
  ai_flags: field('addrinfo', 'ai_flags'),
  ai_family: field('addrinfo', 'ai_family'),
  ai_socktype: field('addrinfo', 'ai_socktype'),
  ai_protocol: field('addrinfo', 'ai_protocol'),
  ai_addrlen: field('addrinfo', 'ai_addrlen'),
};

/** A socket address as the family says: `ai_addr` of an addrinfo. */
export type AnySockaddr = sockaddr_in | sockaddr_in6 | sockaddr_un | sockaddr;

/**
 * struct addrinfo (getaddrinfo(3)): as hints (`new addrinfo()` is zeroed, as
 * after memset) and as each entry of a result list. The integer fields are in
 * the struct's C layout; `ai_addr` (a sockaddr view of the entry's own
 * address), `ai_canonname` and `ai_next` are JS references.
 */
export class addrinfo extends CStruct {
  static readonly SIZE = AI.size;
  ai_addr: AnySockaddr | null = null;
  ai_canonname: string | null = null;
  ai_next: addrinfo | null = null;
  constructor() {
    super(AI.size);
  }
  get ai_flags(): number {
    return this.getInt(AI.ai_flags);
  }
  set ai_flags(n: number) {
    this.setInt(AI.ai_flags, 'ai_flags', n);
  }
  get ai_family(): number {
    return this.getInt(AI.ai_family);
  }
  set ai_family(n: number) {
    this.setInt(AI.ai_family, 'ai_family', n);
  }
  get ai_socktype(): number {
    return this.getInt(AI.ai_socktype);
  }
  set ai_socktype(n: number) {
    this.setInt(AI.ai_socktype, 'ai_socktype', n);
  }
  get ai_protocol(): number {
    return this.getInt(AI.ai_protocol);
  }
  set ai_protocol(n: number) {
    this.setInt(AI.ai_protocol, 'ai_protocol', n);
  }
  get ai_addrlen(): number {
    return this.getUint(AI.ai_addrlen);
  }
  set ai_addrlen(n: number) {
    this.setInt(AI.ai_addrlen, 'ai_addrlen', n);
  }
}

/** `struct addrinfo *res` whose address is passed: getaddrinfo sets `res.value` to the list. */
export interface addrinfo_ptr {
  value: addrinfo | null;
}

/** A `char` buffer getnameinfo writes into: `value` is the string written. */
export interface char_buf {
  value: string;
}

function viewOf(bytes: Uint8Array, family: number): AnySockaddr {
  // Room for any address, so each view has its full C size.
  const ss = new sockaddr_storage();
  ss.bytes.set(bytes.subarray(0, ss.bytes.byteLength));
  if (family === AF_INET) return new sockaddr_in(ss);
  if (family === AF_INET6) return new sockaddr_in6(ss);
  if (family === AF_UNIX) return new sockaddr_un(ss);
  return new sockaddr(ss);
}

function chain(list: GaiEntry[]): addrinfo | null {
  let head: addrinfo | null = null;
  let tail: addrinfo | null = null;
  for (const e of list) {
    const ai = new addrinfo();
    ai.ai_flags = e.ai_flags;
    ai.ai_family = e.ai_family;
    ai.ai_socktype = e.ai_socktype;
    ai.ai_protocol = e.ai_protocol;
    ai.ai_addrlen = e.ai_addrlen;
    ai.ai_addr = e.ai_addr === null ? null : viewOf(e.ai_addr, e.ai_family);
    ai.ai_canonname = e.ai_canonname;
    if (tail === null) head = ai;
    else tail.ai_next = ai;
    tail = ai;
  }
  return head;
}

function nullableString(fn: string, name: string, s: unknown): string | null {
  if (s === null || s === undefined) return null;
  if (typeof s !== 'string') throw new TypeError(`${fn}(): argument '${name}' must be a string or null, got ${v.describe(s)}`);
  return s;
}

function string(fn: string, name: string, s: unknown): string {
  if (typeof s !== 'string') throw new TypeError(`${fn}(): argument '${name}' must be a string, got ${v.describe(s)}`);
  return s;
}

function gaiArgs(fn: string, node: unknown, service: unknown, hints: unknown, res: unknown): [string | null, string | null, Uint8Array | null, addrinfo_ptr] {
  const n = nullableString(fn, 'node', node);
  const s = nullableString(fn, 'service', service);
  if (hints !== null && hints !== undefined && !(hints instanceof addrinfo)) {
    throw new TypeError(`${fn}(): argument 'hints' must be an addrinfo or null, got ${v.describe(hints)}`);
  }
  if (res === null || typeof res !== 'object' || !('value' in res)) {
    throw new TypeError(`${fn}(): argument 'res' must be an addrinfo_ptr ({ value: null }), got ${v.describe(res)}`);
  }
  if (!Reflect.set(res, 'value', (res as addrinfo_ptr).value)) throw new TypeError(`${fn}(): argument 'res' must be writable, its 'value' is read-only`);
  return [n, s, hints instanceof addrinfo ? hints.bytes : null, res as addrinfo_ptr];
}

// errno is what the C library left, as in C (EAI_SYSTEM's cause among it).
function gaiDone(r: { ret: number; errno: number; list: GaiEntry[] }, res: addrinfo_ptr): number {
  if (r.ret === 0) res.value = chain(r.list);
  setErrno(r.errno);
  return r.ret;
}

/**
 * getaddrinfo(3) on the calling thread: the addresses for `node` and
 * `service` (either may be null) as a list in `res.value`, in libc's order.
 * Returns 0 or an EAI_* code (gai_strerror() has its text); EAI_SYSTEM sets errno.
 */
export function getaddrinfoSync(node: string | null, service: string | null, hints: addrinfo | null, res: addrinfo_ptr): number {
  const [n, s, h, ref] = gaiArgs('getaddrinfoSync', node, service, hints, res);
  return gaiDone(addon.getaddrinfoSync(n, s, h, errno), ref);
}

/** getaddrinfo(3) on a pool thread of the library; resolves to 0 or an EAI_* code. */
export function getaddrinfo(node: string | null, service: string | null, hints: addrinfo | null, res: addrinfo_ptr): Promise<number> {
  const [n, s, h, ref] = gaiArgs('getaddrinfo', node, service, hints, res);
  return new Promise((resolve) => addon.getaddrinfo(n, s, h, errno, (_r, _e, r) => resolve(gaiDone(r, ref))));
}

/**
 * freeaddrinfo(3): the list was copied into JS memory when it was made, so
 * nothing native is left to free; kept so that ports read as their C.
 */
export function freeaddrinfo(res: addrinfo | null): void {
  if (res !== null && !(res instanceof addrinfo)) throw new TypeError(`freeaddrinfo(): argument 'res' must be an addrinfo, got ${v.describe(res)}`);
}

/** gai_strerror(3): libc's text for an EAI_* code. */
export function gai_strerror(errcode: number): string {
  return addon.gai_strerror(v.int('gai_strerror', 'errcode', errcode));
}

type NiArgs = [ArrayBufferView | null, number, char_buf | null, number, char_buf | null, number, number];

function charBuf(fn: string, name: string, b: unknown): char_buf | null {
  if (b === null || b === undefined) return null;
  if (typeof b !== 'object' || typeof (b as char_buf).value !== 'string') {
    throw new TypeError(`${fn}(): argument '${name}' must be a char_buf ({ value: '' }) or null, got ${v.describe(b)}`);
  }
  if (!Reflect.set(b, 'value', (b as char_buf).value)) throw new TypeError(`${fn}(): argument '${name}' must be writable`);
  return b as char_buf;
}

function niArgs(fn: string, addr: unknown, addrlen: unknown, host: unknown, hostlen: unknown, serv: unknown, servlen: unknown, flags: unknown): NiArgs {
  const a = v.optionalMemory(fn, 'addr', addr);
  const len = a === null ? v.socklen(fn, 'addrlen', addrlen) : v.length(fn, 'addrlen', addrlen, a.byteLength, 'addr');
  const h = charBuf(fn, 'host', host);
  const s = charBuf(fn, 'serv', serv);
  // The C library writes at most hostlen / servlen bytes into buffers of that size.
  const hl = v.length(fn, 'hostlen', hostlen, 1 << 20, 'host');
  const sl = v.length(fn, 'servlen', servlen, 1 << 20, 'serv');
  return [a, len, h, hl, s, sl, v.int(fn, 'flags', flags)];
}

function niDone(r: NameinfoResult, host: char_buf | null, serv: char_buf | null): number {
  if (r.ret === 0) {
    if (host !== null) host.value = r.host;
    if (serv !== null) serv.value = r.serv;
  }
  setErrno(r.errno);
  return r.ret;
}

/**
 * getnameinfo(3) on the calling thread: the host and service names of a
 * socket address, into `host.value` and `serv.value` (buffers of `hostlen` and
 * `servlen` bytes to the C library, e.g. NI_MAXHOST, NI_MAXSERV). Returns 0 or an EAI_* code.
 */
export function getnameinfoSync(addr: HasBytes | ArrayBufferView | null, addrlen: number, host: char_buf | null, hostlen: number, serv: char_buf | null, servlen: number, flags: number): number {
  const [a, len, h, hl, s, sl, f] = niArgs('getnameinfoSync', addr, addrlen, host, hostlen, serv, servlen, flags);
  return niDone(addon.getnameinfoSync(a, len, h !== null, hl, s !== null, sl, f, errno), h, s);
}

/** getnameinfo(3) on a pool thread of the library; resolves to 0 or an EAI_* code. */
export function getnameinfo(addr: HasBytes | ArrayBufferView | null, addrlen: number, host: char_buf | null, hostlen: number, serv: char_buf | null, servlen: number, flags: number): Promise<number> {
  const [a, len, h, hl, s, sl, f] = niArgs('getnameinfo', addr, addrlen, host, hostlen, serv, servlen, flags);
  return new Promise((resolve) => addon.getnameinfo(a, len, h !== null, hl, s !== null, sl, f, errno, (_r, _e, r) => resolve(niDone(r, h, s))));
}

/** struct hostent (gethostbyname(3)): `h_addr_list` holds each address's bytes (h_length each). */
export class hostent {
  constructor(
    readonly h_name: string,
    readonly h_aliases: string[],
    readonly h_addrtype: number,
    readonly h_length: number,
    readonly h_addr_list: Uint8Array[],
  ) {}
  /** C's `h_addr`, the first address: `h_addr_list[0]`. */
  get h_addr(): Uint8Array | undefined {
    return this.h_addr_list[0];
  }
}

/** h_errno (gethostbyname(3)): the error of the last failing gethostbyname/gethostbyaddr. A live binding. */
export let h_errno = 0;

function hostDone(r: HostResult): hostent | null {
  setErrno(r.errno);
  if (r.hostent === null) {
    h_errno = r.herr;
    return null;
  }
  const h = r.hostent;
  return new hostent(h.h_name, h.h_aliases, h.h_addrtype, h.h_length, h.h_addr_list);
}

/** gethostbyname(3) on the calling thread: the host entry for `name`, or null with h_errno set. */
export function gethostbynameSync(name: string): hostent | null {
  return hostDone(addon.gethostbynameSync(string('gethostbynameSync', 'name', name), errno));
}

/** gethostbyname(3) on a pool thread of the library; resolves to the host entry or null (h_errno set). */
export function gethostbyname(name: string): Promise<hostent | null> {
  const n = string('gethostbyname', 'name', name);
  return new Promise((resolve) => addon.gethostbyname(n, errno, (_r, _e, r) => resolve(hostDone(r))));
}

function byAddrArgs(fn: string, addr: unknown, len: unknown, type: unknown): [ArrayBufferView, number, number] {
  const a = v.memory(fn, 'addr', addr);
  return [a, v.length(fn, 'len', len, a.byteLength, 'addr'), v.int(fn, 'type', type)];
}

/** gethostbyaddr(3) on the calling thread: the host entry for an address (`in_addr`, len 4, AF_INET). */
export function gethostbyaddrSync(addr: HasBytes | ArrayBufferView, len: number, type: number): hostent | null {
  return hostDone(addon.gethostbyaddrSync(...byAddrArgs('gethostbyaddrSync', addr, len, type), errno));
}

/** gethostbyaddr(3) on a pool thread of the library; resolves to the host entry or null (h_errno set). */
export function gethostbyaddr(addr: HasBytes | ArrayBufferView, len: number, type: number): Promise<hostent | null> {
  const args = byAddrArgs('gethostbyaddr', addr, len, type);
  return new Promise((resolve) => addon.gethostbyaddr(...args, errno, (_r, _e, r) => resolve(hostDone(r))));
}

/** hstrerror(3): libc's text for an h_errno value. */
export function hstrerror(err: number): string {
  return addon.hstrerror(v.int('hstrerror', 'err', err));
}

/** inet_addr(3): the IPv4 address in `cp` in network byte order, or INADDR_NONE (0xffffffff). */
export function inet_addr(cp: string): number {
  return addon.inet_addr(string('inet_addr', 'cp', cp));
}

/**
 * inet_aton(3): parses `cp` in any of the forms libc takes ("10.1" is
 * 10.0.0.1, "0x7f.1" is 127.0.0.1) into `inp`; returns 1, or 0 if invalid.
 */
export function inet_aton(cp: string, inp: in_addr | ArrayBufferView): number {
  return addon.inet_aton(string('inet_aton', 'cp', cp), v.memory('inet_aton', 'inp', inp));
}

/** inet_ntoa(3): the dotted-decimal text of an IPv4 address. */
export function inet_ntoa(inp: in_addr | ArrayBufferView): string {
  return addon.inet_ntoa(v.memory('inet_ntoa', 'in', inp));
}

/** inet_network(3): the network number in `cp` in host byte order, or 0xffffffff ((in_addr_t)-1) if invalid. */
export function inet_network(cp: string): number {
  return addon.inet_network(string('inet_network', 'cp', cp));
}
