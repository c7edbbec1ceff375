"""The assessment overview served from the dashboard cache: a district reviewer asking
right after the city reviewer (same period, same focus) gets nothing the city reviewer's
cached figures hold, and a committed write is seen at once."""

from __future__ import annotations

from portal import cache
from tests.assessment.test_callbacks import OTHER_DISTRICT, overview, text
from tests.web import login


def test_the_cache_never_hands_one_scope_the_figures_of_another(app, client, city, published):
    engine = app.server.extensions["portal.engine"]
    login(client, "reviewer")
    city_wide = text(overview(client, published, city.city.id))
    assert "梅园街道" in city_wide
    hits = cache.for_engine(engine).hits
    assert text(overview(client, published, city.city.id)) == city_wide
    assert cache.for_engine(engine).hits > hits, "the second city-wide read came from the cache"
    other = app.server.test_client()
    login(other, "reviewer-d1")
    for focus in (city.city.id, city.d1.id):
        answer = text(overview(other, published, focus))
        assert not any(name in answer for name in OTHER_DISTRICT)


def test_a_committed_write_is_seen_by_the_next_read(app, client, session, city, published):
    login(client, "reviewer")
    assert "梅园街道" in text(overview(client, published, city.city.id))
    city.s2.name = "梅园新街道"
    session.commit()  # any write, from any worker or the command line
    assert "梅园新街道" in text(overview(client, published, city.city.id))
