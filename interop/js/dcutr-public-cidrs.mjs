// Lets js-libp2p's DCUtR hole-punch to addresses in test networks.
//
// @libp2p/dcutr only dials addresses it deems public (its utils.js: isPublicAndDialable, built on
// @libp2p/utils isPrivate), and that list of private ranges includes 127.0.0.0/8, 10/8 and even
// the documentation ranges 203.0.113.0/24 and 198.51.100.0/24 that the NAT testbed uses as its
// "internet". No option changes that, so with --public-cidr peer.mjs registers a module resolve
// hook (dcutr-hooks.mjs) that swaps dcutr's ./utils.js for this module. It keeps the original
// rule and adds: IPv4 addresses inside PEERLINK_PUBLIC_CIDRS (comma separated) count as public.
import { isPublicAndDialable as original } from './node_modules/@libp2p/dcutr/dist/src/utils.js'

function ipv4ToInt (ip) {
  const parts = ip.split('.').map(Number)
  if (parts.length !== 4 || parts.some(p => !Number.isInteger(p) || p < 0 || p > 255)) return null
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0
}

const cidrs = (process.env.PEERLINK_PUBLIC_CIDRS ?? '').split(',').filter(Boolean).map(cidr => {
  const [ip, bits] = cidr.split('/')
  const prefix = Number(bits ?? 32)
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
  return { net: (ipv4ToInt(ip) & mask) >>> 0, mask }
})

export function isPublicAndDialable (ma, transportManager) {
  if (original(ma, transportManager)) return true
  const str = ma.toString()
  const m = /^\/ip4\/([0-9.]+)\//.exec(str)
  if (m == null || str.includes('/p2p-circuit')) return false
  if (transportManager.dialTransportForMultiaddr(ma) == null) return false
  const ip = ipv4ToInt(m[1])
  return ip != null && cidrs.some(({ net, mask }) => ((ip & mask) >>> 0) === net)
}
