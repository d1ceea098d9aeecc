// The Effect API: a scoped start that closes with its scope, and the layer.
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import * as Faults from "../src/Faults.js"
import * as Simulator from "../src/Simulator.js"

describe("Simulator (Effect)", () => {
  it.live("start serves while the scope is open and closes with it", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const sim = yield* Simulator.start({ apiKeys: ["sk-or-v1-x"] }).pipe(Scope.extend(scope))
      const open = yield* Effect.promise(() => fetch(`${sim.baseUrl}/models`))
      expect(open.status).toBe(200)
      yield* Scope.close(scope, Exit.void)
      const closed = yield* Effect.promise(() => fetch(`${sim.baseUrl}/models`).then(() => "answered", () => "refused"))
      expect(closed).toBe("refused")
    }))

  it.live("the layer provides a running simulator whose faults and journal are live", () =>
    Effect.gen(function*() {
      const sim = yield* Simulator.Simulator
      sim.faults.add("GET /key", Faults.insufficientCredits())
      const response = yield* Effect.promise(() => fetch(`${sim.baseUrl}/key`, { headers: { authorization: "Bearer sk-or-v1-x" } }))
      expect(response.status).toBe(402)
      expect(sim.journal.list({ path: "/key" })).toHaveLength(1)
    }).pipe(Effect.provide(Simulator.layer({ apiKeys: ["sk-or-v1-x"] }))))

  it.live("a port that is taken is a typed start error", () =>
    Effect.gen(function*() {
      const first = yield* Simulator.start()
      const second = yield* Effect.exit(Simulator.start({ port: first.port }))
      expect(Exit.isFailure(second)).toBe(true)
      if (Exit.isFailure(second)) expect(JSON.stringify(second.cause)).toContain("SimulatorStartError")
    }).pipe(Effect.scoped))
})
