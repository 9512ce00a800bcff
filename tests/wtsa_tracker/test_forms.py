import re

from django.forms.renderers import DjangoTemplates
from django.template.backends.django import Template as DjangoTemplate
from django.template.backends.jinja2 import Template as Jinja2Template
from django.test import RequestFactory

from actions.views.lists import _action_filterset
from wtsa_tracker.forms import FormRenderer


def _words_and_tags(html: str) -> str:
    """The HTML with its whitespace between and inside tags read as a browser reads it."""
    return re.sub(r"\s*(<|>)\s*", r"\1", re.sub(r"\s+", " ", html))


def test_django_s_own_form_templates_go_through_jinja2_and_others_through_django():
    renderer = FormRenderer()

    assert isinstance(renderer.get_template("django/forms/widgets/select.html"), Jinja2Template)
    assert isinstance(renderer.get_template("actions/_field.html"), Jinja2Template)
    # Written for Django's engine only: the admin's and django-filter's.
    for name in (
        "admin/widgets/related_widget_wrapper.html",
        "django_filters/widgets/multiwidget.html",
    ):
        assert isinstance(renderer.get_template(name), DjangoTemplate)


def test_the_filter_form_reads_the_same_through_either_engine(db):
    # Chosen values, errors and every kind of widget the list uses.
    request = RequestFactory().get(
        "/actions/", {"status": ["ongoing", "nonsense"], "owner": "TSB", "q": "gap", "overdue": "x"}
    )

    def rendered(renderer) -> str:
        form = _action_filterset(request).form
        form.renderer = renderer  # before any field is bound: each keeps the renderer it saw
        assert form.errors
        return "".join(str(form[name].as_field_group()) for name in form.fields)

    through_jinja2 = rendered(FormRenderer())
    through_django = rendered(DjangoTemplates())
    assert 'value="ongoing" aria-invalid="true" id="id_status_2" checked' in through_jinja2
    assert through_jinja2 != through_django  # not the same engine twice
    assert _words_and_tags(through_jinja2) == _words_and_tags(through_django)
