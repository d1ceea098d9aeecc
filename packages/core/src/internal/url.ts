/**
 * The WHATWG URL parser, typed without pulling DOM or Node types into core (it is a global in
 * every runtime core supports).
 *
 * @internal
 */
interface WhatwgUrl {
  readonly hostname: string
  readonly protocol: string
  readonly host: string
  readonly port: string
  readonly origin: string
  readonly username: string
  readonly password: string
}

declare const URL: new(input: string) => WhatwgUrl

/** `new URL(input)`, or `undefined` when it does not parse. @internal */
export const tryUrl = (input: string): WhatwgUrl | undefined => {
  try {
    return new URL(input)
  } catch {
    return undefined
  }
}
