// The multicast option structs of ip(7) and ipv6(7), laid out as the headers
// lay them out: ip_mreq (IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP), ip_mreqn
// (the same, and IP_MULTICAST_IF, by interface index; Linux) and ipv6_mreq
// (IPV6_JOIN_GROUP / IPV6_LEAVE_GROUP). Their addresses are views of the
// struct's own memory, as `mreq.imr_multiaddr.s_addr = ...` writes it in C.
import { addon } from './addon.js';
import { CStruct, field, in6_addr, in_addr, layoutOf, type Field } from './structs.js';
import { describe } from './validate.js';

const layout = addon.layout;

function assign(target: Uint8Array, src: unknown, type: typeof in_addr | typeof in6_addr, what: string): void {
  if (!(src instanceof type)) throw new TypeError(`${what} must be assigned a ${type.name}, got ${describe(src)}`);
  target.set(src.bytes.subarray(0, target.byteLength));
}

const MREQ = {
  size: layoutOf('sizeof_ip_mreq'),
  imr_multiaddr: field('ip_mreq', 'imr_multiaddr'),
  imr_interface: field('ip_mreq', 'imr_interface'),
};

/** struct ip_mreq (ip(7)): the group and the local interface's address (INADDR_ANY: the kernel chooses). */
export class ip_mreq extends CStruct {
  static readonly SIZE = MREQ.size;
  constructor(from?: CStruct | ArrayBufferView) {
    super(MREQ.size, from);
  }
  get imr_multiaddr(): in_addr {
    return new in_addr(this.sub(MREQ.imr_multiaddr));
  }
  set imr_multiaddr(a: in_addr) {
    assign(this.sub(MREQ.imr_multiaddr), a, in_addr, 'ip_mreq.imr_multiaddr');
  }
  get imr_interface(): in_addr {
    return new in_addr(this.sub(MREQ.imr_interface));
  }
  set imr_interface(a: in_addr) {
    assign(this.sub(MREQ.imr_interface), a, in_addr, 'ip_mreq.imr_interface');
  }
}

const MREQN: { size: number; imr_multiaddr: Field; imr_address: Field; imr_ifindex: Field } | undefined =
  layout['sizeof_ip_mreqn'] === undefined
    ? undefined
    : {
        size: layoutOf('sizeof_ip_mreqn'),
        imr_multiaddr: field('ip_mreqn', 'imr_multiaddr'),
        imr_address: field('ip_mreqn', 'imr_address'),
        imr_ifindex: field('ip_mreqn', 'imr_ifindex'),
      };

/** struct ip_mreqn (Linux, ip(7)): as ip_mreq, and the interface by index. Throws where the platform lacks it. */
export class ip_mreqn extends CStruct {
  static readonly SIZE = MREQN?.size ?? 0;
  constructor(from?: CStruct | ArrayBufferView) {
    if (MREQN === undefined) throw new TypeError('struct ip_mreqn does not exist on this platform');
    super(MREQN.size, from);
  }
  get imr_multiaddr(): in_addr {
    return new in_addr(this.sub(MREQN!.imr_multiaddr));
  }
  set imr_multiaddr(a: in_addr) {
    assign(this.sub(MREQN!.imr_multiaddr), a, in_addr, 'ip_mreqn.imr_multiaddr');
  }
  get imr_address(): in_addr {
    return new in_addr(this.sub(MREQN!.imr_address));
  }
  set imr_address(a: in_addr) {
    assign(this.sub(MREQN!.imr_address), a, in_addr, 'ip_mreqn.imr_address');
  }
  get imr_ifindex(): number {
    return this.getInt(MREQN!.imr_ifindex);
  }
  set imr_ifindex(n: number) {
    this.setInt(MREQN!.imr_ifindex, 'imr_ifindex', n);
  }
}

const MREQ6 = {
  size: layoutOf('sizeof_ipv6_mreq'),
  ipv6mr_multiaddr: field('ipv6_mreq', 'ipv6mr_multiaddr'),
  ipv6mr_interface: field('ipv6_mreq', 'ipv6mr_interface'),
};

/** struct ipv6_mreq (ipv6(7)): the group and the interface index (0: the kernel chooses). */
export class ipv6_mreq extends CStruct {
  static readonly SIZE = MREQ6.size;
  constructor(from?: CStruct | ArrayBufferView) {
    super(MREQ6.size, from);
  }
  get ipv6mr_multiaddr(): in6_addr {
    return new in6_addr(this.sub(MREQ6.ipv6mr_multiaddr));
  }
  set ipv6mr_multiaddr(a: in6_addr) {
    assign(this.sub(MREQ6.ipv6mr_multiaddr), a, in6_addr, 'ipv6_mreq.ipv6mr_multiaddr');
  }
  get ipv6mr_interface(): number {
    return this.getUint(MREQ6.ipv6mr_interface);
  }
  set ipv6mr_interface(n: number) {
    this.setInt(MREQ6.ipv6mr_interface, 'ipv6mr_interface', n);
  }
}
