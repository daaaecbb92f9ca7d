import os

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

hypothesis_settings.register_profile("ci", max_examples=60, deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.register_profile("dev", max_examples=30, deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def fresh_memo():
    """Each test reads the registry, lists and calendar of its own database: nothing a
    rolled-back test loaded is remembered into the next."""
    from huying.common import memo

    memo.forget_all_here()
    yield
    memo.forget_all_here()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Test users get real passwords; PBKDF2's deliberate slowness only slows the suite."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_routing_model(settings, tmp_path_factory):
    """Tests never read a routing model trained in the development var dir (it would
    classify every report they make); routing's own tests train into a directory of
    their own."""
    settings.MODEL_DIR = tmp_path_factory.getbasetemp() / "no-routing-model"


def _declare_replica() -> None:
    """A `replica` alias mirroring the test database (when DATABASE_REPLICA_URL did not set
    one): pytest-django sets it up only for a test that lists it in `databases`, and reads
    go to it only under the `replica` fixture (huying/common/replica.py)."""
    import copy

    from django.conf import settings
    from django.db import connections

    if "replica" not in settings.DATABASES:
        alias = copy.deepcopy(settings.DATABASES["default"])
        alias["TEST"] = {"MIRROR": "default"}
        settings.DATABASES["replica"] = alias
        if "settings" in connections.__dict__:  # the handler already read DATABASES
            connections.settings["replica"] = copy.deepcopy(alias)


_declare_replica()


@pytest.fixture
def replica(settings):
    """Analytics reads on the `replica` alias (the test database's mirror, a second
    connection: the test must be transactional to let it see the rows). Its failures are
    forgotten before and after."""
    from huying.common import replica as routing

    settings.HUYING_REPLICA_READS = True
    routing.replica_forget_failures()
    yield routing
    routing.replica_forget_failures()
