"""A stand-in for the Azure CLI (Azure itself is the one thing tests may fake): records every call.

Installed as `az` on PATH by tests/deploy/test_provision_identity.py. Each call is appended as a
JSON list to $FAKE_AZ_LOG; what exists lives in $FAKE_AZ_STATE (JSON), so a second run of a script
sees what the first one created. `show` of a missing resource exits 3, like the real CLI.
Answers are the few values scripts/deploy/provision.sh asks for; `keys list` answers a canary key
so that a test can prove no key is ever read or printed.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

CANARY_KEY = "CANARYACCOUNTKEY0000000000000000000000000000000000000000000000000000000000000000000000=="
SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
IDENTITY = {
    "id": f"{SUB}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-app",
    "clientId": "6b2c1f4e-93a8-4d0b-8f3e-2d5a9c7e1b40",
    "principalId": "0f6e2b1a-5c4d-4e3f-8a9b-7c6d5e4f3a2b",
}
FUNCTIONAPP_ID = f"{SUB}/providers/Microsoft.Web/sites/app"
STORAGE_ID = f"{SUB}/providers/Microsoft.Storage/storageAccounts/sttweets"
APPINSIGHTS_ID = f"{SUB}/providers/microsoft.insights/components/appi"
APPINSIGHTS_CONNECTION = (
    "InstrumentationKey=00000000-0000-0000-0000-000000000000;"
    "IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/"
)


def option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1] if name in args else ""


def values_after(args: list[str], name: str) -> list[str]:
    """Every value of a nargs='+' option: up to the next --option."""
    if name not in args:
        return []
    rest = args[args.index(name) + 1 :]
    end = next((i for i, arg in enumerate(rest) if arg.startswith("--")), len(rest))
    return rest[:end]


def main(args: list[str]) -> int:
    state_path = Path(os.environ["FAKE_AZ_STATE"])
    state = json.loads(state_path.read_text()) if state_path.exists() else {"exists": [], "roles": [], "settings": {}}
    with open(os.environ["FAKE_AZ_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps(args) + "\n")
    words = [arg for arg in args if not arg.startswith("-")][:4]
    command = " ".join(words)
    query = option(args, "--query")
    answer, code = "", 0

    kinds = {
        "identity": "identity",
        "storage account": "storage",
        "monitor log-analytics": "workspace",
        "monitor app-insights": "appinsights",
        "functionapp show": "functionapp",
        "functionapp create": "functionapp",
    }
    kind = next((value for prefix, value in kinds.items() if command.startswith(prefix)), None)

    if command.startswith("storage account keys") or "show-connection-string" in args:
        answer = CANARY_KEY
    elif kind and " show" in f" {command}" and "show" in words:
        if kind not in state["exists"]:
            code = 3
        elif kind == "identity":
            answer = IDENTITY.get(query, "")
        elif kind == "storage":
            answer = STORAGE_ID
        elif kind == "workspace":
            answer = f"{SUB}/providers/Microsoft.OperationalInsights/workspaces/log"
        elif kind == "appinsights":
            answer = {"id": APPINSIGHTS_ID, "connectionString": APPINSIGHTS_CONNECTION}.get(query, "")
        elif kind == "functionapp" and query == "defaultHostName":
            answer = "app.azurewebsites.net"
        elif kind == "functionapp" and query == "id":
            answer = FUNCTIONAPP_ID
    elif kind and "create" in words:
        state["exists"].append(kind)
        if kind == "functionapp":
            # What the real CLI does (appservice/custom.py): a key-based host storage setting.
            state["settings"]["AzureWebJobsStorage"] = f"DefaultEndpointsProtocol=https;AccountKey={CANARY_KEY}"
    elif command.startswith("role assignment list"):
        wanted = [option(args, "--assignee-object-id"), option(args, "--role"), option(args, "--scope")]
        answer = str(sum(role == wanted for role in state["roles"]))
    elif command.startswith("role assignment create"):
        state["roles"].append([option(args, "--assignee-object-id"), option(args, "--role"), option(args, "--scope")])
    elif command.startswith("functionapp config appsettings list"):
        stale = ("AzureWebJobsStorage", "DEPLOYMENT_STORAGE_CONNECTION_STRING", "FEEDBACK_STORAGE_CONNECTION_STRING")
        answer = "\n".join(name for name in state["settings"] if name in stale)
    elif command.startswith("functionapp config appsettings delete"):
        for name in values_after(args, "--setting-names"):
            state["settings"].pop(name, None)
    elif command.startswith("functionapp config appsettings set"):
        for pair in values_after(args, "--settings"):
            name, _, value = pair.partition("=")
            state["settings"][name] = value

    state_path.write_text(json.dumps(state))
    if answer:
        print(answer)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
