/**
 * Where the workspace's files are: the project root, the notebooks, the reports, the project's
 * Jupyter folder (kernel spec) and the Python script that executes notebooks.
 */
import * as path from "path";

/** The project's root folder. */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
/** The notebooks `renderWorkspace` executes by default. */
export const NOTEBOOKS_DIR = path.join(PROJECT_ROOT, "notebooks");
/** Where rendered notebooks and the index go by default. */
export const REPORTS_DIR = path.join(PROJECT_ROOT, "reports");
/** The folder Jupyter finds the "streamlab" kernel in (via `JUPYTER_PATH`). */
export const PROJECT_JUPYTER_DIR = path.join(PROJECT_ROOT, ".jupyter");
/** The Python helper that runs, signs and exports notebooks (see scripts/execute_notebooks.py). */
export const EXECUTE_SCRIPT = path.join(PROJECT_ROOT, "scripts", "execute_notebooks.py");
/** The "streamlab" kernel spec that `node scripts/register-kernel.cjs` writes. */
export const KERNEL_SPEC = path.join(PROJECT_JUPYTER_DIR, "kernels", "streamlab", "kernel.json");
