"""The project's configuration: settings, root URLs and the WSGI entry point."""
