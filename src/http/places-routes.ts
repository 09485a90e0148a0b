import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Config } from '../config.js'
import { distanceM } from '../geo/distance.js'
import type { LatLng } from '../geo/datum.js'
import type { CatalogueReader } from '../recommend/place.js'
import { NO_GAZETTEER, type CatalogueNames, type GazetteerReader } from '../recommend/place-names.js'
import { fromEntry, fromPlace } from '../recommend/resolve-name.js'
import { centreLabel } from '../recommend/search-copy.js'
import { brandKeys } from '../recommend/brands.js'
import { rankForSearch } from '../recommend/search-rank.js'
import { wishByKey, wishLabel, type Wish } from '../recommend/wishes.js'
import { nameKey } from '../text/fold.js'
import { MAX_PAGE_RESULTS, PLACES_PATH, placesPageUrl } from './places-url.js'
import { renderErrorPage, renderResultsPage } from './results-page.js'
import { catalogueOf } from './wechat-routes.js'

export interface PlacesRouteDeps {
  readonly config: Config
  readonly catalogues: ReadonlyMap<string, CatalogueReader & CatalogueNames>
  /** To confirm the name of the place a text search was made around (t=). */
  readonly gazetteer?: GazetteerReader
}

/**
 * How far the page's point may lie from the place its t= names: the reply ranks from that
 * place's own point, written to 6 decimals (≈ 0.1 m).
 */
const CENTRE_TOLERANCE_M = 5

/**
 * GET /places?lat=&lng=[&n=][&w=][&b=][&t=] — the ranked list a reply links to (WGS-84 point);
 * a text search adds its kinds of place (w=cafe,bank), its chain (b=星巴克) and the name of the
 * place it searched around (t=人民广场（地铁站）), so the page lists what the reply did.
 *
 * Anyone can edit a link, and the page is on the operator's domain: no text from the URL is
 * shown unless the server itself vouches for it. t= is shown only when the gazetteer or the
 * catalogue has a place of that name at that very point; b= only when the list holds places
 * of that name; otherwise the heading says 所选位置 (the chosen point).
 * n= is how many places: a whole number from 1 (at most 100); anything else gives RESULT_COUNT.
 */
export function registerPlacesRoutes(app: FastifyInstance, deps: PlacesRouteDeps): void {
  app.get(PLACES_PATH, async (req, res) => {
    const q = req.query as Record<string, string | string[] | undefined>
    const one = (k: string) => (Array.isArray(q[k]) ? q[k][0] : q[k])
    // Only the plain decimals our own links carry (Number() would also take 0x1F, 3.1e1, " 31").
    const lat = degrees(one('lat'), 90)
    const lng = degrees(one('lng'), 180)
    if (lat === undefined || lng === undefined) {
      return sendError(res, 400, '链接中的位置不完整或有误，无法列出附近的地点。请回到公众号重新发送位置。')
    }
    const { config } = deps
    const account = config.accounts.find(a => a.id === (one('a') ?? 'default'))
    if (!account) return sendError(res, 404, '这个链接不属于任何公众号，无法列出附近的地点。请回到公众号重新发送位置。')
    const n = pageSize(one('n'), config.resultCount)
    const at = { lat, lng }
    const catalogue = catalogueOf(deps.catalogues, account.id)
    const search = searchOf(one)
    const brand = search.brand ? nameKey(search.brand) : ''
    const places = rankForSearch(at, catalogue, { limit: n, maxRadiusM: config.maxRadiusM, wishes: search.wishes, brandKeys: brand ? brandKeys(brand) : undefined })
    const moreUrl =
      places.length === n && n < MAX_PAGE_RESULTS
        ? placesPageUrl(config.publicUrl, account.id, at, { ...search.params, n: String(Math.min(MAX_PAGE_RESULTS, n * 2)) })
        : undefined
    const centre = search.centre && knownCentre(search.centre, at, deps.gazetteer ?? NO_GAZETTEER, catalogue) ? search.centre : undefined
    const shown: Shown = { wishes: search.wishes, brand: places.length > 0 ? search.brand : undefined, centre, chosenPoint: Boolean(search.centre && !centre) }
    const html = renderResultsPage({
      heading: heading(shown),
      point: shown.chosenPoint ? at : undefined,
      places,
      maxRadiusM: config.maxRadiusM,
      moreUrl,
    })
    return res.code(200).type('text/html; charset=utf-8').header('cache-control', 'public, max-age=300').send(html)
  })
}

function sendError(res: FastifyReply, status: number, message: string) {
  return res.code(status).type('text/html; charset=utf-8').send(renderErrorPage('无法显示附近的地点', message))
}

function degrees(raw: string | undefined, limit: number): number | undefined {
  if (!raw || !/^-?\d{1,3}(\.\d{1,15})?$/.test(raw)) return undefined
  const n = Number(raw)
  return Math.abs(n) <= limit ? n : undefined
}

/** n= as written when it is a whole number of at least 1 (capped at the page's maximum); else the default. */
export function pageSize(raw: string | undefined, fallback: number): number {
  if (!raw || !/^\d{1,6}$/.test(raw.trim())) return fallback
  const n = Number(raw.trim())
  return n < 1 ? fallback : Math.min(MAX_PAGE_RESULTS, n)
}

/**
 * True when `label` is how a reply names a gazetteer entry or catalogue place that lies at
 * `at`: the same words the reply itself would print (see centreLabel), so nothing else passes.
 */
function knownCentre(label: string, at: LatLng, gazetteer: GazetteerReader, catalogue: CatalogueNames): boolean {
  const key = nameKey(label.replace(/（[^（）]*）$/, ''))
  if (!key) return false
  const candidates = [...gazetteer.named(key).map(fromEntry), ...catalogue.placesNamed(key).map(fromPlace)]
  return candidates.some(c => centreLabel(c) === label && distanceM(c, at) <= CENTRE_TOLERANCE_M)
}

interface PageSearch {
  readonly wishes: Wish[]
  readonly brand: string | undefined
  readonly centre: string | undefined
  /** The same parameters, for the "more" link. */
  readonly params: Record<string, string>
}

/** What the heading may say: only what the server vouches for. */
interface Shown {
  readonly wishes: Wish[]
  readonly brand: string | undefined
  readonly centre: string | undefined
  /** A text search's centre that could not be confirmed: the point is shown instead of its name. */
  readonly chosenPoint: boolean
}

/** Unknown kinds are ignored; names are only ever compared as folded keys, never run as queries. */
function searchOf(one: (k: string) => string | undefined): PageSearch {
  const wishes = (one('w') ?? '')
    .split(',')
    .map(k => wishByKey(k.trim()))
    .filter((w): w is Wish => w !== undefined)
  const brand = one('b')?.trim().slice(0, 40) || undefined
  const centre = one('t')?.trim().slice(0, 60) || undefined
  const params: Record<string, string> = {}
  if (wishes.length > 0) params.w = wishes.map(w => w.key).join(',')
  if (brand) params.b = brand
  if (centre) params.t = centre
  return { wishes, brand, centre, params }
}

function heading(s: Shown): string {
  const what = s.brand ? `「${s.brand}」` : s.wishes.length > 0 ? wishLabel(s.wishes) : ''
  if (s.centre) return `「${s.centre}」附近${what ? `的${what}` : '的地点'}`
  if (s.chosenPoint) return `所选位置附近${what ? `的${what}` : '的地点'}`
  return what ? `离您最近的${what}` : '离您最近的地点'
}
