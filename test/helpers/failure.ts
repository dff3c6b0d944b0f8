/** What a call threw, as `{name, reason}` — tests compare these, never message text. */

/** The typed failure of `fn`, or `undefined` when it returned. */
export function failureOf (fn: () => unknown): { name: string, reason: string | undefined } | undefined {
  try {
    fn()
  } catch (err) {
    return { name: (err as Error).name, reason: (err as { reason?: string }).reason }
  }
  return undefined
}
