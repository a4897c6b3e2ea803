// The @libp2p/interop groups run against peerlink: connect, streams and relay. The DHT group
// joins once the daemon answers DHT requests; pubsub is out of scope (see docs/testing.md).
import { connectInteropTests, relayInteropTests, streamInteropTests } from '@libp2p/interop'
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
