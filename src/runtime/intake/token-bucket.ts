/**
 * A token bucket (DESIGN §6 "rates"): `ratePerSecond` tokens refill continuously up to
 * `burst`. Pure: time is passed in.
 */
export class TokenBucket {
  readonly #ratePerMs: number
  readonly #burst: number
  #tokens: number
  #lastMs: number | undefined

  /** @throws {RangeError} when the rate or burst is not positive */
  constructor (ratePerSecond: number, burst: number) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new RangeError(`Cannot create token bucket: rate ${ratePerSecond}/s and burst ${burst} must be positive`)
    this.#ratePerMs = ratePerSecond / 1000
    this.#burst = burst
    this.#tokens = burst
  }

  /** Takes one token if there is one; returns false (and takes nothing) otherwise. */
  tryTake (nowMs: number): boolean {
    this.#refill(nowMs)
    if (this.#tokens < 1) return false
    this.#tokens -= 1
    return true
  }

  /** Milliseconds until a token is available at `nowMs`. */
  waitMs (nowMs: number): number {
    this.#refill(nowMs)
    return this.#tokens >= 1 ? 0 : Math.ceil((1 - this.#tokens) / this.#ratePerMs)
  }

  #refill (nowMs: number): void {
    if (this.#lastMs !== undefined && nowMs > this.#lastMs) {
      this.#tokens = Math.min(this.#burst, this.#tokens + (nowMs - this.#lastMs) * this.#ratePerMs)
    }
    if (this.#lastMs === undefined || nowMs > this.#lastMs) this.#lastMs = nowMs
  }
}
