/**
 * Step 3: multi-hop routing. Once the observer has a route to every node (link state),
 * it sends an INTENT to the far end of the line through its admin API
 * (`POST /v1/messages`); the signed delivery receipt tells the hops it crossed.
 */
import { formatTable } from '../../table.ts'
import { fingerprintOf, waitWithProgress } from '../demo-context.ts'
import type { DemoContext } from '../demo-context.ts'
import type { ReceiptJson, RouteJson } from '../api-types.ts'

/** The INTENT the observer sends to the far end. */
const DEMO_INTENT = { goal: 'ask', topic: 'web4mesh demo', priority: 'normal', context: 'a message across every node of the line' }
/** How long the observer waits for the delivery receipt, in ms. */
const RECEIPT_TIMEOUT_MS = 5000

/** Waits for the observer's routes, prints them, routes one INTENT end to end and prints its receipt. */
export async function showRouting (context: DemoContext): Promise<void> {
  const { plan, output, names } = context
  const observer = context.cluster.node(plan.observer)
  const far = plan.names.at(-1) ?? ''
  const others = plan.names.filter((name) => name !== plan.observer)
  let routes: RouteJson[] = []
  // On a line the shortest path to the node at index i has i hops.
  const hasRoute = (name: string): boolean => routes.some((route) => route.destination === fingerprintOf(context, name) && route.path.length === plan.names.indexOf(name))
  await waitWithProgress(context, `${plan.observer}'s routes`, async () => {
    routes = await observer.request('/v1/routes', { signal: context.signal }) as RouteJson[]
    return { done: others.filter(hasRoute).length, total: others.length }
  })
  output.say(`${plan.observer}'s routes (shortest paths over RTT-weighted links, from signed link state):`)
  output.say(formatTable(['to', 'route', 'path', 'cost ms'], others.map((name) => {
    const route = routes.find((candidate) => candidate.destination === fingerprintOf(context, name))
    return [name, route === undefined ? null : route.is_direct ? 'direct' : `via ${names.nameOf(route.next_hop)}`, route === undefined ? null : names.route(plan.observer, route.path), route?.cost_ms.toFixed(2)]
  }), { rightAligned: ['cost ms'] }))
  const receipt = await observer.request('/v1/messages', {
    body: { to: fingerprintOf(context, far), type: 'INTENT', payload: DEMO_INTENT, timeout_ms: RECEIPT_TIMEOUT_MS },
    signal: context.signal,
    timeoutMs: RECEIPT_TIMEOUT_MS + 1000
  }) as ReceiptJson
  output.say(`INTENT ${plan.observer} → ${far} (POST /v1/messages): delivered in ${receipt.rtt_ms.toFixed(1)} ms over ${receipt.hops.length} hops`)
  output.say(`  route ${names.route(plan.observer, receipt.hops)}  (each relay checked the SPEC §9 rules and appended itself; ${far} signed the receipt)`)
}
