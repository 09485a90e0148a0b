import { FollowedFile } from './followed-file.js'
import { Gazetteer, type GazetteerRow, type GazetteerStats } from './gazetteer.js'

export interface LiveGazetteerOptions {
  /** Told when a replaced file cannot be opened; the previous gazetteer keeps answering. */
  readonly onReopenError?: (err: unknown) => void
  /** Told once names are looked up in a replaced file: entries before and after. */
  readonly onSwitch?: (change: { readonly file: string; readonly from: number; readonly to: number }) => void
  /** Look at the file's inode at most this often (ms); by default on every lookup (see FollowedFile). */
  readonly followEveryMs?: number
}

/**
 * The gazetteer a running server resolves names against. `npm run import:gazetteer` builds a new
 * file and renames it over the live one (gazetteer-rebuild.ts); the next lookup notices the new
 * inode and reopens, so no restart is needed. Opened read-only: the server never writes it.
 */
export class LiveGazetteer {
  readonly #file: FollowedFile<Gazetteer>

  constructor(
    readonly file: string,
    opts: LiveGazetteerOptions = {},
  ) {
    this.#file = new FollowedFile(file, {
      open: f => new Gazetteer(f, { readonly: true }),
      close: g => g.close(),
      followEveryMs: opts.followEveryMs,
      onReopenError: opts.onReopenError,
      onReplaced: (old, next) => {
        if (opts.onSwitch) opts.onSwitch({ file, from: old.stats().entries, to: next.stats().entries })
      },
    })
  }

  get current(): Gazetteer {
    return this.#file.current
  }

  named(key: string): GazetteerRow[] {
    return this.current.named(key)
  }

  namedStartingWith(key: string, limit: number): GazetteerRow[] {
    return this.current.namedStartingWith(key, limit)
  }

  namedContaining(key: string, limit: number): GazetteerRow[] {
    return this.current.namedContaining(key, limit)
  }

  namedContainingBoth(a: string, b: string, limit: number): GazetteerRow[] {
    return this.current.namedContainingBoth(a, b, limit)
  }

  stats(): GazetteerStats {
    return this.current.stats()
  }

  close(): void {
    this.#file.close()
  }
}
