// `aegir/chai` for @libp2p/interop's tests, without aegir. The suite imports `expect` from aegir,
// a whole build tool (hundreds of packages) whose chai setup is these few lines: chai 4 with the
// same plugins, registered in the same order as aegir's utils/chai.js.
import chai from 'chai'
import chaiAsPromised from 'chai-as-promised'
import chaiBites from 'chai-bites'
import chaiParentheses from 'chai-parentheses'
import chaiString from 'chai-string'
import chaiSubset from 'chai-subset'

chai.use(chaiAsPromised)
chai.use(chaiParentheses)
chai.use(chaiSubset)
chai.use(chaiBites)
chai.use(chaiString)

export const expect = chai.expect
export const assert = chai.assert
export { chai }
