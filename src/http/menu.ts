import type { MenuAction } from '../config.js'
import type { ClickEvent } from '../wechat/types.js'
import type { Answer, AnswerContext } from './answer-context.js'
import { wishByKey, type Wish } from '../recommend/wishes.js'
import { answerNearUser } from './answer-text.js'
import { HELP_TEXT, helpText } from './copy.js'


/**
 * Menu keys every account understands unless its accounts-file entry lists its own. Create the
 * account's menu (WeChat's menu API) with these `key`s on its "click" buttons.
 */
export const DEFAULT_MENU: ReadonlyMap<string, MenuAction> = new Map<string, MenuAction>([
  ['NEARBY', { action: 'nearby', wishes: undefined }],
  ['NEARBY_HOTELS', { action: 'nearby', wishes: ['hotel'] }],
  ['NEARBY_FOOD', { action: 'nearby', wishes: ['restaurant', 'cafe'] }],
  ['NEARBY_SHOPS', { action: 'nearby', wishes: ['supermarket', 'convenience'] }],
  ['HELP', { action: 'text', text: HELP_TEXT }],
])

/**
 * A menu CLICK: its key's action. "nearby" ranks the kinds of place it names from the follower's
 * last stored position (a location message or the LOCATION report); without a recent position
 * it asks for one. Unknown keys are acknowledged with `success`.
 */
export function answerClick(msg: ClickEvent, ctx: AnswerContext): Answer {
  const action = (ctx.account.menu ?? DEFAULT_MENU).get(msg.key)
  if (!action) return { reply: undefined, outcome: 'unknown-menu-key' }
  if (action.action === 'text') {
    // The built-in HELP key names the account's own example places.
    const content = action === DEFAULT_MENU.get('HELP') ? helpText(ctx.account.examples) : action.text
    return { reply: { type: 'text', content }, outcome: 'menu-text' }
  }
  const wishes = (action.wishes ?? []).map(key => wishByKey(key)).filter((w): w is Wish => w !== undefined)
  return answerNearUser(msg.from, ctx, { wishes, menu: true })
}
