import type { MenuAction } from '../config.js'
import type { ClickEvent } from '../wechat/types.js'
import type { Answer, AnswerContext } from './answer-context.js'
import { answerNearby } from './answer-location.js'
import { ASK_FOR_LOCATION_TEXT, HELP_TEXT } from './copy.js'

const HOTELS = ['hotel', 'hostel', 'guest_house', 'motel', 'apartment']
const FOOD = ['restaurant', 'cafe', 'coffee', 'fast_food', 'food_court', 'bakery', 'bar', 'pub']
const SHOPS = ['supermarket', 'convenience', 'mall', 'department_store', 'shop']

/**
 * Menu keys every account understands unless its accounts-file entry lists its own. Create the
 * account's menu (WeChat's menu API) with these `key`s on its "click" buttons.
 */
export const DEFAULT_MENU: ReadonlyMap<string, MenuAction> = new Map<string, MenuAction>([
  ['NEARBY', { action: 'nearby', categories: undefined }],
  ['NEARBY_HOTELS', { action: 'nearby', categories: HOTELS }],
  ['NEARBY_FOOD', { action: 'nearby', categories: FOOD }],
  ['NEARBY_SHOPS', { action: 'nearby', categories: SHOPS }],
  ['HELP', { action: 'text', text: HELP_TEXT }],
])

/**
 * A menu CLICK: its key's action. "nearby" ranks from the follower's last stored position (a
 * location message or the LOCATION report), like a location message would; without a recent
 * position it asks for one. Unknown keys are acknowledged with `success`.
 */
export function answerClick(msg: ClickEvent, ctx: AnswerContext): Answer {
  const action = (ctx.account.menu ?? DEFAULT_MENU).get(msg.key)
  if (!action) return { reply: undefined, outcome: 'unknown-menu-key' }
  if (action.action === 'text') return { reply: { type: 'text', content: action.text }, outcome: 'menu-text' }
  let at: { lat: number; lng: number } | undefined
  try {
    at = ctx.state.position(ctx.account.id, msg.from, ctx.now, ctx.config.positionMaxAgeMin * 60_000)
  } catch (err) {
    ctx.warn({ err: (err as Error).message }, 'could not read the stored position')
  }
  if (!at) return { reply: { type: 'text', content: ASK_FOR_LOCATION_TEXT }, outcome: 'no-position' }
  return answerNearby({ lat: at.lat, lng: at.lng }, ctx, action.categories)
}
