// The @libp2p/interop groups run against peerlink: connect, streams, relay and dht by default;
// pubsub is out of scope (see docs/testing.md).
import { connectInteropTests, dhtInteropTests, relayInteropTests, streamInteropTests } from '@libp2p/interop'
import { factory } from './factory.mjs'

const groups = (process.env.INTEROP_GROUPS ?? 'connect,streams,relay,dht').split(',')

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
