/**
 * Replies that carry no list: nothing found (and where the nearest place is), no position yet, a
 * chain with few or no branches, text not understood, "更多" with nothing to continue. All are
 * text replies, so every catalogue name and every echo of the follower's words goes through
 * `inert`. Example place names come from the account (examples.ts).
 */
import { categoryLabel } from './categories.js'
import { twoExamples } from './examples.js'
import { attr, cityOf, formatDistance, formatRadius, inert, streetOf, type Summary } from './format.js'
import { mapLink } from './map-link.js'
import type { Place, RankedPlace } from './place.js'
import { clip, ignoredNote, where, type SearchWords } from './search-copy.js'

type Examples = readonly string[] | undefined

/** "最近的收录地点在 1,070公里外的上海（南京饭店）。": where the catalogue does have something. */
function nearestNote(what: string, far: RankedPlace | undefined): string[] {
  if (!far) return []
  const { address, name, nameZh } = far.place
  const city = cityOf(address)
  // "上海崇明机场" reads better than "上海崇明机场 Shanghai Chongming Airport" in a sentence.
  const shown = nameZh && nameZh.length < name.length ? nameZh : name
  return [`最近的${what}在 ${formatDistance(far.distanceM)}外${city ? `的${city}` : ''}（${inert(clip(shown, 24))}）。`]
}

/** A location pin with nothing within the search radius. */
export function nothingNearby(maxRadiusM: number, far: RankedPlace | undefined, examples: Examples): string {
  const [a, b] = twoExamples(examples)
  return [
    `抱歉，您附近 ${formatRadius(maxRadiusM)}内暂时没有收录的地点。`,
    ...nearestNote('收录地点', far),
    `可以换个位置再发一次，或者直接输入地名，例如“${a}”“${b} 咖啡”。`,
  ].join('\n')
}

/** A search with nothing of the wished kind within the radius (`far`: the nearest beyond it, if any). */
export function nothingFoundAround(w: SearchWords, maxRadiusM: number, far: RankedPlace | undefined, examples: Examples): string {
  const [a] = twoExamples(examples)
  const what = inert(w.what ?? '收录的地点')
  return [
    `${inert(where(w))}，${formatRadius(maxRadiusM)}内没有找到${what}。`,
    ...nearestNote(inert(w.what ?? '收录地点'), far),
    ...ignoredNote(w).map(inert),
    `可以换个地名或类别再试，例如“${a} 咖啡”，或直接发送位置。`,
  ].join('\n')
}

/** "更多" after the last place of the list. */
export function noMorePlaces(w: SearchWords, shown: number, maxRadiusM: number): string {
  return `${inert(where(w))}，${formatRadius(maxRadiusM)}内的${inert(w.what ?? '地点')}已经全部列出（共 ${shown} 个）。可以换个地名或类别再试。`
}

/** "更多" past the deepest page a chat list goes: the results page has the rest. */
export function listTooLong(w: SearchWords, shown: number, pageUrl: string): string {
  return `${inert(where(w))}的${inert(w.what ?? '地点')}已列出前 ${shown} 个。<a href="${attr(pageUrl)}">点这里查看完整列表</a>`
}

/**
 * A wish with no place and no recent position: how to send one. After a menu button there is
 * nothing to add a place name to, so only the position is asked for.
 */
export function needPosition(what: string | undefined, opts: { readonly examples?: Examples; readonly menu?: boolean } = {}): string {
  const ask = `想找附近的${inert(what ?? '地点')}？请先发送您的位置（点输入框旁的“+”→“位置”）`
  if (opts.menu) return `${ask}，再点一次菜单。`
  const [a] = twoExamples(opts.examples)
  return `${ask}，或加上地名，例如“${a} ${inert(what ?? '咖啡')}”。`
}

/** A chain with many branches and nowhere to search from. */
export function chainNeedsPosition(label: string, count: number, examples: Examples): string {
  const [a] = twoExamples(examples)
  const name = inert(clip(label, 20))
  return `找到 ${count} 个「${name}」。请发送您的位置（点“+”→“位置”），或加上地名，例如“${name} ${a}”，我会列出最近的。`
}

/**
 * A chain with only a few branches and nowhere to search from: they are listed (each with its
 * category and street; in a text reply each links to its map), and a position is asked for.
 */
export function chainBranchesText(label: string, branches: readonly Place[], ignored: readonly string[] = []): string {
  const lines = branches.map((p, i) => `${i + 1}. <a href="${attr(branchLink(p))}">${inert(clip(p.name, 40))}</a>${branchDetails(p)}`)
  return [branchesHead(label, branches.length), ...lines, branchesAsk(branches.length), ...ignoredNote({ ignored }).map(inert)].join('\n')
}

/** The same as one news article, opening the first branch (its website, else its map). */
export function chainBranchesArticle(label: string, branches: readonly Place[], ignored: readonly string[] = []): Summary {
  const [first] = branches
  if (!first) throw new Error('chainBranchesArticle needs at least one branch')
  const title = branches.length === 1 ? `「${clip(label, 20)}」：${first.name}` : branchesHead(label, branches.length).slice(0, -1)
  const lines = branches.map((p, i) => `${i + 1}. ${clip(p.name, 40)}${branchDetails(p)}`)
  const description = [branchesHead(label, branches.length), ...lines, `点开看地图。${branchesAsk(branches.length)}`, ...ignoredNote({ ignored })].join('\n')
  return { title, description, url: branchLink(first), picUrl: first.pictureUrl ?? undefined }
}

function branchesHead(label: string, count: number): string {
  return `收录的「${inert(clip(label, 20))}」共 ${count} 家：`
}

function branchesAsk(count: number): string {
  return `发送您的位置（点“+”→“位置”），我会告诉您${count === 1 ? '离它多远' : '哪家离您最近'}。`
}

function branchDetails(p: Place): string {
  const street = streetOf(p.address)
  return ` · ${categoryLabel(p.category)}${street ? ` · ${inert(street)}` : ''}`
}

function branchLink(p: Place): string {
  return p.url ?? mapLink(p, clip(p.name, 20))
}

/** A chain we know of that the catalogue has no branch of. */
export function noSuchChain(label: string, examples: Examples): string {
  const [a] = twoExamples(examples)
  return `暂时没有收录「${inert(clip(label, 20))}」的门店。可以换个名字或类别再试，例如“${a} 咖啡”。`
}

/** Nothing in the text matched a place, a kind of place or a name. */
export function notUnderstood(text: string, examples: Examples): string {
  const [a, b] = twoExamples(examples)
  return (
    `没有找到与“${inert(clip(text.trim(), 20))}”相符的地名或地点。\n` +
    `可以输入地名（如“${a}”“${b}”）、类别（如“咖啡”“酒店”），或二者一起（如“${b} 酒店”）；也可以直接发送位置。`
  )
}

/** "更多" with no list to continue. */
export function noListToContinue(examples: Examples): string {
  const [a] = twoExamples(examples)
  return `还没有可以继续的列表。请先发送位置，或输入地名和类别，例如“${a} 咖啡”。`
}
