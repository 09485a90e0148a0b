import type { Header } from './types.js'
import { TEXT_REPLY_MAX_BYTES, truncateUtf8, xmlSafeText } from './text-limit.js'

/** The body that tells WeChat "handled, nothing to show": no retry, no error to the user (§4.1). */
export const REPLY_SUCCESS = 'success'

export interface Article {
  readonly title: string
  readonly description: string
  readonly url: string
  readonly picUrl?: string | undefined
}

export type Reply =
  | { readonly type: 'text'; readonly content: string }
  | { readonly type: 'news'; readonly articles: readonly Article[] }

/** Event-triggered replies may carry up to 8 articles; a reply to a user's message shows 1 (§4.3). */
export const MAX_NEWS_ARTICLES = 8
export const MAX_NEWS_ARTICLES_TO_USER_MESSAGE = 1

const EVENT_KINDS = new Set(['subscribe', 'unsubscribe', 'scan', 'location-report', 'click', 'view', 'location-select', 'other-event'])

/**
 * A CDATA section holding `text`, made safe: characters XML cannot carry are replaced, and a
 * "]]>" in the text (it would end the section early) is split across two sections, "]]" in
 * one and ">" in the next (protocol doc §4.4, case 07). Nothing else needs escaping in CDATA.
 * Written by hand rather than through a generic XML builder: the reply has a fixed shape, and
 * building it went from about a tenth of a location reply's CPU to almost nothing.
 */
function cdata(text: string): string {
  const safe = xmlSafeText(text)
  return `<![CDATA[${safe.includes(']]>') ? safe.replaceAll(']]>', ']]]]><![CDATA[>') : safe}]]>`
}

/**
 * Renders a passive reply to `inbound`: the parties are swapped (ToUserName becomes the sender),
 * CreateTime is `nowSeconds`, every string is CDATA and free of characters XML cannot carry.
 * A news reply keeps one article unless `inbound` is an event (then up to eight): since 2018
 * WeChat refuses or cuts longer ones to what the user sent (protocol doc §4.3, case 06).
 */
export function renderReply(inbound: Header & { readonly kind?: string }, reply: Reply, nowSeconds: number): string {
  const head =
    `<xml><ToUserName>${cdata(inbound.from)}</ToUserName><FromUserName>${cdata(inbound.to)}</FromUserName>` +
    `<CreateTime>${Math.floor(nowSeconds)}</CreateTime>`
  if (reply.type === 'text') {
    const content = truncateUtf8(xmlSafeText(reply.content), TEXT_REPLY_MAX_BYTES)
    return `${head}<MsgType>${cdata('text')}</MsgType><Content>${cdata(content)}</Content></xml>`
  }
  const max = inbound.kind !== undefined && EVENT_KINDS.has(inbound.kind) ? MAX_NEWS_ARTICLES : MAX_NEWS_ARTICLES_TO_USER_MESSAGE
  const articles = reply.articles.slice(0, max)
  let items = ''
  for (const a of articles) {
    items +=
      `<item><Title>${cdata(a.title)}</Title><Description>${cdata(a.description)}</Description>` +
      `<PicUrl>${cdata(a.picUrl ?? '')}</PicUrl><Url>${cdata(a.url)}</Url></item>`
  }
  return `${head}<MsgType>${cdata('news')}</MsgType><ArticleCount>${articles.length}</ArticleCount><Articles>${items}</Articles></xml>`
}
