import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import { nearestPlaces } from '../recommend/nearest.js'
import type { CatalogueReader } from '../recommend/place.js'
import { categoryFilter, PLACES_PATH, placesPageUrl } from './places-url.js'
import { renderResultsPage } from './results-page.js'
import { catalogueOf } from './wechat-routes.js'

const MAX_PAGE_RESULTS = 100

export interface PlacesRouteDeps {
  readonly config: Config
  readonly catalogues: ReadonlyMap<string, CatalogueReader>
}

/** GET /places?lat=&lng=[&n=][&a=account][&c=categories] — the ranked list a reply links to (WGS-84 point). */
export function registerPlacesRoutes(app: FastifyInstance, deps: PlacesRouteDeps): void {
  app.get(PLACES_PATH, async (req, res) => {
    const q = req.query as Record<string, string | undefined>
    const lat = Number(q.lat)
    const lng = Number(q.lng)
    if (!q.lat || !q.lng || !Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) {
      return res.code(400).type('text/plain; charset=utf-8').send('lat and lng must be a WGS-84 latitude and longitude')
    }
    const { config } = deps
    // Links name their account (`a`), except the single env-configured one's.
    const id = q.a ?? (config.accounts.length === 1 ? config.accounts[0]!.id : 'default')
    const account = config.accounts.find(a => a.id === id)
    if (!account) return res.code(404).type('text/plain; charset=utf-8').send('unknown account')
    const n = Math.min(MAX_PAGE_RESULTS, Math.max(1, Number.parseInt(q.n ?? '', 10) || config.resultCount))
    const at = { lat, lng }
    const categories = typeof q.c === 'string' ? q.c.split(',').filter(Boolean) : undefined
    const accept = categoryFilter(categories)
    const places = nearestPlaces(at, catalogueOf(deps.catalogues, account.id), { limit: n, maxRadiusM: config.maxRadiusM, accept })
    const moreUrl =
      places.length === n && n < MAX_PAGE_RESULTS
        ? placesPageUrl(config.publicUrl, account.id, at, { n: String(Math.min(MAX_PAGE_RESULTS, n * 2)), ...(categories ? { c: categories.join(',') } : {}) })
        : undefined
    const html = renderResultsPage({ heading: '离您最近的地点', places, maxRadiusM: config.maxRadiusM, moreUrl })
    return res.code(200).type('text/html; charset=utf-8').header('cache-control', 'public, max-age=300').send(html)
  })
}
