/**
 * Envelope seal and open against raw node:crypto Ed25519 (issue #2, DESIGN §5): (a) build +
 * canonicalise + sign and (b) parse + validate + verify of a typical FACT_PROPOSE of
 * about 1 KiB canonical, each as a ratio to raw sign / verify over the same bytes.
 * Targets: seal ≥ 0.60, open ≥ 0.75 of the raw rate.
 */
import { sign, verify } from 'node:crypto'
import { canonicalBytes } from '../src/protocol/canonical-json.ts'
import { buildCipEnvelope } from '../src/protocol/envelope/builders.ts'
import type { EnvelopeAuthor } from '../src/protocol/envelope/builders.ts'
import { openEnvelope } from '../src/protocol/envelope/open.ts'
import { sealEnvelope } from '../src/protocol/envelope/seal.ts'
import { signedBytesOf } from '../src/protocol/envelope/signature-scope.ts'
import type { FactProposePayload } from '../src/protocol/envelope/types.ts'
import { generateKeyPairIdentity } from '../src/protocol/identity/index.ts'
import type { BenchRow } from './measure.ts'
import { compareRates } from './measure.ts'

/** A FACT_PROPOSE of about 1 KiB canonical, as an agent would send one. */
export function typicalFactPropose (): FactProposePayload {
  return {
    fact: {
      statement: 'The median round-trip time between the Frankfurt and Amsterdam relays stayed under 9 ms during the last maintenance window',
      domain: 'network.latency',
      confidence: 0.87,
      sources: ['https://metrics.example.org/relays/fra-ams/rtt?window=24h', 'urn:web4:trace:4f1c2a'],
      context: 'Observed by the relay health monitor; samples every 10 s; outliers above p99 removed before aggregation'
    },
    dmp_trace: {
      decision_id: 'd-2026-11-26-0042',
      steps: ['collect rtt samples', 'drop outliers above p99', 'compute median per hour', 'compare to the 9 ms budget'],
      counterfactuals: ['if the maintenance window had moved traffic to the backup link the median would exceed 12 ms'],
      evidence: ['sha256:9c1f0b7e2d5a4c3b8e6f1a0d9c8b7a6e5f4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b']
    },
    causal_links: ['claim:rtt-budget-2026-q4', 'claim:relay-fra-ams-healthy']
  }
}

/** Rows for seal and open. */
export function runEnvelopeBench (): BenchRow[] {
  const identity = generateKeyPairIdentity()
  const author: EnvelopeAuthor = { identity, agentId: 'bench-agent' }
  const receiver = { agent_id: 'peer', fingerprint: generateKeyPairIdentity().fingerprint }
  const payload = typicalFactPropose()
  const nowMs = Date.now()
  const sample = sealEnvelope(buildCipEnvelope(author, { type: 'FACT_PROPOSE', payload, receiver }, { nowMs }), identity)
  const signedBytes = signedBytesOf(sample)
  const wire = canonicalBytes(sample)
  const rawSignature = sign(null, signedBytes, identity.privateKey)

  const seal = compareRates(
    `seal FACT_PROPOSE (${signedBytes.length} B canonical)`,
    () => { sealEnvelope(buildCipEnvelope(author, { type: 'FACT_PROPOSE', payload, receiver }, { nowMs }), identity) },
    { name: 'raw Ed25519 sign', fn: () => { sign(null, signedBytes, identity.privateKey) } },
    { target: 0.6 }
  )
  const open = compareRates(
    `open FACT_PROPOSE (${wire.length} B wire)`,
    () => { openEnvelope(wire, { nowMs }) },
    { name: 'raw Ed25519 verify', fn: () => { verify(null, signedBytes, identity.publicKey, rawSignature) } },
    { target: 0.75 }
  )
  return [seal, open]
}
