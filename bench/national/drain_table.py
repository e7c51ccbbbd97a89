"""The drain bench's figures: the linear fit, and the lines and rows
bench/bench_national.py prints (bench/national/drain.py measures)."""

from __future__ import annotations

import statistics

NETWORKS = 5_000
GOAL_SECONDS = 20 * 60


def fit(points: list[tuple[int, float]]) -> dict:
    """Least squares seconds = a + b·N; residuals against the line."""
    if len(points) < 2:
        return {}
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in points) / sxx
    a = my - b * mx
    residuals = [(x, y - (a + b * x), (y - (a + b * x)) / (a + b * x)) for x, y in points]
    worst = max(residuals, key=lambda r: abs(r[1]))
    ss_tot = sum((y - my) ** 2 for y in ys)
    return {
        "a_s": round(a, 2),
        "b_s_per_report": round(b, 4),
        "r2": round(1 - sum(r[1] ** 2 for r in residuals) / ss_tot, 4) if ss_tot else 1.0,
        "worst_n": worst[0],
        "worst_residual_s": round(worst[1], 1),
        "worst_residual_pct": round(worst[2] * 100, 1),
        "projected_5000_s": round(a + b * NETWORKS, 0),
    }


# --- what bench/bench_national.py prints --------------------------------------------------
def lines(result: dict) -> list[str]:
    out = [
        "End of semester: committee PDFs requested at once, one worker --concurrency=2",
        f"{'reports':>8} {'drain s':>9} {'PDFs/min':>9} {'queue s':>8} {'CPU s/PDF':>10} "
        f"{'task p50':>9} {'p95':>6} {'done':>6} {'failed':>6} {'PDFs':>6} {'sealed':>6} "
        f"{'once':>5} {'load':>9}",
    ]
    for r in [result.get("warmup"), *result["sizes"]]:
        if not r:
            continue
        c = r["check"]
        out.append(
            f"{r['n']:>8,} {r['seconds'] or 0:>9.1f} {r['pdfs_per_min'] or 0:>9.1f} "
            f"{r['request_seconds']:>8.1f} {r['worker_cpu_s_per_pdf']:>10.2f} "
            f"{c['task_p50_s'] or 0:>9.2f} {c['task_p95_s'] or 0:>6.2f} {c['done']:>6} "
            f"{c['failed']:>6} {c['pdf_files']:>6} {c['sealed_documents']:>6} "
            f"{'yes' if r['exactly_once'] else 'NO':>5} "
            f"{r['load_1m'][0]:>4.1f}→{r['load_1m'][1]:<4.1f}"
            + ("  (warm-up)" if r is result.get("warmup") else "")
            + ("  STALLED" if r["stalled"] else "")
        )
    f = result.get("fit") or {}
    if f:
        verdict = "meets" if f["projected_5000_s"] <= GOAL_SECONDS else "misses"
        out.append(
            f"fit: seconds = {f['a_s']} + {f['b_s_per_report']}·N (r² {f['r2']}); "
            f"largest residual {f['worst_residual_s']:+} s ({f['worst_residual_pct']:+}%) "
            f"at N={f['worst_n']:,}; 5,000 projected {f['projected_5000_s'] / 60:.1f} min "
            f"({verdict} the 20-minute goal)"
        )
    if "cpu_projection_5000_s" in result:
        out.append(
            f"CPU bound: 5,000 × the worker's CPU seconds per PDF / 2 cores = "
            f"{result['cpu_projection_5000_s'] / 60:.1f} min (the 2 cores the worker's alone)"
        )
    stuck = max((r.get("stuck_to_sweep_max", 0) for r in result["sizes"]), default=0)
    out.append(
        f"jobs the beat's sweep would send again as lost (queued > 2 min), largest seen: {stuck:,}"
    )
    out.extend(f"size {note}" for note in result.get("skipped", []))
    m = result.get("memory") or {}
    if m:
        out.append(
            f"worker peak memory: {m.get('tree_pss_mb')} MB PSS for the tree "
            f"({m['processes']} processes; {m['tree_mb']} MB summed RSS), "
            f"largest pool process {m['largest_child_mb']} MB (VmHWM), main {m['main_mb']} MB"
        )
    undone = all(r["undo"]["back_to_baseline"] for r in result["sizes"])
    out.append(
        "undo: jobs, sealed documents and files deleted after each size; counts back at the "
        f"baseline: {'yes' if undone and result['final_undo']['back_to_baseline'] else 'NO'}"
    )
    return out


def rows(result: dict) -> list[dict]:
    out = []
    for r in result["sizes"]:
        c = r["check"]
        out.append(
            {
                "what": f"committee drain, {r['n']:,} reports",
                "figure": r["seconds"],
                "unit": "s",
                "note": f"{r['pdfs_per_min']} PDFs/min; one worker --concurrency=2; "
                f"{c['done']} done, {c['failed']} failed, {c['pdf_files']} PDFs, "
                f"{c['sealed_documents']} sealed; exactly once: {r['exactly_once']}; "
                f"worker CPU {r['worker_cpu_s_per_pdf']} s/PDF; load {r['load_1m']}",
            }
        )
    f = result.get("fit") or {}
    if f:
        out.append(
            {
                "what": "committee drain, 5,000 projected",
                "figure": round(f["projected_5000_s"] / 60, 1),
                "unit": "min",
                "note": f"fit a + b·N = {f['a_s']} s + {f['b_s_per_report']} s·N, r² {f['r2']}; "
                f"largest residual {f['worst_residual_s']:+} s ({f['worst_residual_pct']:+}%) "
                f"at N={f['worst_n']}; goal ≤ 20 min",
            }
        )
    m = result.get("memory") or {}
    if m:
        out.append(
            {
                "what": "Celery worker peak memory",
                "figure": m.get("tree_pss_mb"),
                "unit": "MB",
                "note": f"PSS of the worker's {m['processes']} processes at its peak "
                f"({m['tree_mb']} MB summed RSS, shared pages counted per process); "
                f"largest pool process VmHWM {m['largest_child_mb']} MB",
            }
        )
    return out
