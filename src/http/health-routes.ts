import type { FastifyInstance } from 'fastify'
import type { Catalogue } from '../catalogue/repository.js'

/** GET /healthz — no signature needed; says whether the catalogue answers and what it holds. */
export function registerHealthRoutes(app: FastifyInstance, deps: { catalogue: Pick<Catalogue, 'stats'> }): void {
  app.get('/healthz', async (_req, res) => {
    try {
      const stats = deps.catalogue.stats()
      return res.send({ status: 'ok', catalogue: stats })
    } catch (err) {
      _req.log.error({ err }, 'health check: catalogue unavailable')
      return res.code(503).send({ status: 'unavailable', catalogue: null })
    }
  })
}
