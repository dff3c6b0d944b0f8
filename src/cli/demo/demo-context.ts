/** What every step of the demo works with, and its one way to wait (bounded, with progress). */
import type { AgentNames } from './agent-names.ts'
import type { DemoOutput } from './demo-output.ts'
import type { DemoPlan } from './demo-plan.ts'
import type { DemoCluster } from './node-cluster.ts'
import { waitUntil } from './wait-until.ts'
import type { WaitProgress } from './wait-until.ts'

/** The demo's state, shared by its steps. */
export interface DemoContext {
  readonly plan: DemoPlan
  readonly cluster: DemoCluster
  readonly output: DemoOutput
  /** Fingerprints of the demo's nodes as their agent ids. */
  readonly names: AgentNames
  /** The fingerprint of each agent id (filled in as the nodes are created). */
  readonly fingerprints: Map<string, string>
  /** Aborted when the demo is interrupted (SIGINT / SIGTERM). */
  readonly signal: AbortSignal
  /** Longest wait of one step. */
  readonly stepTimeoutMs: number
}

/** Waits until `probe` reports everything done, showing `waiting for <what>… done/total`. */
export async function waitWithProgress (context: DemoContext, what: string, probe: () => Promise<WaitProgress>): Promise<WaitProgress> {
  try {
    return await waitUntil(probe, {
      what,
      timeoutMs: context.stepTimeoutMs,
      signal: context.signal,
      onProgress: ({ done, total }) => { context.output.progress(`waiting for ${what}`, done, total) }
    })
  } finally {
    context.output.endProgress()
  }
}

/** The fingerprint of `name`. @throws {Error} for a node the demo did not create */
export function fingerprintOf (context: DemoContext, name: string): string {
  const fingerprint = context.fingerprints.get(name)
  if (fingerprint === undefined) throw new Error(`No fingerprint for demo node "${name}"`)
  return fingerprint
}
