"""Every scoped model is in an access matrix, on both axes: a new model without one fails here.

The matrices live in the apps' test modules; this test imports every module under ``yiyang/*/tests``
that builds one, so it holds whichever part of the suite runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import yiyang
from yiyang.core import testing
from yiyang.core.scoping import declaration, scoped_models

#: Scoped models whose rules are not a path or an organisation, with the tests that hold them instead.
TESTED_ELSEWHERE = {
    # An account is visible when *every* one of its areas is (accounts.models.UserQuerySet).
    "accounts.user": "yiyang/accounts/tests/test_admin_pages.py",
}


def _load_matrices() -> list[testing.AccessMatrix]:
    return testing.load_matrices()


def test_every_scoped_model_is_in_an_access_matrix() -> None:
    matrices = _load_matrices()
    covered = {model for matrix in matrices for model in matrix.covers_models()}
    missing = sorted(
        m._meta.label_lower
        for m in scoped_models()
        if m not in covered and m._meta.label_lower not in TESTED_ELSEWHERE
    )
    assert not missing, f"scoped models in no AccessMatrix (add one in <app>/tests/test_access.py): {missing}"


def test_organisation_bound_models_are_tested_on_that_axis() -> None:
    matrices = _load_matrices()
    with_organisations = {
        model for m in matrices if m.organisation is not None for model in m.covers_models()
    }
    missing = sorted(
        m._meta.label_lower
        for m in scoped_models()
        if hasattr(m, "scope_path")
        and declaration(m).organisation is not None
        and m not in with_organisations
    )
    assert not missing, f"organisation-bound models whose matrix has no organisation= factory: {missing}"


@pytest.mark.parametrize("label", sorted(TESTED_ELSEWHERE))
def test_the_exceptions_are_still_scoped_and_tested(label: str) -> None:
    assert label in {m._meta.label_lower for m in scoped_models()}
    assert (Path(yiyang.__file__).parent.parent / TESTED_ELSEWHERE[label]).exists()
