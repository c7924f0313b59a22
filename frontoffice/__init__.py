"""The LatePoint front office: settings, root URLs and cross-cutting glue."""
