"""`make docs`: every figure README.md quotes, written by the tools that compute it.

README.md marks each generated region with a pair of lines:

    <!-- make docs: NAME -->
    ...what tools/docs/regions.py writes for NAME...
    <!-- /make docs -->

`python -m tools.docs` rewrites every region from the offline graphs of dev, prod and dev with its
night schedule, their cost estimates and the policy gate; `--check` writes nothing and exits 1
naming the regions that differ (tests/docs/test_docs.py does the same in `make test`). A region
holds whole paragraphs, list items or tables: a comment line inside a paragraph would split it.
Measured figures (timings, mutation scores) stay prose: no tool reproduces them on demand.
"""
