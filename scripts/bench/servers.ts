/** How the benchmark starts the product and the reference servers (always stopped by the caller). */
import { join } from 'node:path'
import { projectRoot } from '../../src/project-root.js'
import { startServer, type RunningServer } from './proc.js'

export const BENCH_TOKEN = 'nearbyBenchToken'
const ROOT = projectRoot()

export interface ProductOptions {
  readonly dbFile: string
  readonly stateFile: string
  readonly workers?: number
  readonly env?: NodeJS.ProcessEnv
  /** Extra node flags, e.g. --cpu-prof. */
  readonly nodeArgs?: readonly string[]
}

/** The built server (dist/), as `npm start` runs it, on an ephemeral loopback port. */
export function startProduct(opts: ProductOptions): Promise<RunningServer> {
  return startServer({
    command: process.execPath,
    args: [...(opts.nodeArgs ?? []), join(ROOT, 'dist/src/server.js')],
    cwd: ROOT,
    env: {
      WECHAT_TOKEN: BENCH_TOKEN,
      DB_FILE: opts.dbFile,
      STATE_FILE: opts.stateFile,
      HOST: '127.0.0.1',
      PORT: '0',
      // Links in replies must not depend on the port, so every run's replies have the same size.
      PUBLIC_URL: 'https://nearby.example.com',
      WORKERS: String(opts.workers ?? 1),
      ...opts.env,
    },
    ready: /listening on http:\/\/127\.0\.0\.1:(\d+)\//,
  })
}

/** One of the two reference servers (see ref-server.ts), replying with the bytes in `replyFile`. */
export function startReference(mode: 'http' | 'xml', replyFile: string): Promise<RunningServer> {
  return startServer({
    command: process.execPath,
    args: ['--import', 'tsx', join(ROOT, 'scripts/bench/ref-server.ts'), mode, replyFile, BENCH_TOKEN],
    cwd: ROOT,
    ready: /listening on (\d+)/,
  })
}
