/** Polls `predicate` until it holds or `timeoutMs` passes (tests bound their own duration). */
export async function waitFor (predicate: () => boolean | Promise<boolean>, options: { timeoutMs?: number, intervalMs?: number, what?: string } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000)
  for (;;) {
    if (await predicate()) return
    if (Date.now() > deadline) throw new Error(`Timed out after ${options.timeoutMs ?? 10_000} ms waiting for ${options.what ?? 'a condition'}`)
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25))
  }
}
