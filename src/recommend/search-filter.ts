import type { Place } from './place.js'
import type { CatalogueNames } from './place-names.js'
import { NameResolver } from './resolve-name.js'
import { NO_GAZETTEER } from './place-names.js'
import { wishFilter, type Wish } from './wishes.js'

/**
 * The places a search keeps: of the wished kinds, and carrying the chain's name when one was
 * asked for. Undefined when every place is welcome (a plain location).
 */
export function searchFilter(
  catalogue: CatalogueNames,
  wishes: readonly Wish[] | undefined,
  brandKeys: readonly string[] | undefined,
): ((p: Place) => boolean) | undefined {
  const ofKind = wishes && wishes.length > 0 ? wishFilter(wishes) : undefined
  const ids = brandKeys && brandKeys.length > 0 ? new Set(new NameResolver({ gazetteer: NO_GAZETTEER, catalogue }).brandPlaces(brandKeys).map(p => p.id)) : undefined
  if (!ofKind && !ids) return undefined
  return p => (!ofKind || ofKind(p)) && (!ids || ids.has(p.id))
}
