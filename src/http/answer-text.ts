import { chainNeedsPosition, centreLabel, needPosition, notUnderstood, NO_LIST_TO_CONTINUE } from '../recommend/search-copy.js'
import { understand, type Brand } from '../recommend/understand.js'
import { wishByKey, wishLabel, type Wish } from '../recommend/wishes.js'
import type { TextMessage, VoiceMessage } from '../wechat/types.js'
import type { Answer, AnswerContext } from './answer-context.js'
import { answerNearby, LIST_KEY, type RememberedList } from './answer-location.js'
import { HELP_TEXT } from './copy.js'

/** How long "更多" can continue a list. */
const LIST_MAX_AGE_MS = 24 * 60 * 60 * 1000

/**
 * Typed text (or recognised speech): a place name, a kind of place, a chain, or a mix of them
 * ("人民广场附近的咖啡", "hotel near the Bund", "KFC 静安寺"); "更多" continues the last list.
 * The reply has the shape of the location reply and names the place it searched around.
 */
export function answerText(text: string, msg: TextMessage | VoiceMessage, ctx: AnswerContext): Answer {
  const u = understand(text, { gazetteer: ctx.gazetteer, catalogue: ctx.catalogue })
  switch (u.kind) {
    case 'help':
      return { reply: { type: 'text', content: HELP_TEXT }, outcome: 'help' }
    case 'more':
      return answerMore(msg.from, ctx)
    case 'unknown':
      return { reply: { type: 'text', content: notUnderstood(text) }, outcome: 'not-understood', results: 0 }
    case 'search':
      if (u.centre) {
        return answerNearby(u.centre, ctx, {
          user: msg.from,
          centreLabel: centreLabel(u.centre),
          wishes: u.wishes,
          ...(u.brand ? { brand: u.brand } : {}),
          ignored: u.ignored,
        })
      }
      return answerNearUser(msg.from, ctx, { wishes: u.wishes, brand: u.brand, ignored: u.ignored })
  }
}

/**
 * A wish around the follower's last known position (from a location message or the LOCATION
 * event, if not older than POSITION_MAX_AGE_MIN). Without one, a line on how to send it.
 * Reusable by menu keys, e.g. `answerNearUser(user, ctx, { wishes: [wishByKey('hotel')!] })`.
 */
export function answerNearUser(
  user: string,
  ctx: AnswerContext,
  want: { readonly wishes?: readonly Wish[]; readonly brand?: Brand | undefined; readonly ignored?: readonly string[] },
): Answer {
  const position = lastPosition(user, ctx)
  if (!position) {
    const content =
      want.brand && want.brand.count > 1
        ? chainNeedsPosition(want.brand.label, want.brand.count)
        : needPosition(want.brand ? `「${want.brand.label}」` : want.wishes?.length ? wishLabel(want.wishes) : undefined)
    return { reply: { type: 'text', content }, outcome: 'need-position', results: 0 }
  }
  return answerNearby({ lat: position.lat, lng: position.lng }, ctx, {
    user,
    wishes: want.wishes ?? [],
    ...(want.brand ? { brand: want.brand } : {}),
    ignored: want.ignored ?? [],
  })
}

/** "更多": the next places of the follower's last list. */
function answerMore(user: string, ctx: AnswerContext): Answer {
  let list: RememberedList | undefined
  try {
    list = ctx.state.value<RememberedList>(ctx.account.id, user, LIST_KEY, ctx.now, LIST_MAX_AGE_MS)
  } catch (err) {
    ctx.warn({ err: (err as Error).message }, 'could not read the remembered list')
  }
  if (!list) return { reply: { type: 'text', content: NO_LIST_TO_CONTINUE }, outcome: 'no-list' }
  const wishes = list.wishes.map(wishByKey).filter((w): w is Wish => w !== undefined)
  return answerNearby({ lat: list.lat, lng: list.lng }, ctx, {
    user,
    ...(list.centreLabel ? { centreLabel: list.centreLabel } : {}),
    wishes,
    ...(list.brand ? { brand: list.brand } : {}),
    skip: list.shown,
  })
}

function lastPosition(user: string, ctx: AnswerContext) {
  try {
    return ctx.state.position(ctx.account.id, user, ctx.now, ctx.config.positionMaxAgeMin * 60_000)
  } catch (err) {
    ctx.warn({ err: (err as Error).message }, 'could not read the remembered position')
    return undefined
  }
}
