#!/usr/bin/env node
// The CLI's bin: the esbuild bundle in dist/ (npm run build makes it in a clone; see scripts/bundle.js).
import "../dist/main.js"
