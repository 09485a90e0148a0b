import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import type { CatalogueReader } from '../recommend/place.js'
import type { CatalogueNames } from '../recommend/place-names.js'
import { brandKeys } from '../recommend/brands.js'
import { rankForSearch } from '../recommend/search-rank.js'
import { wishByKey, wishLabel, type Wish } from '../recommend/wishes.js'
import { nameKey } from '../text/fold.js'
import { MAX_PAGE_RESULTS, PLACES_PATH, placesPageUrl } from './places-url.js'
import { renderResultsPage } from './results-page.js'
import { catalogueOf } from './wechat-routes.js'

export interface PlacesRouteDeps {
  readonly config: Config
  readonly catalogues: ReadonlyMap<string, CatalogueReader & CatalogueNames>
}

/**
 * GET /places?lat=&lng=[&n=][&w=][&b=][&t=] — the ranked list a reply links to (WGS-84 point);
 * a text search adds its kinds of place (w=cafe,bank), its chain (b=星巴克) and the name of the
 * place it searched around (t=人民广场（地铁站）), so the page lists what the reply did.
 */
export function registerPlacesRoutes(app: FastifyInstance, deps: PlacesRouteDeps): void {
  app.get(PLACES_PATH, async (req, res) => {
    const q = req.query as Record<string, string | undefined>
    const lat = Number(q.lat)
    const lng = Number(q.lng)
    if (!q.lat || !q.lng || !Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) {
      return res.code(400).type('text/plain; charset=utf-8').send('lat and lng must be a WGS-84 latitude and longitude')
    }
    const { config } = deps
    const account = config.accounts.find(a => a.id === (q.a ?? 'default'))
    if (!account) return res.code(404).type('text/plain; charset=utf-8').send('unknown account')
    const n = Math.min(MAX_PAGE_RESULTS, Math.max(1, Number.parseInt(q.n ?? '', 10) || config.resultCount))
    const at = { lat, lng }
    const catalogue = catalogueOf(deps.catalogues, account.id)
    const search = searchOf(q)
    const brand = search.brand ? nameKey(search.brand) : ''
    const places = rankForSearch(at, catalogue, { limit: n, maxRadiusM: config.maxRadiusM, wishes: search.wishes, brandKeys: brand ? brandKeys(brand) : undefined })
    const moreUrl =
      places.length === n && n < MAX_PAGE_RESULTS
        ? placesPageUrl(config.publicUrl, account.id, at, { ...search.params, n: String(Math.min(MAX_PAGE_RESULTS, n * 2)) })
        : undefined
    const html = renderResultsPage({ heading: heading(search), places, maxRadiusM: config.maxRadiusM, moreUrl })
    return res.code(200).type('text/html; charset=utf-8').header('cache-control', 'public, max-age=300').send(html)
  })
}

interface PageSearch {
  readonly wishes: Wish[]
  readonly brand: string | undefined
  readonly centre: string | undefined
  /** The same parameters, for the "more" link. */
  readonly params: Record<string, string>
}

/** Unknown kinds are ignored; names are only ever compared as folded keys, never run as queries. */
function searchOf(q: Record<string, string | undefined>): PageSearch {
  const wishes = (q.w ?? '')
    .split(',')
    .map(k => wishByKey(k.trim()))
    .filter((w): w is Wish => w !== undefined)
  const brand = q.b?.trim().slice(0, 40) || undefined
  const centre = q.t?.trim().slice(0, 60) || undefined
  const params: Record<string, string> = {}
  if (wishes.length > 0) params.w = wishes.map(w => w.key).join(',')
  if (brand) params.b = brand
  if (centre) params.t = centre
  return { wishes, brand, centre, params }
}

function heading(s: PageSearch): string {
  const what = s.brand ? `「${s.brand}」` : s.wishes.length > 0 ? wishLabel(s.wishes) : ''
  if (s.centre) return `「${s.centre}」附近${what ? `的${what}` : '的地点'}`
  return what ? `离您最近的${what}` : '离您最近的地点'
}
