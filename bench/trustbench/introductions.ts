/**
 * The `introduce` behaviour (TRUSTBENCH §3.3): each adversary identity vouches for the
 * others and for every Sybil in a signed LSA of its own (SPEC §6: an LSA from a trusted
 * origin introduces the peers it lists), sent over its direct links to the honest nodes
 * it is linked to. The adversary is omniscient, so it sends an introduction only where
 * it can change something — where it is `trusted` and some identity it lists is still
 * `unknown` — and counts the rest as skipped: every LSA costs each honest node a
 * signature check and a route computation, and with routed handshakes (SPEC §15.1)
 * every identity is already known everywhere after round 0.
 */
import { canonicalBytes } from '../../src/protocol/canonical-json.ts'
import { sealLsa } from '../../src/mesh/link-state/lsa.ts'
import type { LsaNeighbour } from '../../src/mesh/link-state/lsa.ts'
import type { BenchNode } from './bench-node.ts'
import type { CellContext } from './context.ts'

/** Above any sequence number a node's own link state reaches in a run. */
export const INTRODUCTION_SEQ_BASE = 1_000_000
/** Most neighbours one LSA may list (the LSA schema's bound). */
export const MAX_LSA_NEIGHBOURS = 64

/** Sends this round's useful introductions of `identities`. */
export function introduce (context: CellContext, identities: readonly BenchNode[]): void {
  const round = context.round()
  for (const introducer of identities) {
    const listed = context.world.adversaries.filter((identity) => identity !== introducer).slice(0, MAX_LSA_NEIGHBOURS)
    if (listed.length === 0) continue
    const targets = (context.world.linkedHonest.get(introducer.fingerprint) ?? []).filter((observer) => {
      const registry = observer.node.registry
      return registry.trustOf(introducer.fingerprint) === 'trusted' && listed.some((identity) => registry.trustOf(identity.fingerprint) === 'unknown')
    })
    const linked = context.world.linkedHonest.get(introducer.fingerprint)?.length ?? 0
    context.stats.introductionsSkipped += linked - targets.length
    if (targets.length === 0) continue
    const neighbours: LsaNeighbour[] = listed.map((identity) => ({ fingerprint: identity.fingerprint, rtt_ms: 0, trust: 'trusted' }))
    const lsa = sealLsa(introducer.identity, { agentId: introducer.name, seq: INTRODUCTION_SEQ_BASE + round, nowMs: context.world.clock.now(), addresses: [], neighbours })
    const bytes = canonicalBytes(lsa)
    for (const target of targets) void introducer.transport.sendRaw(target.fingerprint, 'control', bytes).catch(() => undefined)
    context.stats.introductionsSent += targets.length
  }
}
