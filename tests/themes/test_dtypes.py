"""Every analysis gives the same answer on nullable / Arrow-backed column types."""

from __future__ import annotations

import pandas as pd
import pytest

from qualcode.themes.cooccurrence import cooccurrence_graph, cooccurrence_matrix
from qualcode.themes.frame import filter_codings
from qualcode.themes.groups import breakdown, chi_square, valence_by_group
from qualcode.themes.matrix import overview_matrix
from qualcode.themes.ranking import top_codes
from qualcode.themes.triangulation import triangulation_table
from tests.themes.helpers import codings_frame, respondents_frame

ROWS = [
    (10, 0, 10, "funding", "-", "ana", ["in_literature"]),
    (10, 5, 15, "staffing", "-"),
    (20, 0, 10, "funding", "+"),
    (20, 0, 10, "training", "+"),
    (30, 0, 10, "training", "0"),
    (30, 5, 20, "funding", "-"),
    (40, 0, 10, "staffing", "-"),
    (50, 0, 10, "funding", "+"),
    (90, 0, 10, "funding", "-"),
]


def variants() -> list[pd.DataFrame]:
    plain = codings_frame(ROWS)
    nullable = plain.convert_dtypes()
    nullable["trial"] = nullable["trial"].astype("boolean")
    nullable.loc[nullable["document_id"] == 90, "trial"] = pd.NA  # unknown trial status
    arrow = plain.drop(columns=["flags"]).convert_dtypes(dtype_backend="pyarrow")
    arrow["flags"] = plain["flags"]
    return [plain, nullable, arrow]


@pytest.mark.parametrize("index", [1, 2])
def test_results_do_not_depend_on_column_types(index: int) -> None:
    plain, other = variants()[0], variants()[index]
    for level in ("segment", "document", "respondent"):
        pd.testing.assert_frame_equal(
            cooccurrence_matrix(other, level=level), cooccurrence_matrix(plain, level=level),
            check_dtype=False, check_index_type=False, check_column_type=False)
    assert len(filter_codings(other, include_trial=False)) == 8
    assert len(filter_codings(other, attribute="setting_type", value="rural primary")) == 4
    assert sorted(cooccurrence_graph(other).edges) == sorted(cooccurrence_graph(plain).edges)
    for function in (breakdown, valence_by_group, triangulation_table, top_codes):
        got, expected = function(other), function(plain)  # type: ignore[operator]
        assert got.astype(str).values.tolist() == expected.astype(str).values.tolist()
    assert chi_square(other).chi2 == pytest.approx(chi_square(plain).chi2)
    got = overview_matrix(other, ["funding", "training"], respondents=respondents_frame())
    expected = overview_matrix(plain, ["funding", "training"], respondents=respondents_frame())
    assert got.index.tolist() == expected.index.tolist()
    assert got["group"].tolist() == expected["group"].tolist()
    assert got.iloc[:, 2:].to_numpy().tolist() == expected.iloc[:, 2:].to_numpy().tolist()
