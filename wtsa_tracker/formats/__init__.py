"""How the site writes and reads dates (``FORMAT_MODULE_PATH``): one way for every page,
the admin, e-mails and files alike, "5 December 2026" and ISO dates to type."""
