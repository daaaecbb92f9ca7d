"""Every case action, declared once (`base.Action`; the declarations are in `case.py`,
`assignment.py` and `rally.py`, loaded by `CasesConfig.ready()` in the order the page offers
them). `run.py` performs an action and says which ones a user may take now; `routes.py`
derives the JSON routes; `web/actions.py` derives the page's forms."""
