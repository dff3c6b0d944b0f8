/**
 * Step 6: the events that matter (SPEC §12, `GET /v1/events`): the observer's
 * handshakes, trust transitions and claim statuses, and the INTENT's trail — routed by
 * each relay, delivered at the far end — merged by time.
 */
import { formatTable } from '../../table.ts'
import type { DemoContext } from '../demo-context.ts'
import { DEMO_EVENT_TYPES, eventRows } from '../event-rows.ts'
import type { DemoEvent } from '../event-rows.ts'

/** Event types of the observer shown here. */
const OBSERVER_EVENT_TYPES: ReadonlySet<string> = new Set(['handshake_completed', 'trust_transition', 'claim_status'])
/** Event types of the other nodes shown here: the INTENT's trail. */
const TRAIL_EVENT_TYPES: ReadonlySet<string> = new Set(['mesh_routed', 'mesh_delivered'])

/** Prints the events of the story as one table. */
export async function showEvents (context: DemoContext): Promise<void> {
  const { plan, output } = context
  const shown: DemoEvent[] = []
  for (const name of plan.names) {
    const events = await context.cluster.node(name).request('/v1/events?since=0&limit=1000', { signal: context.signal }) as DemoEvent[]
    const types = name === plan.observer ? OBSERVER_EVENT_TYPES : TRAIL_EVENT_TYPES
    shown.push(...events.filter((event) => types.has(event.event_type) && (!TRAIL_EVENT_TYPES.has(event.event_type) || event.payload.type === 'INTENT')))
  }
  output.say(`${plan.observer}'s handshakes, trust transitions and claim statuses, and the INTENT's trail at the relays and ${plan.names.at(-1) ?? ''} (${DEMO_EVENT_TYPES.join(', ')}):`)
  output.say(formatTable(['time (utc)', 'node', 'event', 'peer', 'details'], eventRows(shown, context.names)))
}
