/**
 * The logger port (STYLE §13): the narrow shape of a pino logger, so layers take a
 * logger without importing pino; `node.ts` passes a pino child per component.
 */

/** Log method: an object of fields and a message. */
export type LogMethod = (fields: Record<string, unknown>, message?: string) => void

export interface Logger {
  debug: LogMethod
  info: LogMethod
  warn: LogMethod
  error: LogMethod
  /** A logger whose lines carry `bindings` too (`{component: 'transport'}`). */
  child: (bindings: Record<string, unknown>) => Logger
}

/** A logger that writes nothing. */
export const SILENT_LOGGER: Logger = Object.freeze({
  debug: () => { /* silent */ },
  info: () => { /* silent */ },
  warn: () => { /* silent */ },
  error: () => { /* silent */ },
  child: () => SILENT_LOGGER
})
