"use strict";
// The project's Jupyter kernel: tslab, started so that a notebook in notebooks/ can
// `import { ... } from "../lib"`.
//
// tslab type-checks each cell with its own TypeScript and sets `rootDir` to the notebook's
// folder, so any import from outside that folder fails with "is not under 'rootDir'"
// (tslab issue #63). Here the root is widened to the file system root, the emitted cell is
// mapped back to the path tslab expects, and files outside the notebook folder are not
// emitted by tslab at all: Node loads them at run time through tsx's require hook, the same
// way the CLI and the tests load lib/.
const path = require("path");
const Module = require("module");
require("tsx/cjs");
const ts = require("@tslab/typescript-for-tslab");
const overrides = {
  createWatchCompilerHost(rootFiles, options, ...rest) {
    return ts.createWatchCompilerHost(rootFiles, { ...options, rootDir: path.parse(ts.sys.getCurrentDirectory()).root }, ...rest);
  },
  createWatchProgram(host) {
    const cwd = ts.sys.getCurrentDirectory();
    const outDir = "outDir";
    const prefix = path.posix.join(outDir, path.relative(path.parse(cwd).root, cwd).split(path.sep).join("/")) + "/";
    const afterProgramCreate = host.afterProgramCreate;
    host.afterProgramCreate = function (builder) {
      const emit = builder.emit.bind(builder);
      builder.emit = function (sourceFile, writeFile, ...more) {
        const remapped =
          writeFile &&
          function (fileName, data, ...args) {
            // Outside the notebook folder: type-checked, but loaded by tsx at run time.
            if (!fileName.startsWith(prefix)) return;
            return writeFile(outDir + "/" + fileName.slice(prefix.length), data, ...args);
          };
        return emit(sourceFile, remapped, ...more);
      };
      return afterProgramCreate.call(this, builder);
    };
    return ts.createWatchProgram(host);
  },
};
const patched = {};
for (const key of Object.keys(ts)) {
  Object.defineProperty(
    patched,
    key,
    key in overrides ? { enumerable: true, value: overrides[key] } : { enumerable: true, get: () => ts[key] },
  );
}
const require0 = Module.prototype.require;
Module.prototype.require = function (id) {
  return id === "@tslab/typescript-for-tslab" ? patched : require0.apply(this, arguments);
};
const { startKernel } = require("tslab/dist/main");
startKernel({ configPath: process.argv[2], enableFindLocal: false });
