/**
 * The money-safety record of the billable step: one row per workflow execution that says whether
 * its `POST /videos` is in flight, answered (with the job), or refused.
 *
 * The workflow engine records an activity's result only once the activity has ended, so it cannot
 * tell "the submit never started" from "the process died while the POST was on the wire". The
 * ledger can: the submit activity claims the execution's row (`begin`) before it sends anything,
 * and writes the answer (`answer`) the moment the job id arrives. A replay of the activity then
 * finds the row and:
 *
 * - `answered`: returns the recorded job and sends nothing;
 * - `refused`: fails again with the recorded refusal and sends nothing;
 * - `in-flight` (claimed by an attempt that never wrote an answer): sends nothing and fails with
 *   `SubmitOutcomeUnknown`, for a person or a policy to decide.
 *
 * `begin` is one atomic claim (an insert that keeps an existing row), so two owners of the same
 * execution (a split brain, a stale runner) cannot both send.
 *
 * Implementations: {@link layerMemory} (tests, one process) and {@link layerSql} (any
 * `@effect/sql` client: the SQLite or PostgreSQL database the cluster already uses).
 *
 * @since 0.1.0
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import { VideoJobSchema } from "@openrouter-effect/client/VideoJobStore"
import type { VideoJob } from "@openrouter-effect/client/VideoJobStore"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"

/** What a failed ledger read or write says. @since 0.1.0 @category Errors */
export class LedgerError extends Schema.TaggedError<LedgerError>("@openrouter-effect/workflow/LedgerError")("LedgerError", {
  message: Schema.String
}) {}

/** What is known of a submit when it was claimed. @since 0.1.0 @category Models */
export interface Claim {
  readonly executionId: string
  /** Who claimed it (a random token per attempt). */
  readonly token: string
  readonly model: string
  /** Milliseconds since the epoch. */
  readonly startedAt: number
}

/** The state of an execution's submit. @since 0.1.0 @category Models */
export type Entry =
  | { readonly _tag: "InFlight"; readonly claim: Claim }
  | { readonly _tag: "Answered"; readonly claim: Claim; readonly job: VideoJob }
  | { readonly _tag: "Refused"; readonly claim: Claim; readonly error: { readonly tag: string; readonly message: string } }

/** What {@link Service.begin} answers: `Claimed` (yours: send) or the entry someone left. @since 0.1.0 @category Models */
export type Begin = { readonly _tag: "Claimed" } | Entry

/** @since 0.1.0 @category Models */
export interface Service {
  /** Claims the execution's submit for `claim.token`, or answers the entry already there. */
  readonly begin: (claim: Claim) => Effect.Effect<Begin, LedgerError>
  /** Records the job the submit answered (by the claim's token). */
  readonly answer: (claim: Claim, job: VideoJob) => Effect.Effect<void, LedgerError>
  /** Records that the server refused the submit (nothing billed). */
  readonly refuse: (claim: Claim, error: { readonly tag: string; readonly message: string }) => Effect.Effect<void, LedgerError>
  readonly get: (executionId: string) => Effect.Effect<Entry | undefined, LedgerError>
}

/** @since 0.1.0 @category Context */
export class SubmitLedger extends Context.Tag("@openrouter-effect/workflow/SubmitLedger")<SubmitLedger, Service>() {}

/**
 * A ledger in memory. Share one (build it once, provide it to each engine) to play a restart in a
 * test: the engines forget, the ledger does not.
 *
 * @since 0.1.0 @category Constructors
 */
export const makeMemory: Effect.Effect<Service> = Effect.map(Ref.make(new Map<string, Entry>()), (ref) => {
  const get = (executionId: string) => Effect.map(Ref.get(ref), (entries) => entries.get(executionId))
  const settle = (claim: Claim, entry: Entry) =>
    Ref.update(ref, (entries) => {
      const current = entries.get(claim.executionId)
      if (current === undefined || current._tag !== "InFlight" || current.claim.token !== claim.token) return entries
      return new Map(entries).set(claim.executionId, entry)
    })
  return {
    begin: (claim) =>
      Ref.modify(ref, (entries): [Begin, Map<string, Entry>] => {
        const current = entries.get(claim.executionId)
        if (current !== undefined) return [current, entries]
        return [{ _tag: "Claimed" }, new Map(entries).set(claim.executionId, { _tag: "InFlight", claim })]
      }),
    answer: (claim, job) => settle(claim, { _tag: "Answered", claim, job }),
    refuse: (claim, error) => settle(claim, { _tag: "Refused", claim, error }),
    get
  }
})

/** {@link makeMemory} as a layer (each build starts empty). @since 0.1.0 @category Layers */
export const layerMemory: Layer.Layer<SubmitLedger> = Layer.effect(SubmitLedger, makeMemory)

/** The table {@link layerSql} keeps (created when missing). @since 0.1.0 @category Constants */
export const defaultTable = "openrouter_video_submits"

const decodeJob = Schema.decodeUnknown(Schema.parseJson(VideoJobSchema))
const encodeJob = Schema.encode(Schema.parseJson(VideoJobSchema))
const ErrorJson = Schema.parseJson(Schema.Struct({ tag: Schema.String, message: Schema.String }))

const ledgerError = (what: string) => (error: SqlError | { readonly message: string }) =>
  new LedgerError({ message: `SubmitLedger: ${what}: ${error.message}` })

interface Row {
  readonly execution_id: string
  readonly token: string
  readonly model: string
  readonly started_at: string | number | bigint
  readonly state: string
  readonly answer: string | null
}

/**
 * A ledger in a SQL table of the `SqlClient` in context (SQLite or PostgreSQL; the statements are
 * portable). The table is created when the layer is built.
 *
 * @since 0.1.0 @category Constructors
 */
export const makeSql = (options: { readonly table?: string | undefined } = {}): Effect.Effect<Service, LedgerError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const table = sql(options.table ?? defaultTable)
    yield* sql`CREATE TABLE IF NOT EXISTS ${table} (
      execution_id VARCHAR(255) PRIMARY KEY,
      token VARCHAR(64) NOT NULL,
      model VARCHAR(255) NOT NULL,
      started_at BIGINT NOT NULL,
      state VARCHAR(16) NOT NULL,
      answer TEXT
    )`.pipe(
      // Processes starting together on a fresh PostgreSQL database race on IF NOT EXISTS (one of
      // them fails on the catalog's unique index): the next attempt finds the table.
      Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.intersect(Schedule.recurs(10)))),
      Effect.mapError(ledgerError("create table"))
    )

    const toEntry = (row: Row): Effect.Effect<Entry, LedgerError> => {
      const claim: Claim = { executionId: row.execution_id, token: row.token, model: row.model, startedAt: Number(row.started_at) }
      switch (row.state) {
        case "answered":
          return decodeJob(row.answer ?? "").pipe(
            Effect.map((job): Entry => ({ _tag: "Answered", claim, job })),
            Effect.mapError(ledgerError("a recorded answer does not decode"))
          )
        case "refused":
          return Schema.decodeUnknown(ErrorJson)(row.answer ?? "").pipe(
            Effect.map((error): Entry => ({ _tag: "Refused", claim, error })),
            Effect.mapError(ledgerError("a recorded refusal does not decode"))
          )
        default:
          return Effect.succeed({ _tag: "InFlight", claim })
      }
    }

    const get = (executionId: string) =>
      sql<Row>`SELECT execution_id, token, model, started_at, state, answer FROM ${table} WHERE execution_id = ${executionId}`.pipe(
        Effect.mapError(ledgerError("read")),
        Effect.flatMap((rows) => (rows[0] === undefined ? Effect.succeed(undefined) : toEntry(rows[0])))
      )

    const settle = (claim: Claim, state: "answered" | "refused", answer: string) =>
      sql`UPDATE ${table} SET state = ${state}, answer = ${answer}
          WHERE execution_id = ${claim.executionId} AND token = ${claim.token} AND state = ${"in_flight"}`.pipe(
        Effect.mapError(ledgerError("write")),
        Effect.asVoid
      )

    return {
      begin: (claim) =>
        Effect.gen(function*() {
          yield* sql`INSERT INTO ${table} (execution_id, token, model, started_at, state)
            VALUES (${claim.executionId}, ${claim.token}, ${claim.model}, ${claim.startedAt}, ${"in_flight"})
            ON CONFLICT (execution_id) DO NOTHING`.pipe(Effect.mapError(ledgerError("claim")))
          const entry = yield* get(claim.executionId)
          if (entry === undefined) return yield* Effect.fail(new LedgerError({ message: "SubmitLedger: the claimed row is missing" }))
          return entry._tag === "InFlight" && entry.claim.token === claim.token ? { _tag: "Claimed" as const } : entry
        }),
      answer: (claim, job) =>
        Effect.flatMap(Effect.mapError(encodeJob(job), ledgerError("encode the job")), (text) => settle(claim, "answered", text)),
      refuse: (claim, error) =>
        Effect.flatMap(Effect.mapError(Schema.encode(ErrorJson)(error), ledgerError("encode the refusal")), (text) => settle(claim, "refused", text)),
      get
    }
  })

/** {@link makeSql} as a layer. @since 0.1.0 @category Layers */
export const layerSql = (options: { readonly table?: string | undefined } = {}): Layer.Layer<SubmitLedger, LedgerError, SqlClient.SqlClient> =>
  Layer.effect(SubmitLedger, makeSql(options))
