import cluster, { type Worker } from 'node:cluster'
import type { RefreshStatus } from './catalogue/refresh.js'
import type { RefreshJobs } from './refresh-jobs.js'

/**
 * With WORKERS > 1 the supervisor runs the refresh while the workers answer /healthz: the
 * supervisor sends each worker every account's refresh status when it comes online and then
 * once a second (a running flag or a last result is at most that stale), and a worker answers
 * from the latest it received.
 */

const MESSAGE = 'nearby:refresh-status'
const EVERY_MS = 1000

interface StatusMessage {
  readonly type: typeof MESSAGE
  readonly byAccount: Record<string, RefreshStatus>
}

/** In the supervisor: starts sending; returns the function that stops it. */
export function sendRefreshStatus(refresh: RefreshJobs, accounts: readonly string[]): () => void {
  const message = (): StatusMessage => {
    const byAccount: Record<string, RefreshStatus> = {}
    for (const id of accounts) {
      const s = refresh.status(id)
      if (s) byAccount[id] = s
    }
    return { type: MESSAGE, byAccount }
  }
  const sendAll = () => {
    const m = message()
    for (const w of Object.values(cluster.workers ?? {})) if (w?.isConnected()) w.send(m)
  }
  const onOnline = (w: Worker) => w.send(message())
  cluster.on('online', onOnline)
  const timer = setInterval(sendAll, EVERY_MS)
  timer.unref()
  return () => {
    clearInterval(timer)
    cluster.off('online', onOnline)
  }
}

/** In a worker: the refresh status the supervisor last sent, by account. */
export function receivedRefreshStatus(): { status(accountId: string): RefreshStatus | undefined } {
  let latest: Record<string, RefreshStatus> = {}
  process.on('message', (m: unknown) => {
    if (typeof m === 'object' && m !== null && (m as StatusMessage).type === MESSAGE) latest = (m as StatusMessage).byAccount
  })
  return { status: id => latest[id] }
}
