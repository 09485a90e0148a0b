import type { FastifyInstance } from 'fastify'
import type { CatalogueStats } from '../catalogue/repository.js'

/** GET /healthz — no signature needed; says whether the catalogue answers and what it holds. */
export function registerHealthRoutes(app: FastifyInstance, deps: { catalogues: ReadonlyMap<string, { file: string; stats(): CatalogueStats }> }): void {
  app.get('/healthz', async (_req, res) => {
    try {
      const catalogues = Object.fromEntries([...deps.catalogues].map(([account, c]) => [account, c.stats()]))
      return res.send({ status: 'ok', catalogues })
    } catch (err) {
      _req.log.error({ err }, 'health check: catalogue unavailable')
      return res.code(503).send({ status: 'unavailable' })
    }
  })
}
