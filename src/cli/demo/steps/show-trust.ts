/**
 * Step 4: trust propagation (SPEC §6, DESIGN §3 "trust bootstrap"). The observer pinned
 * two roots; a trusted root's signed link state introduces the nodes it handshook with,
 * so the observer holds nodes it has no link to as `probing` — never `trusted` — before
 * it ever spoke to them. The table is the observer's `GET /v1/trust`, with each reason.
 */
import { formatTable } from '../../table.ts'
import { fingerprintOf, waitWithProgress } from '../demo-context.ts'
import type { DemoContext } from '../demo-context.ts'
import type { TrustJson } from '../api-types.ts'

/** Waits until the observer has a trust view of every node; prints it and names the introductions. */
export async function showTrust (context: DemoContext): Promise<void> {
  const { plan, output, names } = context
  const observer = context.cluster.node(plan.observer)
  const others = plan.names.filter((name) => name !== plan.observer)
  let trust: TrustJson[] = []
  const viewOf = (name: string): TrustJson | undefined => trust.find((peer) => peer.fingerprint === fingerprintOf(context, name))
  await waitWithProgress(context, `${plan.observer}'s trust views`, async () => {
    trust = await observer.request('/v1/trust', { signal: context.signal }) as TrustJson[]
    return { done: others.filter((name) => (viewOf(name)?.trust ?? 'unknown') !== 'unknown').length, total: others.length }
  })
  output.say(`${plan.observer} pins ${plan.roots.join(' and ')} as trusted roots (start --trust); its trust views (GET /v1/trust):`)
  output.say(formatTable(['agent', 'trust', 'link to ' + plan.observer, 'last event', 'since (utc)'], others.map((name) => {
    const view = viewOf(name)
    const isLinked = plan.links.some((link) => link.includes(name) && link.includes(plan.observer))
    return [name, `${view?.trust ?? 'unknown'}${view?.is_pinned === true ? ' (pinned)' : ''}`, isLinked ? 'yes' : 'no', view?.last_transition?.event, view?.last_transition?.at.slice(11, 23)]
  })))
  output.say(`why (the reason ${plan.observer} logged with each transition):`)
  output.say(others.map((name) => `  ${name}  ${names.annotate(viewOf(name)?.last_transition?.reason ?? 'never moved')}`).join('\n'))
  const introduced = others.filter((name) => viewOf(name)?.last_transition?.event === 'introduction')
  output.say(introduced.length === 0
    ? `no introductions this time: ${plan.observer}'s routed handshakes got there first`
    : `introduced by trusted roots: ${introduced.join(', ')} — probing, never trusted by propagation; only verified knowledge earns trust`)
}
