// The property-testing example of packages/core/README.md, verbatim, imported the way a user imports it.
import { expect, it } from "@effect/vitest"
import { PayloadTransformers } from "@openrouter-effect/core"
import * as Testing from "@openrouter-effect/core/testing"
import { Either } from "effect"

it.prop("a proxy never sees our attribution", [Testing.context, Testing.request], ([context, request]) => {
  const { headers } = Either.getOrThrow(PayloadTransformers.shape(context, request))
  if (!context.route.hostVerified) expect(headers["HTTP-Referer"]).toBeUndefined()
})
