from ninja import Router

router = Router(tags=["清单"])
