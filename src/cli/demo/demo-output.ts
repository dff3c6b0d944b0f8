/**
 * What the demo prints: a heading per step with the time since the demo began, indented
 * lines and tables under it, and progress while it waits — one line rewritten in place
 * on a terminal, a plain line per change otherwise (logs, pipes, tests).
 */

/** Where the demo writes (stdout, or a fake in tests). */
export interface DemoStream {
  write: (text: string) => unknown
  readonly isTTY?: boolean
}

export interface DemoOutputInit {
  /** Milliseconds on a monotonic clock. @default performance.now */
  now?: () => number
}

/** Erases the current terminal line and returns to its start. */
const CLEAR_LINE = '\r\u001b[2K'
/** Indent of everything under a heading. */
const INDENT = '  '

/** The demo's printer. */
export class DemoOutput {
  readonly #stream: DemoStream
  readonly #now: () => number
  readonly #startedMs: number
  #step = 0
  #progress: string | undefined

  constructor (stream: DemoStream, init: DemoOutputInit = {}) {
    this.#stream = stream
    this.#now = init.now ?? (() => performance.now())
    this.#startedMs = this.#now()
  }

  /** Milliseconds since the demo began. */
  elapsedMs (): number {
    return this.#now() - this.#startedMs
  }

  /** The next step's heading: `[  3.2 s] 2/7 Multi-peer handshake`, after a blank line. */
  step (title: string, total: number): void {
    this.#step += 1
    this.#heading(`${this.#step}/${total} ${title}`)
  }

  /** A closing heading without a step number: `[ 12.3 s] done: …`. */
  finish (text: string): void {
    this.#heading(text)
  }

  /** Lines under the current heading, indented; `text` may hold several. */
  say (text: string): void {
    this.#print(`${text.replace(/\n$/, '').split('\n').map((line) => line === '' ? '' : `${INDENT}${line}`).join('\n')}\n`)
  }

  /** Progress of a wait: `waiting for handshakes… 3/4`. Repeats of the same text print nothing. */
  progress (label: string, done: number, total: number): void {
    const text = `${INDENT}${label}… ${done}/${total}`
    if (text === this.#progress) return
    this.#progress = text
    this.#stream.write(this.#stream.isTTY === true ? `${CLEAR_LINE}${text}` : `${text}\n`)
  }

  /** Ends a wait's progress (on a terminal, erases its line). */
  endProgress (): void {
    if (this.#progress !== undefined && this.#stream.isTTY === true) this.#stream.write(CLEAR_LINE)
    this.#progress = undefined
  }

  #heading (text: string): void {
    this.#print(`\n[${formatSeconds(this.elapsedMs()).padStart(7)}] ${text}\n`)
  }

  #print (text: string): void {
    this.endProgress()
    this.#stream.write(text)
  }
}

/** `ms` as seconds with one decimal and a unit: `3.2 s`. */
export function formatSeconds (ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}
