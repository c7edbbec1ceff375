"""Assessment (考核): indicator schemes, periods, scores, supervision items, the scoring
engine, published results, early warnings and the governance dashboards."""
