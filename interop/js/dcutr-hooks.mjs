// Module resolve hook (registered by peer.mjs only with --public-cidr): points @libp2p/dcutr's
// import of its own ./utils.js at dcutr-public-cidrs.mjs. See that file for why.
const override = new URL('./dcutr-public-cidrs.mjs', import.meta.url).href

export async function resolve (specifier, context, nextResolve) {
  if (specifier === './utils.js' && context.parentURL?.endsWith('/@libp2p/dcutr/dist/src/dcutr.js')) {
    return { url: override, shortCircuit: true }
  }
  return nextResolve(specifier, context)
}
