import type { FastifyInstance } from 'fastify'
import type { RefreshStatus } from '../catalogue/refresh.js'
import type { CatalogueStats } from '../catalogue/repository.js'

export interface HealthDeps {
  readonly catalogues: ReadonlyMap<string, { file: string; stats(): CatalogueStats }>
  /** The scheduled refresh of each account's catalogue, when it has one. */
  readonly refresh?: { status(accountId: string): RefreshStatus | undefined }
}

/**
 * GET /healthz — no signature needed; per account: whether its catalogue answers, what it holds
 * (places, version, when imported), and its refresh (last result and time, next run).
 */
export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get('/healthz', async (_req, res) => {
    try {
      const catalogues = Object.fromEntries(
        [...deps.catalogues].map(([account, c]) => [account, { ...c.stats(), refresh: deps.refresh?.status(account) ?? null }]),
      )
      return res.send({ status: 'ok', catalogues })
    } catch (err) {
      _req.log.error({ err }, 'health check: catalogue unavailable')
      return res.code(503).send({ status: 'unavailable' })
    }
  })
}
