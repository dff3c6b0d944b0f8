/**
 * Fault suite (issue #7): partition into two halves and heal, repeatedly (2 cycles in
 * the CI tier, 10 with `FAULT_TIER=full`). A ring of six `web4mesh start` processes;
 * nodes 0, 1, 3 and 4 are the pinned trust roots, so each half [0, 1, 2] | [3, 4, 5]
 * holds two roots and can accept claims on its own (MIN_TRUSTED_CONFIRMATIONS = 2).
 * Cycles alternate the cut: a reset (both ends see the connections drop) and a
 * blackhole (silence, noticed by heartbeat). In each cycle:
 *
 * 1. the two links across are cut; no route crosses the partition any more;
 * 2. each half proposes a claim, its two roots confirm it, and every node of that half
 *    accepts it — while no node of the other half ever hears of it (the cut is real);
 * 3. the links heal and routes converge again (every node routes to every other);
 * 4. with nobody sending anything by hand, every node ends holding the same accepted
 *    claims, those of every cycle so far: each node that sees lost nodes come back says
 *    again what it said itself (`src/node/returning-nodes.ts`,
 *    `KnowledgeService.reannounce()`), since the floods of the partition never crossed.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { CutMode } from '../helpers/link-relay.ts'
import { startMeshHarness } from '../helpers/mesh-harness.ts'
import type { MeshHarness } from '../helpers/mesh-harness.ts'
import { isHandshakenWith } from '../helpers/mesh-observe.ts'
import { halvesOf } from '../helpers/topology.ts'
import { waitFor } from '../helpers/wait-for.ts'
import { byTier } from './fault-tier.ts'

const NODES = 6
const ROOTS = [0, 1, 3, 4] as const
const CYCLES = byTier(2, 10)
const DOMAIN = 'partition-heal'
/** Bound of each convergence wait (routes, acceptance): generous, the box is shared. */
const CONVERGENCE_TIMEOUT_MS = 60_000
const [LEFT, RIGHT] = halvesOf(NODES)

/** One claim as `GET /v1/claims` lists it (the members this test reads). */
interface ClaimJson {
  id: string
  domain: string
  status: string
}

/** What a half proposes in a cycle: who proposes, which roots confirm. */
interface HalfPlan {
  side: readonly number[]
  proposer: number
  roots: readonly number[]
}

const PLANS: readonly HalfPlan[] = [
  { side: LEFT, proposer: 2, roots: [0, 1] },
  { side: RIGHT, proposer: 5, roots: [3, 4] }
]

let mesh: MeshHarness
before(async () => {
  mesh = await startMeshHarness({ name: 'partition', topology: { kind: 'ring', nodes: NODES }, roots: ROOTS })
})
after(async () => { await mesh.stop() })

function factOf (statement: string): Record<string, unknown> {
  return { statement, domain: DOMAIN, confidence: 0.9, sources: ['https://example.org/partition'], context: 'partition and heal fault test' }
}

async function claimsAt (index: number): Promise<ClaimJson[]> {
  return (await mesh.nodes[index]!.process.get('/v1/claims') as ClaimJson[]).filter((claim) => claim.domain === DOMAIN)
}

/** The proposer proposes `statement`; each root confirms it once it has it. */
async function proposeAndConfirm (plan: HalfPlan, statement: string): Promise<string> {
  const { claim_id: id } = await mesh.nodes[plan.proposer]!.process.post('/v1/claims', { fact: factOf(statement) }) as { claim_id: string }
  for (const root of plan.roots) {
    await waitFor(async () => (await claimsAt(root)).some((claim) => claim.id === id), { timeoutMs: CONVERGENCE_TIMEOUT_MS, what: `claim "${statement}" at root ${root}` })
    await mesh.nodes[root]!.process.post(`/v1/claims/${id}/confirm`, {})
  }
  return id
}

/** Waits until each node of `among` reports every claim of `ids` accepted. */
async function waitForAccepted (among: readonly number[], ids: readonly string[]): Promise<void> {
  let missing: string[] = []
  await waitFor(async () => {
    missing = []
    for (const index of among) {
      const accepted = new Set((await claimsAt(index)).filter((claim) => claim.status === 'accepted').map((claim) => claim.id))
      for (const id of ids) {
        if (!accepted.has(id)) missing.push(`node ${index}: ${id.slice(0, 8)}`)
      }
    }
    return missing.length === 0
  }, { timeoutMs: CONVERGENCE_TIMEOUT_MS, intervalMs: 200, what: () => `accepted claims (missing ${missing.join(', ')})` })
}

describe('partition into two halves and heal', { timeout: 60_000 + CYCLES * 150_000 }, () => {
  it(`${CYCLES} cycles: routes separate and converge again, and every node ends with the same accepted claims`, async (t) => {
    t.diagnostic(`converged in ${await mesh.waitForConvergence({ timeoutMs: CONVERGENCE_TIMEOUT_MS })} ms`)
    const fingerprints = mesh.nodes.map((node) => node.fingerprint)
    await waitFor(async () => (await Promise.all(mesh.nodes.map(async (node) => await isHandshakenWith(node.process, fingerprints.filter((fingerprint) => fingerprint !== node.fingerprint))))).every(Boolean), {
      timeoutMs: CONVERGENCE_TIMEOUT_MS, what: 'every node handshaken with every other (routed handshakes)'
    })
    const everAccepted: string[] = []
    const healTimes: number[] = []
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const mode: CutMode = cycle % 2 === 0 ? 'reset' : 'blackhole'
      const cut = mesh.partition(LEFT, mode)
      assert.equal(cut.length, 2, 'a ring splits into halves across two links')
      const separatedMs = await mesh.waitForSeparation(LEFT, RIGHT, { timeoutMs: CONVERGENCE_TIMEOUT_MS })

      const statements = PLANS.map((plan) => `Partition cycle ${cycle}: claim of the half led by node ${plan.proposer}`)
      const ids = await Promise.all(PLANS.map(async (plan, k) => await proposeAndConfirm(plan, statements[k]!)))
      await Promise.all(PLANS.map(async (plan, k) => { await waitForAccepted(plan.side, [ids[k]!]) }))
      for (const [k, plan] of PLANS.entries()) {
        const other = plan.side === LEFT ? RIGHT : LEFT
        for (const index of other) {
          assert.ok(!(await claimsAt(index)).some((claim) => claim.id === ids[k]), `cycle ${cycle}: node ${index} never heard of the other half's claim during the partition`)
        }
      }

      mesh.healAll()
      const healedMs = await mesh.waitForConvergence({ timeoutMs: CONVERGENCE_TIMEOUT_MS })
      healTimes.push(healedMs)
      const healedAt = Date.now()
      everAccepted.push(...ids)
      await waitForAccepted(mesh.nodes.map((node) => node.index), everAccepted)
      const syncedMs = Date.now() - healedAt
      const ledgers = await Promise.all(mesh.nodes.map(async (node) => (await claimsAt(node.index)).filter((claim) => claim.status === 'accepted').map((claim) => claim.id).sort()))
      for (const [index, ledger] of ledgers.entries()) assert.deepEqual(ledger, [...everAccepted].sort(), `cycle ${cycle}: node ${index} holds exactly the accepted claims of every cycle`)
      t.diagnostic(`cycle ${cycle} (${mode}): separated in ${separatedMs} ms; routes converged ${healedMs} ms after the heal; every node accepted both halves' claims ${syncedMs} ms after routes converged, with nothing sent by hand`)
    }
    t.diagnostic(`convergence after heal: ${healTimes.join(', ')} ms (max ${Math.max(...healTimes)})`)
  })
})
