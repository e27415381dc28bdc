"""The ``qualcode`` command line.

Every command that fails on the user's input prints the message and exits with code 2;
the project is left as it was.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.project import open_project


def _progress_bar(done: int, total: int, name: str) -> None:
    if total < 2:
        return
    width = 30
    filled = int(width * done / total)
    bar = "#" * filled + "-" * (width - filled)
    sys.stderr.write(f"\r[{bar}] {done}/{total} {name[:40]:<40}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def cmd_demo(args: argparse.Namespace) -> int:
    from qualcode.demo import DEMO_FILE, build_demo

    with build_demo(args.dir, fresh=args.fresh, coded=not args.uncoded,
                    progress=_progress_bar) as project:
        info = project.info()
    print(f"Demo project: {Path(args.dir) / DEMO_FILE}")
    print(_info_text(info))
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        print(f"Project ready: {project.url}")
    return 0


def cmd_respondents(args: argparse.Namespace) -> int:
    with open_project(args.project, create=False) as project:
        counts = project.import_respondents(args.csv)
    print(f"Respondents: {counts['added']} added, {counts['updated']} updated.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    with open_project(args.project, create=False) as project:
        results = project.import_files(args.files, respondent=args.respondent,
                                       kind=args.kind, progress=_progress_bar)
    for r in results:
        who = ", ".join(r.respondents) or "no respondent"
        print(f"{r.source}: {r.kind}, {len(r.document_ids)} document(s), "
              f"{r.segments} segments ({who})")
    return 0


def _info_text(info: dict[str, Any]) -> str:
    groups = ", ".join(f"{k} {v}" for k, v in sorted(info["respondents_by_group"].items()))
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(info["documents_by_kind"].items()))
    return "\n".join([
        f"Respondents: {info['respondents']} ({groups or 'none'})",
        f"Documents:   {info['documents']} ({kinds or 'none'})",
        f"Segments:    {info['segments']}",
        f"Codes:       {info['codes']}",
        f"Codings:     {info['codings']}",
    ])


def cmd_info(args: argparse.Namespace) -> int:
    with open_project(args.project, create=False) as project:
        info = project.info()
    if args.json:
        _print_json(info)
    else:
        print(_info_text(info))
    return 0


def cmd_segments(args: argparse.Namespace) -> int:
    with open_project(args.project, create=False) as project:
        frame = project.segments(args.document)
    frame = frame.assign(who=frame["is_interviewer"].map({True: "I", False: "R"}))
    _frame_out(frame.drop(columns="who") if args.json else frame, args,
               ["id", "locator", "who", "text"])
    return 0


def cmd_codebook(args: argparse.Namespace) -> int:
    with open_project(args.project, create=False) as project:
        if args.action == "import":
            counts = project.load_codebook(args.file, reason=args.reason)
            print(f"Codebook: {counts['added']} added, {counts['updated']} updated, "
                  f"{counts['unchanged']} unchanged.")
        elif args.action == "export":
            project.export_codebook(args.file)
            print(f"Codebook written to {args.file}")
        else:
            frame = project.codebook()
            for row in frame.itertuples():
                print(f"{row.id}\t{row.rq or ''}\t{row.name}")
    return 0


def _frame_out(frame: Any, args: argparse.Namespace, columns: list[str] | None = None,
               text: Callable[[], str] | None = None) -> None:
    """Print a table as JSON (--json), write it as CSV (--csv PATH), or print it as text:
    ``text()`` when given, else the chosen columns tab-separated, else the whole table."""
    if getattr(args, "json", False):
        _print_json(frame.astype(object).where(frame.notna(), None).to_dict(orient="records"))
    elif getattr(args, "csv", None):
        from qualcode.export.tables import write_csv

        write_csv(frame, args.csv)
        print(f"{len(frame)} rows written to {args.csv}")
    elif text is not None:
        print(text())
    elif columns is None:
        print(frame.to_string(index=False))
    else:
        for row in frame[columns].itertuples(index=False):
            print("\t".join("" if v is None else str(v) for v in row))


def cmd_code(args: argparse.Namespace) -> int:
    with open_project(args.project, create=False, coder=args.coder) as project:
        if args.undo:
            done = project.undo()
            print(f"Undone: {done}" if done else "Nothing to undo.")
            return 0
        if args.redo:
            done = project.redo()
            print(f"Redone: {done}" if done else "Nothing to redo.")
            return 0
        if not args.segments or not args.codes:
            raise QualcodeError("Give --segments and --codes (or --undo / --redo).")
        segments = _id_list(args.segments)
        ids = project.code(segments, args.codes.split(","), valence=args.valence,
                           flags=[f for f in (args.flags or "").split(",") if f],
                           dimension=args.dimension, memo=args.memo)
    print(f"Coded: coding id(s) {', '.join(map(str, ids))}")
    return 0


def _id_list(text: str) -> list[int]:
    ids: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = part.split("-", 1)
            ids.extend(range(int(lo), int(hi) + 1))
        elif part:
            ids.append(int(part))
    return ids


def cmd_extracts(args: argparse.Namespace) -> int:
    with open_project(args.project, create=False) as project:
        frame = project.extracts(args.query or None, **_extract_filters(args))
    _frame_out(frame, args, ["id", "code_id", "valence", "label", "group", "locator", "text"])
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    with open_project(args.project, create=False) as project:
        frame = project.coverage(include_interviewer=args.interviewer)
        queue = project.uncoded(limit=args.queue) if args.queue else None
    _frame_out(frame, args, ["label", "title", "segments", "coded", "share_coded"])
    if queue is not None and not args.json:
        print("\nTo revisit:")
        for row in queue.itertuples():
            print(f"{row.id}\t{row.locator}\t{row.text}")
    return 0


ANALYSES = ("cooccurrence", "graph", "breakdown", "valence", "chisquare", "matrix", "ranking",
            "triangulation")


def _given(args: argparse.Namespace, names: dict[str, str]) -> dict[str, Any]:
    """Library keyword arguments from the options the user gave (option -> keyword)."""
    return {keyword: getattr(args, option) for option, keyword in names.items()
            if getattr(args, option)}


def _analysis_filters(args: argparse.Namespace) -> dict[str, Any]:
    filters = _given(args, {"group": "group", "filter_valence": "valence", "coder": "coder"})
    if args.no_trial:
        filters["include_trial"] = False
    return filters


def cmd_analyse(args: argparse.Namespace) -> int:
    codes = [c for c in (args.codes or "").split(",") if c]
    filters = _analysis_filters(args)
    with open_project(args.project, create=False) as project:
        if args.what == "cooccurrence":
            frame = project.cooccurrence_matrix(level=args.level, measure=args.measure,
                                                min_count=args.min_count, **filters)
            frame = frame.reset_index().rename(columns={"index": "code_id"})
        elif args.what == "graph":
            from qualcode.themes.cooccurrence import write_graph

            graph = project.cooccurrence_graph(level=args.level, measure=args.measure,
                                               min_count=max(args.min_count, 1), **filters)
            if not args.output:
                raise QualcodeError("Give -o PATH ending in .graphml or .gexf for the graph.")
            write_graph(graph, args.output)
            print(f"Graph with {graph.number_of_nodes()} codes and {graph.number_of_edges()} "
                  f"links written to {args.output}")
            return 0
        elif args.what == "breakdown":
            frame = project.breakdown(by=args.by, valence=args.valence, unit=args.unit,
                                      **filters)
        elif args.what == "valence":
            frame = project.valence_by_group(by=args.by, **filters)
        elif args.what == "chisquare":
            result = project.chi_square(by=args.by, codes=codes or None, **filters)
            if args.json:
                _print_json({"chi2": result.chi2, "dof": result.dof, "p_value": result.p_value,
                             "n": result.n, "warning": result.warning,
                             "observed": result.table.to_dict(),
                             "expected": result.expected.to_dict(),
                             "residuals": result.residuals.to_dict()})
                return 0
            print(f"chi2 = {result.chi2:.3f}, dof = {result.dof}, p = {result.p_value:.4f}, "
                  f"n = {result.n}")
            if result.warning:
                print(f"Warning: {result.warning}")
            frame = result.residuals.reset_index()
        elif args.what == "matrix":
            if not codes:
                raise QualcodeError("Give the issue codes for the matrix: --codes a,b,c")
            frame = project.overview_matrix(codes, **filters)
            frame.columns = [" ".join(str(p) for p in c if str(p)) for c in frame.columns]
            frame = frame.reset_index()
        elif args.what == "ranking":
            frame = project.top_codes(rq=args.rq, valence=args.valence or "-",
                                      by=args.by if args.by != "group" or args.per_group
                                      else None, n=args.n, **filters)
        else:
            frame = project.triangulation_table(by_theme=args.by_theme, **filters)
            frame = frame.reset_index()
    _frame_out(frame, args)
    return 0


def _search_filters(args: argparse.Namespace) -> dict[str, Any]:
    return _given(args, {name: name for name in (
        "groups", "kinds", "respondents", "speakers", "include_interviewer", "in_code",
        "not_in_code", "case_sensitive")})


def cmd_search(args: argparse.Namespace) -> int:
    from qualcode.search.search import format_hits

    with open_project(args.project, create=False) as project:
        if args.saved:
            hits = project.run_saved_search(args.saved)
        else:
            if not args.query:
                raise QualcodeError("Give a query (or --saved NAME).")
            filters = _search_filters(args)
            hits = project.search(args.query, mode=args.mode, context=args.context, **filters)
            if args.save:
                project.save_search(args.save, args.query, mode=args.mode,
                                    overwrite=args.overwrite, **filters)
        _frame_out(hits, args, text=lambda: format_hits(
            hits, project.search_counts(hits), max_rows=None if args.all else 50))
    return 0


def cmd_autocode(args: argparse.Namespace) -> int:
    from qualcode.search.autocode import format_autocode

    with open_project(args.project, create=False, coder=args.coder) as project:
        filters = _search_filters(args)
        if args.preview:
            preview = project.autocode_preview(args.query, args.code, level=args.level,
                                               mode=args.mode, **filters)
            print(format_autocode(preview, preview=True))
            return 0
        result = project.autocode(args.query, args.code, level=args.level, mode=args.mode,
                                  **filters)
    print(format_autocode(result))
    return 0


EXPORT_FORMATS = ("docx", "csv", "xlsx", "qdpx", "qdc")


def _extract_filters(args: argparse.Namespace) -> dict[str, Any]:
    attributes = dict(a.split("=", 1) for a in args.attribute or [])
    return {"include_descendants": not args.no_descendants, "groups": args.group,
            "attributes": attributes or None, "valence": args.valence, "flags": args.flag,
            "dimension": args.dimension, "coder": args.coder, "kinds": args.kind,
            "trial": None if args.trial is None else args.trial == "yes"}


def cmd_export(args: argparse.Namespace) -> int:
    fmt = args.format or Path(args.output).suffix.lstrip(".").lower()
    if fmt not in EXPORT_FORMATS:
        raise QualcodeError(f"Cannot tell the format of {args.output}: give --format, one of "
                            f"{', '.join(EXPORT_FORMATS)}.")
    filters = _extract_filters(args)
    filtered = args.query or any(v not in (None, [], {}, True) for v in filters.values())
    with open_project(args.project, create=False) as project:
        if fmt in ("qdpx", "qdc") and filtered:
            raise QualcodeError(f"A .{fmt} export holds the whole project: leave out the query "
                                "and filters.")
        if fmt == "docx":
            n = project.export_report(args.output, args.query, sort=args.sort,
                                      interviewer=not args.no_interviewer, title=args.title,
                                      by_theme=args.by_theme, **filters)
            print(f"Word report with {n} extract(s) written to {args.output}")
        elif fmt in ("csv", "xlsx"):
            from qualcode.export.tables import write_csv, write_xlsx

            frame = project.extracts(args.query, **filters)
            if fmt == "csv":
                write_csv(frame, args.output)
            else:
                write_xlsx({"Extracts": frame, "Codebook": project.codebook(),
                            "Respondents": project.respondents()}, args.output)
            print(f"{len(frame)} extract(s) written to {args.output}")
        elif fmt == "qdpx":
            counts = project.export_qdpx(args.output)
            print(f"REFI-QDA project written to {args.output}: " +
                  ", ".join(f"{v} {k}" for k, v in counts.items()))
        else:
            project.export_codebook(args.output, "qdc")
            print(f"Codebook written to {args.output}")
    return 0


def cmd_import_qdpx(args: argparse.Namespace) -> int:
    with open_project(args.project) as project:
        counts = project.import_qdpx(args.file, max_total_bytes=int(args.max_mb * 1024 * 1024))
    print(f"Imported {args.file}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


def _accuracy_text(name: str, figures: dict[str, Any]) -> str:
    parts = [f"top-1 {figures['top1']:.2f}", f"top-3 {figures['top3']:.2f}",
             f"macro F1 {figures['macro_f1']:.2f}"]
    if figures.get("valence_accuracy") is not None:
        parts.append(f"valence {figures['valence_accuracy']:.2f}")
    return f"{name:<15} " + ", ".join(parts)


def _print_accuracy(result: dict[str, Any], as_json: bool) -> None:
    keys = ("n", "codes", "codebook_only", "learned")
    if as_json:
        _print_json({k: result[k] for k in keys if k in result})
        return
    print(f"{result['n']} coded extracts, {result['codes']} codes, "
          f"{result.get('folds', '')}-fold cross-validation")
    print(_accuracy_text("codebook only", result["codebook_only"]))
    print(_accuracy_text("learned", result["learned"]))


def cmd_suggest_eval(args: argparse.Namespace) -> int:
    from qualcode.coding.codebook_io import read_codebook
    from qualcode.coding.suggest_eval import evaluate, load_coded_csv

    book = read_codebook(args.codebook)
    texts, codes, valences = load_coded_csv(args.coded, book)
    result = evaluate(book, texts, codes, valences, folds=args.folds, seed=args.seed)
    _print_accuracy(result, args.json)
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    with open_project(args.project, create=False) as project:
        if args.accuracy:
            _print_accuracy(project.suggestion_accuracy(folds=args.folds), args.json)
            return 0
        if args.next:
            frame = project.next_to_code(args.next)
            _frame_out(frame, args, ["id", "locator", "text"])
            return 0
        if not args.segments:
            raise QualcodeError("Give --segments (or --next N, or --accuracy).")
        frame = project.suggestions(_id_list(args.segments), k=args.k)
    if args.json:
        _print_json(frame.to_dict(orient="records"))
    else:
        for row in frame.itertuples():
            print(f"{row.segment_id}\t{row.score:.2f}\t{row.code_id}\t"
                  + "; ".join(row.reasons))
    return 0


def _add_extract_options(p: argparse.ArgumentParser) -> None:
    """The filters of a coding query (extracts, export): read back by _extract_filters."""
    p.add_argument("--no-descendants", action="store_true",
                   help="a code stands for itself only, not the codes under it")
    p.add_argument("--group", action="append")
    p.add_argument("--attribute", action="append",
                   help="name=value, e.g. setting_type=rural primary")
    p.add_argument("--valence", action="append", choices=["+", "-", "0"])
    p.add_argument("--flag", action="append", choices=["in_literature", "surprising", "follow_up"])
    p.add_argument("--dimension", choices=["policy", "process", "practice"])
    p.add_argument("--coder", action="append")
    p.add_argument("--kind", action="append")
    p.add_argument("--trial", choices=["yes", "no"])


def _add_search_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mode", default="lemma", choices=["lemma", "exact", "regex"])
    p.add_argument("--group", dest="groups", action="append")
    p.add_argument("--kind", dest="kinds", action="append")
    p.add_argument("--respondent", dest="respondents", action="append")
    p.add_argument("--speaker", dest="speakers", action="append")
    p.add_argument("--include-interviewer", action="store_true")
    p.add_argument("--in-code", help="only hits inside codings of this code")
    p.add_argument("--not-in-code", help="only hits outside codings of this code")
    p.add_argument("--case-sensitive", action="store_true")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every ``qualcode`` command."""
    parser = argparse.ArgumentParser(prog="qualcode", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="build the demo study project in DIR")
    p.add_argument("dir")
    p.add_argument("--fresh", action="store_true", help="rebuild it from scratch")
    p.add_argument("--uncoded", action="store_true",
                   help="leave out the demo study's hand-coded extracts")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("init", help="create an empty project (file path or database URL)")
    p.add_argument("project")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("respondents", help="add or update respondents from a CSV")
    p.add_argument("project")
    p.add_argument("csv")
    p.set_defaults(func=cmd_respondents)

    p = sub.add_parser("import", help="import transcripts, running records and documents")
    p.add_argument("project")
    p.add_argument("files", nargs="+")
    p.add_argument("--respondent", help="respondent id or label for every file")
    p.add_argument("--kind", choices=["transcript", "running_record", "observation", "document"])
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("info", help="counts of respondents, documents, segments, codes")
    p.add_argument("project")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("segments", help="list segments with their locators")
    p.add_argument("project")
    p.add_argument("--document", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_segments)

    p = sub.add_parser("codebook", help="import, export or list the project's codebook")
    p.add_argument("action", choices=["import", "export", "list"])
    p.add_argument("project")
    p.add_argument("file", nargs="?")
    p.add_argument("--reason")
    p.set_defaults(func=cmd_codebook)

    p = sub.add_parser("code", help="apply codes to segments; undo or redo")
    p.add_argument("project")
    p.add_argument("--segments", help="segment ids: 12 or 12-15 or 12,14")
    p.add_argument("--codes", help="code ids separated by commas")
    p.add_argument("--coder", help="coder name (default: QUALCODE_CODER or 'analyst')")
    p.add_argument("--valence", default="0", choices=["+", "-", "0"])
    p.add_argument("--flags", help="in_literature,surprising,follow_up")
    p.add_argument("--dimension", choices=["policy", "process", "practice"])
    p.add_argument("--memo")
    p.add_argument("--undo", action="store_true")
    p.add_argument("--redo", action="store_true")
    p.set_defaults(func=cmd_code)

    p = sub.add_parser("extracts", help="coded extracts: a code or a query such as 'a AND NOT b'")
    p.add_argument("project")
    p.add_argument("query", nargs="?")
    _add_extract_options(p)
    p.add_argument("--json", action="store_true")
    p.add_argument("--csv", help="write the extracts to this CSV file")
    p.set_defaults(func=cmd_extracts)

    p = sub.add_parser("coverage", help="coded and uncoded respondent segments per document")
    p.add_argument("project")
    p.add_argument("--interviewer", action="store_true", help="count interviewer turns too")
    p.add_argument("--queue", type=int, default=0, help="also list N uncoded segments")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_coverage)

    p = sub.add_parser("analyse", help="co-occurrence, group breakdowns, matrix, rankings")
    p.add_argument("project")
    p.add_argument("what", choices=ANALYSES)
    p.add_argument("--by", default="group", help="respondent attribute (default: group)")
    p.add_argument("--per-group", action="store_true", help="ranking: top codes per group")
    p.add_argument("--valence", choices=["+", "-", "0"], help="count only this mark")
    p.add_argument("--unit", default="codings", choices=["codings", "segments"])
    p.add_argument("--level", default="segment", choices=["segment", "document", "respondent"])
    p.add_argument("--measure", default="count", choices=["count", "jaccard", "c"])
    p.add_argument("--min-count", type=int, default=0)
    p.add_argument("--codes", help="code ids separated by commas (matrix, chisquare)")
    p.add_argument("--rq", help="research question for the ranking, e.g. RQ2")
    p.add_argument("--n", type=int, default=5)
    p.add_argument("--by-theme", action="store_true", help="triangulation per theme")
    p.add_argument("--group", action="append", help="filter: respondent group")
    p.add_argument("--filter-valence", action="append", choices=["+", "-", "0"])
    p.add_argument("--coder", action="append")
    p.add_argument("--no-trial", action="store_true", help="leave out trial interviews")
    p.add_argument("-o", "--output", help="graph file (.graphml or .gexf)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--csv")
    p.set_defaults(func=cmd_analyse)

    p = sub.add_parser("search", help="find words, phrases or patterns, in context")
    p.add_argument("project")
    p.add_argument("query", nargs="?", help="word, phrase, a|b alternatives, or a regex")
    _add_search_options(p)
    p.add_argument("--context", type=int, default=60, help="characters either side")
    p.add_argument("--all", action="store_true", help="print every hit, not the first 50")
    p.add_argument("--save", metavar="NAME", help="save this search under a name")
    p.add_argument("--overwrite", action="store_true")
    p.add_argument("--saved", metavar="NAME", help="run a saved search")
    p.add_argument("--json", action="store_true")
    p.add_argument("--csv")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("autocode", help="code every hit of a search with a code")
    p.add_argument("project")
    p.add_argument("query")
    p.add_argument("code")
    p.add_argument("--level", default="segment", choices=["segment", "turn"])
    p.add_argument("--preview", action="store_true", help="say what would be coded")
    p.add_argument("--coder")
    _add_search_options(p)
    p.set_defaults(func=cmd_autocode)

    p = sub.add_parser("suggest-eval", help="how accurate suggestions are on coded extracts")
    p.add_argument("--codebook", required=True, help="codebook file (.yaml, .csv, .qdc)")
    p.add_argument("--coded", required=True, help="CSV: text, codes (ids separated by ;), "
                                                  "optional valence, respondent, group")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_suggest_eval)

    p = sub.add_parser("suggest", help="suggested codes with reasons, what to code next")
    p.add_argument("project")
    p.add_argument("--segments", help="segment ids: 12 or 12-15 or 12,14")
    p.add_argument("-k", type=int, default=3)
    p.add_argument("--next", type=int, metavar="N", help="the N segments to code next")
    p.add_argument("--accuracy", action="store_true", help="cross-validated accuracy")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_suggest)

    p = sub.add_parser("export", help="Word report, CSV/XLSX tables, REFI-QDA .qdpx or .qdc")
    p.add_argument("project")
    p.add_argument("query", nargs="?", help="codes or a query such as 'a AND NOT b'")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--format", choices=EXPORT_FORMATS, help="default: from the file suffix")
    _add_extract_options(p)
    p.add_argument("--sort", default="document", choices=["document", "group"])
    p.add_argument("--no-interviewer", action="store_true", help="leave out interviewer turns")
    p.add_argument("--by-theme", action="store_true", help="group codes under their themes")
    p.add_argument("--title", default="Coded extracts")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import-qdpx", help="import a REFI-QDA project (creates PROJECT)")
    p.add_argument("file")
    p.add_argument("project")
    p.add_argument("--max-mb", type=float, default=1024, help="largest unpacked size")
    p.set_defaults(func=cmd_import_qdpx)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (2 for a problem with the input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "action", None) in ("import", "export") and not args.file:
        parser.error(f"codebook {args.action} needs a FILE")
    try:
        return int(args.func(args))
    except ValueError as exc:
        print(f"qualcode: {exc}", file=sys.stderr)
        return 2
    except QualcodeError as exc:
        print(f"qualcode: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
