from huying.cases.tests.conftest import (  # noqa: F401  (fixtures shared with the cases tests)
    api_as,
    fresh_locators,
    now,
    world,
)
