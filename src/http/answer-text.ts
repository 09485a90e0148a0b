import { chainBranchesArticle, chainBranchesText, chainNeedsPosition, needPosition, noListToContinue, noSuchChain, notUnderstood } from '../recommend/prompt-copy.js'
import { centreLabel } from '../recommend/search-copy.js'
import { understand, type Brand } from '../recommend/understand.js'
import type { Place } from '../recommend/place.js'
import { wishByKey, wishFilter, wishLabel, type Wish } from '../recommend/wishes.js'
import type { TextMessage, VoiceMessage } from '../wechat/types.js'
import type { Answer, AnswerContext } from './answer-context.js'
import { answerNearby, LIST_KEY, type RememberedList } from './answer-location.js'
import { helpText, thanksText } from './copy.js'

/** How long "更多" can continue a list. */
const LIST_MAX_AGE_MS = 24 * 60 * 60 * 1000
/** A chain with at most this many branches is listed when there is nowhere to search from. */
const FEW_BRANCHES = 3

/**
 * Typed text (or recognised speech): a place name, a kind of place, a chain, or a mix of them
 * ("人民广场附近的咖啡", "hotel near the Bund", "KFC 静安寺"); "更多" continues the last list.
 * The reply has the shape of the location reply and names the place it searched around.
 */
export function answerText(text: string, msg: TextMessage | VoiceMessage, ctx: AnswerContext): Answer {
  const u = understand(text, { gazetteer: ctx.gazetteer, catalogue: ctx.catalogue })
  switch (u.kind) {
    case 'help':
      return { reply: { type: 'text', content: helpText(ctx.account.examples) }, outcome: 'help' }
    case 'thanks':
      return { reply: { type: 'text', content: thanksText(ctx.account.examples) }, outcome: 'thanks' }
    case 'more':
      return answerMore(msg.from, ctx)
    case 'unknown':
      return { reply: { type: 'text', content: notUnderstood(text, ctx.account.examples) }, outcome: 'not-understood', results: 0 }
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
 * event, if not older than POSITION_MAX_AGE_MIN). Without one, a line on how to send it (a
 * chain with few branches lists them). A chain the catalogue has no branch of is said so at once.
 * Reusable by menu keys, e.g. `answerNearUser(user, ctx, { wishes: [wishByKey('hotel')!], menu: true })`.
 */
export function answerNearUser(
  user: string,
  ctx: AnswerContext,
  want: { readonly wishes?: readonly Wish[]; readonly brand?: Brand | undefined; readonly ignored?: readonly string[]; readonly menu?: boolean },
): Answer {
  const { examples } = ctx.account
  if (want.brand && want.brand.count === 0) {
    return { reply: { type: 'text', content: noSuchChain(want.brand.label, examples) }, outcome: 'nothing-nearby', results: 0 }
  }
  const position = lastPosition(user, ctx)
  if (!position) {
    const few = want.brand && fewBranches(want.brand, want.wishes ?? [], ctx)
    if (want.brand && few) return answerBranches(want.brand.label, few, want.ignored ?? [], ctx)
    const content = want.brand
      ? chainNeedsPosition(want.brand.label, want.brand.count, examples)
      : needPosition(want.wishes?.length ? wishLabel(want.wishes) : undefined, { examples, ...(want.menu ? { menu: true } : {}) })
    return { reply: { type: 'text', content }, outcome: 'need-position', results: 0 }
  }
  return answerNearby({ lat: position.lat, lng: position.lng }, ctx, {
    user,
    wishes: want.wishes ?? [],
    ...(want.brand ? { brand: want.brand } : {}),
    ignored: want.ignored ?? [],
  })
}

/** A chain's branches (of the wished kinds), when there are only a few of them to list. */
function fewBranches(brand: Brand, wishes: readonly Wish[], ctx: AnswerContext): Place[] | undefined {
  const accept = wishes.length > 0 ? wishFilter(wishes) : () => true
  const branches = (brand.places ?? []).filter(accept)
  if (branches.length === 0 || branches.length > FEW_BRANCHES) return undefined
  const places = branches.map(p => ctx.catalogue.byId(p.id)).filter((p): p is Place => p !== undefined)
  return places.length > 0 ? places : undefined
}

/** No position yet, a chain with few branches: they are listed, and a position asked for. */
function answerBranches(label: string, branches: readonly Place[], ignored: readonly string[], ctx: AnswerContext): Answer {
  const reply: Answer['reply'] =
    ctx.account.replyStyle === 'text'
      ? { type: 'text', content: chainBranchesText(label, branches, ignored) }
      : { type: 'news', articles: [chainBranchesArticle(label, branches, ignored)] }
  return { reply, outcome: 'branches', results: branches.length }
}

/** "更多": the next places of the follower's last list. */
function answerMore(user: string, ctx: AnswerContext): Answer {
  let list: RememberedList | undefined
  try {
    list = ctx.state.value<RememberedList>(ctx.account.id, user, LIST_KEY, ctx.now, LIST_MAX_AGE_MS)
  } catch (err) {
    ctx.warn({ err: (err as Error).message }, 'could not read the remembered list')
  }
  if (!list) return { reply: { type: 'text', content: noListToContinue(ctx.account.examples) }, outcome: 'no-list' }
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
