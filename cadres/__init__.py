"""Cadres (干部): the registry pages, training standards, courses, plans, records and claims,
appraisal grades, and "my training" for each cadre.

The registry record itself (``portal.models.Cadre``) is platform master data; this package
adds what the organization department does with it. Public functions other packages may
call live in ``cadres.service``.
"""
