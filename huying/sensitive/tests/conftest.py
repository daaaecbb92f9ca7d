from huying.cases.tests.conftest import (  # noqa: F401  (fixtures shared with the cases tests)
    fresh_locators,
    now,
    world,
)
