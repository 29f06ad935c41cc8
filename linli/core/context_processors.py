from linli.accounts.scoping import scope_for


def linli(request):
    user = getattr(request, "user", None)
    return {"scope": scope_for(user) if user is not None else None}
