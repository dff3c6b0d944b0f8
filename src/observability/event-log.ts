/**
 * The bounded event table (SPEC §12): keeps the newest events in memory for
 * `GET /v1/events?since=`, hands each to subscribers (`&follow=1`) and to the logger.
 * The oldest events are dropped first; `seq` keeps counting, so a reader can tell
 * that it missed some.
 */
import type { Clock } from '../config/clock.ts'
import type { EventType, MeshEvent, MeshEvents } from './events.ts'
import type { Logger } from './logger.ts'

/** Events kept in memory. */
export const EVENT_LOG_CAPACITY = 10_000

export interface EventLogInit {
  /** @default EVENT_LOG_CAPACITY */
  capacity?: number
}

export interface EventLogComponents {
  /** Fingerprint of this node (`node` of every event). */
  node: string
  clock: Clock
  logger: Logger
}

/** The event table. */
export interface EventLog extends MeshEvents {
  /** Events with `seq > since`, oldest first, at most `limit`. */
  since: (since?: number, limit?: number) => MeshEvent[]
  /** Calls `listener` for every new event until the returned function is called. */
  subscribe: (listener: (event: MeshEvent) => void) => () => void
  /** The last `seq` handed out (0 before any event). */
  readonly lastSeq: number
}

/** Creates an event table. */
export function createEventLog (components: EventLogComponents, init: EventLogInit = {}): EventLog {
  const capacity = init.capacity ?? EVENT_LOG_CAPACITY
  if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`Cannot create event log: capacity must be a positive integer, got ${capacity}`)
  const events: MeshEvent[] = []
  const listeners = new Set<(event: MeshEvent) => void>()
  const log = components.logger.child({ component: 'events' })
  let lastSeq = 0
  return {
    get lastSeq () {
      return lastSeq
    },
    emit (type: EventType, peer: string | null, payload: Record<string, unknown>): void {
      const event: MeshEvent = { event_type: type, node: components.node, peer, payload, occurred_at: new Date(components.clock.now()).toISOString(), seq: ++lastSeq }
      events.push(event)
      if (events.length > capacity) events.splice(0, events.length - capacity)
      log.info({ event: type, peer, ...payload }, type)
      for (const listener of listeners) {
        try {
          listener(event)
        } catch (err) {
          log.warn({ err: (err as Error).message }, 'event listener threw')
        }
      }
    },
    since (since = 0, limit = capacity): MeshEvent[] {
      const first = events.findIndex((event) => event.seq > since)
      return first === -1 ? [] : events.slice(first, first + limit)
    },
    subscribe (listener) {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    }
  }
}
