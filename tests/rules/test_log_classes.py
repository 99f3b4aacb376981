"""What each log class supports: documented answers, and ERROR where AWS publishes nothing."""

from __future__ import annotations

import botocore.session

from aiposture.rules.support.log_classes import FEATURES, KNOWN_CLASSES, supports, why_unsupported


def test_the_known_classes_are_the_installed_botocore_enum() -> None:
    model = botocore.session.get_session().get_service_model("logs")
    assert tuple(model.shape_for("LogGroupClass").enum) == KNOWN_CLASSES


def test_standard_supports_everything_and_essentials_nothing_known() -> None:
    assert all(supports("STANDARD", f) is True for f in FEATURES)
    assert all(supports(None, f) is True for f in FEATURES)  # CreateLogGroup's default
    assert all(supports("ESSENTIALS", f) is None for f in FEATURES)
    assert supports("INFREQUENT_ACCESS", "metric filters") is False
    assert supports("INFREQUENT_ACCESS", "Logs Insights QL queries") is True
    assert supports("INFREQUENT_ACCESS", "subscription filters") is None


def test_reasons_say_unknown_and_name_a_class_botocore_does_not_list() -> None:
    essentials = why_unsupported("g", "ESSENTIALS", "metric filters")
    assert "AWS does not document whether that class supports metric filters" in essentials
    future = why_unsupported("g", "ARCHIVE", "metric filters")
    assert supports("ARCHIVE", "metric filters") is None
    assert "not in the installed botocore's LogGroupClass enum" in future
    assert "unknown" in future
