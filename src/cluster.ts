import cluster, { type Worker } from 'node:cluster'

/** More restarts than this within RESTART_WINDOW_MS means something is wrong beyond one bad request. */
const MAX_RESTARTS = 5
const RESTART_WINDOW_MS = 60_000
const STOP_TIMEOUT_MS = 10_000

export interface WorkerPoolOptions {
  readonly workers: number
  /** Called once, when every worker listens, with the shared port. */
  readonly onListening: (port: number) => void
  /** One line for the operator (the pool has no request logger of its own). */
  readonly log: (line: string) => void
  /** Cleanup of the supervisor's own work (the refresh) before it exits. */
  readonly onStop?: () => Promise<void>
}

/** True in a process that node:cluster started as a worker. */
export function isWorker(): boolean {
  return cluster.isWorker
}

/**
 * Runs the server in `workers` processes that share one listening socket (node:cluster hands
 * out connections round-robin), so a busy account uses every core. This process only
 * supervises: it replaces a worker that dies, and on SIGINT/SIGTERM stops them all and exits.
 * The workers share the catalogue and state files; SQLite (WAL) lets them read side by side and
 * serialises their small state writes.
 */
export function runWorkerPool(opts: WorkerPoolOptions): void {
  let listening = 0
  let reported = false
  let stopping = false
  const restarts: number[] = []

  cluster.on('listening', (_worker: Worker, address: { port: number }) => {
    listening++
    if (!reported && listening >= opts.workers) {
      reported = true
      opts.onListening(address.port)
    }
  })
  cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0)
      return
    }
    const now = Date.now()
    while (restarts.length > 0 && now - restarts[0]! > RESTART_WINDOW_MS) restarts.shift()
    if (restarts.length >= MAX_RESTARTS) {
      opts.log(`worker ${worker.process.pid} exited (${signal ?? code}); ${MAX_RESTARTS} restarts within a minute, giving up`)
      stop(1)
      return
    }
    restarts.push(now)
    opts.log(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`)
    cluster.fork()
  })

  function stop(exitCode: number): void {
    if (stopping) return
    stopping = true
    void opts.onStop?.().catch(err => opts.log(`stopping: ${(err as Error).message}`))
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined)
    if (alive.length === 0) process.exit(exitCode)
    for (const w of alive) w.process.kill('SIGTERM')
    // A worker that does not finish its requests in time is not waited for.
    setTimeout(() => {
      for (const w of alive) w.process.kill('SIGKILL')
      process.exit(exitCode)
    }, STOP_TIMEOUT_MS).unref()
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop(0))
  for (let i = 0; i < opts.workers; i++) cluster.fork()
}
