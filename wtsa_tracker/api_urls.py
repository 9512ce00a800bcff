"""The REST API under /api/: the resources of both apps, the schema and its docs."""

urlpatterns: list = []
