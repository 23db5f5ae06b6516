"""Checks ONNX files with ONNX's own checker (full_check: shape inference too).

Usage: /usr/bin/python3 scripts/check_onnx.py model.onnx [more.onnx ...]
Prints one JSON line per file: {"file", "ok", "error", "opset", "ir_version", "inputs", "outputs"}.
Exit status 0 when every file passes. test/onnx*.test.ts run it on every exported model.
"""
import json
import sys

import onnx


def check(path):
    result = {"file": path, "ok": False, "error": None}
    try:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        result["ok"] = True
        result["opset"] = {o.domain or "ai.onnx": o.version for o in model.opset_import}
        result["ir_version"] = model.ir_version
        result["inputs"] = [i.name for i in model.graph.input]
        result["outputs"] = [o.name for o in model.graph.output]
    except Exception as e:  # the checker's message is the result
        result["error"] = f"{type(e).__name__}: {e}"
    return result


def main(paths):
    results = [check(p) for p in paths]
    for r in results:
        print(json.dumps(r))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
