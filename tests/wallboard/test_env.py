import pytest
from django.core.exceptions import ImproperlyConfigured

from wallboard.env import envdigits


def test_a_country_code_is_read_with_or_without_its_plus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANGO_COUNTRY_CODE", "+994")
    assert envdigits("MANGO_COUNTRY_CODE", "972", max_length=3) == "994"
    monkeypatch.delenv("MANGO_COUNTRY_CODE")
    assert envdigits("MANGO_COUNTRY_CODE", "972", max_length=3) == "972"


@pytest.mark.parametrize("raw", ["", "9720", "7a", "٩٧٢"])
def test_a_country_code_that_is_not_one_to_three_digits_stops_startup_with_its_name(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv("MANGO_COUNTRY_CODE", raw)
    with pytest.raises(ImproperlyConfigured, match="MANGO_COUNTRY_CODE must be 1 to 3 digits"):
        envdigits("MANGO_COUNTRY_CODE", "972", max_length=3)
