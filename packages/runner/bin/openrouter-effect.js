#!/usr/bin/env node
// The CLI's bin: picks the bundle for the arguments (dist/dispatch.js, from src/Dispatch.ts) and
// runs it. The bundles are esbuild's output in dist/ (scripts/bundle.js; npm run build in a clone).
import { bundleOf } from "../dist/dispatch.js"

await import(`../dist/${bundleOf(process.argv.slice(2))}/main.js`)
