/**
 * Child processes for the benchmark: servers on 127.0.0.1 with an ephemeral port (the child
 * says which one it got on stdout) and one-shot jobs. Every child is stopped by its PID in a
 * `finally`, and anything still running when the runner exits is killed as a last resort.
 */
import { spawn, type ChildProcess } from 'node:child_process'

export interface RunningServer {
  readonly pid: number
  readonly port: number
  /** The last lines the child wrote (for error messages). */
  tail(): string
  stop(): Promise<void>
}

const live = new Set<ChildProcess>()

/** Kills whatever is still running; the runner calls this on exit and on SIGINT/SIGTERM. */
export function killAll(): void {
  for (const child of live) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  }
  live.clear()
}

export interface StartOptions {
  readonly command: string
  readonly args: readonly string[]
  readonly env?: NodeJS.ProcessEnv
  readonly cwd?: string
  /** Matches the line that says the server listens; group 1 is the port. */
  readonly ready: RegExp
  readonly timeoutMs?: number
}

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const child = spawn(opts.command, [...opts.args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  live.add(child)
  const lines: string[] = []
  const keep = (chunk: Buffer) => {
    // Logs are drained continuously (a full pipe would stall the server) and only a tail kept.
    for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(line)
    if (lines.length > 200) lines.splice(0, lines.length - 50)
  }
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM')
      const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    live.delete(child)
  }
  child.stderr!.on('data', keep)
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start within ${opts.timeoutMs ?? 30_000} ms`)), opts.timeoutMs ?? 30_000)
      let pending = ''
      child.stdout!.on('data', (chunk: Buffer) => {
        keep(chunk)
        pending += chunk.toString('utf8')
        const m = opts.ready.exec(pending)
        if (m) {
          clearTimeout(timer)
          pending = ''
          resolve(Number(m[1]))
        } else if (pending.length > 65536) pending = pending.slice(-4096)
      })
      child.once('exit', code => {
        clearTimeout(timer)
        reject(new Error(`server exited (${code}) before listening:\n${lines.slice(-20).join('\n')}`))
      })
      child.once('error', err => {
        clearTimeout(timer)
        reject(err)
      })
    })
    return { pid: child.pid!, port, tail: () => lines.slice(-20).join('\n'), stop }
  } catch (err) {
    await stop()
    throw err
  }
}

/** Starts a server, runs `fn` against it and always stops it. */
export async function withServer<T>(opts: StartOptions, fn: (server: RunningServer) => Promise<T>): Promise<T> {
  const server = await startServer(opts)
  try {
    return await fn(server)
  } finally {
    await server.stop()
  }
}

export interface JobResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs a one-shot child to completion (killed after `timeoutMs`). */
export async function runJob(command: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<JobResult> {
  const child = spawn(command, [...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] })
  live.add(child)
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString('utf8')))
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-20_000)))
  const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), opts.timeoutMs ?? 300_000)
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('exit', c => resolve(c))
      child.once('error', reject)
    })
    return { code, stdout, stderr }
  } finally {
    clearTimeout(timer)
    live.delete(child)
  }
}
