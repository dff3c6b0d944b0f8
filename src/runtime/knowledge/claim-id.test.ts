import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { claimIdOf, normaliseStatement } from './claim-id.ts'

const PROPERTY_OPTIONS = { seed: 20261126, numRuns: 300 }

/** SHA-256 hex of a literal string: the expected id written out by hand. */
function sha256Hex (text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

describe('claimIdOf()', () => {
  it('hashes the canonical JSON of {statement, domain}, keys sorted, no whitespace', () => {
    assert.equal(claimIdOf('water boils at 100 °C', 'physics'), sha256Hex('{"domain":"physics","statement":"water boils at 100 °C"}'))
  })

  it('is lowercase hex of 64 characters', () => {
    assert.match(claimIdOf('x', 'y'), /^[0-9a-f]{64}$/)
  })

  it('gives the same id to NFC and NFD forms of a statement', () => {
    const nfc = 'caf\u00e9 cr\u00e8me'
    const nfd = nfc.normalize('NFD')
    assert.notEqual(nfc, nfd)
    assert.equal(claimIdOf(nfd, 'food'), claimIdOf(nfc, 'food'))
    assert.equal(claimIdOf(nfd, 'food'), sha256Hex(`{"domain":"food","statement":"${nfc}"}`))
  })

  it('ignores leading and trailing whitespace but keeps inner whitespace', () => {
    assert.equal(claimIdOf(' \t\nfact one\r\n ', 'd'), claimIdOf('fact one', 'd'))
    assert.equal(claimIdOf('\u00a0fact one\u3000', 'd'), claimIdOf('fact one', 'd'))
    assert.notEqual(claimIdOf('fact  one', 'd'), claimIdOf('fact one', 'd'))
  })

  it('separates domains, and takes the domain as written', () => {
    assert.notEqual(claimIdOf('s', 'physics'), claimIdOf('s', 'chemistry'))
    assert.notEqual(claimIdOf('s', ' physics'), claimIdOf('s', 'physics'))
  })

  it('escapes JSON specials as canonical JSON does', () => {
    assert.equal(claimIdOf('say "hi"\\', 'd'), sha256Hex('{"domain":"d","statement":"say \\"hi\\"\\\\"}'))
  })

  it('does not depend on normalisation, padding or the NFD form (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), fc.string(), fc.constantFrom('', ' ', '\t', '\n '), (statement, domain, pad) => {
      const id = claimIdOf(statement, domain)
      assert.equal(claimIdOf(`${pad}${statement.normalize('NFD')}${pad}`, domain), id)
      assert.equal(claimIdOf(normaliseStatement(statement), domain), id)
    }), PROPERTY_OPTIONS)
  })
})

describe('normaliseStatement()', () => {
  it('composes to NFC and trims', () => {
    assert.equal(normaliseStatement('  e\u0301  '), '\u00e9')
  })

  it('is idempotent (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme-composite' }), (statement) => {
      const once = normaliseStatement(statement)
      assert.equal(normaliseStatement(once), once)
    }), PROPERTY_OPTIONS)
  })
})
