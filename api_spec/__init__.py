"""The OpenAPI 3 document of the service, served at GET /api/openapi.json."""
