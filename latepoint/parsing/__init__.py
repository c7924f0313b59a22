"""Turn LatePoint JSON (every documented dialect) into the typed models.

Required values (an object's id) must be readable, or the whole payload is a BadResponse;
optional values that cannot be read become None (see `latepoint.fields`). The envelope around
a payload (`data`, errors, paging) is read by `latepoint.envelope`.

Split by what is parsed: `customers`, `bookings`, `payments` (orders, invoices and
payments), and `reference` (agents, services, locations, the API's status, and
availability). Callers import from here: `from latepoint import parsing`, then
`parsing.parse_booking(...)`.
"""

from latepoint.parsing.bookings import (
    booking_status,
    parse_booking,
    parse_service_extra,
    parse_transaction,
)
from latepoint.parsing.customers import (
    customer_status,
    parse_address,
    parse_customer,
    parse_favorite,
    parse_stats,
)
from latepoint.parsing.payments import (
    parse_invoice,
    parse_list,
    parse_order,
    parse_payment,
    payment_status,
    require_order,
)
from latepoint.parsing.reference import (
    parse_agent,
    parse_available_agents,
    parse_location,
    parse_service,
    parse_slots,
    parse_status,
)

__all__ = [
    "booking_status",
    "customer_status",
    "parse_address",
    "parse_agent",
    "parse_available_agents",
    "parse_booking",
    "parse_customer",
    "parse_favorite",
    "parse_invoice",
    "parse_list",
    "parse_location",
    "parse_order",
    "parse_payment",
    "parse_service",
    "parse_service_extra",
    "parse_slots",
    "parse_stats",
    "parse_status",
    "parse_transaction",
    "payment_status",
    "require_order",
]
