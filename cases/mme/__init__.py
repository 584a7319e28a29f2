"""Matchmaker Exchange (GA4GH MME API v1.0): `POST /mme/match` over the registry's cases.
protocol.py holds the wire format (media type, request parsing), views.py the endpoint."""
