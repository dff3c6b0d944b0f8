// AgentNames: fingerprints shown as agent ids, routes, and reasons that quote fingerprints.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AgentNames } from './agent-names.ts'

const BOB = 'b'.repeat(8) + '0'.repeat(56)
const CAT = 'c'.repeat(64)

function names (): AgentNames {
  const known = new AgentNames()
  known.add(BOB, 'bob')
  known.add(CAT, 'cat')
  return known
}

describe('AgentNames', () => {
  it('AgentNames.nameOf() names known fingerprints and shortens unknown ones', () => {
    assert.equal(names().nameOf(BOB), 'bob')
    assert.equal(names().nameOf('f'.repeat(64)), `${'f'.repeat(12)}…`)
    assert.equal(names().nameOf(null), '-')
  })

  it('AgentNames.route() joins the sender and every hop', () => {
    assert.equal(names().route('ann', [BOB, CAT]), 'ann → bob → cat')
    assert.equal(names().route('ann', []), 'ann')
  })

  it('AgentNames.annotate() names a quoted fingerprint prefix only when it is unambiguous and long enough', () => {
    assert.equal(names().annotate(`introduced by trusted peer "${BOB.slice(0, 16)}" (LSA seq 3)`), `introduced by trusted peer "${BOB.slice(0, 16)}" (bob) (LSA seq 3)`)
    assert.equal(names().annotate(`peer "${CAT}"`), `peer "${CAT}" (cat)`)
    assert.equal(names().annotate('peer "bbbb"'), 'peer "bbbb"', 'too short')
    assert.equal(names().annotate('peer "deadbeef"'), 'peer "deadbeef"', 'unknown')
    const twins = names()
    twins.add('b'.repeat(64), 'bea')
    assert.equal(twins.annotate('peer "bbbbbbbb"'), 'peer "bbbbbbbb"', 'ambiguous')
  })
})
