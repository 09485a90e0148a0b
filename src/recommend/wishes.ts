import { nameKey } from '../text/fold.js'
import type { Place } from './place.js'

/**
 * What kind of place a follower asks for ("酒店", "coffee", "ATM"): the words that say it, the
 * catalogue categories (OSM-style values) that answer it, and how replies name it.
 */
export interface Wish {
  readonly key: string
  /** Plural-ish label used in replies: "附近的咖啡馆". */
  readonly label: string
  readonly categories: readonly string[]
}

interface WishDef extends Wish {
  readonly words: readonly string[]
  /** Emoji that say the same (matched in the raw text, before folding drops symbols). */
  readonly emoji?: readonly string[]
}

const DEFS: readonly WishDef[] = [
  {
    key: 'hotel',
    label: '酒店',
    categories: ['hotel', 'hostel', 'guest_house', 'motel', 'apartment'],
    words: ['酒店', '宾馆', '旅馆', '旅店', '住宿', '住的', '住的地方', '客栈', '民宿', '招待所', '青旅', '青年旅舍', '快捷酒店',
      'hotel', 'hostel', 'motel', 'inn', 'accommodation', 'lodging', 'guesthouse', 'guest house', 'place to stay'],
    emoji: ['🏨', '🛏'],
  },
  {
    key: 'cafe',
    label: '咖啡馆',
    categories: ['cafe', 'coffee'],
    words: ['咖啡', '咖啡馆', '咖啡厅', '咖啡店', '喝咖啡', 'cafe', 'coffee', 'coffee shop', 'coffeeshop'],
    emoji: ['☕'],
  },
  {
    key: 'restaurant',
    label: '餐厅',
    categories: ['restaurant', 'food_court', 'fast_food'],
    words: ['餐厅', '餐馆', '饭馆', '吃饭', '吃的', '吃饭的地方', '美食', '菜馆', '小吃', '好吃的', '吃',
      'restaurant', 'food', 'eat', 'dining', 'dinner', 'lunch', 'breakfast'],
    emoji: ['🍽', '🍜', '🥢'],
  },
  {
    key: 'fast_food',
    label: '快餐店',
    categories: ['fast_food'],
    words: ['快餐', '快餐店', '汉堡', 'fast food', 'fastfood', 'burger'],
    emoji: ['🍔', '🍟'],
  },
  {
    key: 'bank',
    label: '银行',
    categories: ['bank', 'atm'],
    words: ['银行', '取钱', '取款', '取款机', '提款机', 'atm', 'bank', 'cash machine'],
    emoji: ['🏦', '🏧'],
  },
  {
    key: 'supermarket',
    label: '超市',
    categories: ['supermarket'],
    words: ['超市', '大卖场', 'supermarket', 'grocery', 'groceries'],
    emoji: ['🛒'],
  },
  {
    key: 'convenience',
    label: '便利店',
    categories: ['convenience'],
    words: ['便利店', '便利', '小卖部', 'convenience store', 'convenience'],
    emoji: ['🏪'],
  },
  {
    key: 'bar',
    label: '酒吧',
    categories: ['bar', 'pub'],
    words: ['酒吧', '喝酒', 'bar', 'pub'],
    emoji: ['🍺', '🍸'],
  },
  { key: 'park', label: '公园', categories: ['park'], words: ['公园', 'park'] },
  { key: 'museum', label: '博物馆', categories: ['museum', 'gallery'], words: ['博物馆', '美术馆', 'museum', 'gallery'] },
  { key: 'mall', label: '商场', categories: ['mall', 'department_store'], words: ['商场', '购物中心', '百货', 'mall', 'shopping mall', 'shopping'] },
  { key: 'pharmacy', label: '药店', categories: ['pharmacy'], words: ['药店', '药房', 'pharmacy', 'drugstore', 'chemist'] },
  { key: 'hospital', label: '医院', categories: ['hospital', 'clinic'], words: ['医院', '诊所', 'hospital', 'clinic'] },
  { key: 'gym', label: '健身房', categories: ['fitness_centre', 'gym'], words: ['健身', '健身房', 'gym', 'fitness'] },
  { key: 'fuel', label: '加油站', categories: ['fuel'], words: ['加油站', 'gas station', 'petrol station', 'fuel'] },
]

export const WISHES: readonly Wish[] = DEFS.map(({ key, label, categories }) => ({ key, label, categories }))

const BY_KEY = new Map(WISHES.map(w => [w.key, w]))
const BY_WORD = new Map<string, Wish>()
DEFS.forEach((d, i) => d.words.forEach(word => BY_WORD.set(nameKey(word), WISHES[i]!)))
const EMOJI = DEFS.flatMap((d, i) => (d.emoji ?? []).map(e => [e, WISHES[i]!] as const))

/** The longest wish word, in units (a CJK character or a Latin word each). */
export const MAX_WISH_UNITS = 6

export function wishByKey(key: string): Wish | undefined {
  return BY_KEY.get(key)
}

/** The wish a folded key says exactly ("咖啡" → cafe), if any. */
export function wishForKey(key: string): Wish | undefined {
  return BY_WORD.get(key)
}

/** Wishes said by emoji in the raw text (🏨 → hotel). */
export function wishesInEmoji(raw: string): Wish[] {
  const out: Wish[] = []
  for (const [e, w] of EMOJI) if (raw.includes(e) && !out.includes(w)) out.push(w)
  return out
}

/** "酒店", "咖啡馆、餐厅". */
export function wishLabel(wishes: readonly Wish[]): string {
  return wishes.map(w => w.label).join('、')
}

/** Accepts places of any of the wished categories. */
export function wishFilter(wishes: readonly Wish[]): (p: Pick<Place, 'category'>) => boolean {
  const categories = new Set(wishes.flatMap(w => w.categories))
  return p => categories.has(p.category)
}
