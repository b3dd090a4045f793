from ninja import Router

router = Router(tags=["surveys"])
public_router = Router(tags=["survey responses (public)"], auth=None)
