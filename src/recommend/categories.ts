/**
 * Display names for catalogue categories. Catalogues use OSM-style values (`fast_food`,
 * `convenience`); users read Chinese. Unknown categories are shown as written.
 */
const LABELS: Record<string, string> = {
  hotel: '酒店',
  hostel: '青年旅舍',
  guest_house: '民宿',
  motel: '汽车旅馆',
  apartment: '公寓',
  restaurant: '餐厅',
  cafe: '咖啡馆',
  coffee: '咖啡馆',
  fast_food: '快餐',
  bar: '酒吧',
  pub: '酒吧',
  food_court: '美食广场',
  bakery: '面包店',
  bank: '银行',
  atm: 'ATM',
  supermarket: '超市',
  convenience: '便利店',
  mall: '商场',
  department_store: '百货商店',
  park: '公园',
  attraction: '景点',
  museum: '博物馆',
  gallery: '美术馆',
  aerodrome: '机场',
  fitness_centre: '健身房',
  gym: '健身房',
  fuel: '加油站',
  hospital: '医院',
  pharmacy: '药店',
  coworking: '联合办公',
  coworking_space: '联合办公',
  shop: '商店',
  other: '其他',
}

export function categoryLabel(category: string): string {
  return LABELS[category] ?? category
}
