"""A real OpenID Connect provider for the single sign-on tests (django-oauth-toolkit).

``serve.py`` runs it in its own process on 127.0.0.1 (tests/accounts/sso/conftest.py
starts one per test process); it knows the clients and people of a JSON file, and a
few people whose ID token it spoils on purpose (``mode`` in ``validator.py``).
"""
