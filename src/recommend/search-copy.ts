/**
 * Reply copy for searches made by text (a place named, a kind of place, a chain, "更多"). Shaped
 * like the location reply (format.ts) — one news article or a text list — and always saying
 * around which place the list was made.
 */
import { categoryLabel } from './categories.js'
import { attr, formatDistance, formatRadius, type Summary } from './format.js'
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
}

/** How a reply names the place it searched around: 「人民广场（地铁站）」, 「外滩（地标）」. */
export function centreLabel(c: Centre): string {
  if (c.kind === 'station') return c.detail === 'metro' ? `${c.name}（地铁站）` : c.name.endsWith('站') ? c.name : `${c.name}（车站）`
  if (c.kind === 'landmark') return `${c.name}（地标）`
  return c.name
}

function where(w: SearchWords): string {
  return w.centreLabel ? `以「${w.centreLabel}」为中心` : '以您的位置为中心'
}

function range(w: SearchWords, count: number): string {
  const from = w.from ?? 1
  return from > 1 ? `第 ${ranks(from, count)} 个` : `找到 ${count} 个`
}

/** "11–20", or "11" for a single place. */
function ranks(from: number, count: number): string {
  return count > 1 ? `${from}–${from + count - 1}` : String(from)
}

function ignoredNote(w: SearchWords): string[] {
  const parts = (w.ignored ?? []).filter(Boolean).map(s => `“${clip(s, 16)}”`)
  return parts.length > 0 ? [`（没看懂${parts.join('、')}，已略过）`] : []
}

/** The one news article for a text search. */
export function summariseSearch(places: readonly RankedPlace[], pageUrl: string, w: SearchWords): Summary {
  const [nearest] = places
  if (!nearest) throw new Error('summariseSearch needs at least one place')
  const what = w.what ?? ''
  const head = w.centreLabel ? `「${w.centreLabel}」附近${what ? `的${what}` : ''}` : `离您最近${what ? `的${what}` : ''}`
  const title = `${head}：${nearest.place.name}（${formatDistance(nearest.distanceM)}）`
  const from = w.from ?? 1
  const lines = [`${where(w)}，${range(w, places.length)}${what || '地点'}，由近到远：`]
  places.slice(0, 5).forEach((r, i) => lines.push(`${from + i}. ${r.place.name} · ${categoryLabel(r.place.category)} · ${formatDistance(r.distanceM)}`))
  lines.push(places.length > 5 ? `……点开查看全部及地图；发送“更多”看后面的` : '点开查看详情及地图')
  lines.push(...ignoredNote(w))
  return { title, description: lines.join('\n'), url: pageUrl, picUrl: nearest.place.pictureUrl ?? undefined }
}

/** The text-reply alternative: a line per place with its link, kept within `maxBytes`. */
export function listSearchAsText(places: readonly RankedPlace[], pageUrl: string, maxBytes: number, w: SearchWords): string {
  const what = w.what || '地点'
  const from = w.from ?? 1
  const head = from > 1 ? `📍 ${where(w)}，第 ${ranks(from, places.length)} 个${what}：` : `📍 ${where(w)}，最近的 ${places.length} 个${what}：`
  const notes = ignoredNote(w)
  const tail = `<a href="${attr(pageUrl)}">查看全部及地图</a>`
  const lines: string[] = []
  let size = bytes(head) + bytes(tail) + notes.reduce((n, s) => n + bytes(s) + 1, 0) + 2
  for (const [i, r] of places.entries()) {
    const link = r.place.url ?? pageUrl
    const line = `${from + i}. <a href="${attr(link)}">${r.place.name}</a> ${formatDistance(r.distanceM)} · ${categoryLabel(r.place.category)}`
    if (size + bytes(line) + 1 > maxBytes) break
    lines.push(line)
    size += bytes(line) + 1
  }
  return [head, ...lines, ...notes, tail].join('\n')
}

/** A place was understood but nothing of the wished kind lies within the search radius. */
export function nothingFoundAround(w: SearchWords, maxRadiusM: number): string {
  return [
    `${where(w)}，${formatRadius(maxRadiusM)}内没有找到${w.what ?? '收录的地点'}。`,
    ...ignoredNote(w),
    '可以换个地名或类别再试，例如“人民广场 咖啡”，或直接发送位置。',
  ].join('\n')
}

/** A wish with no place and no recent position: one line on how to send one. */
export function needPosition(what: string | undefined): string {
  return `想找附近的${what ?? '地点'}？请先发送您的位置（点输入框旁的“+”→“位置”），或加上地名，例如“人民广场 ${what ?? '咖啡'}”。`
}

/** A chain with many branches and nowhere to search from. */
export function chainNeedsPosition(label: string, count: number): string {
  return `找到 ${count} 个「${clip(label, 20)}」。请发送您的位置（点“+”→“位置”），或加上地名，例如“${clip(label, 20)} 人民广场”，我会列出最近的。`
}

/** Nothing in the text matched a place, a kind of place or a name. */
export function notUnderstood(text: string): string {
  return (
    `没有找到与“${clip(text.trim(), 20)}”相符的地名或地点。\n` +
    '可以输入地名（如“人民广场”“外滩”）、类别（如“咖啡”“酒店”），或二者一起（如“外滩 酒店”）；也可以直接发送位置。'
  )
}

/** "更多" with no list to continue. */
export const NO_LIST_TO_CONTINUE = '还没有可以继续的列表。请先发送位置，或输入地名和类别，例如“人民广场 咖啡”。'

/** "更多" after the last place of the list. */
export function noMorePlaces(w: SearchWords, shown: number, maxRadiusM: number): string {
  return `${where(w)}，${formatRadius(maxRadiusM)}内的${w.what ?? '地点'}已经全部列出（共 ${shown} 个）。可以换个地名或类别再试。`
}

/** "更多" past the deepest page a chat list goes: the results page has the rest. */
export function listTooLong(w: SearchWords, shown: number, pageUrl: string): string {
  return `${where(w)}的${w.what ?? '地点'}已列出前 ${shown} 个。<a href="${attr(pageUrl)}">点这里查看完整列表</a>`
}

/** At most `max` characters (code points), with "…" when cut. */
export function clip(s: string, max: number): string {
  const chars = [...s]
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : s
}

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8')
}
