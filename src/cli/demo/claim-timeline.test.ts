// claimTimeline(): first seen and window, each confirmation (counted or not), the decision.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ClaimJson, VerdictJson } from './api-types.ts'
import { claimTimeline } from './claim-timeline.ts'

function verdict (agentId: string, at: string, isCounted = true): VerdictJson {
  return { from: agentId.repeat(22).slice(0, 64), agent_id: agentId, kind: 'confirm', received_at: `2026-01-01T10:00:${at}Z`, is_counted: isCounted }
}

function claim (status: string, verdicts: VerdictJson[]): ClaimJson {
  return {
    id: 'f'.repeat(64), statement: 's', proposer_agent_id: 'eve', status, status_reason: 'r', status_since: '2026-01-01T10:00:02.050Z',
    first_seen_at: '2026-01-01T10:00:00.000Z', confirmations: verdicts.length, trusted_confirmers: 2, trusted_challengers: 0, verdicts
  }
}

describe('claimTimeline()', () => {
  it('claimTimeline() shows the window, the confirmations held back by it, and the acceptance', () => {
    assert.deepEqual(claimTimeline(claim('accepted', [verdict('dan', '00.400'), verdict('bob', '00.300'), verdict('cat', '00.350', false)]), 'ann', 2000), [
      '10:00:00.000  ann sees it from eve: pending; challenge window open until 10:00:02.000',
      '10:00:00.300  bob confirms: 1/2 trusted confirmers',
      '10:00:00.350  cat confirms: not counted (not trusted by ann)',
      '10:00:00.400  dan confirms: 2/2 trusted confirmers, still pending: the window is open',
      '10:00:02.050  accepted at ann (2 trusted confirmers, 0 trusted challengers)'
    ])
  })

  it('claimTimeline() ends at the last confirmation while the claim is pending', () => {
    const lines = claimTimeline(claim('pending', [verdict('bob', '03.000')]), 'ann', 2000)
    assert.deepEqual(lines.slice(1), ['10:00:03.000  bob confirms: 1/2 trusted confirmers'])
  })
})
