// The DaemonFactory @libp2p/interop drives: type `go` is the peerlink daemon (in the place of
// go-libp2p's p2pd), type `js` is @libp2p/daemon-server over a js-libp2p node. Modelled on
// js-libp2p's own runner (packages/integration-tests/test/interop.ts), with the transports and
// encryptions both sides here support: TCP; Noise, TLS and plaintext; yamux and mplex. Anything
// else is an UnsupportedError, which the suite's tests that catch it report as skipped.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { createClient } from '@libp2p/daemon-client'
import { createServer } from '@libp2p/daemon-server'
import { identify } from '@libp2p/identify'
import { mplex } from '@libp2p/mplex'
import { plaintext } from '@libp2p/plaintext'
import { UnsupportedError } from '@libp2p/interop'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { tls } from '@libp2p/tls'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'

const here = path.dirname(fileURLToPath(import.meta.url))
const DAEMON_JAR = process.env.PEERLINK_DAEMON_JAR ?? path.resolve(here, '../../daemon/target/peerlink-daemon.jar')
const JAVA = process.env.JAVA_HOME != null ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java'
const START_TIMEOUT_MS = 30000

function unsupported (options) {
  if (options.transport != null && options.transport !== 'tcp') {
    return `transport ${options.transport}`
  }
  if (options.pubsub === true) {
    return 'pubsub'
  }
  return null
}

async function createPeerlinkPeer (options) {
  const opts = ['-listen=/ip4/127.0.0.1/tcp/0']
  opts.push(options.noListen === true ? '-noListenAddrs' : '-hostAddrs=/ip4/127.0.0.1/tcp/0')
  if (options.encryption != null) {
    opts.push(`-${options.encryption}=true`)
  }
  if (options.dht === true) {
    opts.push('-dhtServer')
  }
  if (options.relay === true) {
    opts.push('-relay')
  }
  if (options.key != null) {
    opts.push(`-id=${options.key}`)
  }
  // The 14.x suite never names a muxer (mplex.spec.mjs does): yamux unless asked.
  opts.push(`-muxer=${options.muxer ?? 'yamux'}`)

  // Quick start-up matters more than peak speed: dozens of daemons start in a run.
  // PEERLINK_DAEMON_CLASSPATH (set by the JUnit test that runs this suite, before any jar is
  // packaged) runs the main class from a class path instead of the shaded jar.
  const main = process.env.PEERLINK_DAEMON_CLASSPATH != null
    ? ['-cp', process.env.PEERLINK_DAEMON_CLASSPATH, 'io.peerlink.daemon.P2pd']
    : ['-jar', DAEMON_JAR]
  const jvm = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xss512k', ...main]
  const proc = spawn(JAVA, [...jvm, ...opts], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  proc.stderr.on('data', buf => {
    stderr = (stderr + buf.toString()).slice(-8192)
    if (process.env.PEERLINK_DAEMON_LOG != null) {
      process.stderr.write(buf)
    }
  })
  const exited = new Promise(resolve => proc.once('exit', resolve))
  const controlAddr = await new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`peerlink daemon did not start in ${START_TIMEOUT_MS} ms: ${stderr}`)), START_TIMEOUT_MS)
    proc.stdout.on('data', buf => {
      out += buf.toString()
      const m = out.match(/Control socket:\s*(\S+)/)
      if (m != null) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    proc.once('exit', code => {
      clearTimeout(timer)
      reject(new Error(`peerlink daemon exited with ${code}: ${stderr}`))
    })
  })
  return {
    client: createClient(multiaddr(controlAddr)),
    stop: async () => {
      proc.kill('SIGTERM')
      await exited
    }
  }
}

function encrypter (encryption) {
  switch (encryption) {
    case 'tls': return tls()
    case 'plaintext': return plaintext()
    default: return noise()
  }
}

async function createJsPeer (options) {
  let privateKey
  if (options.key != null) {
    privateKey = privateKeyFromProtobuf(fs.readFileSync(options.key))
  }
  const services = { identify: identify(), ping: ping() }
  if (options.relay === true) {
    services.relay = circuitRelayServer()
  }
  if (options.dht === true) {
    services.dht = kadDHT({ protocol: '/ipfs/kad/1.0.0', peerInfoMapper: passthroughMapper, clientMode: false })
  }
  const node = await createLibp2p({
    privateKey,
    addresses: { listen: options.noListen === true ? [] : ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp(), circuitRelayTransport()],
    connectionEncrypters: [encrypter(options.encryption)],
    streamMuxers: [options.muxer === 'mplex' ? mplex() : yamux()],
    services
  })
  const server = createServer(multiaddr('/ip4/127.0.0.1/tcp/0'), node)
  await server.start()
  return {
    client: createClient(server.getMultiaddr()),
    stop: async () => {
      await server.stop()
      await node.stop()
    }
  }
}

export const factory = {
  async spawn (options) {
    const missing = unsupported(options)
    if (missing != null) {
      throw new UnsupportedError(`${missing} is not supported by this runner`)
    }
    return options.type === 'go' ? createPeerlinkPeer(options) : createJsPeer(options)
  }
}
