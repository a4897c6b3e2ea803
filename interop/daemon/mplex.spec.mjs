// The suite's streams echo test, run with mplex on both daemons. @libp2p/interop 14.x names mplex
// in its titles but never hands the factory a muxer, so it cannot test it; this does, the same
// way: two daemons, one connects to the other, and a length-prefixed echo over /echo/1.0.0. Each
// side offers mplex alone, so a passing test ran over mplex.
import { expect } from 'aegir/chai'
import { echo, lpStream } from '@libp2p/utils'
import { factory } from './factory.mjs'

const pairs = [['js', 'go'], ['go', 'js'], ['js', 'js']]
const encryptions = ['noise', 'tls', 'plaintext']

for (const encryption of encryptions) {
  for (const [typeA, typeB] of pairs) {
    describe(`${encryption}/mplex echo (explicit)`, () => {
      let daemonA
      let daemonB

      before(async function () {
        this.timeout(20 * 1000)
        daemonA = await factory.spawn({ type: typeA, encryption, muxer: 'mplex' })
        daemonB = await factory.spawn({ type: typeB, encryption, muxer: 'mplex' })
        const identify0 = await daemonA.client.identify()
        await daemonB.client.connect(identify0.peerId, identify0.addrs)
        // As the suite does: the dialed side may finish its upgrade a moment after the dialer.
        await new Promise(resolve => setTimeout(resolve, 1000))
      })

      after(async function () {
        await Promise.all([daemonA, daemonB].filter(Boolean).map(async d => d.stop()))
      })

      it(`${typeA} sender to ${typeB} listener`, async function () {
        this.timeout(20 * 1000)
        const receiving = await daemonB.client.identify()
        await daemonB.client.registerStreamHandler('/echo/1.0.0', async stream => { await echo(stream) })
        const stream = await daemonA.client.openStream(receiving.peerId, '/echo/1.0.0')
        const lp = lpStream(stream, { maxDataLength: 1 << 20 })
        for (const size of [4, 100 * 1024, 512 * 1024]) {
          const input = new Uint8Array(size).map((_, i) => (i * 7 + size) & 0xff)
          await lp.write(input)
          const output = await lp.read()
          expect(output?.subarray()).to.equalBytes(input)
        }
      })
    })
  }
}
