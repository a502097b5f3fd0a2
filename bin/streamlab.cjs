#!/usr/bin/env node
"use strict";
// The `streamlab` command: loads the TypeScript CLI through tsx's require hook.
require("tsx/cjs");
require("../lib/cli/main")
  .main(process.argv.slice(2))
  .then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`streamlab: ${error && error.message ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
