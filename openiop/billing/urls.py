app_name = "billing"

urlpatterns: list[object] = []
