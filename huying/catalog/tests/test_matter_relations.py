"""Related matter types (相关事项): seeded, symmetric, edited in the admin."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from huying.catalog.models import MatterRelation
from huying.catalog.relations import RELATION_SEED, matter_relations_seed
from huying.catalog.selectors import matter_relations


@pytest.fixture
def seeded(db):
    matter_relations_seed(relation_model=MatterRelation)


def test_the_seed_names_pairs_of_the_bundled_catalogue_once(seeded):
    from huying.catalog.reference import REFERENCE_PATH

    codes = {m["code"] for m in json.loads(REFERENCE_PATH.read_text("utf-8"))["matter_types"]}
    pairs = [frozenset((a, b)) for a, b, _ in RELATION_SEED]
    assert len(pairs) == len(set(pairs)) >= 30
    assert all(len(p) == 2 and p <= codes for p in pairs)
    assert frozenset({"M044", "M045"}) in matter_relations()
    assert MatterRelation.objects.count() == len(pairs)
    assert matter_relations_seed(relation_model=MatterRelation) == 0


def test_a_pair_is_stored_once_whatever_its_order(seeded, loaded):
    relation = MatterRelation(code_a="M045", code_b="M044")
    with pytest.raises(ValidationError) as refused:
        relation.full_clean()  # B ↔ A is A ↔ B, which exists
    assert list(refused.value.message_dict) == ["__all__"]
    MatterRelation.objects.filter(code_a="M044", code_b="M045").delete()
    relation.full_clean()
    relation.save()
    assert (relation.code_a, relation.code_b) == ("M044", "M045")


def test_unknown_codes_and_self_relations_are_refused(loaded):
    with pytest.raises(ValidationError, match="M999"):
        MatterRelation(code_a="M001", code_b="M999").full_clean()
    with pytest.raises(ValidationError):
        MatterRelation(code_a="M001", code_b="M001").full_clean()


def test_the_admin_lists_and_adds_relations_with_the_matter_names(loaded, admin_user):
    client = Client()
    client.force_login(admin_user)
    page = client.get("/admin/catalog/matterrelation/")
    assert page.status_code == 200
    response = client.post("/admin/catalog/matterrelation/add/",
                           {"code_a": "M073", "code_b": "M005", "note": "油烟和噪声同一家店"})
    assert response.status_code == 302
    assert MatterRelation.objects.filter(code_a="M005", code_b="M073").exists()
    page = client.get("/admin/catalog/matterrelation/")
    assert "餐饮油烟扰民" in page.content.decode()
