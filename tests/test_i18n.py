"""Every visible string has a Chinese translation with the same placeholders."""

import pytest

from portal.i18n import LabeledEnum, gettext, use_lang
from portal.i18n_tools import problems
from portal.plugins import PACKAGES


@pytest.mark.parametrize("package", PACKAGES)
def test_every_string_of_the_package_is_translated(package):
    assert problems(package) == []


def test_labels_follow_the_language_and_parse_in_both():
    from portal.enums import UnitLevel

    with use_lang("zh"):
        assert UnitLevel.STREET.label == "街道乡镇"
    with use_lang("en"):
        assert UnitLevel.STREET.label == "Street/Township"
    assert UnitLevel.parse("街道乡镇") is UnitLevel.STREET
    assert UnitLevel.parse("street") is UnitLevel.STREET
    with pytest.raises(ValueError):
        UnitLevel.parse("province")


def test_placeholders_are_filled_in_either_language():
    with use_lang("zh"):
        assert gettext("Welcome, %(name)s", name="王芳") == "欢迎，王芳"
    with use_lang("en"):
        assert gettext("Welcome, %(name)s", name="Wang") == "Welcome, Wang"


def test_enums_are_labeled():
    from portal.enums import Rank, Role, UnitKind, UnitLevel

    for enum in (Rank, Role, UnitKind, UnitLevel):
        assert issubclass(enum, LabeledEnum)


def test_each_package_reads_its_own_translation_first(monkeypatch):
    """The same English word may be translated differently in two packages."""
    from portal import i18n

    catalogues = {"portal": {"Period": "期间"}, "cadres": {"Period": "任职时间"},
                  "assessment": {}, "accountability": {}}
    monkeypatch.setattr(i18n, "_catalog", lambda package: catalogues.get(package, {}))
    assert i18n.translate("Period", "zh", "cadres") == "任职时间"
    assert i18n.translate("Period", "zh", "assessment") == "期间"  # falls back to the platform's
    with use_lang("zh"):
        assert i18n.gettext_for("cadres.pages.registry", "Period") == "任职时间"
        assert i18n.gettext("Period") == "期间"  # called from tests: not a package, platform first
