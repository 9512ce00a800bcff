"""What every app's API shares: the base view set, the error shape, pages, ETags.

Nothing here knows an app: the apps' view sets build on these classes, and
``settings.REST_FRAMEWORK`` names them as the defaults.
"""
