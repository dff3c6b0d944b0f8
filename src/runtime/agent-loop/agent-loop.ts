/**
 * The AgentLoop: the typed surface an application embedding a node uses (SPEC §1 levels
 * 2–3). A thin event hub — listeners per event, isolated from one another so a
 * throwing listener is logged and counted and nothing else — plus the node's own
 * presence, LRI and intent, which it hands to functions the node provides.
 */
import type { MeshEvent, MeshEvents } from '../../observability/events.ts'
import type { Logger } from '../../observability/logger.ts'
import type { MeshMetrics } from '../../observability/metrics.ts'
import { PRESENCE_STATES } from '../../protocol/envelope/types.ts'
import type { IntentPayload, Presence, StateBlock } from '../../protocol/envelope/types.ts'
import { validatePayload } from '../../protocol/envelope/validate.ts'
import { isAgentLoopEventName } from './agent-loop-events.ts'
import type { AgentLoopEventName, AgentLoopEvents, AgentLoopListener, IntakeDeferredNotice } from './agent-loop-events.ts'
import { noticeOfMeshEvent } from './mesh-event-bridge.ts'

/** What the AgentLoop needs of the node. */
export interface AgentLoopComponents {
  logger: Logger
  metrics?: MeshMetrics
  /** Where `intake_deferred` is also recorded as an observability event. */
  events?: MeshEvents
  /** The node's own state as it announces it in STATE_UPDATE. */
  localState: () => StateBlock
  /**
   * Sets the node's presence and LRI and announces them to its neighbours (STATE_UPDATE);
   * leaving `overloaded` releases deferred intake. Failures to announce are the node's to log.
   */
  setPresence: (presence: Presence, lri: number) => void
  /** Propagates a validated INTENT to the node's neighbours. */
  declareIntent: (intent: IntentPayload) => void
}

/** The surface applications use. */
export interface AgentLoop {
  /**
   * Calls `listener` with every `event` until the returned function is called. A
   * listener that throws is logged and counted; the others still run.
   *
   * @throws {RangeError} when `event` is not an AgentLoop event
   * @throws {TypeError} when `listener` is not a function
   */
  on: <E extends AgentLoopEventName>(event: E, listener: AgentLoopListener<E>) => () => void
  /**
   * Sets this node's presence and LRI (kept when omitted) and announces them.
   *
   * @throws {RangeError} when `presence` is not a presence state or `lri` is not a number in 0..100
   */
  setPresence: (presence: Presence, lri?: number) => void
  /**
   * Declares an intent to this node's neighbours.
   *
   * @throws {PayloadSchemaError} when `intent` is not a valid INTENT payload
   */
  declareIntent: (intent: IntentPayload) => void
  /** True while this node's presence is `overloaded`: intake is deferred (SPEC §7 rule 5). */
  isOverloaded: () => boolean
  /** A copy of this node's own state. */
  state: () => StateBlock
}

/** The AgentLoop as the node holds it: the application surface plus the means to publish. */
export interface AgentLoopHub extends AgentLoop {
  /** Hands `notice` to every listener of `event`; never throws. */
  emit: <E extends AgentLoopEventName>(event: E, notice: AgentLoopEvents[E]) => void
  /** Reports knowledge input held back while overloaded: `intake_deferred`, also as an observability event. */
  deferIntake: (notice: IntakeDeferredNotice) => void
  /** Emits the notice an observability event stands for (`trust_transition`, `claim_status`); others are ignored. */
  onMeshEvent: (event: MeshEvent) => void
}

type AnyListener = (notice: never) => void

/** The hub; build it with `createAgentLoop`. */
export class AgentLoopImpl implements AgentLoopHub {
  readonly #components: AgentLoopComponents
  readonly #log: Logger
  readonly #listeners = new Map<AgentLoopEventName, Set<AnyListener>>()

  constructor (components: AgentLoopComponents) {
    this.#components = components
    this.#log = components.logger.child({ component: 'runtime:agent-loop' })
  }

  on<E extends AgentLoopEventName> (event: E, listener: AgentLoopListener<E>): () => void {
    if (!isAgentLoopEventName(event)) throw new RangeError(`Cannot listen to AgentLoop event ${JSON.stringify(String(event))}: no such event`)
    if (typeof listener !== 'function') throw new TypeError(`Cannot listen to AgentLoop event "${event}": the listener is not a function`)
    let listeners = this.#listeners.get(event)
    if (listeners === undefined) {
      listeners = new Set()
      this.#listeners.set(event, listeners)
    }
    // Each subscription is its own entry, so the same function subscribed twice unsubscribes once per call.
    const entry: AnyListener = (notice: never) => { listener(notice) }
    listeners.add(entry)
    return () => { listeners.delete(entry) }
  }

  emit<E extends AgentLoopEventName> (event: E, notice: AgentLoopEvents[E]): void {
    const listeners = this.#listeners.get(event)
    if (listeners === undefined || listeners.size === 0) return
    // A snapshot: listeners added or removed by a listener take effect from the next emit.
    for (const listener of [...listeners]) {
      try {
        (listener as AgentLoopListener<E>)(notice)
      } catch (err) {
        this.#components.metrics?.increment('web4_agent_loop_listener_errors_total', { event })
        this.#log.warn({ event, err: err instanceof Error ? err.message : String(err) }, 'AgentLoop listener threw')
      }
    }
  }

  deferIntake (notice: IntakeDeferredNotice): void {
    this.#components.metrics?.increment('web4_runtime_intake_deferred_total', { type: notice.type })
    this.#components.events?.emit('intake_deferred', notice.from, { msg_id: notice.msgId, type: notice.type, via: notice.via, reason: notice.reason })
    this.emit('intake_deferred', notice)
  }

  onMeshEvent (event: MeshEvent): void {
    const bridged = noticeOfMeshEvent(event)
    if (bridged === undefined) return
    if (bridged.name === 'trust_change') this.emit('trust_change', bridged.notice)
    else this.emit('claim_status', bridged.notice)
  }

  setPresence (presence: Presence, lri?: number): void {
    const given: unknown = presence
    if (typeof given !== 'string' || !(PRESENCE_STATES as readonly string[]).includes(given)) {
      throw new RangeError(`Cannot set presence ${JSON.stringify(String(given))}: not one of ${PRESENCE_STATES.join(', ')}`)
    }
    const next: unknown = lri ?? this.#components.localState().lri
    if (typeof next !== 'number' || !(next >= 0 && next <= 100)) throw new RangeError(`Cannot set LRI "${String(next)}": not a number in 0..100`)
    this.#components.setPresence(presence, next)
  }

  declareIntent (intent: IntentPayload): void {
    validatePayload('INTENT', intent)
    this.#components.declareIntent({ ...intent })
  }

  isOverloaded (): boolean {
    return this.#components.localState().presence === 'overloaded'
  }

  state (): StateBlock {
    const state = this.#components.localState()
    return { ...state, kernel_signals: [...state.kernel_signals] }
  }
}
