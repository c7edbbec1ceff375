"""A callback the server answers with an error (400: the page is out of date or its CSRF token
expired, as tests/portal/test_auth.py::test_callback_without_csrf_header_is_refused shows;
403: not allowed; 500: the server failed) shows a message in plain words: the shell carries
the texts in the user's language for assets/20-session.js (the browser side is
tests/browser/test_callback_failure.py)."""

from __future__ import annotations

import json

from portal.i18n import use_lang
from portal.shell import callback_failure_texts
from tests import factories
from tests.web import login, login_token

STATUSES = ("data-failed-400", "data-failed-403", "data-failed-500")


def test_the_texts_are_plain_words_in_chinese_and_english():
    english = callback_failure_texts()
    with use_lang("zh"):
        chinese = callback_failure_texts()
    assert set(STATUSES) <= set(english) == set(chinese)
    assert "Reload the page" in english["data-failed-403"]
    assert chinese["data-failed-403"].startswith("您无权")
    assert "刷新页面" in chinese["data-failed-400"]
    assert all(chinese[key] != english[key] for key in english)


def test_every_page_carries_the_texts_in_the_users_language(client, session):
    factories.city(session)
    login(client, "reviewer")
    layout = json.dumps(client.get("/_dash-layout").get_json(), ensure_ascii=False)
    assert all(f'"{key}": "{text}"' in layout for key, text in callback_failure_texts().items())
    client.post("/lang", data={"lang": "zh", "next": "/", "csrf_token": login_token(client)})
    layout = json.dumps(client.get("/_dash-layout").get_json(), ensure_ascii=False)
    assert "页面已过期，本次修改没有提交" in layout

