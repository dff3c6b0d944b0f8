/**
 * Notices nodes that come back: a destination whose route was lost (`route_changed`,
 * reason `unreachable`) and that is reachable again (reason `new`) — the other half of a
 * healed partition, a node restarted after a crash. Floods go once, so such a node
 * missed what was said while it was away; the node answers by sending again what it
 * said itself (`KnowledgeService.reannounce()`). Returns that come together (a whole
 * half at once) are told once, after a short quiet spell.
 *
 * @example
 * ```ts
 * const stop = watchReturningNodes(events, () => { void knowledge.reannounce() })
 * ```
 */
import type { EventLog } from '../observability/event-log.ts'

/** How long after the last return the callback runs: one call per heal, not per node. */
export const RETURN_QUIET_MS = 500
/** Lost destinations remembered (the link-state database's cap). */
export const RETURN_WATCH_MAX = 1024

/** Calls `onReturn` once per burst of returning nodes; returns the function that stops watching. */
export function watchReturningNodes (events: Pick<EventLog, 'subscribe'>, onReturn: () => void, options: { quietMs?: number } = {}): () => void {
  const lost = new Set<string>()
  let timer: NodeJS.Timeout | undefined
  const unsubscribe = events.subscribe((event) => {
    if (event.event_type !== 'route_changed' || event.peer === null) return
    if (event.payload.reason === 'unreachable') {
      if (lost.size >= RETURN_WATCH_MAX) lost.delete(lost.values().next().value as string)
      lost.add(event.peer)
      return
    }
    if (event.payload.reason !== 'new' || !lost.delete(event.peer)) return
    clearTimeout(timer)
    timer = setTimeout(() => {
      timer = undefined
      onReturn()
    }, options.quietMs ?? RETURN_QUIET_MS)
    timer.unref()
  })
  return () => {
    clearTimeout(timer)
    unsubscribe()
  }
}
