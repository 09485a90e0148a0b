import { toWgs84, type LatLng } from '../geo/datum.js'
import { listAsText, nothingNearby, summarise } from '../recommend/format.js'
import { nearestPlaces } from '../recommend/nearest.js'
import { TEXT_REPLY_MAX_BYTES } from '../wechat/text-limit.js'
import type { LocationMessage } from '../wechat/types.js'
import type { Answer, AnswerContext } from './answer-context.js'
import { categoryFilter, pagePoint, placesPageUrl } from './places-url.js'

export function answerLocation(msg: LocationMessage, ctx: AnswerContext): Answer {
  // Location_X/Y come in the map's datum (GCJ-02 in mainland China): convert before ranking.
  const at = toWgs84({ lat: msg.lat, lng: msg.lng }, ctx.config.locationDatum)
  rememberPosition(ctx, msg.from, at, 'message')
  return answerNearby(at, ctx)
}

/** Stores where the follower is, for later wishes without a place; a failure only logs. */
export function rememberPosition(ctx: AnswerContext, user: string, at: LatLng, source: 'message' | 'event'): void {
  try {
    ctx.state.setPosition(ctx.account.id, user, { lat: at.lat, lng: at.lng, at: ctx.now, source })
  } catch (err) {
    ctx.warn({ err: (err as Error).message }, 'could not remember the position')
  }
}

/**
 * The ranked reply for a WGS-84 point, in the account's reply style. `categories` keeps only
 * places of those catalogue categories (a menu key such as NEARBY_HOTELS), in the linked page too.
 */
export function answerNearby(point: LatLng, ctx: AnswerContext, categories?: readonly string[]): Answer {
  const { config, account } = ctx
  const at = pagePoint(point)
  const accept = categoryFilter(categories)
  const places = nearestPlaces(at, ctx.catalogue, { limit: config.resultCount, maxRadiusM: config.maxRadiusM, accept })
  if (places.length === 0) {
    return { reply: { type: 'text', content: nothingNearby(config.maxRadiusM) }, outcome: 'nothing-nearby', results: 0 }
  }
  const pageUrl = placesPageUrl(config.publicUrl, account.id, at, categories ? { c: categories.join(',') } : {})
  const reply =
    account.replyStyle === 'text'
      ? ({ type: 'text', content: listAsText(places, pageUrl, TEXT_REPLY_MAX_BYTES) } as const)
      : ({ type: 'news', articles: [summarise(places, pageUrl)] } as const)
  return { reply, outcome: 'places', results: places.length }
}
