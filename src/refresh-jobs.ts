import { resolve } from 'node:path'
import type { LiveCatalogue } from './catalogue/live-catalogue.js'
import type { SourceSpec } from './catalogue/rebuild.js'
import { CatalogueRefresh, type RefreshLogger, type RefreshStatus } from './catalogue/refresh.js'
import type { CatalogueSource, Config } from './config.js'
import { AppError } from './errors.js'

/** One catalogue file, what it is built from, and the accounts that answer from it. */
export interface CatalogueJob {
  readonly file: string
  readonly sources: readonly SourceSpec[]
  readonly accounts: readonly string[]
}

export function toSourceSpec(s: CatalogueSource): SourceSpec {
  return { location: s.location, options: { datum: s.datum, category: s.category, strict: s.strict } }
}

/**
 * Refresh works per catalogue file, not per account: accounts that share a file share its
 * refresh. Their source lists must then agree (or only one of them gives one).
 */
export function catalogueJobs(config: Config): CatalogueJob[] {
  const jobs = new Map<string, { file: string; sources: readonly CatalogueSource[]; accounts: string[]; from?: string }>()
  for (const account of config.accounts) {
    const file = resolve(account.dbFile)
    const job = jobs.get(file) ?? { file: account.dbFile, sources: [], accounts: [] }
    job.accounts.push(account.id)
    const sources = account.sources ?? []
    if (sources.length > 0) {
      if (job.sources.length > 0 && JSON.stringify(job.sources) !== JSON.stringify(sources)) {
        throw new AppError(
          'CONFIG_INVALID',
          `accounts ${job.from} and ${account.id} share the catalogue ${account.dbFile} but list different sources`,
        )
      }
      job.sources = sources
      job.from = account.id
    }
    jobs.set(file, job)
  }
  return [...jobs.values()].map(j => ({ file: j.file, sources: j.sources.map(toSourceSpec), accounts: j.accounts }))
}

export interface RefreshJobsDeps {
  readonly config: Config
  /** The catalogue each account answers from, by account id. */
  readonly catalogues: ReadonlyMap<string, LiveCatalogue>
  readonly log: RefreshLogger
  readonly now?: () => number
}

/** The scheduled refreshes of a running server: one per catalogue file that has sources. */
export class RefreshJobs {
  readonly #byAccount = new Map<string, CatalogueRefresh>()
  readonly #all: CatalogueRefresh[] = []

  constructor(deps: RefreshJobsDeps) {
    const { config, catalogues, log } = deps
    const { cron } = config.refresh
    if (!cron) return
    for (const job of catalogueJobs(config)) {
      if (job.sources.length === 0) continue
      const refresh = new CatalogueRefresh({
        file: job.file,
        sources: job.sources,
        cron,
        timezone: config.refresh.timezone,
        minRatio: config.refresh.minRatio,
        limits: { timeoutMs: config.refresh.timeoutMs, maxBytes: config.refresh.maxBytes },
        log,
        now: deps.now,
        onSwapped: () => {
          for (const live of new Set(job.accounts.map(id => catalogues.get(id)))) live?.reopen()
        },
      })
      this.#all.push(refresh)
      for (const id of job.accounts) this.#byAccount.set(id, refresh)
    }
  }

  start(): void {
    for (const r of this.#all) r.start()
  }

  async stop(): Promise<void> {
    await Promise.all(this.#all.map(r => r.stop()))
  }

  forAccount(accountId: string): CatalogueRefresh | undefined {
    return this.#byAccount.get(accountId)
  }

  status(accountId: string): RefreshStatus | undefined {
    return this.#byAccount.get(accountId)?.status()
  }
}
