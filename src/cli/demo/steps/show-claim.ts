/**
 * Step 5: deferred acceptance across peers (SPEC §7, §15.3, §15.11). The far end of the
 * line proposes a fact to the whole mesh; the observer's two roots confirm it; the
 * observer holds it `pending` for the challenge window, whatever confirmations arrive,
 * then accepts it with two trusted confirmers. The observer's timeline of the claim
 * comes from its own record (`GET /v1/claims/{id}`).
 */
import { CHALLENGE_WINDOW_MS } from '../../../runtime/knowledge/index.ts'
import { CliError } from '../../cli-error.ts'
import type { ClaimJson } from '../api-types.ts'
import { claimTimeline, REQUIRED_TRUSTED_CONFIRMERS } from '../claim-timeline.ts'
import { waitWithProgress } from '../demo-context.ts'
import type { DemoContext } from '../demo-context.ts'
import { formatSeconds } from '../demo-output.ts'

/** The fact the proposer puts to the mesh. */
const DEMO_FACT = {
  statement: 'Every envelope in this mesh is signed end to end with Ed25519',
  domain: 'web4mesh-demo',
  confidence: 0.9,
  sources: ['https://example.org/web4-mesh/demo'],
  context: 'web4mesh demo'
}

/** Proposes, confirms at the roots, waits until the observer accepts; prints the observer's timeline. */
export async function showClaim (context: DemoContext): Promise<void> {
  const { plan, output } = context
  const proposed = await context.cluster.node(plan.proposer).request('/v1/claims', { body: { fact: DEMO_FACT }, signal: context.signal }) as { claim_id: string }
  const claimId = proposed.claim_id
  output.say(`${plan.proposer} proposes "${DEMO_FACT.statement}" (POST /v1/claims): claim ${claimId.slice(0, 12)}`)
  await waitWithProgress(context, `the claim to reach ${plan.roots.join(' and ')}`, async () => {
    const seen = await Promise.all(plan.roots.map(async (root) => await claimAt(context, root, claimId)))
    return { done: seen.filter((claim) => claim !== undefined).length, total: plan.roots.length }
  })
  for (const root of plan.roots) {
    await context.cluster.node(root).request(`/v1/claims/${claimId}/confirm`, { body: { confidence: 1, notes: 'checked by the demo' }, signal: context.signal })
  }
  output.say(`${plan.roots.join(' and ')} confirm it (POST /v1/claims/{id}/confirm); ${plan.observer} holds it for the ${formatSeconds(CHALLENGE_WINDOW_MS)} challenge window:`)
  const accepted = await acceptedAtObserver(context, claimId)
  output.say(claimTimeline(accepted, plan.observer, CHALLENGE_WINDOW_MS).map((line) => `  ${line}`).join('\n'))
  const heldMs = Date.parse(accepted.status_since) - Date.parse(accepted.first_seen_at)
  output.say(`pending → accepted at ${plan.observer}, held back ${formatSeconds(heldMs)}: ${accepted.status_reason}`)
}

/** Waits until the observer has accepted the claim; answers it with its verdicts. */
async function acceptedAtObserver (context: DemoContext, claimId: string): Promise<ClaimJson> {
  let claim: ClaimJson | undefined
  await waitWithProgress(context, `${context.plan.observer} to accept it (2 trusted confirmations, then the window)`, async () => {
    claim = await claimAt(context, context.plan.observer, claimId, { withVerdicts: true })
    if (claim !== undefined && claim.status !== 'pending' && claim.status !== 'accepted') {
      throw new CliError(`Cannot show the claim accepted: ${context.plan.observer} ${claim.status} it: ${claim.status_reason}`)
    }
    const confirmers = Math.min(claim?.trusted_confirmers ?? 0, REQUIRED_TRUSTED_CONFIRMERS)
    return { done: confirmers + (claim?.status === 'accepted' ? 1 : 0), total: REQUIRED_TRUSTED_CONFIRMERS + 1 }
  })
  if (claim === undefined) throw new Error('Cannot follow the claim: the wait ended without it')
  return claim
}

/** The claim `claimId` at `name` (with its verdicts if asked), or undefined while that node has not seen it. */
async function claimAt (context: DemoContext, name: string, claimId: string, options: { withVerdicts?: boolean } = {}): Promise<ClaimJson | undefined> {
  const node = context.cluster.node(name)
  const claim = (await node.request('/v1/claims', { signal: context.signal }) as ClaimJson[]).find((candidate) => candidate.id === claimId)
  if (claim === undefined || options.withVerdicts !== true) return claim
  return await node.request(`/v1/claims/${claimId}`, { signal: context.signal }) as ClaimJson
}
