#!/usr/bin/env node
/** The brief's `web4meshdemo`: `web4mesh demo` under its own name (`node scripts/web4meshdemo.ts [--nodes N] [--keep]`). */
import { runCli } from '../src/cli/main.ts'

process.exitCode = await runCli(['demo', ...process.argv.slice(2)])
