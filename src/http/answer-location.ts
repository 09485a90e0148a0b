import { toWgs84, type LatLng } from '../geo/datum.js'
import { nearestPlaces, nearestPlacesAndMore } from '../recommend/nearest.js'
import { ANYWHERE_M, nearestBeyond } from '../recommend/nearest-beyond.js'
import { listTooLong, noMorePlaces, nothingFoundAround, nothingNearby } from '../recommend/prompt-copy.js'
import { listSearchAsText, summariseSearch, type ListLinks, type Listed, type SearchWords } from '../recommend/search-copy.js'
import type { PlaceName } from '../recommend/place-names.js'
import { rankForSearch } from '../recommend/search-rank.js'
import { wishLabel, type Wish } from '../recommend/wishes.js'
import { TEXT_REPLY_MAX_BYTES } from '../wechat/text-limit.js'
import type { LocationMessage } from '../wechat/types.js'
import type { Answer, AnswerContext } from './answer-context.js'
import { MAX_PAGE_RESULTS, pagePoint, placesPageUrl } from './places-url.js'

export function answerLocation(msg: LocationMessage, ctx: AnswerContext): Answer {
  // Location_X/Y come in the map's datum (GCJ-02 in mainland China): convert before ranking.
  const at = toWgs84({ lat: msg.lat, lng: msg.lng }, ctx.config.locationDatum)
  rememberPosition(ctx, msg.from, at, 'message')
  return answerNearby(at, ctx, { user: msg.from })
}

/** Stores where the follower is, for later wishes without a place; a failure only logs. */
export function rememberPosition(ctx: AnswerContext, user: string, at: LatLng, source: 'message' | 'event'): void {
  try {
    ctx.state.setPosition(ctx.account.id, user, { lat: at.lat, lng: at.lng, at: ctx.now, source })
  } catch (err) {
    ctx.warn({ err: (err as Error).message }, 'could not remember the position')
  }
}

/** What narrows or names a nearby list; every field optional (a plain location has none). */
export interface NearbySearch {
  /** The follower: the list is remembered so that "更多" continues it. */
  readonly user?: string
  /** The named place searched around (「人民广场（地铁站）」's inner text); absent: the follower's position. */
  readonly centreLabel?: string
  readonly wishes?: readonly Wish[]
  /** A chain's name as written, its folded keys (brands.ts) and, when just found, its places. */
  readonly brand?: { readonly label: string; readonly keys: readonly string[]; readonly places?: readonly PlaceName[] | undefined }
  /** Parts of the request that were not understood, to mention. */
  readonly ignored?: readonly string[]
  /** Places already shown (paging): the reply starts after them. */
  readonly skip?: number
}

/** What "更多" needs to rebuild the list: stored per follower in UserState. */
export interface RememberedList {
  readonly lat: number
  readonly lng: number
  readonly centreLabel?: string
  readonly wishes: readonly string[]
  readonly brand?: { readonly label: string; readonly keys: readonly string[] }
  readonly shown: number
}

export const LIST_KEY = 'list'
/** "更多" goes this deep into a list; the results page shows the rest. */
export const MAX_LIST = 50

/**
 * The ranked reply for a WGS-84 point, in the account's reply style: a location pin's list, a
 * search made by text (saying around what it searched and for what), or the next page of
 * either. The reply counts the places it actually shows; "更多" continues right after them.
 */
export function answerNearby(point: LatLng, ctx: AnswerContext, search: NearbySearch = {}): Answer {
  const { config, account } = ctx
  const at = pagePoint(point)
  const skip = search.skip ?? 0
  const plain = !search.centreLabel && !search.wishes?.length && !search.brand && !search.ignored?.length && skip === 0
  const limit = Math.min(MAX_LIST, skip + config.resultCount)
  const { ranked, more } = rankWithMore(at, ctx, search, plain, limit, config.maxRadiusM)
  const places = ranked.slice(skip, limit)
  const words: SearchWords = {
    centreLabel: search.centreLabel,
    what: search.brand || search.wishes?.length ? `${search.brand ? `「${search.brand.label}」` : ''}${wishLabel(search.wishes ?? [])}` : undefined,
    ignored: search.ignored,
    from: skip + 1,
    at,
  }
  if (places.length === 0) {
    if (skip > 0) {
      const content = skip >= MAX_LIST ? listTooLong(words, skip, placesPageUrl(config.publicUrl, account.id, at, pageParams(search, MAX_PAGE_RESULTS))) : noMorePlaces(words, skip, config.maxRadiusM)
      return { reply: { type: 'text', content }, outcome: 'no-more', results: 0 }
    }
    const far = nearestFarther(at, ctx, search, plain)
    const content = plain ? nothingNearby(config.maxRadiusM, far, account.examples) : nothingFoundAround(words, config.maxRadiusM, far, account.examples)
    return { reply: { type: 'text', content }, outcome: 'nothing-nearby', results: 0 }
  }
  const links: ListLinks = {
    pageUrl: shown => placesPageUrl(config.publicUrl, account.id, at, pageParams(search, skip > 0 ? shown : undefined)),
    moreAfter: shown => shown < MAX_LIST && (shown < ranked.length || more),
  }
  const listed =
    account.replyStyle === 'text'
      ? mapReply(listSearchAsText(places, TEXT_REPLY_MAX_BYTES, words, links), content => ({ type: 'text' as const, content }))
      : mapReply(summariseSearch(places, words, links), article => ({ type: 'news' as const, articles: [article] }))
  if (search.user) rememberList(ctx, search.user, { at, search, shown: skip + listed.count })
  return { reply: listed.reply, outcome: skip > 0 ? 'more-places' : 'places', results: listed.count }
}

function mapReply<T, R>(l: Listed<T>, f: (r: T) => R): Listed<R> {
  return { reply: f(l.reply), count: l.count }
}

/** The first `limit` places, and whether one more follows them: whether "更多" would find anything. */
function rankWithMore(at: LatLng, ctx: AnswerContext, search: NearbySearch, plain: boolean, limit: number, maxRadiusM: number) {
  if (plain) {
    const { places, more } = nearestPlacesAndMore(at, ctx.catalogue, { limit, maxRadiusM })
    return { ranked: places, more }
  }
  const ranked = rank(at, ctx, search, plain, limit + 1, maxRadiusM)
  return { ranked: ranked.slice(0, limit), more: ranked.length > limit }
}

function rank(at: LatLng, ctx: AnswerContext, search: NearbySearch, plain: boolean, limit: number, maxRadiusM: number) {
  return plain
    ? nearestPlaces(at, ctx.catalogue, { limit, maxRadiusM })
    : rankForSearch(at, ctx.catalogue, { limit, maxRadiusM, wishes: search.wishes, brandKeys: search.brand?.keys, branches: search.brand?.places })
}

/** Nothing within the radius: the nearest place (of the kind asked for) anywhere, to say where it is. */
function nearestFarther(at: LatLng, ctx: AnswerContext, search: NearbySearch, plain: boolean) {
  // A chain's branches are already known: ranking them all costs no more than near ones.
  if (search.brand) return rank(at, ctx, search, plain, 1, ANYWHERE_M)[0]
  const categories = search.wishes?.length ? [...new Set(search.wishes.flatMap(w => w.categories))] : undefined
  return nearestBeyond(at, ctx.catalogue, ctx.config.maxRadiusM, categories)
}

/** The results page shows the same filtered list; `n` covers every place shown so far. */
function pageParams(search: NearbySearch, n: number | undefined): Record<string, string> {
  const q: Record<string, string> = {}
  if (search.wishes?.length) q.w = search.wishes.map(w => w.key).join(',')
  if (search.brand) q.b = search.brand.label
  if (search.centreLabel) q.t = search.centreLabel
  if (n !== undefined) q.n = String(n)
  return q
}

function rememberList(ctx: AnswerContext, user: string, l: { at: LatLng; search: NearbySearch; shown: number }): void {
  const value: RememberedList = {
    lat: l.at.lat,
    lng: l.at.lng,
    ...(l.search.centreLabel ? { centreLabel: l.search.centreLabel } : {}),
    wishes: (l.search.wishes ?? []).map(w => w.key),
    ...(l.search.brand ? { brand: { label: l.search.brand.label, keys: l.search.brand.keys } } : {}),
    shown: l.shown,
  }
  try {
    ctx.state.setValue(ctx.account.id, user, LIST_KEY, value, ctx.now)
  } catch (err) {
    ctx.warn({ err: (err as Error).message }, 'could not remember the result list')
  }
}
