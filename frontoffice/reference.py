"""Reference data: the agents, services and locations that filters and pickers offer."""

from __future__ import annotations

from dataclasses import dataclass

from latepoint.models import Agent, Location, Service
from upstream.gateway import api


@dataclass(frozen=True)
class ReferenceData:
    agents: list[Agent]
    services: list[Service]
    locations: list[Location]


def reference_data(*, services: bool = True) -> ReferenceData:
    """Agents, services and locations for filters (cached long by `api()`)."""
    client = api()
    return ReferenceData(
        agents=sorted(client.list_agents(), key=lambda a: a.display_name.casefold()),
        services=(
            sorted(client.list_services(), key=lambda s: s.name.casefold()) if services else []
        ),
        locations=sorted(client.list_locations(), key=lambda loc: loc.name.casefold()),
    )
