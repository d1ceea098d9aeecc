/**
 * A function built on its first call. For a Schema's parser above all: `Schema.decodeUnknownEither`
 * and `ParseResult.validateEither` walk the whole AST when they are called, not when the parser
 * first runs, so a module that compiles one at its top level makes every program that imports it
 * pay for it at start-up (issue 22), even when the parser only describes a rare failure.
 */
export const lazily = <Args extends ReadonlyArray<unknown>, R>(make: () => (...args: Args) => R): (...args: Args) => R => {
  let built: ((...args: Args) => R) | undefined
  return (...args) => (built ??= make())(...args)
}
