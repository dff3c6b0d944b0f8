/**
 * The events the demo shows (SPEC §12, docs/EVENTS.md), one compact table row each
 * (pure): time, the node that saw it, its type, the peer it concerns, and the few
 * payload fields that tell the story.
 */
import type { TableCell } from '../table.ts'
import type { AgentNames } from './agent-names.ts'

/** The event types the demo shows. */
export const DEMO_EVENT_TYPES: readonly string[] = ['handshake_completed', 'trust_transition', 'mesh_routed', 'mesh_delivered', 'claim_status']

/** One event as `GET /v1/events` answers it. */
export interface DemoEvent {
  event_type: string
  node: string
  peer: string | null
  payload: Record<string, unknown>
  occurred_at: string
  seq: number
}

/** Characters of a details cell before it is cut. */
const MAX_DETAILS_CHARS = 90

/** Rows `time (utc)`, `node`, `event`, `peer`, `details` for `events`, oldest first; events of the same time keep their order. */
export function eventRows (events: readonly DemoEvent[], names: AgentNames): TableCell[][] {
  const sorted = [...events].sort((a, b) => a.occurred_at.localeCompare(b.occurred_at))
  return sorted.map((event) => [
    event.occurred_at.slice(11, 23), names.nameOf(event.node), event.event_type, names.nameOf(event.peer), truncate(detailsOf(event, names))
  ])
}

function detailsOf (event: DemoEvent, names: AgentNames): string {
  const field = (key: string): string => textOf(event.payload[key])
  switch (event.event_type) {
    case 'handshake_completed':
      return `${event.payload.routed === true ? 'routed' : 'direct'}, ${field('role')}, ${field('duration_ms')} ms, trust ${field('trust')}`
    case 'trust_transition':
      return `${field('from')} → ${field('to')} (${field('event')})`
    case 'mesh_routed':
      return `${field('type')} to ${names.nameOf(field('destination'))}, next hop ${names.nameOf(field('next_hop'))}`
    case 'mesh_delivered': {
      const hops = Array.isArray(event.payload.hops) ? event.payload.hops.map(textOf) : []
      return `${field('type')} from ${names.nameOf(event.peer)} via ${hops.map((hop) => names.nameOf(hop)).join(' → ')}`
    }
    case 'claim_status':
      return `claim ${field('claim_id').slice(0, 12)} ${field('from')} → ${field('to')}, ${field('trusted_confirmers')} trusted confirmers`
    default:
      return JSON.stringify(event.payload)
  }
}

function textOf (value: unknown): string {
  if (typeof value === 'string') return value
  return value === undefined ? '-' : JSON.stringify(value)
}

function truncate (text: string): string {
  return text.length <= MAX_DETAILS_CHARS ? text : `${text.slice(0, MAX_DETAILS_CHARS - 1)}…`
}
