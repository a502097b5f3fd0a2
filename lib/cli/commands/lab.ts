/** `streamlab lab`: opens JupyterLab on notebooks/ with the project's kernel. */
import { openLab } from "../../render/jupyter-server";
import { expectAtMost } from "../args";
import type { Command } from "../command";

/** `streamlab lab`: runs until JupyterLab exits. */
export const labCommand: Command = {
  name: "lab",
  usage: "  streamlab lab                                    open JupyterLab on notebooks/ with the project's kernel",
  options: {},
  run({ positionals }, { out }) {
    expectAtMost("lab", positionals, 0, "no arguments");
    return openLab({ out });
  },
};
