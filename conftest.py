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
