#!/usr/bin/env node
/** The brief's `web4meshinspect`: `web4mesh inspect` under its own name (`node scripts/web4meshinspect.ts --data DIR [--json]`). */
import { runCli } from '../src/cli/main.ts'

process.exitCode = await runCli(['inspect', ...process.argv.slice(2)])
