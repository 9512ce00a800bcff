"""Form parts shared by the apps: the renderer, and a person given by username.

Form templates go through Jinja2 where Django ships them for it, else
Django's engine.

Django's own form and widget templates exist for both engines. Through
Jinja2 the actions list's filter form (fourteen fields, some with a checkbox
per Bureau or status) renders several times faster: through Django's
engine it was half of that page's time (issue 13). A template written only
for Django's engine (the admin's widgets, django-filter's) is still found
and rendered by it.
"""

from django import forms
from django.db.models import Q
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


class PersonChoiceField(forms.ModelChoiceField):
    """A person of the field's queryset, given by username (or e-mail address).

    The username as typed first; then, in any case, a username (or, with
    ``by_email``, an e-mail address) that only one of them has. Colleagues
    know each other's addresses rather than their usernames; a field open to
    every signed-in person must not tell whose an address is, so e-mail
    addresses are only for fields whose choices the user may already see.
    """

    def __init__(self, *args, by_email: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_email = by_email

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        person = None
        # No account has a name longer than an e-mail address may be (254).
        if text and "\x00" not in text and len(text) <= 254:
            person = self.queryset.filter(username=text).first()
            if person is None:
                lookup = Q(username__iexact=text)
                if self.by_email:
                    lookup |= Q(email__iexact=text)
                matches = list(self.queryset.filter(lookup)[:2])
                person = matches[0] if len(matches) == 1 else None
        if person is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return person
