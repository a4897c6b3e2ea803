// Imported first by peer.mjs: ES imports are evaluated before the importing module's body, so
// this check has to live in its own module to run before js-libp2p is loaded.
// js-libp2p 3.x uses Promise.withResolvers, which Node 20 lacks.
if (typeof Promise.withResolvers !== 'function') {
  process.stderr.write(`peer.mjs needs Node >= 22 (running ${process.version}); run scripts/setup-node.sh\n`)
  process.exit(3)
}
