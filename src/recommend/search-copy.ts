/**
 * Reply copy for a list of places: one news article, or a text with a link per place. The same
 * shape answers a location pin, a search made by text ("人民广场 咖啡", a chain, a kind of place)
 * and "更多"; the reply says around which place the list was made, which ranks it shows and
 * whether "更多" has more.
 */
import type { LatLng } from '../geo/datum.js'
import { categoryLabel } from './categories.js'
import { attr, formatDistance, inert, listNames, type Summary } from './format.js'
import type { RankedPlace } from './place.js'
import type { Centre } from './resolve-name.js'

export interface SearchWords {
  /** 「人民广场（地铁站）」's inner text; absent when the list is around the follower. */
  readonly centreLabel?: string | undefined
  /** What is listed: "咖啡馆", "「星巴克」"; absent for any place. */
  readonly what?: string | undefined
  /** Parts of the request that were not understood, as written. */
  readonly ignored?: readonly string[] | undefined
  /** Rank of the first place shown: 1, or 11 for the second page. */
  readonly from?: number | undefined
  /** The point searched around (to tell apart places of one name that have no address). */
  readonly at?: LatLng | undefined
}

/** What a list reply links to and whether it invites "更多", given how many places it shows. */
export interface ListLinks {
  /** The results page for a reply that has shown `shown` places in all (ranks 1 to `shown`). */
  readonly pageUrl: (shown: number) => string
  /** Whether "更多" would bring more places after `shown` in all. */
  readonly moreAfter: (shown: number) => boolean
}

/** A reply and how many of the places it shows (a text reply may show fewer than it was given). */
export interface Listed<T> {
  readonly reply: T
  readonly count: number
}

/** How a reply names the place it searched around: 「人民广场（地铁站）」, 「外滩（地标）」. */
export function centreLabel(c: Centre): string {
  if (c.kind === 'station') return c.detail === 'metro' ? `${c.name}（地铁站）` : c.name.endsWith('站') ? c.name : `${c.name}（车站）`
  if (c.kind === 'landmark') return `${c.name}（地标）`
  return c.name
}

export function where(w: SearchWords): string {
  return w.centreLabel ? `以「${w.centreLabel}」为中心` : '以您的位置为中心'
}

/** "11–20", or "11" for a single place. */
function ranks(from: number, count: number): string {
  return count > 1 ? `${from}–${from + count - 1}` : String(from)
}

export function ignoredNote(w: SearchWords): string[] {
  const parts = (w.ignored ?? []).filter(Boolean).map(s => `“${clip(s, 16)}”`)
  return parts.length > 0 ? [`（没看懂${parts.join('、')}，已略过）`] : []
}

const MORE_HINT = '发送“更多”看后面的'

/** The one news article for a list (a news reply to a user's message shows one article). */
export function summariseSearch(places: readonly RankedPlace[], w: SearchWords, links: ListLinks): Listed<Summary> {
  const [nearest] = places
  if (!nearest) throw new Error('summariseSearch needs at least one place')
  const what = w.what ?? ''
  const from = w.from ?? 1
  const first = `${listNames([nearest])[0]}（${formatDistance(nearest.distanceM)}）`
  const about = w.centreLabel ? `「${w.centreLabel}」附近${what ? `的${what}` : ''}` : `离您最近${what ? `的${what}` : ''}`
  // A later page's first place is not the nearest one: the title says which ranks it shows.
  const title = from === 1 ? `${about}：${first}` : w.centreLabel ? `${about}，第 ${ranks(from, places.length)} 个：${first}` : `第 ${ranks(from, places.length)} 个${what || '地点'}：${first}`
  const count = from === 1 ? `最近的 ${places.length} 个` : `第 ${ranks(from, places.length)} 个`
  const lines = [`${where(w)}，${count}${what || '地点'}，由近到远：`]
  const shown = places.slice(0, 5)
  const names = listNames(shown, w.at)
  shown.forEach((r, i) => lines.push(`${from + i}. ${names[i]} · ${categoryLabel(r.place.category)} · ${formatDistance(r.distanceM)}`))
  const open = places.length > 5 ? '……点开查看全部及地图' : '点开查看详情及地图'
  const all = from - 1 + places.length
  lines.push(links.moreAfter(all) ? `${open}；${MORE_HINT}` : open)
  lines.push(...ignoredNote(w))
  const article = { title, description: lines.join('\n'), url: links.pageUrl(all), picUrl: nearest.place.pictureUrl ?? undefined }
  return { reply: article, count: places.length }
}

/**
 * The text alternative: a line per place, each linking to its own website or else to its entry
 * on the results page (which has its map link), then the link to the whole list. Lines are
 * dropped from the end rather than cut, so the text stays within `maxBytes` of UTF-8 and no link
 * is ever broken; the heading and "更多" count only the places actually listed.
 */
export function listSearchAsText(places: readonly RankedPlace[], maxBytes: number, w: SearchWords, links: ListLinks): Listed<string> {
  const from = w.from ?? 1
  // Sized with the longest page link and heading these places could need; the real ones are no longer.
  const most = from - 1 + places.length
  const sizing = build(places, w, links.pageUrl(most), places.length, true)
  let count = 0
  let size = sizing.fixed
  for (const line of sizing.lines) {
    if (size + bytes(line) + 1 > maxBytes) break
    size += bytes(line) + 1
    count++
  }
  const shown = from - 1 + count
  const final = build(places.slice(0, count), w, links.pageUrl(shown), count, links.moreAfter(shown))
  return { reply: [final.head, ...final.lines, ...final.notes, final.tail].join('\n'), count }
}

function build(places: readonly RankedPlace[], w: SearchWords, pageUrl: string, count: number, more: boolean) {
  const what = inert(w.what || '地点')
  const from = w.from ?? 1
  const centre = w.centreLabel ? `以「${inert(w.centreLabel)}」为中心，` : undefined
  const head = from > 1 ? `📍 ${centre ?? '以您的位置为中心，'}第 ${ranks(from, count)} 个${what}：` : `📍 ${centre ?? '离您'}最近的 ${count} 个${what}：`
  const names = listNames(places, w.at)
  const lines = places.map((r, i) => {
    const link = r.place.url ?? `${pageUrl}#p${from + i}`
    return `${from + i}. <a href="${attr(link)}">${inert(names[i]!)}</a> ${formatDistance(r.distanceM)} · ${categoryLabel(r.place.category)}`
  })
  const notes = [...ignoredNote(w).map(inert), ...(more ? [MORE_HINT] : [])]
  const tail = `<a href="${attr(pageUrl)}">查看全部及地图</a>`
  const fixed = bytes(head) + bytes(tail) + notes.reduce((n, s) => n + bytes(s) + 1, 0) + 1
  return { head, lines, notes, tail, fixed }
}

/** At most `max` characters (code points), with "…" when cut. */
export function clip(s: string, max: number): string {
  const chars = [...s]
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : s
}

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8')
}
