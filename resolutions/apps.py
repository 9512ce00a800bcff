from django.apps import AppConfig
from django.conf import settings
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _

from .parsing import DocxLimits, set_default_limits

# The settings that give the caps on an imported Word file.
DOCX_LIMIT_SETTINGS = frozenset(
    {
        "IMPORT_DOCX_MAX_UNCOMPRESSED_MB",
        "IMPORT_DOCX_MAX_MEMBERS",
        "IMPORT_DOCX_MAX_RATIO",
        "IMPORT_DOCX_MAX_TEXT_MB",
    }
)


def docx_limits_from_settings() -> DocxLimits:
    """The caps on an imported Word file, as the settings give them."""
    return DocxLimits(
        max_uncompressed_bytes=settings.IMPORT_DOCX_MAX_UNCOMPRESSED_MB * 1024 * 1024,
        max_members=settings.IMPORT_DOCX_MAX_MEMBERS,
        max_ratio=settings.IMPORT_DOCX_MAX_RATIO,
        max_text_bytes=settings.IMPORT_DOCX_MAX_TEXT_MB * 1024 * 1024,
    )


def _apply_docx_limits(*, setting: str, **_kwargs: object) -> None:
    if setting in DOCX_LIMIT_SETTINGS:
        set_default_limits(docx_limits_from_settings())


class ResolutionsConfig(AppConfig):
    """Assemblies, resolutions and clauses, and the reading of resolution texts."""

    name = "resolutions"
    verbose_name = _("Resolutions")

    def ready(self) -> None:
        from wtsa_tracker import lookups  # noqa: F401 (registers the project's lookups)

        # The parser is free of Django: every import path (command, admin, task)
        # calls it without limits, so the settings are installed as its default.
        set_default_limits(docx_limits_from_settings())
        setting_changed.connect(_apply_docx_limits, dispatch_uid="resolutions-docx-limits")
