/**
 * The request journal: every request the simulator received, with `Authorization` masked to its
 * scheme and last 4 characters, the body, the validation result, the faults that answered, the
 * status, and whether the client went away before the response ended.
 *
 * @since 0.1.0
 */
import type { IncomingHttpHeaders } from "node:http"

/** One request. @since 0.1.0 @category Models */
export interface Entry {
  readonly id: number
  /** Milliseconds since the epoch when the request arrived. */
  readonly time: number
  readonly method: string
  /** The `Host` the client addressed, as `http://host:port`. */
  readonly origin: string
  readonly path: string
  readonly query: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: unknown
  validation: { readonly ok: boolean; readonly issues?: ReadonlyArray<{ readonly path: string; readonly message: string }> } | undefined
  faults: ReadonlyArray<string>
  status: number | undefined
  /** The client closed the connection before the response was complete. */
  clientDisconnected: boolean
  /** The response was sent completely. */
  completed: boolean
}

/**
 * Masks an `Authorization` value: the scheme and the last 4 characters (`Bearer …wxyz`).
 *
 * @since 0.1.0 @category Masking
 */
export const maskAuthorization = (value: string): string => {
  const [scheme, ...rest] = value.trim().split(/\s+/)
  const token = rest.join(" ")
  if (token === "") return `${scheme ?? ""} …`.trim()
  return `${scheme} …${token.slice(-4)}`
}

const flatten = (headers: IncomingHttpHeaders): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    const text = Array.isArray(value) ? value.join(", ") : value
    out[name] = name === "authorization" ? maskAuthorization(text) : text
  }
  return out
}

/** A filter for {@link Journal.list}. @since 0.1.0 @category Models */
export interface Filter {
  readonly method?: string
  /** A path, or a prefix ending in `*`. */
  readonly path?: string
}

/**
 * The journal of one simulator.
 *
 * @since 0.1.0 @category Models
 */
export class Journal {
  private nextId = 1
  private readonly entries: Array<Entry> = []
  private inFlightCount = 0

  /** Records a request; the server fills in the rest as it answers. */
  record(request: {
    readonly time: number
    readonly method: string
    readonly origin: string
    readonly path: string
    readonly query: string
    readonly headers: IncomingHttpHeaders
    readonly body: unknown
  }): Entry {
    const entry: Entry = {
      id: this.nextId++,
      ...request,
      headers: flatten(request.headers),
      validation: undefined,
      faults: [],
      status: undefined,
      clientDisconnected: false,
      completed: false
    }
    this.entries.push(entry)
    return entry
  }

  started(): void {
    this.inFlightCount++
  }

  finished(): void {
    this.inFlightCount--
  }

  /** Requests whose response has not ended yet. */
  get inFlight(): number {
    return this.inFlightCount
  }

  list(filter: Filter = {}): ReadonlyArray<Entry> {
    return this.entries.filter((entry) => {
      if (filter.method !== undefined && entry.method !== filter.method.toUpperCase()) return false
      if (filter.path !== undefined) {
        return filter.path.endsWith("*") ? entry.path.startsWith(filter.path.slice(0, -1)) : entry.path === filter.path
      }
      return true
    })
  }

  clear(): void {
    this.entries.length = 0
  }
}
