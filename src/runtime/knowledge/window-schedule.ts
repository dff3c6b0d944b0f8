/**
 * When claims leave their challenge window: the claims' window starts, kept sorted, so a
 * caller can arm one timer for the earliest window that is still open (SPEC §15.3).
 */

/** One claim's window start. */
interface WindowStart {
  startMs: number
  claimId: string
}

/** Window starts in ascending order (claims mostly arrive in time order, so inserts are appends). */
export class WindowSchedule {
  readonly #starts: WindowStart[] = []

  /** Claims scheduled. */
  get size (): number {
    return this.#starts.length
  }

  /** Records that the window of `claimId` opened at `startMs`. */
  add (claimId: string, startMs: number): void {
    const index = this.#firstAfter(startMs)
    if (index === this.#starts.length) this.#starts.push({ startMs, claimId })
    else this.#starts.splice(index, 0, { startMs, claimId })
  }

  /**
   * The earliest end, after `nowMs`, of a window of `windowMs` whose claim `isOpen`
   * accepts, or undefined when none is still open.
   */
  nextEndMs (nowMs: number, windowMs: number, isOpen: (claimId: string) => boolean): number | undefined {
    // A window started at s is still open at nowMs when nowMs − s < windowMs, i.e. s > nowMs − windowMs.
    for (let index = this.#firstAfter(nowMs - windowMs); index < this.#starts.length; index++) {
      const start = this.#starts[index]
      if (start !== undefined && isOpen(start.claimId)) return start.startMs + windowMs
    }
    return undefined
  }

  /** Index of the first start strictly after `ms` (binary search). */
  #firstAfter (ms: number): number {
    let low = 0
    let high = this.#starts.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if ((this.#starts[middle]?.startMs ?? Infinity) <= ms) low = middle + 1
      else high = middle
    }
    return low
  }
}
