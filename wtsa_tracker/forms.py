"""Form templates through Jinja2 where Django ships them for it, else Django's engine.

Django's own form and widget templates exist for both engines. Through
Jinja2 the actions list's filter form (fourteen fields, some with a checkbox
per Bureau or status) renders several times faster: through Django's
engine it was half of that page's time (issue 13). A template written only
for Django's engine (the admin's widgets, django-filter's) is still found
and rendered by it.
"""

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property


class FormRenderer(BaseRenderer):
    @cached_property
    def jinja2(self) -> Jinja2:
        return Jinja2()

    @cached_property
    def django(self) -> DjangoTemplates:
        return DjangoTemplates()

    def get_template(self, template_name: str):
        try:
            return self.jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self.django.get_template(template_name)
