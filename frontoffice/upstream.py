"""The front office's door to LatePoint: the client built from settings, and a read cache.

INTERFACE CONTRACT (completed in the client work; names are fixed):

- get_client() -> LatePointClient: built from settings (LATEPOINT_API_URL, LATEPOINT_API_KEY,
  LATEPOINT_TIMEOUT), one per process and per distinct settings, its on_call hook feeding
  frontoffice.upstream_metrics.record_call so Server-Timing counts every upstream attempt.
- api() -> CachedLatePoint: the same read methods as the client (list_customers, get_customer,
  list_bookings, get_booking, list_agents, list_services, list_locations), served from
  Django's cache within a TTL per kind (settings.LATEPOINT_CACHE_TTL), and the write methods
  (create_customer, update_customer, delete_customer, update_booking) which call upstream and
  invalidate every cached entry they may have changed (the customer, the booking, lists).
  Views never call these directly: services do.
"""
