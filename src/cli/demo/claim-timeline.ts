/**
 * A claim's life at one observer, from what `GET /v1/claims/{id}` answers (pure): when
 * the observer first saw it (the challenge window opens), each confirmation as it
 * arrived (counted or not), and the decision with its time.
 */
import type { ClaimJson } from './api-types.ts'

/** Trusted confirmations a claim needs (SPEC §7). */
export const REQUIRED_TRUSTED_CONFIRMERS = 2

/** The timeline of `claim` as seen by `observer`, one line per moment, each starting with its UTC time. */
export function claimTimeline (claim: ClaimJson, observer: string, windowMs: number): string[] {
  const firstSeenMs = Date.parse(claim.first_seen_at)
  const windowEnd = new Date(firstSeenMs + windowMs).toISOString()
  const lines = [`${timeOf(claim.first_seen_at)}  ${observer} sees it from ${claim.proposer_agent_id ?? 'its proposer'}: pending; challenge window open until ${timeOf(windowEnd)}`]
  let counted = 0
  const confirmations = (claim.verdicts ?? []).filter((verdict) => verdict.kind === 'confirm').sort((a, b) => a.received_at.localeCompare(b.received_at))
  for (const verdict of confirmations) {
    const who = verdict.agent_id ?? `${verdict.from.slice(0, 12)}…`
    if (!verdict.is_counted) {
      lines.push(`${timeOf(verdict.received_at)}  ${who} confirms: not counted (not trusted by ${observer})`)
      continue
    }
    counted += 1
    const isHeld = counted >= REQUIRED_TRUSTED_CONFIRMERS && verdict.received_at < windowEnd
    lines.push(`${timeOf(verdict.received_at)}  ${who} confirms: ${counted}/${REQUIRED_TRUSTED_CONFIRMERS} trusted confirmers${isHeld ? ', still pending: the window is open' : ''}`)
  }
  if (claim.status !== 'pending') lines.push(`${timeOf(claim.status_since)}  ${claim.status} at ${observer} (${claim.trusted_confirmers} trusted confirmers, ${claim.trusted_challengers} trusted challengers)`)
  return lines
}

function timeOf (iso: string): string {
  return iso.slice(11, 23)
}
