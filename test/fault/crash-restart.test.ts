/**
 * Fault suite (issue #7): kill -9 during writes and restart from disk, repeatedly (3
 * cycles in the CI tier, 25 with `FAULT_TIER=full`). Four `web4mesh start` processes in
 * a full mesh: the victim V (node 0), the pinned roots R1 and R2 (nodes 1, 2) and a
 * proposer P (node 3). Throughout, P proposes a claim every {@link PROPOSE_INTERVAL_MS}
 * and R1 and R2 confirm each one, so V keeps writing (claims, verdicts, status changes,
 * peer rows, LSAs). Before the first cycle V's operator sets P to `trusted` by hand — a
 * state only V's disk knows. Each cycle V is SIGKILLed at a seeded random moment, and:
 *
 * - the database it left passes `PRAGMA quick_check` (checked on a copy, before restart);
 * - the persisted LSA sequence is strictly higher than at the previous kill (each life
 *   originates LSAs under new sequences, persisted before sending), and the rows of
 *   trust transitions and claims never shrink;
 * - V restarts on the same directory, and at once (before any peer can tell it
 *   anything) reports P as `trusted`, every claim it listed before the kill, and every
 *   claim it had accepted still `accepted`;
 * - routes converge again: the peers accept V's new LSAs (a reused sequence would be
 *   refused as stale).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { snapshotDatabase } from '../helpers/crash-snapshot.ts'
import { startMeshHarness } from '../helpers/mesh-harness.ts'
import type { MeshHarness } from '../helpers/mesh-harness.ts'
import { isHandshakenWith } from '../helpers/mesh-observe.ts'
import type { NodeProcess } from '../helpers/node-process.ts'
import { randomInt, seededRandom } from '../helpers/seeded-random.ts'
import { waitFor } from '../helpers/wait-for.ts'
import { byTier } from './fault-tier.ts'

const VICTIM = 0
const ROOTS = [1, 2] as const
const PROPOSER = 3
const CYCLES = byTier(3, 25)
const DOMAIN = 'crash-restart'
const PROPOSE_INTERVAL_MS = 250
/** V is killed this long (seeded, uniform) after it is linked again. */
const KILL_AFTER_MS = { min: 300, max: 2500 } as const
const TIMEOUT_MS = 60_000

interface ClaimJson {
  id: string
  domain: string
  status: string
  own_verdict: string | null
}

interface TrustJson {
  fingerprint: string
  trust: string
}

let mesh: MeshHarness
before(async () => {
  mesh = await startMeshHarness({ name: 'crash', topology: { kind: 'edges', nodes: 4, edges: [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]] }, roots: ROOTS })
})
after(async () => { await mesh.stop() })

async function claimsOf (node: NodeProcess): Promise<ClaimJson[]> {
  return (await node.get('/v1/claims') as ClaimJson[]).filter((claim) => claim.domain === DOMAIN)
}

/** P proposes and the roots confirm, until `isRunning()` turns false. */
async function runWriters (isRunning: () => boolean): Promise<number> {
  let proposed = 0
  const proposer = async (): Promise<void> => {
    while (isRunning()) {
      const fact = { statement: `Crash restart claim ${proposed}`, domain: DOMAIN, confidence: 0.9, sources: ['https://example.org/crash'], context: 'kill -9 during writes' }
      const answer = await mesh.nodes[PROPOSER]!.process.request('POST', '/v1/claims', { fact })
      if (answer.status === 200 || answer.status === 201) proposed++
      await new Promise((resolve) => setTimeout(resolve, PROPOSE_INTERVAL_MS))
    }
  }
  const confirmer = async (root: number): Promise<void> => {
    const node = mesh.nodes[root]!.process
    while (isRunning()) {
      for (const claim of await claimsOf(node)) {
        if (claim.own_verdict === null) await node.request('POST', `/v1/claims/${claim.id}/confirm`, {})
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  await Promise.all([proposer(), ...ROOTS.map(confirmer)])
  return proposed
}

describe('kill -9 during writes and restart from disk', { timeout: 60_000 + CYCLES * 60_000 }, () => {
  it(`${CYCLES} cycles: the database stays intact, LSA sequences keep increasing, trust and claims come back`, async (t) => {
    const victim = mesh.nodes[VICTIM]!
    const others = mesh.nodes.filter((node) => node.index !== VICTIM).map((node) => node.fingerprint)
    const proposerFingerprint = mesh.nodes[PROPOSER]!.fingerprint
    await mesh.waitForConvergence({ timeoutMs: TIMEOUT_MS })
    await victim.process.post(`/v1/trust/${proposerFingerprint}`, { state: 'trusted', reason: 'crash-restart fault test' })

    let isWriting = true
    const writers = runWriters(() => isWriting)
    const random = seededRandom(25)
    let previous = { lsaSequence: 0, trustTransitions: 0, claims: 0 }
    const acceptedEver = new Set<string>()
    const restartTimes: number[] = []
    try {
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        await waitFor(async () => await isHandshakenWith(victim.process, others), { timeoutMs: TIMEOUT_MS, what: `cycle ${cycle}: V handshaken with every peer` })
        const killAt = Date.now() + randomInt(random, KILL_AFTER_MS.min, KILL_AFTER_MS.max)
        let listed: ClaimJson[] = []
        do {
          listed = await claimsOf(victim.process)
          for (const claim of listed) if (claim.status === 'accepted') acceptedEver.add(claim.id)
          await new Promise((resolve) => setTimeout(resolve, 50))
        } while (Date.now() < killAt)
        await mesh.kill(VICTIM, 'SIGKILL')

        const snapshot = await snapshotDatabase(victim.dataDir)
        assert.deepEqual(snapshot.quickCheck, ['ok'], `cycle ${cycle}: quick_check`)
        assert.ok(snapshot.lsaSequence > previous.lsaSequence, `cycle ${cycle}: LSA sequence ${snapshot.lsaSequence} after ${previous.lsaSequence}`)
        assert.ok(snapshot.rows.trustTransitions >= previous.trustTransitions && snapshot.rows.claims >= previous.claims, `cycle ${cycle}: rows ${JSON.stringify(snapshot.rows)} after ${JSON.stringify(previous)}`)
        previous = { lsaSequence: snapshot.lsaSequence, trustTransitions: snapshot.rows.trustTransitions, claims: snapshot.rows.claims }

        const restartedAt = Date.now()
        const restarted = await mesh.restart(VICTIM)
        restartTimes.push(Date.now() - restartedAt)
        const trust = new Map((await restarted.get('/v1/trust') as TrustJson[]).map((row) => [row.fingerprint, row.trust]))
        assert.equal(trust.get(proposerFingerprint), 'trusted', `cycle ${cycle}: the operator's trust in P came back from disk`)
        for (const root of ROOTS) assert.equal(trust.get(mesh.nodes[root]!.fingerprint), 'trusted', `cycle ${cycle}: root ${root}`)
        const restored = new Map((await claimsOf(restarted)).map((claim) => [claim.id, claim.status]))
        const lost = listed.filter((claim) => !restored.has(claim.id)).map((claim) => claim.id.slice(0, 8))
        assert.deepEqual(lost, [], `cycle ${cycle}: every claim listed before the kill is listed after the restart`)
        const regressed = [...acceptedEver].filter((id) => restored.get(id) !== 'accepted').map((id) => `${id.slice(0, 8)}: ${restored.get(id) ?? 'missing'}`)
        assert.deepEqual(regressed, [], `cycle ${cycle}: every claim accepted before the kill is still accepted`)
        t.diagnostic(`cycle ${cycle}: killed after ${listed.length} claims listed (${acceptedEver.size} accepted so far), LSA sequence ${snapshot.lsaSequence}, rows ${JSON.stringify(snapshot.rows)}; restarted in ${restartTimes.at(-1)} ms`)
      }
      const convergedMs = await mesh.waitForConvergence({ timeoutMs: TIMEOUT_MS })
      t.diagnostic(`routes converged ${convergedMs} ms after the last restart`)
    } finally {
      isWriting = false
      const proposed = await writers
      t.diagnostic(`${CYCLES} kill -9 / restart cycles; ${proposed} claims proposed, ${acceptedEver.size} seen accepted by V before a kill; restart (spawn to node.json) ${Math.min(...restartTimes)}–${Math.max(...restartTimes)} ms`)
    }
    assert.ok(acceptedEver.size > 0, 'V accepted claims between the kills: the writes did happen')
  })
})
