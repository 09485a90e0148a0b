import { nameKey } from '../text/fold.js'

/**
 * Chains people name in one language while the catalogue may spell them in the other (OSM rows
 * are often "星巴克咖啡 Starbucks", but not always). Each group is one brand; a search for any
 * spelling looks for all of them.
 */
const GROUPS: readonly (readonly string[])[] = [
  ['星巴克', 'Starbucks'],
  ['肯德基', 'KFC'],
  ['麦当劳', "McDonald's", 'McDonalds'],
  ['必胜客', 'Pizza Hut'],
  ['汉堡王', 'Burger King'],
  ['赛百味', 'Subway'],
  ['瑞幸', 'luckin', 'Luckin Coffee'],
  ['太平洋咖啡', 'Pacific Coffee'],
  ['Costa', 'Costa Coffee', '咖世家'],
  ['全家', 'FamilyMart', 'Family Mart'],
  ['罗森', 'Lawson'],
  ['7-11', '7-Eleven', '7 Eleven', '711', '柒一拾壹'],
  ['喜士多', 'C-Store', 'C Store'],
  ['快客', 'Quik'],
  ['好德', 'Alldays'],
  ['家乐福', 'Carrefour'],
  ['沃尔玛', 'Walmart', 'Wal-Mart'],
  ['欧尚', 'Auchan'],
  ['大润发', 'RT-Mart', 'RT Mart'],
  ['联华', 'Lianhua'],
  ['华联', 'Hualian'],
  ['中国银行', 'Bank of China', 'BOC'],
  ['工商银行', '中国工商银行', 'ICBC'],
  ['建设银行', '中国建设银行', 'CCB', 'China Construction Bank'],
  ['农业银行', '中国农业银行', 'ABC', 'Agricultural Bank of China'],
  ['交通银行', 'Bank of Communications', 'BoCom'],
  ['招商银行', 'China Merchants Bank', 'CMB'],
  ['浦发银行', 'SPD Bank'],
  ['汇丰', 'HSBC'],
  ['花旗', 'Citibank', 'Citi'],
  ['汉庭', 'Hanting'],
  ['如家', 'Home Inn', 'Home Inns'],
  ['锦江之星', 'Jinjiang Inn'],
  ['全季', 'JI Hotel'],
  ['希尔顿', 'Hilton'],
  ['万豪', 'Marriott'],
  ['喜来登', 'Sheraton'],
  ['洲际', 'InterContinental'],
  ['假日酒店', 'Holiday Inn'],
  ['香格里拉', 'Shangri-La', 'Shangri La'],
]

const BY_KEY = new Map<string, string[]>()
for (const group of GROUPS) {
  const keys = [...new Set(group.map(nameKey))]
  for (const k of keys) BY_KEY.set(k, keys)
}

/** Every key to look for when a follower names `key` (its other spellings included, itself first). */
export function brandKeys(key: string): string[] {
  const group = BY_KEY.get(key)
  return group ? [key, ...group.filter(k => k !== key)] : [key]
}

/** A chain we know by name ("KFC", "星巴克"): a filter for its branches, even when the catalogue has one or none. */
export function isChainKey(key: string): boolean {
  return BY_KEY.has(key)
}
