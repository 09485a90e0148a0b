import cron, { type ScheduledTask } from 'node-cron'
import { isAppError } from '../errors.js'
import type { SourceReport } from './import.js'
import type { LoadLimits } from './load-source.js'
import { rebuildCatalogue, type RebuildReport, type SourceSpec } from './rebuild.js'

/** The part of a pino logger the refresh uses: object first, fixed message second. */
export interface RefreshLogger {
  info(details: Record<string, unknown>, message: string): void
  warn(details: Record<string, unknown>, message: string): void
  error(details: Record<string, unknown>, message: string): void
}

export interface RefreshOptions {
  /** The live catalogue file this job rebuilds. */
  readonly file: string
  readonly sources: readonly SourceSpec[]
  /** node-cron pattern (5 fields, or 6 with seconds) and IANA time zone it is read in. */
  readonly cron: string
  readonly timezone: string
  readonly minRatio: number
  readonly limits: LoadLimits
  readonly log: RefreshLogger
  /** Milliseconds since the epoch; tests pass a fake clock. */
  readonly now?: () => number
  /** Called after a new file was swapped in: reopen the catalogues that serve it. */
  readonly onSwapped?: (report: RebuildReport) => void
  /** Called with the checked build just before the swap (tests hold a refresh here). */
  readonly beforeSwap?: (built: string) => Promise<void> | void
  /** Replaces the rebuild itself (tests of the scheduling). */
  readonly run?: (scheduledFor: Date) => Promise<RebuildReport | void>
}

/** How a run ended, for logs and /healthz. */
export interface RefreshOutcome {
  readonly trigger: 'schedule' | 'manual'
  readonly scheduledFor?: string
  readonly startedAt: string
  readonly finishedAt: string
  readonly ok: boolean
  readonly places?: number
  readonly previousPlaces?: number
  readonly version?: string
  /** Rows refused over all sources (bad coordinates, missing names …), and per source. */
  readonly refused?: number
  readonly sources?: readonly SourceCounts[]
  /** Why it failed (the old catalogue kept serving). */
  readonly error?: string
  readonly code?: string
}

/** What one source gave a refresh. */
export interface SourceCounts {
  readonly source: string
  readonly accepted: number
  readonly refused: number
}

/** Refused rows shown per source in the log (all of them are counted). */
export const LOGGED_REFUSALS = 5

export interface RefreshStatus {
  readonly cron: string
  readonly timezone: string
  readonly sources: number
  readonly running: boolean
  readonly runningSince?: string
  readonly nextRun: string | null
  readonly lastRun: RefreshOutcome | null
  /** Ticks skipped because the previous run was still going. */
  readonly skipped: number
}

function sourceCounts(s: SourceReport): SourceCounts {
  return { source: s.file, accepted: s.accepted, refused: s.refusedCount }
}

/** How far ahead nextRunAfter looks before giving up (a pattern such as 29 February). */
const LOOKAHEAD_DAYS = 366

/**
 * The nightly rebuild of one catalogue file: a node-cron task in the configured time zone
 * whose ticks go through our own overlap guard. A tick while a run is going is skipped and
 * logged; a run that throws or rejects is recorded and the guard is released all the same
 * (node-cron's own `noOverlap` once kept later runs blocked after an async failure, so the
 * guard is ours and simple). Requests are never touched: the rebuild writes a new file.
 */
export class CatalogueRefresh {
  readonly #opts: RefreshOptions
  readonly #task: ScheduledTask
  readonly #now: () => number
  readonly #stepMs: number
  #running: { since: number } | undefined
  #last: RefreshOutcome | null = null
  #skipped = 0
  #nextRun: Date | null | undefined

  constructor(opts: RefreshOptions) {
    this.#opts = opts
    this.#now = opts.now ?? Date.now
    this.#stepMs = opts.cron.trim().split(/\s+/).length === 6 ? 1000 : 60_000
    // Created stopped: nothing fires until start(), and match() works either way.
    this.#task = cron.createTask(opts.cron, ctx => this.tick(ctx.date), {
      name: `catalogue-refresh ${opts.file}`,
      timezone: opts.timezone,
    })
  }

  get file(): string {
    return this.#opts.file
  }

  start(): void {
    void this.#task.start()
  }

  async stop(): Promise<void> {
    await this.#task.destroy()
  }

  /** One scheduled tick. Never throws: the outcome is logged and kept for /healthz. */
  async tick(scheduledFor: Date): Promise<void> {
    this.#nextRun = undefined
    if (this.#running) {
      this.#skipped++
      this.#opts.log.warn(
        { file: this.#opts.file, scheduledFor: scheduledFor.toISOString(), runningSince: new Date(this.#running.since).toISOString() },
        'catalogue refresh skipped: the previous run is still going',
      )
      return
    }
    await this.#run('schedule', scheduledFor)
  }

  /** A refresh now, outside the schedule; refused (as an outcome) while one is going. */
  async runNow(): Promise<RefreshOutcome> {
    if (this.#running) {
      const at = new Date(this.#now()).toISOString()
      return { trigger: 'manual', startedAt: at, finishedAt: at, ok: false, code: 'CATALOGUE_BUSY', error: 'a refresh is already running' }
    }
    return this.#run('manual')
  }

  async #run(trigger: RefreshOutcome['trigger'], scheduledFor?: Date): Promise<RefreshOutcome> {
    const started = this.#now()
    this.#running = { since: started }
    const base = { trigger, ...(scheduledFor ? { scheduledFor: scheduledFor.toISOString() } : {}), startedAt: new Date(started).toISOString() }
    const { file } = this.#opts
    this.#opts.log.info({ file, trigger, sources: this.#opts.sources.length }, 'catalogue refresh started')
    let outcome: RefreshOutcome
    try {
      const report = await (this.#opts.run ?? (() => this.#rebuild()))(scheduledFor ?? new Date(started))
      const sources = report?.sources.map(sourceCounts)
      outcome = {
        ...base,
        finishedAt: new Date(this.#now()).toISOString(),
        ok: true,
        ...(report ? { places: report.places, previousPlaces: report.previous?.places, version: report.version } : {}),
        ...(sources ? { refused: sources.reduce((n, s) => n + s.refused, 0), sources } : {}),
      }
      for (const s of report?.sources ?? []) {
        if (s.refusedCount === 0) continue
        // A refresh runs unattended: what an operator would have seen on the command line is logged.
        const first = s.refused.slice(0, LOGGED_REFUSALS).map(r => ({ line: r.line, reason: r.reason }))
        this.#opts.log.warn({ file, source: s.file, accepted: s.accepted, refused: s.refusedCount, first }, 'catalogue refresh refused rows')
      }
      this.#opts.log.info(
        { file, places: outcome.places, previous: outcome.previousPlaces, version: outcome.version, refused: outcome.refused, sources, ms: this.#now() - started },
        'catalogue refreshed',
      )
    } catch (err) {
      const code = isAppError(err) ? err.code : 'UNKNOWN'
      outcome = { ...base, finishedAt: new Date(this.#now()).toISOString(), ok: false, code, error: (err as Error).message ?? String(err) }
      const details = { file, code, reason: outcome.error, ms: this.#now() - started }
      if (code === 'CATALOGUE_BUSY') this.#opts.log.warn(details, 'catalogue refresh not run: another import or refresh holds the catalogue')
      else this.#opts.log.error(details, 'catalogue refresh failed; the current catalogue keeps serving')
    } finally {
      this.#running = undefined
    }
    this.#last = outcome
    return outcome
  }

  async #rebuild(): Promise<RebuildReport> {
    const { file, sources, minRatio, limits, beforeSwap, now } = this.#opts
    const report = await rebuildCatalogue(file, sources, { minRatio, limits, beforeSwap, now })
    try {
      this.#opts.onSwapped?.(report)
    } catch (err) {
      this.#opts.log.error({ file, reason: (err as Error).message }, 'the refreshed catalogue was swapped in but could not be reopened')
    }
    return report
  }

  /** True when the pattern fires at `at` (in the configured time zone). */
  matches(at: Date): boolean {
    return this.#task.match(at)
  }

  /** The first run strictly after `from`, or null when there is none within a year. */
  nextRunAfter(from: Date): Date | null {
    const step = this.#stepMs
    let t = Math.floor(from.getTime() / step) * step + step
    const end = from.getTime() + LOOKAHEAD_DAYS * 86_400_000
    for (; t <= end; t += step) if (this.#task.match(new Date(t))) return new Date(t)
    return null
  }

  /** Every run in (from, to], in order. */
  runsBetween(from: Date, to: Date): Date[] {
    const runs: Date[] = []
    for (let next = this.nextRunAfter(from); next && next <= to; next = this.nextRunAfter(next)) runs.push(next)
    return runs
  }

  status(): RefreshStatus {
    const now = this.#now()
    if (this.#nextRun === undefined || (this.#nextRun && this.#nextRun.getTime() <= now)) this.#nextRun = this.nextRunAfter(new Date(now))
    return {
      cron: this.#opts.cron,
      timezone: this.#opts.timezone,
      sources: this.#opts.sources.length,
      running: this.#running !== undefined,
      ...(this.#running ? { runningSince: new Date(this.#running.since).toISOString() } : {}),
      nextRun: this.#nextRun?.toISOString() ?? null,
      lastRun: this.#last,
      skipped: this.#skipped,
    }
  }
}
