/**
 * Polls `predicate` until it holds or `timeoutMs` passes (tests bound their own duration).
 * `what` names the condition in the timeout error; a function is called only then, so it
 * can describe the last state seen.
 */
export async function waitFor (predicate: () => boolean | Promise<boolean>, options: { timeoutMs?: number, intervalMs?: number, what?: string | (() => string) } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000)
  for (;;) {
    if (await predicate()) return
    if (Date.now() > deadline) {
      const what = typeof options.what === 'function' ? options.what() : options.what ?? 'a condition'
      throw new Error(`Timed out after ${options.timeoutMs ?? 10_000} ms waiting for ${what}`)
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25))
  }
}
