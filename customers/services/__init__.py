"""Customer business rules, one module per concern; views import from here."""

from customers.services.duplicates import *  # noqa: F403
from customers.services.editing import *  # noqa: F403
from customers.services.listing import *  # noqa: F403
from customers.services.outcomes import *  # noqa: F403
from customers.services.profile import *  # noqa: F403
from customers.services.saving import *  # noqa: F403
