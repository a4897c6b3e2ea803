// Drives two peerlink daemons with @libp2p/daemon-client directly, outside the interop suite:
// node client-check.mjs <control multiaddr of A> <control multiaddr of B>
// Prints one line per step and `ok` at the end; exits non-zero on the first failure.
import { createClient } from '@libp2p/daemon-client'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { CID } from 'multiformats/cid'

const [a, b] = process.argv.slice(2).map(addr => createClient(multiaddr(addr)))

function check (condition, what) {
  if (!condition) {
    throw new Error(`check failed: ${what}`)
  }
  console.log(`passed: ${what}`)
}

async function rejects (promise, pattern, what) {
  try {
    await promise
  } catch (err) {
    check(pattern.test(err.message), `${what} (${err.message})`)
    return
  }
  throw new Error(`check failed: ${what} did not fail`)
}

const idA = await a.identify()
const idB = await b.identify()
check(idA.addrs.length > 0 && idB.addrs.length > 0, 'identify reports listen addresses')
check((await a.listPeers()).length === 0, 'no peers before connect')

await a.connect(idB.peerId, idB.addrs)
const peersA = await a.listPeers()
check(peersA.length === 1 && peersA[0].equals(idB.peerId), 'A lists B after connect')

// B serves a protocol through its client; A opens a stream to it and gets an answer.
await b.registerStreamHandler('/upper/1.0.0', async (stream) => {
  const lp = lpStream(stream)
  const msg = await lp.read()
  await lp.write(new TextEncoder().encode(new TextDecoder().decode(msg.subarray()).toUpperCase()))
})
const stream = await a.openStream(idB.peerId, '/upper/1.0.0')
const lp = lpStream(stream)
await lp.write(new TextEncoder().encode('hello daemon'))
const answer = new TextDecoder().decode((await lp.read()).subarray())
check(answer === 'HELLO DAEMON', 'stream to a handler registered by the client')

// The daemon's own echo.
const echo = lpStream(await a.openStream(idB.peerId, '/echo/1.0.0'))
await echo.write(new TextEncoder().encode('x'.repeat(100000)))
check((await echo.read()).byteLength === 100000, 'echo of 100 kB through the daemon')

await rejects(a.dht.findPeer(idB.peerId), /DHT not enabled/, 'DHT requests answer DHT not enabled')
await rejects(a.dht.provide(CID.parse('QmNLei78zWmzUdbeRB3CiUfAizWUrbeeZh5K1rhAQKCh51')), /DHT not enabled/, 'PROVIDE answers DHT not enabled')
await rejects(a.pubsub.getTopics(), /pubsub/, 'pubsub answers an error')
await rejects(a.openStream(idB.peerId, '/nobody/1.0.0'), /./, 'a protocol B does not serve fails')

// The js client has no DISCONNECT, PEERSTORE nor CONNMANAGER calls: the Java tests cover those.
console.log('ok')
