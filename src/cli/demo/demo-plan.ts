/**
 * The demo's mesh, decided before any process starts (pure): a line of nodes
 * (ann – bob – cat – dan – eve for five), started in waves from the middle outwards so
 * that every node dials a neighbour that is already listening, with the observer (the
 * first node) pinning the second and fourth as trusted roots and the last node
 * proposing the claim they confirm.
 */
import { DEMO_AGENT_IDS, DEMO_MAX_NODES, DEMO_MIN_NODES } from './constants.ts'

/** Who does what in the demo. */
export interface DemoPlan {
  /** Agent ids in line order. */
  readonly names: readonly string[]
  /** The line's links, each `[a, b]` with `a` before `b` in line order. */
  readonly links: ReadonlyArray<readonly [string, string]>
  /** Start order: the nodes of a wave start together; each dials its neighbour in an earlier wave. */
  readonly waves: ReadonlyArray<readonly string[]>
  /** The neighbour each node dials at start (none for the first wave). */
  readonly dials: ReadonlyMap<string, string>
  /** The node whose view the demo shows: first in line. */
  readonly observer: string
  /** The observer's pinned roots (`start --trust`): second and fourth in line. */
  readonly roots: readonly string[]
  /** The node that proposes the claim: last in line, the farthest from the observer. */
  readonly proposer: string
}

/**
 * The plan for a line of `count` nodes.
 *
 * @throws {RangeError} when `count` is not an integer in {@link DEMO_MIN_NODES}…{@link DEMO_MAX_NODES}
 */
export function planDemo (count: number): DemoPlan {
  if (!Number.isInteger(count) || count < DEMO_MIN_NODES || count > DEMO_MAX_NODES) {
    throw new RangeError(`Cannot plan the demo: node count ${count} is not an integer in ${DEMO_MIN_NODES}…${DEMO_MAX_NODES}`)
  }
  const names: string[] = DEMO_AGENT_IDS.slice(0, count)
  const at = (index: number): string => names[index] ?? ''
  const middle = Math.floor((count - 1) / 2)
  const waves: string[][] = []
  const dials = new Map<string, string>()
  for (let distance = 0; middle - distance >= 0 || middle + distance < count; distance++) {
    const wave: string[] = []
    for (const index of distance === 0 ? [middle] : [middle - distance, middle + distance]) {
      if (index < 0 || index >= count) continue
      wave.push(at(index))
      if (distance > 0) dials.set(at(index), at(index < middle ? index + 1 : index - 1))
    }
    waves.push(wave)
  }
  return {
    names,
    links: names.slice(1).map((name, index): readonly [string, string] => [at(index), name]),
    waves,
    dials,
    observer: at(0),
    roots: [at(1), at(3)],
    proposer: at(count - 1)
  }
}
