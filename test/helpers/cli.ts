import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { promisify } from 'node:util'
import { projectRoot } from '../../src/project-root.js'

const run = promisify(execFile)

export interface ScriptResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs `scripts/<script>` as `npm run …` would (without npm's own output), with `env` and PATH
 * only, and returns its exit status and what it printed.
 */
export async function runScript(script: string, args: readonly string[], env: Record<string, string> = {}): Promise<ScriptResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: projectRoot(),
      env: { PATH: process.env.PATH, ...env },
    })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

/** Starts a script with pipes, for tests that talk to it (or signal it) while it runs. */
export function startScript(script: string, args: readonly string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: projectRoot(),
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', d => (stderr += d))
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as string | null, stderr }))
  return { child, exited, stderr: () => stderr }
}
