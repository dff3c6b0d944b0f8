/**
 * A finite state machine as data (STYLE §6): one readonly table of `{from, event, to,
 * reason}` rows and a pure lookup that never throws for an unknown state or event.
 */

/** One row of a transition table. */
export interface TransitionRow<State extends string, Event extends string> {
  readonly from: State
  readonly event: Event
  readonly to: State
  /** Why the machine moves, in words fit for the event log (SPEC §6). */
  readonly reason: string
}

/** What a transition did; when `ignored` is true, `to` equals `from`. */
export interface TransitionResult<State extends string, Event extends string> {
  readonly from: State
  readonly to: State
  readonly event: Event
  readonly reason: string
  readonly ignored: boolean
}

/** Returns a reason when the row must not apply, or `undefined` to let it apply. */
export type TransitionGuard<Row, Facts> = (row: Row, facts: Facts) => string | undefined

/** What {@link createTransition} builds a machine from. */
export interface TransitionSpec<State extends string, Event extends string, Row extends TransitionRow<State, Event>, Facts> {
  /** Every state, used to tell an unknown state from one without a row. */
  readonly states: readonly State[]
  /** Every event, used to tell an unknown event from one without a row. */
  readonly events: readonly Event[]
  /** The rows; at most one per `(from, event)`. */
  readonly table: readonly Row[]
  /** Vetoes a matching row given the caller's facts. */
  readonly guard?: TransitionGuard<Row, Facts>
}

/** A pure transition function over one table. */
export type Transition<State extends string, Event extends string, Facts> =
  (state: State, event: Event, facts: Facts) => TransitionResult<State, Event>

// A caller's stray value is quoted and escaped, so it cannot forge a line in the event log.
const quote = (value: unknown): string => JSON.stringify(String(value))

/** Freezes the rows and the table itself, so no importer can edit the machine. */
export function freezeTable<Row extends object> (rows: readonly Row[]): readonly Row[] {
  return Object.freeze(rows.map((row) => Object.freeze(row)))
}

/**
 * Builds the transition function of a table.
 *
 * @throws {RangeError} when two rows share a `(from, event)` pair or name an unlisted state or event
 */
export function createTransition<State extends string, Event extends string, Row extends TransitionRow<State, Event>, Facts> (
  spec: TransitionSpec<State, Event, Row, Facts>
): Transition<State, Event, Facts> {
  const states = new Set<string>(spec.states)
  const events = new Set<string>(spec.events)
  // Maps, not object literals: an event string such as "__proto__" must find nothing.
  const rows = new Map<string, Map<string, Row>>()
  for (const row of spec.table) {
    if (!states.has(row.from) || !states.has(row.to) || !events.has(row.event)) {
      throw new RangeError(`Cannot build transition table: row "${row.from}" --${row.event}--> "${row.to}" names an unlisted state or event`)
    }
    const byEvent = rows.get(row.from) ?? new Map<string, Row>()
    if (byEvent.has(row.event)) {
      throw new RangeError(`Cannot build transition table: duplicate row for "${row.from}" on "${row.event}"`)
    }
    byEvent.set(row.event, row)
    rows.set(row.from, byEvent)
  }
  const ignore = (from: State, event: Event, reason: string): TransitionResult<State, Event> =>
    ({ from, to: from, event, reason, ignored: true })

  return (state, event, facts) => {
    if (!states.has(state)) return ignore(state, event, `${quote(state)} is not a state of this machine; event ignored`)
    if (!events.has(event)) return ignore(state, event, `${quote(event)} is not an event of this machine; state unchanged`)
    const row = rows.get(state)?.get(event)
    if (row === undefined) return ignore(state, event, `no transition from "${state}" on "${event}"; state unchanged`)
    const veto = spec.guard?.(row, facts)
    if (veto !== undefined) return ignore(state, event, veto)
    return { from: row.from, to: row.to, event: row.event, reason: row.reason, ignored: false }
  }
}
