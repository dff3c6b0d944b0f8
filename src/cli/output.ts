/** Output conventions of the CLI: tables for people, `--json` for scripts. */

/** Prints `value` as one line of JSON. */
export function printJson (value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`)
}
