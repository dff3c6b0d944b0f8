import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { claimOf, verdictOf } from './fixtures.test.ts'
import { checkRestoredRecord } from './restore-record.ts'

describe('checkRestoredRecord()', () => {
  it('passes a well-formed record whose id matches its content', () => {
    assert.doesNotThrow(() => { checkRestoredRecord(claimOf({ verdicts: [verdictOf('A', 'confirm')], ownVerdict: 'challenge' })) })
  })

  it('names the first problem of a malformed record', () => {
    const good = claimOf()
    const cases: Array<[unknown, RegExp]> = [
      [null, /not an object/],
      [{ ...good, id: 'f'.repeat(64) }, /id does not match/],
      [{ ...good, proposer: 7 }, /proposer is not a string/],
      [{ ...good, firstSeenAtMs: Number.NaN }, /firstSeenAtMs is not a finite number/],
      [{ ...good, status: 'gone' }, /status is not a claim status/],
      [{ ...good, ownVerdict: 'maybe' }, /ownVerdict/],
      [{ ...good, wasEverAccepted: 'yes' }, /wasEverAccepted/],
      [{ ...good, fact: null }, /fact, dmpTrace or causalLinks/],
      [{ ...good, verdicts: {} }, /verdicts is not an array/],
      [{ ...good, verdicts: [{ from: 'A', kind: 'confirm', msgId: 'm', atMs: '0' }] }, /verdicts\[0\]\.atMs/],
      [{ ...good, verdicts: [{ from: 'A', kind: 'maybe', msgId: 'm', atMs: 0 }] }, /verdicts\[0\]\.kind/],
      [{ ...good, verdicts: [1] }, /verdicts\[0\] is not an object/]
    ]
    for (const [record, message] of cases) assert.throws(() => { checkRestoredRecord(record) }, (err: unknown) => err instanceof TypeError && message.test(err.message))
  })
})
