import { categoryLabel } from '../recommend/categories.js'
import { formatDistance, formatRadius } from '../recommend/format.js'
import { mapLink } from '../recommend/map-link.js'
import type { LatLng } from '../geo/datum.js'
import type { RankedPlace } from '../recommend/place.js'

export interface ResultsPageInput {
  readonly heading: string
  /** Shown under the heading when the list is around a point the page cannot name (WGS-84). */
  readonly point?: LatLng | undefined
  readonly places: readonly RankedPlace[]
  readonly maxRadiusM: number
  /** Link to the same list with more places, when there may be more. */
  readonly moreUrl: string | undefined
}

/** The attribution the ODbL asks for, with its links (openstreetmap.org/copyright). */
const OSM_ATTRIBUTION =
  '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors. ' +
  'Data available under the <a href="https://opendatacommons.org/licenses/odbl/">Open Database License (ODbL)</a>.'

const STYLE = `body{margin:0;font:16px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;color:#222;background:#f5f5f5}
header{background:#07c160;color:#fff;padding:14px 16px}
h1{font-size:18px;margin:0}
.where{margin:4px 0 0;font-size:13px;opacity:.9}
.places{list-style:none;margin:0;padding:0}
.places li{background:#fff;margin:8px;padding:12px 14px;border-radius:8px}
.name{font-weight:600;font-size:17px;color:#222;text-decoration:none}
.meta{color:#666;font-size:14px}
.dist{color:#07c160;font-weight:600}
.links a{display:inline-block;margin:6px 14px 0 0;color:#576b95;text-decoration:none}
.empty,.more{padding:16px;text-align:center}
footer{color:#999;font-size:12px;padding:12px 16px 24px}
footer a{color:#999}`

/**
 * The results page a reply links to: server-rendered, no external assets (WeChat's in-app
 * browser on a phone), every catalogue string escaped.
 */
export function renderResultsPage(input: ResultsPageInput): string {
  const items = input.places.map((r, i) => renderItem(r, i + 1)).join('\n')
  const body =
    input.places.length > 0
      ? `<ol class="places">\n${items}\n</ol>`
      : `<p class="empty">${esc(formatRadius(input.maxRadiusM))}内暂时没有收录的地点。</p>`
  const more = input.moreUrl ? `<p class="more"><a href="${esc(input.moreUrl)}">显示更多</a></p>` : ''
  const osm = input.places.some(r => isOsm(r)) ? `<p>${OSM_ATTRIBUTION}</p>` : ''
  const where = input.point ? `\n<p class="where">位置：${input.point.lat.toFixed(5)}, ${input.point.lng.toFixed(5)}</p>` : ''
  return page(input.heading, `<header><h1>${esc(input.heading)}</h1>${where}</header>
${body}
${more}
<footer><p>距离为直线距离，由近到远排列。</p>${osm}</footer>`)
}

/** A short page in the same look for a link that cannot be shown (a follower reads it on a phone). */
export function renderErrorPage(heading: string, message: string): string {
  return page(heading, `<header><h1>${esc(heading)}</h1></header>
<p class="empty">${esc(message)}</p>`)
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
${STYLE}
</style>
</head>
<body>
${body}
</body>
</html>
`
}

function renderItem(r: RankedPlace, n: number): string {
  const p = r.place
  const map = mapLink(p, p.name)
  const title = p.url ? `<a class="name" href="${esc(p.url)}">${esc(p.name)}</a>` : `<span class="name">${esc(p.name)}</span>`
  const details = [
    `<span class="dist">${esc(formatDistance(r.distanceM))}</span>`,
    esc(categoryLabel(p.category)),
  ].join(' · ')
  const address = p.address ? `<div class="meta">${esc(p.address)}</div>` : ''
  const phone = p.phone ? `<a href="tel:${esc(p.phone.replace(/[^\d+]/g, ''))}">${esc(p.phone)}</a>` : ''
  const site = p.url ? `<a href="${esc(p.url)}">网站</a>` : ''
  return `<li id="p${n}" data-id="${esc(p.id)}">
<div>${n}. ${title}</div>
<div class="meta">${details}</div>
${address}
<div class="links"><a href="${esc(map)}">地图</a>${site}${phone}</div>
</li>`
}

function isOsm(r: RankedPlace): boolean {
  return r.place.id.startsWith('osm:')
}

/** HTML escape for text and double-quoted attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}
