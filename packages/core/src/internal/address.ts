/**
 * IP address literals and what they reach: loopback, private, link-local, cloud metadata and the
 * other ranges no server-supplied URL should make us fetch. Input is a WHATWG hostname (already
 * lower-cased, IPv4 in dotted decimal whatever form was written, IPv6 compressed in brackets):
 * `new URL` has done the decoding of `0x7f.1`, `2130706433`, `0177.0.0.1` and `127.0.0.1.`.
 *
 * @internal
 */

/** @internal */
export type AddressClass =
  | "public"
  | "loopback"
  | "private"
  | "link-local"
  | "metadata"
  | "unspecified"
  | "multicast"
  | "reserved"

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/

/** A dotted-decimal IPv4 literal as four octets, or `undefined`. @internal */
export const parseIpv4 = (host: string): readonly [number, number, number, number] | undefined => {
  const match = DOTTED.exec(host)
  if (match === null) return undefined
  const octets = [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4])] as const
  return octets.every((octet) => octet <= 255) ? octets : undefined
}

/**
 * An IPv6 literal (with or without brackets, no zone) as eight 16-bit groups, or `undefined`.
 * Accepts `::` compression and a trailing dotted IPv4 part (`::ffff:1.2.3.4`).
 *
 * @internal
 */
export const parseIpv6 = (host: string): ReadonlyArray<number> | undefined => {
  let text = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host
  if (text === "" || !/^[0-9a-f:.]+$/i.test(text)) return undefined
  const lastColon = text.lastIndexOf(":")
  if (lastColon < 0) return undefined
  if (text.includes(".", lastColon)) {
    // The dotted IPv4 tail stands for the last two groups: rewrite it as them.
    const v4 = parseIpv4(text.slice(lastColon + 1))
    if (v4 === undefined) return undefined
    text = `${text.slice(0, lastColon + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`
  }
  const halves = text.split("::")
  if (halves.length > 2) return undefined
  const groupsOf = (part: string): Array<number> | undefined => {
    if (part === "") return []
    const out: Array<number> = []
    for (const group of part.split(":")) {
      if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined
      out.push(parseInt(group, 16))
    }
    return out
  }
  const left = groupsOf(halves[0] ?? "")
  const right = halves.length === 2 ? groupsOf(halves[1] ?? "") : []
  if (left === undefined || right === undefined) return undefined
  const explicit = left.length + right.length
  if (halves.length === 1) return explicit === 8 ? left : undefined
  if (explicit > 7) return undefined
  return [...left, ...new Array<number>(8 - explicit).fill(0), ...right]
}

const inRange = (octets: readonly [number, number, number, number], base: readonly [number, number, number, number], bits: number): boolean => {
  const value = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0
  const start = ((base[0] << 24) | (base[1] << 16) | (base[2] << 8) | base[3]) >>> 0
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0
  return ((value & mask) >>> 0) === ((start & mask) >>> 0)
}

// Cloud instance-metadata endpoints: AWS/GCP/Azure/OpenStack, AWS ECS task metadata, Alibaba,
// Oracle Cloud. They answer credentials to whoever asks from inside the machine.
const METADATA_V4 = new Set(["169.254.169.254", "169.254.170.2", "169.254.169.123", "100.100.100.200", "192.0.0.192"])

const V4_RANGES: ReadonlyArray<readonly [readonly [number, number, number, number], number, AddressClass]> = [
  [[0, 0, 0, 0], 8, "unspecified"],
  [[10, 0, 0, 0], 8, "private"],
  [[100, 64, 0, 0], 10, "private"], // carrier-grade NAT
  [[127, 0, 0, 0], 8, "loopback"],
  [[169, 254, 0, 0], 16, "link-local"],
  [[172, 16, 0, 0], 12, "private"],
  [[192, 0, 0, 0], 24, "reserved"],
  [[192, 0, 2, 0], 24, "reserved"],
  [[192, 88, 99, 0], 24, "reserved"],
  [[192, 168, 0, 0], 16, "private"],
  [[198, 18, 0, 0], 15, "reserved"],
  [[198, 51, 100, 0], 24, "reserved"],
  [[203, 0, 113, 0], 24, "reserved"],
  [[224, 0, 0, 0], 4, "multicast"],
  [[240, 0, 0, 0], 4, "reserved"] // includes 255.255.255.255
]

/** The class of an IPv4 address. @internal */
export const classifyIpv4 = (octets: readonly [number, number, number, number]): AddressClass => {
  if (METADATA_V4.has(octets.join("."))) return "metadata"
  for (const [base, bits, kind] of V4_RANGES) if (inRange(octets, base, bits)) return kind
  return "public"
}

const embeddedV4 = (groups: ReadonlyArray<number>, at: number): readonly [number, number, number, number] => {
  const high = groups[at] ?? 0
  const low = groups[at + 1] ?? 0
  return [high >> 8, high & 0xff, low >> 8, low & 0xff]
}

/** The class of an IPv6 address (eight groups); IPv4 embedded by mapping, NAT64 or 6to4 is classed as that IPv4. @internal */
export const classifyIpv6 = (groups: ReadonlyArray<number>): AddressClass => {
  const g = (i: number) => groups[i] ?? 0
  const zerosUpTo = (n: number) => groups.slice(0, n).every((group) => group === 0)
  if (zerosUpTo(8)) return "unspecified"
  if (zerosUpTo(7) && g(7) === 1) return "loopback"
  // ::ffff:a.b.c.d (mapped) and ::ffff:0:a.b.c.d (translated) reach the IPv4 address.
  if (zerosUpTo(5) && g(5) === 0xffff) return classifyIpv4(embeddedV4(groups, 6))
  if (zerosUpTo(4) && g(4) === 0xffff && g(5) === 0) return classifyIpv4(embeddedV4(groups, 6))
  // ::a.b.c.d (the deprecated compatible form): no public use.
  if (zerosUpTo(6)) return "reserved"
  // 64:ff9b::/96 and 64:ff9b:1::/48 (NAT64) reach the embedded IPv4 address.
  if (g(0) === 0x64 && g(1) === 0xff9b && g(2) === 0 && g(3) === 0 && g(4) === 0 && g(5) === 0) {
    return classifyIpv4(embeddedV4(groups, 6))
  }
  // 64:ff9b:1::/48, local-use NAT64: where it leads is the network's own business.
  if (g(0) === 0x64 && g(1) === 0xff9b && g(2) === 1) return "reserved"
  // 2002::/16 (6to4) embeds an IPv4 address in groups 1–2.
  if (g(0) === 0x2002) return classifyIpv4(embeddedV4(groups, 1))
  if (g(0) === 0xfd00 && g(1) === 0x0ec2 && g(2) === 0 && g(3) === 0 && g(4) === 0 && g(5) === 0 && g(6) === 0 && g(7) === 0x254) {
    return "metadata" // AWS's IPv6 instance metadata, fd00:ec2::254
  }
  if ((g(0) & 0xfe00) === 0xfc00) return "private" // fc00::/7 unique local
  if ((g(0) & 0xffc0) === 0xfe80) return "link-local" // fe80::/10
  if ((g(0) & 0xffc0) === 0xfec0) return "private" // fec0::/10 site-local (deprecated)
  if ((g(0) & 0xff00) === 0xff00) return "multicast"
  if (g(0) === 0x2001 && g(1) === 0x0db8) return "reserved" // documentation
  if (g(0) === 0x2001 && g(1) < 0x0200) return "reserved" // 2001::/23 IETF protocol assignments (Teredo, ORCHID…)
  // Global unicast is 2000::/3; the rest is unassigned or special.
  return (g(0) & 0xe000) === 0x2000 ? "public" : "reserved"
}

/** The class of an IP literal (IPv4 dotted, or IPv6 with or without brackets), or `undefined` for a name. @internal */
export const classifyAddress = (host: string): AddressClass | undefined => {
  const v4 = parseIpv4(host)
  if (v4 !== undefined) return classifyIpv4(v4)
  const v6 = host.includes(":") ? parseIpv6(host) : undefined
  return v6 === undefined ? undefined : classifyIpv6(v6)
}
