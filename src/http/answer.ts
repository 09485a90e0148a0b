import type { AccountConfig, Config } from '../config.js'
import { toWgs84, type LatLng } from '../geo/datum.js'
import { listAsText, nothingNearby, summarise } from '../recommend/format.js'
import { nearestPlaces } from '../recommend/nearest.js'
import type { CatalogueReader, RankedPlace } from '../recommend/place.js'
import type { Reply } from '../wechat/reply.js'
import { TEXT_REPLY_MAX_BYTES } from '../wechat/text-limit.js'
import type { InboundMessage } from '../wechat/types.js'
import { placesPageUrl } from './places-url.js'

export interface AnswerContext {
  readonly config: Config
  readonly account: AccountConfig
  readonly catalogue: CatalogueReader
}

/** What was done with a message, for the one log line per message. */
export interface Answer {
  readonly reply: Reply | undefined
  readonly outcome: string
  readonly results?: number
}

export const HELP_TEXT =
  '您好！发送您的位置（点输入框旁的“+”，选“位置”），我会列出离您最近的酒店、餐厅和商店。\n' +
  '也可以直接输入地名，例如“人民广场”“南京路步行街”。'

export const WELCOME_TEXT = `感谢关注！\n${HELP_TEXT}`

/**
 * Decides the answer to one inbound push. Joins the protocol (message kinds) with the domain
 * (ranking and copy); returns no reply for pushes that must only be acknowledged.
 */
export function answerMessage(msg: InboundMessage, ctx: AnswerContext): Answer {
  switch (msg.kind) {
    case 'location': {
      // Location_X/Y come in the map's datum (GCJ-02 in mainland China): convert before ranking.
      const at = toWgs84({ lat: msg.lat, lng: msg.lng }, ctx.config.locationDatum)
      return answerNearby(at, ctx)
    }
    case 'subscribe':
      return { reply: { type: 'text', content: WELCOME_TEXT }, outcome: 'welcome' }
    case 'text':
    case 'voice':
    case 'image':
    case 'video':
    case 'shortvideo':
    case 'link':
      return { reply: { type: 'text', content: HELP_TEXT }, outcome: 'help' }
    default:
      return { reply: undefined, outcome: 'acknowledged' }
  }
}

/** The ranked reply for a WGS-84 point, in the account's reply style. */
export function answerNearby(at: LatLng, ctx: AnswerContext): Answer {
  const { config, account } = ctx
  const places: RankedPlace[] = nearestPlaces(at, ctx.catalogue, {
    limit: config.resultCount,
    maxRadiusM: config.maxRadiusM,
  })
  if (places.length === 0) {
    return { reply: { type: 'text', content: nothingNearby(config.maxRadiusM) }, outcome: 'nothing-nearby', results: 0 }
  }
  const pageUrl = placesPageUrl(config.publicUrl, account.id, at)
  if (account.replyStyle === 'text') {
    return {
      reply: { type: 'text', content: listAsText(places, pageUrl, TEXT_REPLY_MAX_BYTES) },
      outcome: 'places',
      results: places.length,
    }
  }
  return { reply: { type: 'news', articles: [summarise(places, pageUrl)] }, outcome: 'places', results: places.length }
}
