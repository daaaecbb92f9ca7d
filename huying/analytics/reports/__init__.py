"""The regular reports of a county (日碰头、周研判、月报告).

- `assembly.py`: `report_assemble` reads the figures (rollups), the indicators, the rankings
  (assessment), the overdue clocks (supervision) of one period and its previous one into one
  `Report`: plain data, stored as JSON with each issue.
- `summary.py`: the short 研判 text, sentences made from the report's numbers only.
- `excel.py`, `word.py`: the workbook (one sheet per section) and the document; the page
  (`web/views/reports.py`) renders the same `Report`.
- `services.py`: generating and keeping an issue (`ReportIssue`), the morning schedule.
- `selectors.py`: the issues a county keeps.
"""
