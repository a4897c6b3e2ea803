// Loaded with `node --import ./register-hooks.mjs`, before mocha loads the suite.
import { register } from 'node:module'

register('./aegir-hooks.mjs', import.meta.url)
