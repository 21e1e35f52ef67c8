"""Query pages: aligned to the step, split under the points limit, values parsed with NaN/±Inf as gaps."""

import pytest

from program.operations.prometheus import (
    MAX_POINTS_PER_QUERY,
    Page,
    PrometheusError,
    align_range,
    parse_matrix,
    render_query,
    split_range,
)


def test_both_ends_go_down_to_a_multiple_of_the_step():
    assert align_range(3_601, 7_300, 3_600) == (3_600, 7_200)
    assert align_range(3_600, 7_200, 3_600) == (3_600, 7_200)


def test_a_range_within_the_limit_is_one_page():
    assert split_range(0, 10_999 * 60, 60) == [Page(0, 10_999 * 60, 60)]
    assert Page(0, 10_999 * 60, 60).points == MAX_POINTS_PER_QUERY


def test_a_longer_range_is_split_without_overlap_or_holes():
    pages = split_range(0, 28 * 86_400, 60)
    assert [page.points for page in pages] == [11_000, 11_000, 11_000, 7_321]
    assert all(page.points <= MAX_POINTS_PER_QUERY for page in pages)
    for before, after in zip(pages, pages[1:], strict=False):
        assert after.start == before.end + 60
    assert pages[0].start == 0 and pages[-1].end == 28 * 86_400


def test_an_empty_range_has_no_pages():
    assert split_range(7_200, 3_600, 3_600) == []


def test_window_placeholder_is_the_step_at_least_five_minutes():
    assert render_query("rate(x[$window])", 3600) == "rate(x[3600s])"
    assert render_query("rate(x[$window])", 60) == "rate(x[300s])"


def test_nan_and_inf_are_gaps_not_zeros():
    body = (
        b'{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"service":"cart"},'
        b'"values":[[60,"0.5"],[120,"NaN"],[180,"+Inf"],[240,"-Inf"],[300,"0"]]}]}}'
    )
    [series] = parse_matrix(body)
    assert series.points == [(60, 0.5), (300, 0.0)]
    assert series.gaps == 3


def test_an_error_answer_raises_with_its_reason():
    with pytest.raises(PrometheusError, match="bad_data: parse error"):
        parse_matrix(b'{"status":"error","errorType":"bad_data","error":"parse error"}')
    with pytest.raises(PrometheusError, match="not JSON"):
        parse_matrix(b"<html>proxy error</html>")
