#!/usr/bin/env node
// The simulator's bin: the compiled entry point in dist/ (npm run build makes it in a clone).
import "../dist/bin.js"
