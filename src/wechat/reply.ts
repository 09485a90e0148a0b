import { XMLBuilder } from 'fast-xml-parser'
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

// The builder escapes nothing inside CDATA but splits a "]]>" into two sections, which is what
// keeps catalogue text from ending the section early (protocol doc §4.4, case 07).
const builder = new XMLBuilder({ cdataPropName: '#cdata', format: false, suppressEmptyNode: false })

const cdata = (text: string) => ({ '#cdata': xmlSafeText(text) })

/**
 * Renders a passive reply to `inbound`: the parties are swapped (ToUserName becomes the sender),
 * CreateTime is `nowSeconds`, every string is CDATA and free of characters XML cannot carry.
 * A news reply keeps one article unless `inbound` is an event (then up to eight): since 2018
 * WeChat refuses or cuts longer ones to what the user sent (protocol doc §4.3, case 06).
 */
export function renderReply(inbound: Header & { readonly kind?: string }, reply: Reply, nowSeconds: number): string {
  const head = {
    ToUserName: cdata(inbound.from),
    FromUserName: cdata(inbound.to),
    CreateTime: Math.floor(nowSeconds),
  }
  if (reply.type === 'text') {
    const content = truncateUtf8(xmlSafeText(reply.content), TEXT_REPLY_MAX_BYTES)
    return builder.build({ xml: { ...head, MsgType: cdata('text'), Content: cdata(content) } })
  }
  const max = inbound.kind !== undefined && EVENT_KINDS.has(inbound.kind) ? MAX_NEWS_ARTICLES : MAX_NEWS_ARTICLES_TO_USER_MESSAGE
  const articles = reply.articles.slice(0, max)
  return builder.build({
    xml: {
      ...head,
      MsgType: cdata('news'),
      ArticleCount: articles.length,
      Articles: {
        item: articles.map(a => ({
          Title: cdata(a.title),
          Description: cdata(a.description),
          PicUrl: cdata(a.picUrl ?? ''),
          Url: cdata(a.url),
        })),
      },
    },
  })
}
