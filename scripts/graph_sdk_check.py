"""Microsoft's Graph SDK for Python reads Lobby's API where Graph has the
resource (issue 21, point 5): it invites a customer, lists and filters the
users, reads one, removes it (an admin's token), and reads Lobby's 404 as
Graph's error. Usage: graph_sdk_check.py <base URL> <admin's API token>.
Prints `graph-sdk: N passed, N failed` and exits non-zero on a failure."""

import asyncio
import sys

from kiota_abstractions.api_error import APIError
from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)
from msgraph import GraphServiceClient
from msgraph.generated.models.invitation import Invitation
from msgraph.generated.users.users_request_builder import UsersRequestBuilder
from msgraph.graph_request_adapter import GraphRequestAdapter
from kiota_abstractions.base_request_configuration import RequestConfiguration


class Token(AccessTokenProvider):
    """Lobby's personal API token, for whatever the SDK asks."""

    def __init__(self, token):
        self.token = token

    async def get_authorization_token(self, uri, additional_authentication_context=None):
        return self.token

    def get_allowed_hosts_validator(self):
        return AllowedHostsValidator([])


async def main(base, token):
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(Token(token)))
    adapter.base_url = f"{base}/v1.0"
    graph = GraphServiceClient(request_adapter=adapter)
    results = []

    def check(name, holds):
        results.append(holds)
        print(f"graph-sdk {'ok' if holds else 'FAILED'}: {name}")

    mail = "sdk.reader@customer.example"
    invited = await graph.invitations.post(
        Invitation(
            invited_user_email_address=mail,
            invite_redirect_url="https://lobby.example/",
            invited_user_display_name="SDK Reader",
        )
    )
    check("an invitation is created and read back", invited.invited_user_email_address == mail and invited.status == "PendingAcceptance")

    users = await graph.users.get()
    found = [u for u in users.value if u.mail == mail]
    check("the invited user is listed", len(found) == 1)
    user = found[0] if found else None
    check(
        "as a guest, pending acceptance, created by invitation",
        user is not None
        and user.user_type == "Guest"
        and user.external_user_state == "PendingAcceptance"
        and user.creation_type == "Invitation"
        and user.external_user_state_change_date_time is not None,
    )
    check(
        "with its identity",
        user is not None
        and len(user.identities) == 1
        and user.identities[0].sign_in_type == "emailAddress"
        and user.identities[0].issuer_assigned_id == mail,
    )

    query = UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(
        filter="externalUserState eq 'Accepted'", top=5
    )
    accepted = await graph.users.get(request_configuration=RequestConfiguration(query_parameters=query))
    check("$filter on externalUserState", all(u.mail != mail for u in accepted.value))

    one = await graph.users.by_user_id(user.id).get()
    check("one user by id", one.mail == mail and one.display_name == "SDK Reader")

    await graph.users.by_user_id(user.id).delete()
    try:
        await graph.users.by_user_id(user.id).get()
        check("a removed user is gone", False)
    except APIError as e:
        code = getattr(getattr(e, "error", None), "code", None)
        check("a removed user is gone, as Graph's 404 error", e.response_status_code == 404 and code == "Request_ResourceNotFound")

    passed = sum(results)
    print(f"graph-sdk: {passed} passed, {len(results) - passed} failed")
    return passed == len(results)


if __name__ == "__main__":
    sys.exit(0 if asyncio.run(main(sys.argv[1], sys.argv[2])) else 1)
