"""Execute, sign and export the project's notebooks. Orchestration lives in lib/render/.

  execute_notebooks.py run    --output-dir DIR [--timeout S] [--kernel NAME] [--allow-stderr] NB...
  execute_notebooks.py sign   [--data-dir DIR] NB...
  execute_notebooks.py export --output-dir DIR [--template lab] NB...

Each subcommand prints one JSON summary line on stdout (logs go to stderr) and exits 1 when
any notebook failed. `run` executes each notebook with the kernel "streamlab" in the notebook's
folder and counts error outputs and stderr streams (tslab reports TypeScript compile errors as
stderr). `sign` trusts notebooks with nbformat's NotebookNotary (default: the Jupyter data dir,
so the user's own Jupyter runs their scripts). `export` writes HTML with nbconvert and checks
that every <script> of the text/html outputs is in it.
"""
import argparse
import asyncio
import json
import os
import re
import signal
import sys
import time

import nbformat

EXPORT_SETTINGS = {
    "sanitize_html": False,
    "require_js_url": "https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js",
    "mathjax_url": "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "jquery_url": "https://cdnjs.cloudflare.com/ajax/libs/jquery/2.0.0/jquery.min.js",
}
SCRIPT_RE = re.compile(r"<script\b.*?</script\s*>", re.IGNORECASE | re.DOTALL)


def collect_errors(nb, statuses, allow_stderr):
    """Every failure as {cell, ename, evalue}: error outputs, stderr streams (unless allowed and
    the cell succeeded), and cells the kernel reported as failed or aborted."""
    errors = []
    for index, cell in enumerate(nb.cells):
        status = statuses.get(index, "ok")
        found = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append({"cell": index, "ename": output.get("ename", ""), "evalue": output.get("evalue", "")})
            elif output.get("output_type") == "stream" and output.get("name") == "stderr":
                if not allow_stderr or status == "error":
                    found.append({"cell": index, "ename": "stderr", "evalue": output.get("text", "")})
        if status == "error" and not found:
            found.append({"cell": index, "ename": "error", "evalue": "the kernel reported an error"})
        elif status == "aborted":
            found.append({"cell": index, "ename": "aborted", "evalue": "the kernel did not run this cell"})
        errors.extend(found)
    return errors


def run(args):
    from nbclient import NotebookClient

    os.makedirs(args.output_dir, exist_ok=True)
    results = []
    for path in args.notebooks:
        started = time.monotonic()
        nb = nbformat.read(path, as_version=4)
        statuses = {}
        current = {"cell": None}

        def on_cell_start(cell, cell_index):
            current["cell"] = cell_index

        async def on_cell_executed(cell, cell_index, execute_reply):
            status = (execute_reply or {}).get("content", {}).get("status", "ok")
            statuses[cell_index] = "aborted" if status == "abort" else status
            if status == "error":
                # tslab aborts requests that arrive within 200 ms of a failure; wait so the
                # remaining cells run and every error is reported.
                await asyncio.sleep(0.3)

        client = NotebookClient(
            nb,
            kernel_name=args.kernel,
            timeout=args.timeout,
            startup_timeout=args.startup_timeout,
            allow_errors=True,
            on_cell_start=on_cell_start,
            on_cell_executed=on_cell_executed,
            resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
        )
        failure = None
        try:
            client.execute()
        except Exception as error:  # timeout, dead kernel, kernel not found: recorded, not raised
            failure = {"cell": current["cell"], "ename": type(error).__name__, "evalue": str(error)}
        errors = collect_errors(nb, statuses, args.allow_stderr) + ([failure] if failure else [])
        output = os.path.join(args.output_dir, os.path.basename(path))
        nbformat.write(nb, output)
        results.append({
            "path": path,
            "output": output,
            "seconds": round(time.monotonic() - started, 3),
            "error_count": len(errors),
            "errors": errors,
        })
        print(f"{path}: {len(errors)} error(s)", file=sys.stderr)
    return {"notebooks": results}, any(r["error_count"] for r in results)


def sign(args):
    from nbformat.sign import NotebookNotary

    notary = NotebookNotary(data_dir=args.data_dir) if args.data_dir else NotebookNotary()
    results = []
    for path in args.notebooks:
        # Write first, then sign what is on disk: the signature covers exactly the saved file.
        nbformat.write(nbformat.read(path, as_version=4), path)
        nb = nbformat.read(path, as_version=4)
        notary.sign(nb)
        results.append({"path": path, "trusted": notary.check_signature(nb)})
    summary = {"notebooks": results, "data_dir": notary.data_dir, "db_file": notary.db_file}
    return summary, not all(r["trusted"] for r in results)


def export(args):
    from nbconvert import HTMLExporter

    os.makedirs(args.output_dir, exist_ok=True)
    exporter = HTMLExporter(template_name=args.template)
    # Keep output HTML (and its scripts) as is; load require.js/MathJax from the public CDN
    # rather than this machine's files (Debian's default), so the HTML works when shared.
    for name, value in EXPORT_SETTINGS.items():
        if exporter.has_trait(name):
            setattr(exporter, name, value)
    results = []
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        html, _ = exporter.from_notebook_node(nb)
        scripts = [
            script
            for cell in nb.cells
            for output in cell.get("outputs", [])
            for script in SCRIPT_RE.findall(output.get("data", {}).get("text/html", ""))
        ]
        missing = sum(1 for script in scripts if script not in html)
        output = os.path.join(args.output_dir, os.path.splitext(os.path.basename(path))[0] + ".html")
        with open(output, "w", encoding="utf-8") as file:
            file.write(html)
        results.append({"path": path, "html": output, "scripts": len(scripts), "missing_scripts": missing})
    return {"notebooks": results}, any(r["missing_scripts"] for r in results)


def main(argv):
    # A SIGTERM (the caller's timeout) unwinds normally, so nbclient shuts its kernel down.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("run", help="execute notebooks headless")
    p.add_argument("--output-dir", required=True)
    p.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    p.add_argument("--startup-timeout", type=int, default=60, help="seconds for the kernel to start")
    p.add_argument("--kernel", default="streamlab")
    p.add_argument("--allow-stderr", action="store_true", help="don't count stderr streams as errors")
    p.set_defaults(handler=run)
    p = commands.add_parser("sign", help="mark notebooks trusted")
    p.add_argument("--data-dir", help="notary data dir (default: the Jupyter data dir)")
    p.set_defaults(handler=sign)
    p = commands.add_parser("export", help="export notebooks to HTML")
    p.add_argument("--output-dir", required=True)
    p.add_argument("--template", default="lab")
    p.set_defaults(handler=export)
    for p in commands.choices.values():
        p.add_argument("notebooks", nargs="+")
    args = parser.parse_args(argv)
    summary, failed = args.handler(args)
    print(json.dumps(summary))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
