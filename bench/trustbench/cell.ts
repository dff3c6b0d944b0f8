/**
 * Runs one cell (TRUSTBENCH §2, §3): builds the world (round 0's handshakes), then plays
 * R rounds. Round r: the clock moves to r × 1 s; last round's claim messages reach every
 * honest node (adversary first); every other message reaches its destination (the
 * network drains); every honest node evaluates (challenge windows close on the round
 * clock); trust is snapshotted; the honest agents, then the adversary, act. The result
 * is computed from the observers' logs.
 *
 * @example
 * ```ts
 * const result = await runCell({ scenario: 'S2', n: 25, m: 0.2, f: 0, seed: 1, rounds: 40 })
 * ```
 */
import { countAcceptances } from './acceptance-metrics.ts'
import { actAdversarially } from './adversary.ts'
import { ClaimBook } from './claim-book.ts'
import { createStats } from './context.ts'
import type { CellContext } from './context.ts'
import { deliverClaimMessages } from './delivery.ts'
import { EnvelopeWriter } from './envelopes.ts'
import { auditForgeries } from './forge-audit.ts'
import { actHonestly } from './honest-agents.ts'
import { checkInvariants } from './invariants.ts'
import { computeTrustMetrics } from './trust-metrics.ts'
import { createPrng } from './prng.ts'
import { assembleResult } from './result.ts'
import type { CellResult } from './result.ts'
import { FLIP_ROUND, PLANS, rootCount } from './scenarios.ts'
import type { CellSpec } from './scenarios.ts'
import { ObserverTrace } from './trace.ts'
import { buildWorld } from './world.ts'
import type { WorldSize } from './world.ts'

/** Delivery passes per round: far more hops than the mesh's diameter. */
export const MAX_PASSES_PER_ROUND = 64
/** Macrotask turns allowed for trust changes to settle after the round's evaluation. */
export const MAX_SETTLE_TURNS = 16

/** The identities of a cell. */
export function sizeOf (spec: CellSpec): WorldSize {
  const plan = PLANS[spec.scenario]
  const malicious = plan.malicious(spec.n, spec.m)
  return { honest: spec.n - malicious, malicious, sybils: plan.sybils(spec.n), roots: rootCount(spec.n) }
}

/** The seed text of a cell's PRNG: every parameter of the cell. */
export function seedTextOf (spec: CellSpec): string {
  return `trustbench/v1/${spec.scenario}/${spec.n}/${spec.m}/${spec.f}/${spec.seed}/${spec.rounds}/${spec.sparse === true ? 'sparse' : 'routed'}`
}

/** Hooks for diagnosis: see the cell's state before the world is torn down. */
export interface CellHooks {
  onFinish?: (context: CellContext) => void
}

/** Runs one cell and computes its result. */
export async function runCell (spec: CellSpec, hooks: CellHooks = {}): Promise<CellResult> {
  const startedMs = performance.now()
  const plan = PLANS[spec.scenario]
  const size = sizeOf(spec)
  if (size.honest < 2 || size.roots > size.honest) throw new RangeError(`Cannot run cell: N = ${spec.n} with m = ${spec.m} leaves ${size.honest} honest nodes for ${size.roots} roots`)
  const rng = createPrng(seedTextOf(spec))
  const world = await buildWorld(size, rng, { forbidRoutedHello: spec.sparse === true })
  try {
    const traces = new Map(world.honest.map((node) => [node.fingerprint, new ObserverTrace(node, () => world.clock.round)]))
    const context: CellContext = {
      spec, plan, world, rng, traces,
      book: new ClaimBook(spec.seed),
      writer: new EnvelopeWriter(rng),
      outbox: { adversary: [], honest: [] },
      stats: createStats(),
      visible: new Map(),
      rootConfirms: [],
      honestConfirms: [],
      forged: [],
      equivocator: undefined,
      equivocationRound: undefined,
      round: () => world.clock.round
    }
    for (let round = 0; round < spec.rounds; round++) await playRound(context, round)
    const result = resultOf(context, performance.now() - startedMs)
    hooks.onFinish?.(context)
    return result
  } finally {
    await world.close()
  }
}

async function playRound (context: CellContext, round: number): Promise<void> {
  const { world } = context
  if (round > 0) world.clock.setRound(round)
  deliverClaimMessages(context)
  await world.network.drain(MAX_PASSES_PER_ROUND)
  for (const node of world.honest) node.node.knowledge.tick()
  await settle(context)
  snapshot(context, round)
  await actHonestly(context)
  actAdversarially(context)
}

/** Lets trust changes of the evaluation re-evaluate claims (the node ticks on `setImmediate`), until nothing moves. */
async function settle (context: CellContext): Promise<void> {
  for (let turn = 0; turn < MAX_SETTLE_TURNS; turn++) {
    const before = transitionCount(context)
    await new Promise((resolve) => { setImmediate(resolve) })
    if (transitionCount(context) === before) return
  }
}

/** Entries logged by every observer so far: trust and status changes, verdicts. */
function transitionCount (context: CellContext): number {
  let count = 0
  for (const trace of context.traces.values()) count += trace.log.length
  return count
}

/** Per-round trust: adversaries trusted at each observer, COV at the flip, S7's detection. */
function snapshot (context: CellContext, round: number): void {
  const { world, stats } = context
  stats.adversariesTrusted[round] = world.honest.map((observer) => world.adversaries.filter((identity) => observer.node.registry.trustOf(identity.fingerprint) === 'trusted').length)
  if (round === FLIP_ROUND) {
    let trusted = 0
    let pairs = 0
    for (const observer of world.honest) {
      for (const peer of world.honest) {
        if (peer === observer || world.rootFingerprints.has(peer.fingerprint)) continue
        pairs++
        if (observer.node.registry.trustOf(peer.fingerprint) === 'trusted') trusted++
      }
    }
    stats.coverage = { trusted, pairs }
  }
  const equivocator = context.equivocator
  if (equivocator !== undefined && stats.equivocationDetectedRound === undefined
    && world.honest.every((observer) => observer.node.registry.trustOf(equivocator) === 'blacklisted')) {
    stats.equivocationDetectedRound = round
  }
}

function resultOf (context: CellContext, wallMs: number): CellResult {
  const acceptance = countAcceptances(context)
  const falseAccepted = context.book.all().filter((claim) => claim.isAdversarial && !claim.isTrue
    && [...context.traces.values()].some((trace) => trace.firstRound(claim.id, 'accepted') !== undefined)).length
  const trust = computeTrustMetrics(context, falseAccepted)
  const forge = auditForgeries(context)
  const { world, stats, spec } = context
  return assembleResult({
    spec,
    acceptance,
    trust,
    forge,
    invariants: checkInvariants(context, trust, forge),
    equivocationRounds: stats.equivocationDetectedRound === undefined ? undefined : stats.equivocationDetectedRound - (context.equivocationRound ?? 0),
    deliveries: stats.ingests + world.network.delivered,
    envelopes: stats.envelopes,
    wallMs,
    detail: {
      identities: { honest: world.honest.length, malicious: world.malicious.length, sybils: world.sybils.length, roots: world.roots.length },
      honest_diameter: world.honestDiameter,
      setup_deliveries: world.setupDeliveries,
      introductions: { sent: stats.introductionsSent, skipped: stats.introductionsSkipped }
    }
  })
}
