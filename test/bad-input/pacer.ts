/**
 * Sends one attacker's bad inputs at a pace the victim's rate limits let through
 * (DESIGN §6 rates, per link peer): envelopes on the direct channels under 200/s, the
 * control-plane envelopes among them under 20/s, carriers under the mesh's 1,000/s — so
 * that nearly every input reaches the checks behind the limits rather than the limits.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { MAX_ENVELOPE_BYTES } from '../../src/protocol/constants.ts'
import { parseJson } from '../../src/protocol/json-intake.ts'
import type { ChannelName } from '../../src/transport/channels.ts'

/** Length of one pacing step. */
const TICK_MS = 100
/** Frames per step on the direct channels together: 180/s of the 200/s budget, leaving room for the peer's own traffic. */
const DIRECT_PER_TICK = 18
/** Control-plane envelopes per step: 15/s of the 20/s budget. */
const CONTROL_ENVELOPES_PER_TICK = 1.5
/** Carriers per step: 300/s of the 1,000/s budget. */
const MESH_PER_TICK = 30

/** True when `bytes` on `control` would take a control-plane token: it parses, and is not an `lsa` record. */
export function takesControlToken (bytes: Uint8Array): boolean {
  try {
    const value = parseJson(bytes, { maxBytes: MAX_ENVELOPE_BYTES })
    return !(typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, 'lsa'))
  } catch {
    return false
  }
}

/** The inputs of one attacker, per channel. */
export type Plan = Readonly<Record<ChannelName, readonly Uint8Array[]>>

/**
 * Sends every input of `plan` through `send`, paced; resolves when all are queued.
 * Inputs of one channel keep their order.
 */
export async function sendPaced (plan: Plan, send: (channel: ChannelName, bytes: Uint8Array) => Promise<void>): Promise<void> {
  const controlEnvelopes = plan.control.filter(takesControlToken)
  const controlOthers = plan.control.filter((bytes) => !takesControlToken(bytes))
  const queues: Array<{ channel: ChannelName, items: Uint8Array[], isControlEnvelope: boolean }> = [
    { channel: 'control', items: [...controlEnvelopes], isControlEnvelope: true },
    { channel: 'control', items: [...controlOthers], isControlEnvelope: false },
    { channel: 'state', items: [...plan.state], isControlEnvelope: false },
    { channel: 'knowledge', items: [...plan.knowledge], isControlEnvelope: false }
  ]
  const mesh = [...plan.mesh]
  let controlTokens = 0
  while (mesh.length > 0 || queues.some((queue) => queue.items.length > 0)) {
    const startedAt = performance.now()
    const batch: Array<Promise<void>> = []
    controlTokens = Math.min(controlTokens + CONTROL_ENVELOPES_PER_TICK, 2 * CONTROL_ENVELOPES_PER_TICK)
    let budget = DIRECT_PER_TICK
    for (let isProgress = true; budget > 0 && isProgress;) {
      isProgress = false
      for (const queue of queues) {
        if (budget === 0 || queue.items.length === 0 || (queue.isControlEnvelope && controlTokens < 1)) continue
        const item = queue.items.shift()
        if (item === undefined) continue
        if (queue.isControlEnvelope) controlTokens--
        batch.push(send(queue.channel, item))
        budget--
        isProgress = true
      }
    }
    for (const item of mesh.splice(0, MESH_PER_TICK)) batch.push(send('mesh', item))
    await Promise.all(batch)
    await sleep(Math.max(0, TICK_MS - (performance.now() - startedAt)))
  }
}
