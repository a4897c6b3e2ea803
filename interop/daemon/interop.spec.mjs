// The @libp2p/interop groups run against peerlink: connect, streams and relay by default. `dht`
// can be asked for in INTEROP_GROUPS and joins the default once the daemon answers DHT requests;
// pubsub is out of scope (see docs/testing.md).
import { connectInteropTests, dhtInteropTests, relayInteropTests, streamInteropTests } from '@libp2p/interop'
import { factory } from './factory.mjs'

const groups = (process.env.INTEROP_GROUPS ?? 'connect,streams,relay').split(',')

if (groups.includes('connect')) {
  connectInteropTests(factory)
}
if (groups.includes('streams')) {
  streamInteropTests(factory)
}
if (groups.includes('relay')) {
  relayInteropTests(factory)
}
if (groups.includes('dht')) {
  dhtInteropTests(factory)
}
