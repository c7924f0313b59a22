"""How each of the client's reads is cached: one table (READS), and the cached method made
from it for the gateway (`cached()`), so the gateway never re-declares the client's
signatures."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from latepoint.client import LatePointClient
from upstream.read_cache import _id


@dataclass(frozen=True)
class ReadPolicy:
    """How one of the client's reads is cached: its TTL kind (settings.LATEPOINT_CACHE_TTL),
    the generations its entry depends on (a write bumps them), and its key's arguments."""

    kind: str | Callable[[dict[str, Any]], str]
    depends: Callable[[dict[str, Any]], tuple[str, ...]]
    key: Callable[[dict[str, Any]], dict[str, Any]] = dict

    def kind_for(self, arguments: dict[str, Any]) -> str:
        return self.kind(arguments) if callable(self.kind) else self.kind


def _bookings_kind(arguments: dict[str, Any]) -> str:
    # Bookings of days gone by rarely change: such pages stay fresh for hours (a write through
    # the front office still refreshes them at once).
    date_to = arguments.get("date_to")
    past = isinstance(date_to, date) and date_to < timezone.localdate()
    return "booking_history" if past else "booking_list"


def _payments_kind(arguments: dict[str, Any]) -> str:
    # A day's payments are dated when taken: once the day is over, they change only by an
    # edit made through the front office (which refreshes them at once).
    date_to = arguments.get("date_to")
    past = isinstance(date_to, date) and date_to < timezone.localdate()
    return "payment_history" if past else "payment_list"


def _ids(*names: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A key with these id arguments written one way ("45" for 45)."""
    return lambda arguments: {**arguments, **{name: _id(arguments[name]) for name in names}}


def _customer_key(arguments: dict[str, Any]) -> dict[str, Any]:
    include = arguments["include"]
    include = (include,) if isinstance(include, str) else tuple(include)
    return {**arguments, "customer_id": _id(arguments["customer_id"]), "include": include}


def _availability_key(arguments: dict[str, Any]) -> dict[str, Any]:
    return {
        **arguments,
        "service_id": _id(arguments["service_id"]),
        "agent_id": _id(arguments["agent_id"]),
    }


def _same(*names: str) -> Callable[[dict[str, Any]], tuple[str, ...]]:
    return lambda _arguments: names


#: Every cached read of the client: the one table that says how each is kept.
READS: dict[str, ReadPolicy] = {
    "list_customers": ReadPolicy("customer_list", _same("customers")),
    "get_customer": ReadPolicy(
        "customer", lambda a: (f"customer:{a['customer_id']}",), key=_customer_key
    ),
    "list_bookings": ReadPolicy(_bookings_kind, _same("bookings")),
    # Free times: kept a few seconds, and refreshed at once by any booking write.
    "get_availability": ReadPolicy("availability", _same("bookings"), key=_availability_key),
    "find_available_agents": ReadPolicy("availability", _same("bookings")),
    "list_agents": ReadPolicy("reference", _same("reference")),
    "list_services": ReadPolicy("reference", _same("reference")),
    "list_locations": ReadPolicy("reference", _same("reference")),
    # Payments and orders: every payment or order write through the gateway bumps
    # "payments", "orders" and the order's own generation (upstream.money_gateway).
    "list_payments": ReadPolicy(_payments_kind, _same("payments")),
    "get_payment": ReadPolicy(
        "payment", lambda a: ("payments", f"payment:{a['payment_id']}"), key=_ids("payment_id")
    ),
    "list_orders": ReadPolicy("order_list", _same("orders")),
    "get_order": ReadPolicy("order", lambda a: (f"order:{a['order_id']}",), key=_ids("order_id")),
    "list_order_transactions": ReadPolicy(
        "order", lambda a: (f"order:{a['order_id']}", "payments"), key=_ids("order_id")
    ),
}


def cached(name: str):
    """The client's read `name`, served through the read cache by its policy in READS: same
    arguments as the client's (bound to its signature, so the key is the same however they
    are passed), plus `fresh=True` to skip the cached copy (before a write, say)."""
    policy = READS[name]
    method = getattr(LatePointClient, name)
    signature = inspect.signature(method)

    def read(self, *args: Any, fresh: bool = False, **kwargs: Any) -> Any:
        bound = signature.bind(self.client, *args, **kwargs)
        bound.apply_defaults()
        arguments = policy.key({k: v for k, v in bound.arguments.items() if k != "self"})
        return self._read(
            name,
            policy.kind_for(arguments),
            policy.depends(arguments),
            arguments,
            lambda: method(self.client, *args, **kwargs),
            fresh=fresh,
        )

    read.__name__ = read.__qualname__ = name
    read.__doc__ = method.__doc__
    return read


def held(name: str):
    """The client's read `name` as the read cache holds it fresh, or None: never a call (a
    walk reads the pages already held in the request's own thread, and only the rest in
    parallel)."""
    policy = READS[name]
    signature = inspect.signature(getattr(LatePointClient, name))

    def peek(self, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self.client, *args, **kwargs)
        bound.apply_defaults()
        arguments = policy.key({k: v for k, v in bound.arguments.items() if k != "self"})
        entry = self._entry(name, self._key(name, arguments))
        return entry.value if self._is_fresh(entry, self._ttl(policy.kind_for(arguments))) else None

    peek.__name__ = peek.__qualname__ = f"held_{name}"
    return peek
