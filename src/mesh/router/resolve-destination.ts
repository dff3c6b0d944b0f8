/**
 * Destination resolution for `send()` (issue #4): a fingerprint, or an agent id that must
 * name exactly one known node — agent ids are human-chosen and not unique (SPEC §2), so
 * an ambiguous one is an error that names the candidates.
 */
import { ambiguousAgentIdError, NoRouteError } from '../../protocol/errors.ts'
import { isFingerprint } from '../../protocol/identity/index.ts'

/** A node this one knows of. */
export interface KnownNode {
  fingerprint: string
  agentId: string
}

/**
 * The fingerprint `to` names among `known`.
 *
 * @throws {NoRouteError} with reason `unknown_destination` or `ambiguous_agent_id`
 */
export function resolveDestination (to: string, known: readonly KnownNode[]): string {
  if (isFingerprint(to)) {
    if (known.some((node) => node.fingerprint === to)) return to
    throw new NoRouteError(`Cannot send to "${to}": not a node this one knows of`, { reason: 'unknown_destination', fingerprint: to })
  }
  const candidates = [...new Set(known.filter((node) => node.agentId === to).map((node) => node.fingerprint))]
  if (candidates.length === 1 && candidates[0] !== undefined) return candidates[0]
  if (candidates.length > 1) throw ambiguousAgentIdError(to, candidates)
  throw new NoRouteError(`Cannot send to "${to}": no known node has that agent id or fingerprint`, { reason: 'unknown_destination' })
}
