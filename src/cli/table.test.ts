// formatTable(): aligned columns, numbers right-aligned, placeholders, no trailing spaces,
// control characters neutralised.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatTable } from './table.ts'

describe('formatTable()', () => {
  it('formatTable() pads columns to the widest cell and right-aligns all-number columns', () => {
    assert.equal(formatTable(['agent', 'hops', 'route'], [['beta', 1, 'direct'], ['gamma-long', 12, 'via beta']]), [
      'AGENT       HOPS  ROUTE',
      'beta           1  direct',
      'gamma-long    12  via beta',
      ''
    ].join('\n'))
  })

  it('formatTable() right-aligns the columns it is told to, prints null as "-" and leaves no trailing spaces', () => {
    assert.equal(formatTable(['name', 'rtt ms', 'note'], [['a', '0.42', null], ['b', '12.00', undefined]], { rightAligned: ['rtt ms'] }), [
      'NAME  RTT MS  NOTE',
      'a       0.42  -',
      'b      12.00  -',
      ''
    ].join('\n'))
    assert.equal(formatTable(['x', 'y'], [['a', '']]), 'X  Y\na\n')
  })

  it('formatTable() prints only the header for no rows', () => {
    assert.equal(formatTable(['seq', 'type'], []), 'SEQ  TYPE\n')
  })

  it('formatTable() replaces control characters so a cell cannot move the cursor', () => {
    assert.equal(formatTable(['name'], [['evil\u001b[2J\nname']]), 'NAME\nevil?[2J?name\n')
  })
})
