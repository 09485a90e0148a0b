/**
 * All user-facing copy for recommendations (Chinese, as the accounts' followers read it).
 * Produces plain values; the web layer turns them into WeChat reply XML.
 */
import { categoryLabel } from './categories.js'
import type { RankedPlace } from './place.js'

export interface Summary {
  readonly title: string
  readonly description: string
  readonly url: string
  readonly picUrl: string | undefined
}

/** "85米", "950米", "1.2公里", "12公里": metres below 1 km, one decimal below 10 km. */
export function formatDistance(m: number): string {
  if (m < 1000) return `${Math.max(1, Math.round(m))}米`
  if (m < 10_000) return `${(Math.round(m / 100) / 10).toFixed(1)}公里`
  return `${Math.round(m / 1000)}公里`
}

export function formatRadius(m: number): string {
  return m < 1000 ? `${m}米` : `${Math.round(m / 100) / 10}公里`
}

/**
 * The single news article for a result list (a news reply to a user's message shows one
 * article — protocol doc §4.3): how many were found, the nearest one and its distance, a few
 * more in the description, and the link to the full list.
 */
export function summarise(places: readonly RankedPlace[], pageUrl: string, context = ''): Summary {
  const [nearest] = places
  if (!nearest) throw new Error('summarise needs at least one place')
  const title = `${context}离您最近：${nearest.place.name}（${formatDistance(nearest.distanceM)}）`
  const lines = [`附近找到 ${places.length} 个地点，由近到远：`]
  places.slice(0, 5).forEach((r, i) => lines.push(`${i + 1}. ${r.place.name} · ${categoryLabel(r.place.category)} · ${formatDistance(r.distanceM)}`))
  if (places.length > 5) lines.push(`……点开查看全部 ${places.length} 个及地图`)
  else lines.push('点开查看详情及地图')
  return { title, description: lines.join('\n'), url: pageUrl, picUrl: nearest.place.pictureUrl ?? undefined }
}

/**
 * The text-reply alternative: one line per place with its own link, then a link to the list.
 * Lines are dropped from the end rather than cut, so the text stays within `maxBytes` of UTF-8
 * and no `<a href>` is ever broken.
 */
export function listAsText(places: readonly RankedPlace[], pageUrl: string, maxBytes: number, context = ''): string {
  const head = `${context}📍 离您最近的 ${places.length} 个地点：`
  const tail = `<a href="${attr(pageUrl)}">查看全部及地图</a>`
  const lines: string[] = []
  let size = bytes(head) + bytes(tail) + 2
  for (const [i, r] of places.entries()) {
    const link = r.place.url ?? pageUrl
    const line = `${i + 1}. <a href="${attr(link)}">${r.place.name}</a> ${formatDistance(r.distanceM)} · ${categoryLabel(r.place.category)}`
    if (size + bytes(line) + 1 > maxBytes) break
    lines.push(line)
    size += bytes(line) + 1
  }
  return [head, ...lines, tail].join('\n')
}

export function nothingNearby(maxRadiusM: number): string {
  return (
    `抱歉，您附近 ${formatRadius(maxRadiusM)} 内暂时没有收录的地点。\n` +
    '可以换个位置再发一次，或者直接输入地名，例如“人民广场”“外滩 咖啡”。'
  )
}

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8')
}

// WeChat shows text replies verbatim except for <a href> links, so names are left exactly as
// catalogued; only a link target is made unable to close its attribute or tag.
export function attr(url: string): string {
  return url.replace(/"/g, '%22').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\s/g, '%20')
}
