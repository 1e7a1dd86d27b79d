"""Rendering with the embedded engine: what pages show, what chunk options hide, failures."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from report_testing import FIXTURES, page_content, run_report_command, visible_text

from statlab.report import ChunkError, read_qmd, render_report


@pytest.fixture(scope="module")
def page(showcase_html: Path) -> str:
    return showcase_html.read_text(encoding="utf-8")


def test_inline_values_are_computed_by_the_kernel(page: str) -> None:
    text = visible_text(page)
    assert "The mean of y is 4.25 and six times seven is 42." in text
    assert "its total is 100." in text
    assert "{python}" not in page_content(page).text  # (code shown with echo: fenced has it)


def test_backend_reaches_the_report_through_statlab_backend(page: str) -> None:
    assert "computed on the python backend" in visible_text(page)


def test_figure_is_an_embedded_png_with_caption_alt_text_and_label(page: str) -> None:
    figure = re.search(r'<figure id="fig-points".*?</figure>', page, re.S)
    assert figure is not None
    assert 'src="data:image/png;base64,' in figure.group(0)
    assert re.search(r'<img [^>]*\salt="Scatter plot of y against x"', figure.group(0))
    assert "Figure 1: The four points and their least-squares line." in visible_text(
        figure.group(0)
    )


def test_page_is_self_contained(page: str) -> None:
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<script" not in page
    assert "<link" not in page


def test_math_is_mathml(page: str) -> None:
    assert page.count("<math") == 2
    assert 'display="block"' in page


def test_table_is_html(page: str) -> None:
    assert '<table border="1" class="dataframe">' in page
    assert "4.25" in re.search(r"<table.*?</table>", page, re.S).group(0)


def output_blocks(html: str) -> str:
    """The text of every chunk output block (stdout, stderr, tracebacks), one per line."""
    blocks = re.findall(r'<pre class="cell-output[^"]*"><code>(.*?)</code></pre>', html, re.S)
    return "\n".join(blocks)


def test_echo_and_include_options_are_honoured(page: str) -> None:
    assert "CODE_THAT_MUST_NOT_SHOW" not in page
    assert "VISIBLE_OUTPUT_OF_HIDDEN_CODE" in output_blocks(page)
    assert "OUTPUT_THAT_INCLUDE_FALSE_HIDES" not in page
    assert "hidden_total" not in page


def test_output_and_warning_options_are_honoured(page: str) -> None:
    outputs = output_blocks(page)
    assert "OUTPUT_THAT_OUTPUT_FALSE_HIDES" in page  # its code is shown...
    assert "OUTPUT_THAT_OUTPUT_FALSE_HIDES" not in outputs  # ...but not its output
    assert "WARNING_THAT_MUST_NOT_SHOW" not in outputs
    # the category and message only, not the kernel's temporary file for the cell
    assert re.search(r"^UserWarning: WARNING_THAT_SHOWS$", outputs, re.M)


def test_asis_output_becomes_markdown(page: str) -> None:
    assert "<strong>first asis item</strong>" in page


def test_eval_false_shows_code_without_running_it(page: str) -> None:
    assert "a chunk with eval: false never runs" in page
    assert "RuntimeError" not in output_blocks(page)


def test_error_true_shows_the_traceback_and_goes_on(page: str) -> None:
    assert "ZeroDivisionError: division by zero" in output_blocks(page)
    assert "its total is 100." in visible_text(page)


def test_index_links_the_rendered_report(showcase_html: Path) -> None:
    index = (showcase_html.parent / "index.html").read_text(encoding="utf-8")
    assert '<a href="showcase.html">Showcase of the embedded engine</a>' in index
    assert "Every chunk option the embedded engine honours" in index


def test_failing_chunk_names_report_and_chunk_and_keeps_the_old_page(tmp_path: Path) -> None:
    old_page = tmp_path / "failing.html"
    old_page.write_text("<html>the page from the last good render</html>", encoding="utf-8")

    result = run_report_command(
        FIXTURES / "failing.qmd", "--out", tmp_path, "--engine", "embedded", "--backend", "python"
    )

    assert result.returncode == 1
    message = result.stderr
    assert "report 'failing'" in message
    assert "'divide' (chunk 2, line 11)" in message
    assert "ZeroDivisionError: division by zero" in message
    assert old_page.read_text(encoding="utf-8") == "<html>the page from the last good render</html>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["failing.html", "index.html"]


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists and has not exited (a zombie has exited)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states in /proc")
def test_kernel_and_its_worker_processes_end_with_the_report(tmp_path: Path) -> None:
    """The kernel is shut down when its report is done, not when statlab exits, so joblib's
    worker processes stop with it; left running, they held statlab's output pipe open and a
    caller reading it (a test, `statlab report | tee`) waited for ever."""
    report = tmp_path / "workers.qmd"
    report.write_text(
        "```{python}\nimport os, time\nfrom joblib import Parallel, delayed\n"
        "def pid(_):\n    time.sleep(0.2)\n    return os.getpid()\n"
        "pids = sorted(set(Parallel(n_jobs=2)(delayed(pid)(i) for i in range(8))))\n```\n\n"
        "Kernel `{python} os.getpid()`, workers `{python} ' '.join(map(str, pids))`.\n"
    )

    page = render_report(read_qmd(report), tmp_path).path.read_text(encoding="utf-8")

    found = re.search(r"Kernel (\d+), workers ([\d ]+)\.", visible_text(page))
    assert found is not None
    kernel, workers = int(found[1]), [int(pid) for pid in found[2].split()]
    assert workers and kernel not in workers
    assert not any(_running(pid) for pid in [kernel, *workers])


def test_failing_inline_expression_is_named(tmp_path: Path) -> None:
    report = tmp_path / "inline.qmd"
    report.write_text("---\ntitle: Inline\n---\n\nValue: `{python} undefined_name + 1`.\n")

    with pytest.raises(ChunkError) as raised:
        render_report(read_qmd(report), tmp_path)

    message = str(raised.value)
    assert "report 'inline'" in message
    assert "`{python} undefined_name + 1`" in message
    assert "NameError" in message
    assert not (tmp_path / "inline.html").exists()


def test_error_while_drawing_a_figure_is_named(tmp_path: Path) -> None:
    report = tmp_path / "bad_plot.qmd"
    report.write_text(
        "```{python}\n#| label: broken-plot\nimport pandas as pd, plotnine as p9\n"
        'p9.ggplot(pd.DataFrame({"a": [1]}), p9.aes("a +", "a")) + p9.geom_point()\n```\n'
    )

    with pytest.raises(ChunkError) as raised:
        render_report(read_qmd(report), tmp_path)

    message = str(raised.value)
    assert "report 'bad_plot'" in message
    assert "'broken-plot' (chunk 1, line 1)" in message
    assert "PlotnineError" in message


@pytest.mark.skipif(
    shutil.which("quarto") is None,
    reason="the Quarto CLI is not installed here (it cannot be on these machines); "
    "the quarto engine is exercised only where it exists",
)
def test_quarto_engine_renders_the_showcase(tmp_path: Path) -> None:
    result = run_report_command(
        FIXTURES / "showcase.qmd", "--out", tmp_path, "--engine", "quarto", "--backend", "python"
    )
    assert result.returncode == 0, result.stderr
    assert "six times seven is 42" in visible_text((tmp_path / "showcase.html").read_text())


@pytest.mark.slow
def test_a_shipped_report_renders_where_r_is_absent(tmp_path: Path) -> None:
    hidden = tmp_path / "no-rpy2"
    (hidden / "rpy2").mkdir(parents=True)
    (hidden / "rpy2" / "__init__.py").write_text('raise ImportError("rpy2 hidden by the test")\n')
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hidden), *sys.path])}

    result = run_report_command("ozone_lasso", "--out", tmp_path, env=environment)

    assert result.returncode == 0, result.stderr
    assert "on the python backend" in result.stderr
    text = visible_text((tmp_path / "ozone_lasso.html").read_text(encoding="utf-8"))
    assert "computed with the python backend of statlab" in text
    assert "is not usable on this machine, so only the Python backend ran" in text


def test_quarto_cell_options_are_implemented(page: str) -> None:
    summary = re.search(r'<figure class="table" id="tbl-summary">.*?</figure>', page, re.S)
    assert summary is not None
    caption = re.search(r"<figcaption>(.*?)</figcaption>", summary.group(0), re.S)
    assert caption is not None
    assert visible_text(caption.group(1)) == "Table 1: Mean and standard deviation of x and y."
    folded = re.search(
        r"<details>\s*<summary>\s*Show the summary code\s*</summary>(.*?)</details>", page, re.S
    )
    assert folded is not None and "agg" in folded.group(1)
    small = re.search(r'<figure id="fig-small".*?</figure>', page, re.S)
    assert small is not None
    assert 'style="width:3in;height:2in"' in small.group(0)
    assert "Figure 2: The points again, drawn small." in visible_text(small.group(0))
    fenced = visible_text(page)
    assert "```{python} #| label: fig-small" in fenced
    assert "#| echo: fenced" not in fenced


def test_quarto_only_options_are_ignored_with_a_note(tmp_path: Path) -> None:
    report = tmp_path / "aligned.qmd"
    report.write_text(
        "```{python}\n#| label: two\n#| fig-align: center\n#| cache: true\n1 + 1\n```\n"
    )

    result = run_report_command(report, "--out", tmp_path, "--engine", "embedded")

    assert result.returncode == 0, result.stderr
    assert (
        "note: aligned: 'two' (chunk 1, line 1): the embedded engine ignores the Quarto option(s) "
        "fig-align, cache" in result.stderr
    )
    assert "2" in visible_text((tmp_path / "aligned.html").read_text())


def test_description_is_in_the_title_block(page: str) -> None:
    header = re.search(r'<header id="title-block-header">.*?</header>', page, re.S)
    assert header is not None
    assert "Every chunk option the embedded engine honours" in header.group(0)
    assert '<div class="description">' in header.group(0)


@pytest.mark.parametrize("engine", ["embedded", "quarto"])
def test_header_toc_code_fold_and_css_reach_the_page(tmp_path: Path, engine: str) -> None:
    if engine == "quarto":
        from report_testing import require_quarto

        require_quarto()
    source = tmp_path / "source"
    source.mkdir()
    (source / "style.css").write_text("figure img { outline: 7px dotted rgb(1, 2, 3); }\n")
    (source / "folded.qmd").write_text(
        "---\ntitle: Folded\nformat:\n  html:\n    toc: true\n    code-fold: true\n"
        "    css: style.css\n---\n\n## First\n\n```{python}\nprint(6 * 7)\n```\n\n## Second\n"
    )
    result = run_report_command(
        source / "folded.qmd", "--out", tmp_path, "--engine", engine, "--backend", "python"
    )
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "folded.html").read_text(encoding="utf-8")
    toc = re.search(r'<nav id="TOC".*?</nav>', html, re.S)
    assert toc and "Table of contents" in toc[0] and 'href="#second"' in toc[0]
    assert re.search(r"<details[^>]*>\s*<summary>\s*Code\s*</summary>", html)
    assert "7px dotted rgb(1, 2, 3)" in unquote(html)  # Quarto embeds CSS as a data: URL


def test_outside_report_named_like_a_shipped_one_takes_its_index_entry(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    (source / "trees_partition.qmd").write_text("---\ntitle: My own partition\n---\n\nHello.\n")
    out = tmp_path / "out"
    result = run_report_command(
        source / "trees_partition.qmd", "--out", out, "--engine", "embedded", "--backend", "python"
    )
    assert result.returncode == 0, result.stderr
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("trees_partition") == 1
    assert '<a href="trees_partition.html">My own partition</a>' in index
    assert "Trees and partitions" not in index


def test_each_kernel_gets_its_share_of_the_cores_for_blas(tmp_path: Path) -> None:
    """Two reports at once: each kernel's BLAS gets half the cores, and a user's setting stays."""
    for name in ("first", "second"):
        (tmp_path / f"{name}.qmd").write_text(
            "Threads: `{python} __import__('os').environ.get('OPENBLAS_NUM_THREADS')`, "
            "`{python} __import__('os').environ.get('MKL_NUM_THREADS')`.\n"
        )
    environment = {key: value for key, value in os.environ.items() if "NUM_THREADS" not in key}
    environment["MKL_NUM_THREADS"] = "3"

    result = run_report_command(
        tmp_path / "first.qmd",
        tmp_path / "second.qmd",
        "--out",
        tmp_path / "out",
        "--engine",
        "embedded",
        "--backend",
        "python",
        "--n-jobs",
        "2",
        env=environment,
    )

    assert result.returncode == 0, result.stderr
    share = max(1, (os.cpu_count() or 1) // 2)
    for name in ("first", "second"):
        text = visible_text((tmp_path / "out" / f"{name}.html").read_text(encoding="utf-8"))
        assert f"Threads: {share}, 3." in text
