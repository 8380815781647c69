from .menu import menu_for


def center_menu(request):
    """The 用户中心 left menu, built only when a template uses it."""
    if not request.user.is_authenticated:
        return {}
    return {"center_menu": lambda: menu_for(request.user, request.path)}
