// formatHandshakeMatrix(): one row per node, its view of every peer.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatHandshakeMatrix } from './handshake-matrix.ts'

describe('formatHandshakeMatrix()', () => {
  it('formatHandshakeMatrix() marks direct, routed and missing handshakes, and the diagonal', () => {
    const kinds: Record<string, 'direct' | 'routed'> = { 'ann-bob': 'direct', 'bob-ann': 'direct', 'bob-cat': 'direct', 'cat-bob': 'direct', 'ann-cat': 'routed' }
    assert.equal(formatHandshakeMatrix(['ann', 'bob', 'cat'], (node, peer) => kinds[`${node}-${peer}`]), [
      '     ANN     BOB     CAT',
      'ann  ·       direct  routed',
      'bob  direct  ·       direct',
      'cat  …       direct  ·',
      ''
    ].join('\n'))
  })
})
