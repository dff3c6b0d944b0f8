// planDemo(): the line, the start waves (middle outwards, each node dialling one already up), roles.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { planDemo } from './demo-plan.ts'

describe('planDemo()', () => {
  it('planDemo() lays five nodes on a line and starts them from the middle outwards', () => {
    const plan = planDemo(5)
    assert.deepEqual(plan.names, ['ann', 'bob', 'cat', 'dan', 'eve'])
    assert.deepEqual(plan.links, [['ann', 'bob'], ['bob', 'cat'], ['cat', 'dan'], ['dan', 'eve']])
    assert.deepEqual(plan.waves, [['cat'], ['bob', 'dan'], ['ann', 'eve']])
    assert.deepEqual([...plan.dials], [['bob', 'cat'], ['dan', 'cat'], ['ann', 'bob'], ['eve', 'dan']])
    assert.deepEqual([plan.observer, plan.roots, plan.proposer], ['ann', ['bob', 'dan'], 'eve'])
  })

  it('planDemo() dials, for every size, exactly the line\'s links, each towards a node of an earlier wave', () => {
    for (let count = 5; count <= 10; count++) {
      const plan = planDemo(count)
      const waveOf = new Map(plan.waves.flatMap((wave, index) => wave.map((name) => [name, index] as const)))
      assert.equal(waveOf.size, count, `every node starts once (${count})`)
      const dialled = [...plan.dials].map(([from, to]) => [from, to].sort().join('-')).sort()
      assert.deepEqual(dialled, plan.links.map((link) => [...link].sort().join('-')).sort(), `links of ${count}`)
      for (const [from, to] of plan.dials) assert.ok((waveOf.get(to) ?? Infinity) < (waveOf.get(from) ?? -1), `${from} dials ${to}, already up`)
      assert.equal(plan.proposer, plan.names.at(-1))
    }
  })

  it('planDemo() refuses a count the story cannot be told with', () => {
    for (const count of [4, 11, 5.5, Number.NaN]) assert.throws(() => planDemo(count), RangeError)
  })
})
