"use strict";
// Registers the project's own Jupyter kernel ("streamlab": tslab + this project's lib/) in
// .jupyter/kernels/streamlab/kernel.json. Jupyter finds it when JUPYTER_PATH includes
// .jupyter, which `npm start`, `npm run lab` and the tests set. Nothing outside the project
// is touched. Runs on `npm install` (postinstall); safe to run again.
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");

const projectRoot = path.resolve(__dirname, "..");
const kernelDir = path.join(projectRoot, ".jupyter", "kernels", "streamlab");
const kernelSpec = {
  argv: [process.execPath, path.join(projectRoot, "scripts", "tslab-kernel.cjs"), "{connection_file}"],
  display_name: "TypeScript (streamlab)",
  language: "typescript",
  metadata: { streamlab: { projectRoot } },
};
fs.mkdirSync(kernelDir, { recursive: true });
fs.writeFileSync(path.join(kernelDir, "kernel.json"), JSON.stringify(kernelSpec, null, 2) + "\n");
console.log(`streamlab: registered the Jupyter kernel "streamlab" in ${path.relative(process.cwd(), kernelDir) || "."}`);

function hasJupyter() {
  for (const python of ["/usr/bin/python3", "python3"]) {
    try {
      execFileSync(python, ["-c", "import nbclient, nbformat"], { stdio: "ignore" });
      return true;
    } catch {
      // try the next one
    }
  }
  return false;
}
if (!hasJupyter()) {
  console.log(
    "streamlab: Python Jupyter was not found. To run and render notebooks install it: " +
      "`pip install jupyterlab nbclient nbconvert` or, on Debian/Ubuntu, " +
      "`sudo apt-get install jupyter-nbconvert python3-nbclient jupyter-notebook`.",
  );
}
