// Module resolve hook: points the suite's `import ... from 'aegir/chai'` at aegir-chai.mjs.
const chai = new URL('./aegir-chai.mjs', import.meta.url).href

export async function resolve (specifier, context, nextResolve) {
  if (specifier === 'aegir/chai') {
    return { url: chai, shortCircuit: true }
  }
  return nextResolve(specifier, context)
}
