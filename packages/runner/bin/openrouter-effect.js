#!/usr/bin/env node
// The CLI's bin: the esbuild bundle in dist/ (scripts/bundle.js; npm run build makes it in a clone).
import "../dist/main.js"
