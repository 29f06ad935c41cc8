"""The JSON API: one NinjaAPI, one router per domain app (see each app's ``api.py``).

Served at ``/api/``; the interactive documentation is at ``/api/docs`` and the document itself at
``/api/openapi.json`` (committed as ``docs/openapi.json``, checked by ``make schema``).
"""

from ninja import NinjaAPI

from linli.accounts.api import router as accounts_router
from linli.catalog.api import router as catalog_router
from linli.core.api_support import (
    API_AUTH,
    StorableTextParser,
    document_plumbing_statuses,
    install_error_handlers,
)
from linli.core.db import install_api_handler
from linli.demands.api import router as demands_router
from linli.dispatch.api import router as dispatch_router
from linli.ledger.api import router as ledger_router
from linli.notifications.api import router as notifications_router
from linli.people.api import router as people_router
from linli.records.api import router as records_router
from linli.regions.api import router as regions_router
from linli.shop.api import router as shop_router
from linli.supply.api import router as supply_router

api = NinjaAPI(
    title="Linli API",
    version="1",
    description=(
        "Linli 邻里 community service platform. Every list is scoped to the caller's region: an object "
        "outside it answers 404, exactly like one that does not exist.\n\n"
        "Authenticate with `Authorization: Bearer ll_…` (create a token with `linli token create`) or "
        "with the session of a logged-in browser (unsafe methods then need the CSRF token).\n\n"
        "Errors answer `{\"code\", \"message\", \"field\"?}` with a stable `code`; malformed input answers "
        "422 `{\"code\": \"invalid_input\", \"message\", \"errors\": [{\"field\", \"message\"}]}` (also a malformed path id "
        "or an integer out of its documented bounds); a body that is not JSON answers 400 `bad_request`; a "
        "transient database fault 503 `try_again` with `Retry-After`. Messages follow "
        "`Accept-Language` (zh-hans by default, en)."
    ),
    urls_namespace="api",
    auth=API_AUTH,
    parser=StorableTextParser(),
)
install_error_handlers(api)
install_api_handler(api)  # a deadlock or dropped connection answers 503 + Retry-After

api.add_router("", accounts_router)
api.add_router("", regions_router)
api.add_router("", people_router)
api.add_router("", supply_router)
api.add_router("", catalog_router)
api.add_router("", demands_router)
api.add_router("", dispatch_router)
api.add_router("", ledger_router)
api.add_router("", records_router)
api.add_router("", shop_router)
api.add_router("", notifications_router)
document_plumbing_statuses(api)  # after the last router: 401, 403, 422, 400, 503 where they apply
