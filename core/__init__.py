"""Mamoru's core: settings, database and models, migrations, the URL-safety rule and the use cases.

Imports nothing of Mamoru's own stages or top layer; everything else imports it.
"""

__version__ = "0.1.0"
